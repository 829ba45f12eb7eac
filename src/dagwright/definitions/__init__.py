"""What users declare: ops, graphs, jobs, their inputs, outputs, types and settings."""

from .composition import CollectHandle, DynamicHandle, MappedHandle, OutputHandle
from .dependency import (
    DependencyDefinition,
    DynamicCollectDependencyDefinition,
    MappedInputPlaceholder,
    MultiDependencyDefinition,
    Node,
    NodeInvocation,
)
from .events import DynamicOutput, Output
from .executor import ExecutorDefinition, in_process_executor
from .graph import GraphDefinition, graph
from .hooks import HookDefinition, failure_hook, success_hook
from .inputs import GraphIn, In, InputDefinition, InputMapping
from .job import JobDefinition, job
from .logger import LoggerDefinition, logger
from .node import NodeDefinition, PendingNodeInvocation
from .op import OpDefinition, op
from .outputs import DynamicOut, GraphOut, Out, OutputDefinition, OutputMapping
from .partitions import PartitionsDefinition, StaticPartitionsDefinition
from .resources import ResourceDefinition, resource
from .retry import Backoff, Jitter, RetryPolicy
from .types import Any_, Bool, DataType, Float, Int, Nothing, String, TypeCheck

__all__ = [
    "CollectHandle",
    "DynamicHandle",
    "MappedHandle",
    "OutputHandle",
    "DependencyDefinition",
    "DynamicCollectDependencyDefinition",
    "MappedInputPlaceholder",
    "MultiDependencyDefinition",
    "Node",
    "NodeInvocation",
    "DynamicOutput",
    "Output",
    "ExecutorDefinition",
    "in_process_executor",
    "GraphDefinition",
    "graph",
    "HookDefinition",
    "failure_hook",
    "success_hook",
    "GraphIn",
    "In",
    "InputDefinition",
    "InputMapping",
    "JobDefinition",
    "job",
    "LoggerDefinition",
    "logger",
    "NodeDefinition",
    "PendingNodeInvocation",
    "OpDefinition",
    "op",
    "DynamicOut",
    "GraphOut",
    "Out",
    "OutputDefinition",
    "OutputMapping",
    "PartitionsDefinition",
    "StaticPartitionsDefinition",
    "ResourceDefinition",
    "resource",
    "Backoff",
    "Jitter",
    "RetryPolicy",
    "Any_",
    "Bool",
    "DataType",
    "Float",
    "Int",
    "Nothing",
    "String",
    "TypeCheck",
]
