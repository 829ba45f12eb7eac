"""Running jobs: plans, step state, the step runner, executors, contexts and results."""

from .api import execute_in_process
from .context import DirectOpContext, OpExecutionContext, build_op_context
from .hooks import HookContext, build_hook_context
from .resources import InitResourceContext, Resources
from .result import ExecuteInProcessResult

__all__ = [
    "execute_in_process",
    "DirectOpContext",
    "OpExecutionContext",
    "build_op_context",
    "HookContext",
    "build_hook_context",
    "InitResourceContext",
    "Resources",
    "ExecuteInProcessResult",
]
