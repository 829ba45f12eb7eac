"""Resources: the external services ops use (databases, clients), bound per job.

A :class:`ResourceDefinition` builds a resource value from an init context
once per run; a generator resource yields the value and cleans up after the
``yield`` when the run ends. Jobs bind resource keys to definitions, so the
same graph runs against production or local services.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar, overload

from ..config.schema import as_field
from ..errors import InvalidDefinitionError
from ._util import check_name

__all__ = [
    "ResourceDefinition",
    "ResourceDependency",
    "ResourceParam",
    "decorate_resource_fn",
    "find_resource_cycle",
    "is_resource_annotation",
    "resource",
    "resource_defs_from",
]


class _ResourceMarker:
    """Annotated metadata saying: this parameter (or field) is a resource, not data."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<resource>"


_RESOURCE = _ResourceMarker()


class ResourceParam:
    """``ResourceParam[T]``: an op parameter that receives the resource of the same key.

    For resources that are not resource classes (``def my_op(client:
    ResourceParam[Client])``); a parameter annotated with a
    ``ConfigurableResource`` subclass needs no wrapper.
    """

    def __class_getitem__(cls, item: Any) -> Any:
        return Annotated[item, _RESOURCE]


class ResourceDependency(ResourceParam):
    """``ResourceDependency[T]``: a field of a resource class holding another resource."""


def is_resource_annotation(annotation: Any, metadata: Iterable[Any] = ()) -> bool:
    """Whether a parameter or field annotated so receives a resource rather than a value."""
    if getattr(annotation, "__dagwright_resource__", False) and isinstance(annotation, type):
        return True
    if typing.get_origin(annotation) is Annotated:
        metadata = [*metadata, *annotation.__metadata__]
    return any(m is _RESOURCE for m in metadata)


class ResourceDefinition:
    """Builds one resource for a run: ``resource_fn(init_context)`` returns (or yields) it."""

    __slots__ = (
        "_hardcoded",
        "keeps_outputs_in_memory",
        "config_schema",
        "description",
        "required_resource_keys",
        "resource_fn",
        "version",
        "config_field",
    )

    def __init__(
        self,
        resource_fn: Callable[..., Any],
        config_schema: Any = None,
        description: str | None = None,
        required_resource_keys: Iterable[str] | None = None,
        version: str | None = None,
    ) -> None:
        if not callable(resource_fn):
            raise InvalidDefinitionError(
                f"resource_fn must be a function, got {type(resource_fn).__name__}.",
                where="ResourceDefinition",
            )
        if isinstance(required_resource_keys, str):
            raise InvalidDefinitionError(
                f"required_resource_keys must be a set of keys, got {required_resource_keys!r}.",
                where="ResourceDefinition",
                fix=f"write required_resource_keys={{{required_resource_keys!r}}}.",
            )
        self.resource_fn = resource_fn
        self.config_schema = config_schema
        self.config_field = as_field(config_schema, "resource")
        self.description = description
        self.required_resource_keys = frozenset(
            check_name(k, "resource key") for k in required_resource_keys or ()
        )
        self.version = version
        self._hardcoded = False
        # An IO manager whose outputs live only in the process that made them.
        self.keeps_outputs_in_memory = False

    @property
    def is_hardcoded(self) -> bool:
        """Whether this definition just hands out a value given up front."""
        return self._hardcoded

    @staticmethod
    def hardcoded_resource(value: Any, description: str | None = None) -> ResourceDefinition:
        """A resource that is always ``value``."""
        definition = ResourceDefinition(lambda _init_context: value, description=description)
        definition._hardcoded = True
        definition.keeps_outputs_in_memory = getattr(value, "keeps_outputs_in_memory", False)
        return definition

    @staticmethod
    def mock_resource(description: str | None = None) -> ResourceDefinition:
        """A resource that is a fresh ``unittest.mock.MagicMock`` per run (records every call)."""

        def make_mock(_init_context: Any) -> Any:
            from unittest import mock

            return mock.MagicMock()

        return ResourceDefinition(make_mock, description=description)

    @staticmethod
    def none_resource(description: str | None = None) -> ResourceDefinition:
        """A resource that is ``None``."""
        return ResourceDefinition.hardcoded_resource(None, description)

    @staticmethod
    def string_resource(description: str | None = None) -> ResourceDefinition:
        """A resource that is the string given as its config."""
        return ResourceDefinition(
            lambda init_context: init_context.resource_config,
            config_schema=str,
            description=description,
        )

    def __repr__(self) -> str:
        return f"ResourceDefinition({getattr(self.resource_fn, '__name__', '?')})"


