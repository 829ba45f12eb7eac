"""IO managers: where op outputs are stored and how downstream inputs load them.

An :class:`IOManager` has two methods: ``handle_output(context, obj)`` stores
an output when its op returns it, ``load_input(context)`` reads it back for
an op downstream. Outputs name their manager by resource key
(``Out(io_manager_key=...)``, default ``"io_manager"``); an input may name
its own (``In(input_manager_key=...)``). IO managers are resources: bound in
``resource_defs``, configured under ``resources.<key>.config``, built once
per run.

Without a binding for ``"io_manager"``, a run keeps outputs in memory
(:data:`mem_io_manager`), handled inline by the step runner at no cost.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, overload

from ._util import NO_VALUE
from .resources import ResourceDefinition, decorate_resource_fn

__all__ = [
    "InputManager",
    "InputManagerDefinition",
    "input_manager",
    "is_input_manager",
    "IOManager",
    "IOManagerDefinition",
    "InMemoryIOManager",
    "io_manager",
    "mem_io_manager",
    "is_io_manager",
]


class InputManager(ABC):
    """Loads inputs (``In(input_manager_key=...)``); it stores nothing."""

    @abstractmethod
    def load_input(self, context: Any) -> Any:
        """Return the value of the input described by ``context`` (an InputContext)."""


class IOManager(InputManager):
    """Stores op outputs and loads them as inputs downstream; subclass and define both methods."""

    @abstractmethod
    def handle_output(self, context: Any, obj: Any) -> None:
        """Store ``obj``, the output described by ``context`` (an OutputContext)."""


def is_io_manager(value: Any) -> bool:
    """Whether ``value`` can store outputs and load them (has both methods)."""
    return callable(getattr(value, "handle_output", None)) and is_input_manager(value)


def is_input_manager(value: Any) -> bool:
    """Whether ``value`` can load inputs (has ``load_input``)."""
    return callable(getattr(value, "load_input", None))


class IOManagerDefinition(ResourceDefinition):
    """A resource whose value is an :class:`IOManager`."""

    __slots__ = ()

    @staticmethod
    def hardcoded_io_manager(
        value: IOManager, description: str | None = None
    ) -> IOManagerDefinition:
        """An IO manager definition that is always ``value``."""
        definition = IOManagerDefinition(lambda _init_context: value, description=description)
        definition._hardcoded = True
        return definition

    def __repr__(self) -> str:
        return f"IOManagerDefinition({getattr(self.resource_fn, '__name__', '?')})"


@overload
def io_manager(fn: Callable[..., Any]) -> IOManagerDefinition: ...
@overload
def io_manager(
    fn: None = None,
    *,
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> Callable[[Callable[..., Any]], IOManagerDefinition]: ...
def io_manager(
    fn: Callable[..., Any] | None = None,
    *,
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> IOManagerDefinition | Callable[[Callable[..., Any]], IOManagerDefinition]:
    """Turn a function of an init context that returns an :class:`IOManager` into a definition."""
    return decorate_resource_fn(
        IOManagerDefinition,
        fn,
        config_schema=config_schema,
        description=description,
        required_resource_keys=required_resource_keys,
        version=version,
    )


class InputManagerDefinition(ResourceDefinition):
    """A resource whose value is an :class:`InputManager` (or any object with ``load_input``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"InputManagerDefinition({getattr(self.resource_fn, '__name__', '?')})"


@overload
def input_manager(fn: Callable[..., Any]) -> InputManagerDefinition: ...
@overload
def input_manager(
    fn: None = None,
    *,
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> Callable[[Callable[..., Any]], InputManagerDefinition]: ...
def input_manager(
    fn: Callable[..., Any] | None = None,
    *,
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> InputManagerDefinition | Callable[[Callable[..., Any]], InputManagerDefinition]:
    """Turn a loading function into an input manager definition.

    The function is the manager's ``load_input``: it takes the InputContext
    (or nothing) and returns the input's value; its config, declared with
    ``config_schema``, is ``context.resource_config``.
    """

    def build(function: Callable[..., Any]) -> InputManagerDefinition:
        manager = _FunctionInputManager(function)
        return InputManagerDefinition(
            lambda _init_context: manager,
            config_schema=config_schema,
            description=description if description is not None else function.__doc__,
            required_resource_keys=required_resource_keys,
            version=version,
        )

    return build(fn) if fn is not None else build


class _FunctionInputManager(InputManager):
    """An input manager whose ``load_input`` is a user's function."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self._function = function
        self._takes_context = bool(inspect.signature(function).parameters)

    def load_input(self, context: Any) -> Any:
        return self._function(context) if self._takes_context else self._function()


class InMemoryIOManager(IOManager):
    """Keeps outputs in a dict in this process, keyed by their identifier.

    In a run, the step runner recognises it and keeps outputs itself, so it
    costs nothing; its methods serve direct use (tests, other code).
    """

    keeps_outputs_in_memory = True

    def __init__(self) -> None:
        self.values: dict[tuple[str, ...], Any] = {}

    def handle_output(self, context: Any, obj: Any) -> None:
        self.values[tuple(context.get_identifier())] = obj

    def load_input(self, context: Any) -> Any:
        upstream = context.upstream_output
        if upstream is None:
            raise ValueError(
                f"input '{context.name}' has no upstream output, and the in-memory IO manager "
                "only loads outputs it stored; give the input an input_manager_key naming a "
                "manager that can load it"
            )
        key = tuple(upstream.get_identifier())
        value = self.values.get(key, NO_VALUE)
        if value is NO_VALUE:
            raise KeyError(
                f"no output stored for {'/'.join(key)}; the in-memory IO manager only holds "
                "outputs handled in this process"
            )
        return value


@io_manager(description="Keeps outputs in memory, in the process that runs the steps.")
def mem_io_manager(init_context: Any) -> InMemoryIOManager:
    return InMemoryIOManager()


mem_io_manager.keeps_outputs_in_memory = True
