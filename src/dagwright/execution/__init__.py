"""Running jobs: plans, step state, the step runner, executors, contexts and results."""

from .api import execute_in_process
from .context import OpExecutionContext
from .direct_context import DirectOpContext, build_op_context
from .execute_job import execute_job
from .hooks import HookContext, build_hook_context
from .reexecution import ReexecutionOptions
from .resources import InitResourceContext, Resources
from .result import ExecuteInProcessResult, ExecuteJobResult

__all__ = [
    "execute_in_process",
    "execute_job",
    "ReexecutionOptions",
    "DirectOpContext",
    "OpExecutionContext",
    "build_op_context",
    "HookContext",
    "build_hook_context",
    "InitResourceContext",
    "Resources",
    "ExecuteInProcessResult",
    "ExecuteJobResult",
]
