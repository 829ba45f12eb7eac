"""The common ground of ops and graphs: named inputs and outputs, and how a call is read.

Calling a node definition inside a ``@graph``/``@job`` body records an
invocation (see :mod:`.composition`); calling an op anywhere else runs it
(a unit test). ``.alias``, ``.tag``, ``.with_hooks`` and
``.with_retry_policy`` return a :class:`PendingNodeInvocation` that carries
those settings to the next call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from ..errors import InvalidDefinitionError, InvalidInvocationError
from . import composition
from ._util import check_name
from .hooks import HookDefinition, check_hooks
from .inputs import In, InputDefinition
from .outputs import Out, OutputDefinition
from .retry import RetryPolicy
from .tags import normalize_tags

__all__ = ["NodeDefinition", "PendingNodeInvocation"]


class NodeDefinition:
    """Base class of :class:`OpDefinition` and :class:`GraphDefinition`."""

    is_graph = False
    kind = "node"

    def __init__(
        self,
        *,
        name: str,
        input_defs: Sequence[InputDefinition],
        output_defs: Sequence[OutputDefinition],
        description: str | None,
        tags: Mapping[str, Any] | None,
    ) -> None:
        self._name = check_name(name, self.kind)
        where = f"{self.kind} '{name}'"
        self._description = description
        self._tags = normalize_tags(tags, where)
        self._input_defs = tuple(input_defs)
        self._output_defs = tuple(output_defs)
        self._input_dict = MappingProxyType({d.name: d for d in self._input_defs})
        self._output_dict = MappingProxyType({d.name: d for d in self._output_defs})
        for label, defs, table in (
            ("input", self._input_defs, self._input_dict),
            ("output", self._output_defs, self._output_dict),
        ):
            if len(table) != len(defs):
                dup = _first_duplicate(d.name for d in defs)
                raise InvalidDefinitionError(
                    f"two {label}s are named '{dup}'.", where=where, fix=f"rename one {label}."
                )
        self._positional = tuple(d.name for d in self._input_defs)
        self._namedtuple: type | None = None

    # -- what it is ------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def tags(self) -> Mapping[str, str]:
        """Tags of the definition (values are strings; see docs/jobs.md for the rules)."""
        return self._tags

    @property
    def input_defs(self) -> tuple[InputDefinition, ...]:
        return self._input_defs

    @property
    def output_defs(self) -> tuple[OutputDefinition, ...]:
        return self._output_defs

    @property
    def input_dict(self) -> Mapping[str, InputDefinition]:
        return self._input_dict

    @property
    def output_dict(self) -> Mapping[str, OutputDefinition]:
        return self._output_dict

    @property
    def ins(self) -> Mapping[str, In]:
        return {d.name: d.to_in() for d in self._input_defs}

    @property
    def outs(self) -> Mapping[str, Out]:
        return {d.name: d.to_out() for d in self._output_defs}

    def has_input(self, name: str) -> bool:
        return name in self._input_dict

    def has_output(self, name: str) -> bool:
        return name in self._output_dict

    def input_def_named(self, name: str) -> InputDefinition:
        return self._input_dict[name]

    def output_def_named(self, name: str) -> OutputDefinition:
        return self._output_dict[name]

    @property
    def positional_inputs(self) -> tuple[str, ...]:
        """Input names in the order positional arguments bind to them."""
        return self._positional

    def outputs_namedtuple(self) -> type:
        """The namedtuple type returned when a multi-output node is invoked in a graph body."""
        if self._namedtuple is None:
            from collections import namedtuple

            self._namedtuple = namedtuple(  # type: ignore[misc]
                f"{self._name}_outputs", [d.name for d in self._output_defs], rename=False
            )
        return self._namedtuple

    # -- how it is used --------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        comp = composition.current()
        if comp is not None:
            return comp.invoke(PendingNodeInvocation(self), args, kwargs)
        return self._invoke_directly(args, kwargs)

    def _invoke_directly(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        raise InvalidDefinitionError(
            f"{self.kind} '{self._name}' was called outside of a @graph or @job body.",
            fix="call it inside a function decorated with @graph or @job, or run it with "
            ".execute_in_process().",
        )

    def alias(self, name: str) -> PendingNodeInvocation:
        """Use this definition under another node name at the next call."""
        return PendingNodeInvocation(self).alias(name)

    def tag(self, tags: Mapping[str, Any] | None) -> PendingNodeInvocation:
        """Add tags to the node made by the next call."""
        return PendingNodeInvocation(self).tag(tags)

    def with_hooks(self, hook_defs: Any) -> PendingNodeInvocation:
        """Attach hooks to the node made by the next call."""
        return PendingNodeInvocation(self).with_hooks(hook_defs)

    def with_retry_policy(self, retry_policy: RetryPolicy) -> PendingNodeInvocation:
        """Give the node made by the next call this retry policy."""
        return PendingNodeInvocation(self).with_retry_policy(retry_policy)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._name!r}>"


def _first_duplicate(names: Iterable[str]) -> str:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return ""


class PendingNodeInvocation:
    """A node definition with an alias, tags, hooks or a retry policy, waiting to be called."""

    __slots__ = ("given_alias", "hook_defs", "node_def", "retry_policy", "tags")

    def __init__(
        self,
        node_def: NodeDefinition,
        given_alias: str | None = None,
        tags: Mapping[str, Any] | None = None,
        hook_defs: frozenset[HookDefinition] = frozenset(),
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self.node_def = node_def
        self.given_alias = given_alias
        self.tags: Mapping[str, Any] = tags or MappingProxyType({})
        self.hook_defs = hook_defs
        self.retry_policy = retry_policy

    def _replace(self, **changes: Any) -> PendingNodeInvocation:
        fields: dict[str, Any] = {
            "node_def": self.node_def,
            "given_alias": self.given_alias,
            "tags": self.tags,
            "hook_defs": self.hook_defs,
            "retry_policy": self.retry_policy,
        }
        fields.update(changes)
        return PendingNodeInvocation(**fields)

    def alias(self, name: str) -> PendingNodeInvocation:
        return self._replace(
            given_alias=check_name(name, "alias", f"alias of '{self.node_def.name}'")
        )

    def tag(self, tags: Mapping[str, Any] | None) -> PendingNodeInvocation:
        checked = normalize_tags(tags, f"tags of '{self.node_def.name}'")
        return self._replace(tags=MappingProxyType({**self.tags, **checked}))

    def with_hooks(self, hook_defs: Any) -> PendingNodeInvocation:
        hooks = check_hooks(hook_defs, f"hooks of '{self.node_def.name}'")
        return self._replace(hook_defs=self.hook_defs | hooks)

    def with_retry_policy(self, retry_policy: RetryPolicy) -> PendingNodeInvocation:
        if not isinstance(retry_policy, RetryPolicy):
            raise InvalidDefinitionError(
                f"with_retry_policy needs a RetryPolicy, got {type(retry_policy).__name__}.",
                where=f"'{self.node_def.name}'",
                fix="pass RetryPolicy(max_retries=...).",
            )
        return self._replace(retry_policy=retry_policy)

    @property
    def node_name(self) -> str:
        return self.given_alias or self.node_def.name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        comp = composition.current()
        if comp is not None:
            return comp.invoke(self, args, kwargs)
        if self.hook_defs and not self.node_def.is_graph:
            raise _hooks_on_direct_call(self)
        return self.node_def._invoke_directly(args, kwargs)

    def __repr__(self) -> str:
        return f"<PendingNodeInvocation {self.node_name!r} of {self.node_def.name!r}>"


def _hooks_on_direct_call(pending: PendingNodeInvocation) -> InvalidInvocationError:
    # Hooks belong to a step of a run; calling an op directly makes no step to hang them on,
    # and running them anyway would be guessing. Say so rather than drop them silently.
    name = pending.node_def.name
    hooks = ", ".join(sorted(f"'{h.name}'" for h in pending.hook_defs))
    return InvalidInvocationError(
        f"it was called directly with hooks attached ({hooks}); hooks only run when the op "
        "runs as a step of a job.",
        where=f"op '{name}'",
        fix=f"call {name}(...) without .with_hooks(...) to test the op, and test each hook by "
        "calling it with build_hook_context(...); or run the op in a job with "
        "execute_in_process() to see its hooks run.",
    )