@overload
def resource(resource_fn: Callable[..., Any]) -> ResourceDefinition: ...
@overload
def resource(
    resource_fn: None = None,
    *,
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> Callable[[Callable[..., Any]], ResourceDefinition]: ...
def resource(
    resource_fn: Callable[..., Any] | None = None,
    *,
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> ResourceDefinition | Callable[[Callable[..., Any]], ResourceDefinition]:
    """Turn a function of an init context into a resource definition."""
    return decorate_resource_fn(
        ResourceDefinition,
        resource_fn,
        config_schema=config_schema,
        description=description,
        required_resource_keys=required_resource_keys,
        version=version,
    )


D = TypeVar("D", bound=ResourceDefinition)


def decorate_resource_fn(
    definition_class: type[D],
    fn: Callable[..., Any] | None,
    *,
    config_schema: Any,
    description: str | None,
    required_resource_keys: Iterable[str] | None,
    version: str | None,
) -> D | Callable[[Callable[..., Any]], D]:
    """What ``@resource`` and ``@io_manager`` do, bare or with arguments."""

    def build(function: Callable[..., Any]) -> D:
        return definition_class(
            function,
            config_schema=config_schema,
            description=description if description is not None else function.__doc__,
            required_resource_keys=required_resource_keys,
            version=version,
        )

    return build(fn) if fn is not None else build


def _is_resource_class(cls: type) -> bool:
    """Whether ``cls`` is a class whose instances are resources (a likely missing call)."""
    return bool(getattr(cls, "__dagwright_resource__", False)) or callable(
        getattr(cls, "load_input", None)
    )


def resource_defs_from(
    values: Mapping[str, Any] | None, where: str
) -> dict[str, ResourceDefinition]:
    """Resource definitions for a job: definitions kept, plain objects wrapped as hardcoded."""
    result: dict[str, ResourceDefinition] = {}
    if values is None:
        return result
    if not isinstance(values, Mapping):
        raise InvalidDefinitionError(
            f"resource_defs must be a dict of key to resource, got {type(values).__name__}.",
            where=where,
            fix="write resource_defs={'key': my_resource}.",
        )
    bound = {id(value): key for key, value in values.items()}
    for key, value in values.items():
        check_name(key, "resource key", where)
        if isinstance(value, type) and _is_resource_class(value):
            raise InvalidDefinitionError(
                f"resource '{key}' is the class {value.__name__}, not an instance of it.",
                where=where,
                fix=f"bind an instance: {{'{key}': {value.__name__}(...)}}.",
            )
        if isinstance(value, ResourceDefinition):
            result[key] = value
        elif getattr(value, "__dagwright_resource__", False) and not isinstance(value, type):
            # A resource class instance (or a partial one): its own definition.
            result[key] = value._as_resource_definition(bound)
        else:
            result[key] = ResourceDefinition.hardcoded_resource(value)
    return result


def find_resource_cycle(defs: Mapping[str, ResourceDefinition]) -> list[str] | None:
    """A cycle among ``defs``' required resource keys (``['a', 'b', 'a']``), or None.

    A resource requiring itself is the cycle ``['a', 'a']``. Keys that no
    definition provides are not followed (that is another error).
    """
    done: set[str] = set()
    for start in sorted(defs):
        if start in done:
            continue
        # Depth-first, with an explicit stack: (key, its dependencies still to visit).
        path: list[str] = [start]
        on_path = {start}
        stack = [iter(sorted(defs[start].required_resource_keys))]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
            elif following in on_path:
                return [*path[path.index(following) :], following]
            elif following in defs and following not in done:
                path.append(following)
                on_path.add(following)
                stack.append(iter(sorted(defs[following].required_resource_keys)))
    return None
