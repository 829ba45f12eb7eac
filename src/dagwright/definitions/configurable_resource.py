"""Resources written as classes: typed config fields, lifecycle methods, nesting.

::

    class Warehouse(ConfigurableResource):
        url: str
        password: str = EnvVar("WAREHOUSE_PASSWORD")

        def query(self, sql: str) -> list[tuple]: ...

    @op
    def load(warehouse: Warehouse): ...

    @job(resource_defs={"warehouse": Warehouse(url="postgres://...")})
    def nightly(): load()

The fields are the resource's config schema; the values given when the
instance is made are its defaults, so run config (``resources.<key>.config``)
may still override them, and ``Warehouse.configure_at_launch()`` leaves them
all to the launch. When a run starts, the resource is rebuilt from its
resolved config (environment variables read), ``setup_for_execution`` runs,
and ``teardown_after_execution`` runs when the run ends. A field annotated
with another resource class (or ``ResourceDependency[T]``) is a nested
resource: shared with the job's binding when the same object is bound at
top level, set up and torn down with its parent otherwise.

This module imports pydantic (through pythonic config), so it is loaded
when ``dagwright.ConfigurableResource`` is first read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, ClassVar, Generic, TypeVar

from .._sentinel import NO_VALUE
from ..config.pythonic import Config, explicit_config
from ..config.run_config import to_config_value
from ..config.types import Field
from ..config.validate import validate_field
from ..errors import InvalidDefinitionError, RunConfigError
from .io_manager import IOManager
from .resources import ResourceDefinition, is_resource_annotation

__all__ = [
    "ConfigurableIOManager",
    "ConfigurableIOManagerFactory",
    "ConfigurableResource",
    "ConfigurableResourceFactory",
    "PartialResource",
]

T = TypeVar("T")

# Set while a run rebuilds a resource from its resolved config and built nested resources.
_REBUILDING: ContextVar[bool] = ContextVar("dagwright_rebuilding_resource", default=False)


class ConfigurableResourceFactory(Config, Generic[T]):
    """A resource whose config is its typed fields and whose value is ``create_resource()``.

    Subclass it to keep config in one object and hand ops another (a client
    from a third-party library, say); ops ask for it with ``ResourceParam[T]``.
    """

    __dagwright_resource__: ClassVar[bool] = True
    # Fields holding other resources (not config): name -> declared resource class, or
    # None for ResourceDependency[T]. Filled for each subclass.
    _nested_types: ClassVar[dict[str, type | None]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        found = dict(cls._nested_types)  # inherited ones
        for name, info in cls.model_fields.items():
            if name not in found and is_resource_annotation(info.annotation, info.metadata):
                declared = info.annotation
                if isinstance(declared, type) and hasattr(declared, "_nested_types"):
                    found[name] = declared
                else:
                    found[name] = None  # ResourceDependency[T]: any value will do
        loose = [n for n in found if cls.model_fields[n].annotation is not Any]
        for name in loose:
            # pydantic must not check these: a nested value may be a partial resource
            # or a ResourceDefinition. _check_nested checks them instead.
            cls.model_fields[name].annotation = Any
            cls.model_fields[name].metadata = []
        cls._nested_types = found
        if loose:
            cls.model_rebuild(force=True)

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        if not _REBUILDING.get():
            _check_nested(self)

    @classmethod
    def config_fields(cls) -> list[str]:
        """The fields that are config; the others hold nested resources."""
        return [name for name in cls.model_fields if name not in cls._nested_types]

    @classmethod
    def configure_at_launch(cls, **defaults: Any) -> PartialResource:
        """This resource with its config (beyond ``defaults``) given in run config at launch."""
        return PartialResource(cls, defaults)

    @classmethod
    def from_resource_context(cls, context: Any) -> Any:
        """An instance from an init context's config (for use inside an ``@resource``)."""
        return cls(**(context.resource_config or {}))

    def create_resource(self, context: Any) -> T:
        """The value ops receive for this resource (a subclass defines it)."""
        raise _no_create_resource(type(self))

    def setup_for_execution(self, context: Any) -> None:
        """Called once per run before any op uses the resource (override to open connections)."""

    def teardown_after_execution(self, context: Any) -> None:
        """Called once per run when it ends, whatever happened (override to close things)."""

    @contextlib.contextmanager
    def yield_for_execution(self, context: Any) -> Iterator[T]:
        """Set up, hand out ``create_resource()``, tear down: override for full control."""
        self.setup_for_execution(context)
        try:
            yield self.create_resource(context)
        finally:
            self.teardown_after_execution(context)

    def _as_resource_definition(self, bound: Mapping[int, str]) -> ResourceDefinition:
        nested = {name: getattr(self, name) for name in type(self)._nested_types}
        return _definition(type(self), explicit_config(self), nested, bound)


