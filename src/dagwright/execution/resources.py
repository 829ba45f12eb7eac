"""Starting and stopping a run's resources, and the namespace ops read them from.

Resources are built once per run, in dependency order, only for the keys
the steps being run need. A generator resource is torn down (the code after
its ``yield`` runs) when the run ends, whatever happened to its steps. An
async resource (an ``async def`` function that yields or returns its value,
or an ``@asynccontextmanager``) is entered and torn down on the run's event
loop (:mod:`.event_loop`), the one its async ops are awaited on.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import AsyncGenerator, Callable, Generator, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, ExitStack
from typing import TYPE_CHECKING, Any

from ..config.types import Field, Shape
from ..config.validate import validate
from ..definitions.resources import ResourceDefinition
from ..errors import (
    ConfigProblem,
    InvalidDefinitionError,
    ResourceCycleError,
    RunConfigError,
    UnknownResourceError,
    UserCodeError,
    did_you_mean,
)
from ._boundary import UserFailure, call_user, user_iter
from .logs import StepLog

if TYPE_CHECKING:
    from .event_loop import EventLoopThread

__all__ = [
    "Resources",
    "InitResourceContext",
    "ResourceSet",
    "open_resources",
    "resolve_resource_keys",
]


class Resources:
    """The resources an op may use: ``context.resources.<key>``."""

    __slots__ = ("_owner", "_values")

    def __init__(self, values: Mapping[str, Any], owner: str | None = None) -> None:
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_owner", owner)

    def __getattr__(self, key: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if key in values:
            return values[key]
        if key.startswith("__"):
            raise AttributeError(key)
        owner = object.__getattribute__(self, "_owner") or "this context"
        raise UnknownResourceError(
            f"{owner} has no resource '{key}'.{did_you_mean(key, values)}",
            fix=f"declare required_resource_keys={{'{key}'}} on the op and give the job a "
            f"resource for '{key}'.",
        )

    def __getitem__(self, key: str) -> Any:
        return self.__getattr__(key)

    def __contains__(self, key: object) -> bool:
        return key in object.__getattribute__(self, "_values")

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("resources are read-only")

    def keys(self) -> list[str]:
        return list(object.__getattribute__(self, "_values"))

    def _asdict(self) -> dict[str, Any]:
        return dict(object.__getattribute__(self, "_values"))

    def __repr__(self) -> str:
        return f"Resources({', '.join(self.keys())})"


EMPTY_RESOURCES = Resources({})


class InitResourceContext:
    """What a resource function receives: its config, the resources it depends on, a log."""

    __slots__ = ("instance", "log", "resource_config", "resource_def", "resources", "run_id")

    def __init__(
        self,
        resource_config: Any,
        resources: Resources,
        log: StepLog,
        run_id: str | None,
        resource_def: ResourceDefinition | None = None,
        instance: Any = None,
    ) -> None:
        self.resource_config = resource_config
        self.resources = resources
        self.log = log
        self.run_id = run_id
        self.resource_def = resource_def
        self.instance = instance


def resolve_resource_keys(
    defs: Mapping[str, ResourceDefinition], needed: Iterable[str]
) -> list[str]:
    """``needed`` and everything they depend on, dependencies first; raise on a cycle."""
    order: list[str] = []
    visiting: list[str] = []
    done: set[str] = set()

    def visit(key: str) -> None:
        if key in done:
            return
        if key in visiting:
            raise ResourceCycleError(cycle=[*visiting[visiting.index(key) :], key])
        definition = defs.get(key)
        if definition is None:
            raise InvalidDefinitionError(
                f"resource '{key}' is required but not provided.{did_you_mean(key, defs)}",
                fix=f"add '{key}' to the job's resource_defs.",
            )
        visiting.append(key)
        for dependency in sorted(definition.required_resource_keys):
            visit(dependency)
        visiting.pop()
        done.add(key)
        order.append(key)

    for key in sorted(needed):
        visit(key)
    return order


class ResourceSet:
    """Resources built for one run (or one direct op call); close it to tear them down."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        # Each started resource's resolved config (IO manager contexts show it).
        self.configs: dict[str, Any] = {}
        self._stack = ExitStack()
        self._scoped: dict[str, Resources] = {}
        self._loop: EventLoopThread | None = None
        self._loop_lock = threading.Lock()

    def event_loop(self) -> EventLoopThread:
        """The run's event loop (started on first use, stopped when the resources close)."""
        loop = self._loop
        if loop is None:
            with self._loop_lock:  # steps on several threads may ask at once
                if self._loop is None:
                    from .event_loop import EventLoopThread

                    self._loop = EventLoopThread()
                    self._stack.callback(self._close_loop)
                loop = self._loop
        return loop

    def _close_loop(self) -> None:
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    def start(
        self,
        defs: Mapping[str, ResourceDefinition],
        needed: Iterable[str],
        configs: Mapping[str, Any],
        make_log: Callable[[str], StepLog],
        run_id: str | None,
        instance: Any = None,
    ) -> None:
        """Build ``needed`` (and their dependencies) in order; user errors become UserFailure."""
        for key in resolve_resource_keys(defs, needed):
            definition = defs[key]
            deps = Resources(
                {k: self.values[k] for k in definition.required_resource_keys},
                f"resource '{key}'",
            )
            config = self.configs[key] = configs.get(key)
            context = InitResourceContext(config, deps, make_log(key), run_id, definition, instance)
            place = f"resource '{key}'"
            value = call_user(place, definition.resource_fn, context)
            if isinstance(value, Generator):
                value = self._enter_generator(place, value)
            elif isinstance(value, AsyncGenerator):
                value = self._enter_async_generator(place, value)
            elif inspect.iscoroutine(value):
                value = call_user(place, self.event_loop().run, value)
            elif isinstance(value, AbstractAsyncContextManager) and not hasattr(value, "__enter__"):
                value = self._enter_async_context(place, value)
            self.values[key] = value

    def _enter_generator(self, place: str, generator: Generator[Any, None, None]) -> Any:
        value = call_user(place, next, generator)

        def teardown() -> None:
            for _ in user_iter(f"{place} teardown", generator):
                raise UserFailure(
                    f"{place} teardown",
                    RuntimeError(f"{place} yielded more than once; a resource yields one value"),
                )

        self._stack.callback(teardown)
        return value

    def _enter_async_generator(self, place: str, generator: AsyncGenerator[Any, None]) -> Any:
        loop = self.event_loop()
        value = call_user(place, loop.run, generator.__anext__())

        def teardown() -> None:
            for _ in user_iter(f"{place} teardown", loop.iterate(generator)):
                raise UserFailure(
                    f"{place} teardown",
                    RuntimeError(f"{place} yielded more than once; a resource yields one value"),
                )

        self._stack.callback(teardown)
        return value

    def _enter_async_context(self, place: str, manager: AbstractAsyncContextManager[Any]) -> Any:
        loop = self.event_loop()
        value = call_user(place, loop.run, manager.__aenter__())
        self._stack.callback(
            lambda: call_user(f"{place} teardown", loop.run, manager.__aexit__(None, None, None))
        )
        return value

    def scoped(self, owner: str, keys: frozenset[str]) -> Resources:
        """The resources ``owner`` (an op, a hook) may see: the keys it requires."""
        if not keys:
            return EMPTY_RESOURCES
        cached = self._scoped.get(owner)
        if cached is None:
            cached = Resources({k: self.values[k] for k in keys if k in self.values}, owner)
            self._scoped[owner] = cached
        return cached

    def close(self) -> None:
        """Tear down every resource, last built first."""
        self._stack.close()


def open_resources(
    defs: Mapping[str, ResourceDefinition],
    configs: Mapping[str, Any],
    instance: Any,
    where: str,
) -> ResourceSet:
    """Resources built outside a run (for tests): config checked, a failure raised.

    ``configs`` is shaped like run config's ``resources`` section (``{key:
    {"config": ...}}``); a problem raises :class:`RunConfigError`, a resource
    that raises :class:`UserCodeError`.
    """
    schema = Shape({key: Field(Shape({"config": d.config_field})) for key, d in defs.items()})
    problems: list[ConfigProblem] = []
    resolved = validate(schema, dict(configs), "", problems)
    if problems:
        raise RunConfigError(problems=problems, subject=f"The resources config of {where}")
    resolved = {key: (entry or {}).get("config") for key, entry in resolved.items()}
    resource_set = ResourceSet()
    try:
        resource_set.start(
            defs, defs.keys(), resolved, lambda key: StepLog(None, None), None, instance
        )
    except UserFailure as failure:
        resource_set.close()
        raise UserCodeError(place=failure.place, user_exception=failure.exception) from (
            failure.exception
        )
    return resource_set
