"""Hooks: functions run after a step succeeds or fails (alerts, cleanup, bookkeeping)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, overload

from ..errors import InvalidDefinitionError
from ._util import check_name

__all__ = ["HookDefinition", "success_hook", "failure_hook"]


class HookDefinition:
    """A function run after each step it is attached to, when the step ends as ``trigger`` says.

    ``trigger`` is ``"success"`` or ``"failure"``; ``hook_fn(context)`` gets a
    hook context with the step, its resources and (on failure) the exception.
    """

    __slots__ = ("description", "hook_fn", "name", "required_resource_keys", "trigger")

    def __init__(
        self,
        name: str,
        hook_fn: Callable[[Any], Any],
        trigger: str,
        required_resource_keys: Iterable[str] | None = None,
        description: str | None = None,
    ) -> None:
        if trigger not in ("success", "failure"):
            raise InvalidDefinitionError(
                f"hook trigger must be 'success' or 'failure', got {trigger!r}.",
                where=f"hook '{name}'",
            )
        self.name = check_name(name, "hook")
        self.hook_fn = hook_fn
        self.trigger = trigger
        self.required_resource_keys = frozenset(required_resource_keys or ())
        self.description = description

    def __call__(self, context: Any) -> Any:
        """Call the hook function directly (in a unit test, with ``build_hook_context``)."""
        return self.hook_fn(context)

    def __repr__(self) -> str:
        return f"HookDefinition({self.name!r}, on {self.trigger})"


def _hook_decorator(
    trigger: str,
    hook_fn: Callable[[Any], Any] | None,
    name: str | None,
    required_resource_keys: Iterable[str] | None,
) -> Any:
    def wrap(fn: Callable[[Any], Any]) -> HookDefinition:
        return HookDefinition(
            name or fn.__name__,
            fn,
            trigger,
            required_resource_keys,
            fn.__doc__,
        )

    return wrap(hook_fn) if hook_fn is not None else wrap


@overload
def success_hook(hook_fn: Callable[[Any], Any]) -> HookDefinition: ...
@overload
def success_hook(
    *, name: str | None = None, required_resource_keys: Iterable[str] | None = None
) -> Callable[[Callable[[Any], Any]], HookDefinition]: ...
def success_hook(
    hook_fn: Callable[[Any], Any] | None = None,
    *,
    name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
) -> Any:
    """Make a hook that runs after each step it is attached to succeeds."""
    return _hook_decorator("success", hook_fn, name, required_resource_keys)


@overload
def failure_hook(hook_fn: Callable[[Any], Any]) -> HookDefinition: ...
@overload
def failure_hook(
    *, name: str | None = None, required_resource_keys: Iterable[str] | None = None
) -> Callable[[Callable[[Any], Any]], HookDefinition]: ...
def failure_hook(
    hook_fn: Callable[[Any], Any] | None = None,
    *,
    name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
) -> Any:
    """Make a hook that runs after each step it is attached to fails."""
    return _hook_decorator("failure", hook_fn, name, required_resource_keys)


def check_hooks(hooks: Any, where: str) -> frozenset[HookDefinition]:
    """Validate a collection of hooks given to ``with_hooks`` / ``hooks=``."""
    if hooks is None:
        return frozenset()
    if isinstance(hooks, HookDefinition):
        hooks = {hooks}
    try:
        items = frozenset(hooks)
    except TypeError:
        raise InvalidDefinitionError(
            f"hooks must be a set of hook definitions, got {type(hooks).__name__}.",
            where=where,
            fix="pass hooks={my_success_hook, my_failure_hook}.",
        ) from None
    for hook in items:
        if not isinstance(hook, HookDefinition):
            raise InvalidDefinitionError(
                f"{hook!r} is not a hook definition.",
                where=where,
                fix="decorate the function with @success_hook or @failure_hook.",
            )
    return items