class ConfigurableResource(ConfigurableResourceFactory[Any]):
    """A resource written as a class: its fields are its config, ops receive the instance.

    Give values when binding it (``resource_defs={"db": MyDB(url=...)}``);
    ops ask for it by parameter (``def my_op(db: MyDB)``) or through
    ``context.resources.db``.
    """

    def create_resource(self, context: Any) -> Any:
        return self


class PartialResource:
    """A resource class whose config is (partly) left to run config at launch."""

    __slots__ = ("defaults", "resource_class")

    __dagwright_resource__ = True

    def __init__(self, resource_class: type[ConfigurableResourceFactory[Any]], defaults: Any):
        self.resource_class = resource_class
        self.defaults = dict(defaults)
        where = f"resource class '{resource_class.__name__}'"
        known = [*resource_class.config_fields(), *resource_class._nested_types]
        unknown = sorted(k for k in self.defaults if k not in known)
        if unknown:
            raise InvalidDefinitionError(
                f"configure_at_launch() got the unknown field '{unknown[0]}'.",
                where=where,
                fix=f"use its fields: {', '.join(known) or '(none)'}.",
            )
        for name in resource_class._nested_types:
            if name not in self.defaults and resource_class.model_fields[name].is_required():
                raise InvalidDefinitionError(
                    f"its nested resource '{name}' was not given; run config cannot give it.",
                    where=where,
                    fix=f"pass it: {resource_class.__name__}.configure_at_launch({name}=...).",
                )

    def _as_resource_definition(self, bound: Mapping[int, str]) -> ResourceDefinition:
        nested_names = self.resource_class._nested_types
        given = {
            name: to_config_value(value)
            for name, value in self.defaults.items()
            if name not in nested_names
        }
        nested = {name: v for name, v in self.defaults.items() if name in nested_names}
        return _definition(self.resource_class, given, nested, bound)

    def __repr__(self) -> str:
        return f"{self.resource_class.__name__}.configure_at_launch()"


def _check_nested(resource: ConfigurableResourceFactory[Any]) -> None:
    cls = type(resource)
    for name, declared in cls._nested_types.items():
        value = getattr(resource, name)
        given = value.resource_class if isinstance(value, PartialResource) else type(value)
        if declared is not None and not issubclass(given, declared):
            raise InvalidDefinitionError(
                f"field '{name}' holds a {given.__name__}, but is declared as {declared.__name__}.",
                where=f"resource class '{cls.__name__}'",
                fix=f"give a {declared.__name__} instance (or its configure_at_launch()).",
            )


def _no_create_resource(cls: type) -> InvalidDefinitionError:
    return InvalidDefinitionError(
        "it subclasses ConfigurableResourceFactory but does not define create_resource.",
        where=f"resource class '{cls.__name__}'",
        fix="define create_resource(self, context) returning the value ops receive, or "
        "subclass ConfigurableResource to hand out the instance itself.",
    )


