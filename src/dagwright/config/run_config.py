"""Typed run config: ``RunConfig`` objects and ``EnvVar`` references.

``RunConfig(ops={"my_op": MyConfig(x=1)}, resources={...})`` builds a run
config from pythonic config objects; ``to_config_dict()`` turns it into the
plain dict form, with every ``EnvVar("NAME")`` written as ``{"env":
"NAME"}`` so that the value is read where the run happens and never stored.
Nothing here imports pydantic.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["EnvVar", "IntEnvVar", "RunConfig", "to_config_value"]


class EnvVar(str):
    """A reference to an environment variable, read when a run starts (not when written).

    It is a ``str`` (the variable's name) so that it fits string config fields.
    """

    __slots__ = ()

    def __new__(cls, name: str) -> EnvVar:
        return super().__new__(cls, name)

    @property
    def env_var_name(self) -> str:
        return str.__str__(self)

    @classmethod
    def int(cls, name: str) -> IntEnvVar:
        """A reference to an environment variable holding an integer."""
        return IntEnvVar(name)

    def get_value(self, default: str | None = None) -> str | None:
        """The variable's value now (``default`` when unset)."""
        return os.environ.get(self.env_var_name, default)

    def __repr__(self) -> str:
        return f"EnvVar({self.env_var_name!r})"


class IntEnvVar(int):
    """A reference to an environment variable holding an integer (``EnvVar.int("NAME")``)."""

    name: str

    def __new__(cls, name: str) -> IntEnvVar:
        value = super().__new__(cls, 0)
        value.name = name
        return value

    @property
    def env_var_name(self) -> str:
        return self.name

    def get_value(self, default: int | None = None) -> int | None:
        raw = os.environ.get(self.name)
        return int(raw) if raw is not None else default

    def __repr__(self) -> str:
        return f"EnvVar.int({self.name!r})"


def to_config_value(value: Any) -> Any:
    """A Python value in config form: env vars as ``{env: NAME}``, configs and enums by value."""
    if isinstance(value, EnvVar | IntEnvVar):
        return {"env": value.env_var_name}
    to_dict = getattr(value, "to_config_dict", None)
    if to_dict is not None and not isinstance(value, type):
        return to_dict()
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Mapping):
        return {k: to_config_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_config_value(v) for v in value]
    return value


class RunConfig:
    """A run config built from typed config objects (or plain dicts) for each part of a job."""

    __slots__ = ("execution", "loggers", "ops", "resources")

    def __init__(
        self,
        ops: Mapping[str, Any] | None = None,
        resources: Mapping[str, Any] | None = None,
        loggers: Mapping[str, Any] | None = None,
        execution: Mapping[str, Any] | None = None,
    ) -> None:
        self.ops = dict(ops or {})
        self.resources = dict(resources or {})
        self.loggers = dict(loggers or {})
        self.execution = dict(execution or {})

    def to_config_dict(self) -> dict[str, Any]:
        """This run config as the plain dict form ``execute_in_process`` takes."""
        config: dict[str, Any] = {}
        if self.ops:
            config["ops"] = {name: _section(value) for name, value in self.ops.items()}
        if self.resources:
            config["resources"] = {name: _section(v) for name, v in self.resources.items()}
        if self.loggers:
            config["loggers"] = {name: _section(v) for name, v in self.loggers.items()}
        if self.execution:
            config["execution"] = to_config_value(self.execution)
        return config

    def __repr__(self) -> str:
        return f"RunConfig({self.to_config_dict()!r})"


def _section(value: Any) -> Any:
    # A typed config object stands for the section's "config"; a dict is the section itself.
    if getattr(value, "__dagwright_config__", False) or hasattr(value, "to_config_dict"):
        return {"config": to_config_value(value)}
    return to_config_value(value)