def _definition(
    cls: type[ConfigurableResourceFactory[Any]],
    given: Mapping[str, Any],
    nested: Mapping[str, Any],
    bound: Mapping[int, str],
) -> ResourceDefinition:
    """The ResourceDefinition a job binds: ``given`` become the schema's defaults."""
    if cls.create_resource is ConfigurableResourceFactory.create_resource:
        raise _no_create_resource(cls)
    if getattr(cls, "create_io_manager", None) is ConfigurableIOManagerFactory.create_io_manager:
        raise _no_create_io_manager(cls)
    schema = cls.config_type()
    fields = {
        name: Field(field.config_type, default_value=given[name], description=field.description)
        if name in given
        else field
        for name, field in schema.fields.items()
    }
    shared: dict[str, str] = {}
    private: dict[str, Any] = {}
    for name, value in nested.items():
        key = bound.get(id(value))
        if key is not None:
            shared[name] = key
        elif isinstance(value, PartialResource):
            raise InvalidDefinitionError(
                f"its nested resource '{name}' is configured at launch, but it is not bound to "
                "a resource key, so run config cannot reach it.",
                where=f"resource class '{cls.__name__}'",
                fix=f"bind the same object at top level too (resource_defs={{'{name}': ...}}).",
            )
        else:
            private[name] = value

    def init(context: Any) -> Generator[Any, None, None]:
        with contextlib.ExitStack() as stack:
            values = {name: getattr(context.resources, key) for name, key in shared.items()}
            for name, value in private.items():
                values[name] = _open_private(value, context, stack, f"{cls.__name__}.{name}")
            # Nested values are now what their resources hand out (a factory's product),
            # not the resource objects the fields were declared with.
            token = _REBUILDING.set(True)
            try:
                instance = cls(**(context.resource_config or {}), **values)
            finally:
                _REBUILDING.reset(token)
            yield stack.enter_context(instance.yield_for_execution(context))

    return ResourceDefinition(
        init,
        config_schema=type(schema)(fields, schema.description),
        description=cls.__doc__,
        required_resource_keys=set(shared.values()),
    )


def _open_private(value: Any, parent: Any, stack: contextlib.ExitStack, label: str) -> Any:
    """Build a nested resource no job key binds: its config is its own defaults."""
    if getattr(value, "_as_resource_definition", None) is not None:
        definition = value._as_resource_definition({})
    elif isinstance(value, ResourceDefinition):
        definition = value
    else:
        return value
    config, problems = validate_field(definition.config_field, NO_VALUE, label)
    if problems:
        raise RunConfigError(problems=problems, subject=f"The config of nested resource {label}")
    context = type(parent)(
        config, type(parent.resources)({}), parent.log, parent.run_id, definition, parent.instance
    )
    built = definition.resource_fn(context)
    if isinstance(built, Generator):
        built_value = next(built)
        stack.callback(_finish, built)
        return built_value
    return built


def _finish(generator: Generator[Any, None, None]) -> None:
    for _ in generator:
        raise RuntimeError("a nested resource yielded more than once; a resource yields once")


class ConfigurableIOManagerFactory(ConfigurableResourceFactory[T]):
    """An IO manager's config as a class; ``create_io_manager(context)`` builds the manager."""

    def create_io_manager(self, context: Any) -> T:
        """The IO manager the run uses (a subclass defines it)."""
        raise _no_create_io_manager(type(self))

    def create_resource(self, context: Any) -> T:
        return self.create_io_manager(context)


class ConfigurableIOManager(ConfigurableResource, IOManager):
    """An IO manager written as a class: its fields are its config, the instance is the manager.

    Define ``handle_output(self, context, obj)`` and ``load_input(self, context)``.
    """


def _no_create_io_manager(cls: type) -> InvalidDefinitionError:
    return InvalidDefinitionError(
        "it subclasses ConfigurableIOManagerFactory but does not define create_io_manager.",
        where=f"IO manager class '{cls.__name__}'",
        fix="define create_io_manager(self, context) returning an IOManager, or subclass "
        "ConfigurableIOManager to make the class the manager itself.",
    )
