"""dagwright: a data orchestrator for Python.

Declare ops, graphs and jobs; dagwright checks the wiring when they are
defined and runs them fast. Public names are imported on first use, so
``import dagwright`` costs almost nothing.
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

__version__ = "0.1.0"

_DEFINITIONS = "dagwright.definitions"
_EXECUTION = "dagwright.execution"
_METADATA = "dagwright.metadata"

_EXPORTS = {
    # definitions
    "MaterializeResult": f"{_DEFINITIONS}.assets.results",
    "observable_source_asset": f"{_DEFINITIONS}.assets.observable",
    "DataVersion": f"{_DEFINITIONS}.assets.observable",
    "ObserveResult": f"{_DEFINITIONS}.assets.observable",
    "observe": f"{_EXECUTION}.observe",
    "asset_check": f"{_DEFINITIONS}.assets.checks",
    "AssetCheckSpec": f"{_DEFINITIONS}.assets.checks",
    "AssetChecksDefinition": f"{_DEFINITIONS}.assets.checks",
    "AssetCheckResult": f"{_METADATA}.reports",
    "AssetCheckSeverity": f"{_METADATA}.reports",
    "define_asset_job": f"{_DEFINITIONS}.assets.job",
    "load_assets_from_modules": f"{_DEFINITIONS}.assets.loading",
    "load_assets_from_current_module": f"{_DEFINITIONS}.assets.loading",
    "load_assets_from_package_module": f"{_DEFINITIONS}.assets.loading",
    "load_assets_from_package_name": f"{_DEFINITIONS}.assets.loading",
    "load_asset_checks_from_modules": f"{_DEFINITIONS}.assets.loading",
    "load_asset_checks_from_current_module": f"{_DEFINITIONS}.assets.loading",
    "load_asset_checks_from_package_module": f"{_DEFINITIONS}.assets.loading",
    "load_asset_checks_from_package_name": f"{_DEFINITIONS}.assets.loading",
    "Definitions": f"{_DEFINITIONS}.repository",
    "RepositoryDefinition": f"{_DEFINITIONS}.repository",
    "repository": f"{_DEFINITIONS}.repository",
    "materialize": f"{_EXECUTION}.materialize",
    "materialize_to_memory": f"{_EXECUTION}.materialize",
    "asset": f"{_DEFINITIONS}.assets.decorators",
    "multi_asset": f"{_DEFINITIONS}.assets.decorators",
    "graph_asset": f"{_DEFINITIONS}.assets.decorators",
    "graph_multi_asset": f"{_DEFINITIONS}.assets.decorators",
    "AssetsDefinition": f"{_DEFINITIONS}.assets.definition",
    "AssetSpec": f"{_DEFINITIONS}.assets.specs",
    "AssetIn": f"{_DEFINITIONS}.assets.specs",
    "AssetOut": f"{_DEFINITIONS}.assets.specs",
    "AssetDep": f"{_DEFINITIONS}.assets.specs",
    "SourceAsset": f"{_DEFINITIONS}.assets.specs",
    "AssetSelection": f"{_DEFINITIONS}.assets.selection",
    "op": f"{_DEFINITIONS}.op",
    "OpDefinition": f"{_DEFINITIONS}.op",
    "graph": f"{_DEFINITIONS}.graph",
    "GraphDefinition": f"{_DEFINITIONS}.graph",
    "job": f"{_DEFINITIONS}.job",
    "JobDefinition": f"{_DEFINITIONS}.job",
    "In": f"{_DEFINITIONS}.inputs",
    "GraphIn": f"{_DEFINITIONS}.inputs",
    "InputMapping": f"{_DEFINITIONS}.inputs",
    "Out": f"{_DEFINITIONS}.outputs",
    "DynamicOut": f"{_DEFINITIONS}.outputs",
    "GraphOut": f"{_DEFINITIONS}.outputs",
    "OutputMapping": f"{_DEFINITIONS}.outputs",
    "Output": f"{_DEFINITIONS}.events",
    "Failure": f"{_DEFINITIONS}.failure",
    "RetryRequested": f"{_DEFINITIONS}.failure",
    "DynamicOutput": f"{_DEFINITIONS}.events",
    "DependencyDefinition": f"{_DEFINITIONS}.dependency",
    "MultiDependencyDefinition": f"{_DEFINITIONS}.dependency",
    "DynamicCollectDependencyDefinition": f"{_DEFINITIONS}.dependency",
    "MappedInputPlaceholder": f"{_DEFINITIONS}.dependency",
    "NodeInvocation": f"{_DEFINITIONS}.dependency",
    "DataType": f"{_DEFINITIONS}.types",
    "TypeCheck": f"{_DEFINITIONS}.types",
    "Nothing": f"{_DEFINITIONS}.types",
    "RetryPolicy": f"{_DEFINITIONS}.retry",
    "Backoff": f"{_DEFINITIONS}.retry",
    "Jitter": f"{_DEFINITIONS}.retry",
    "HookDefinition": f"{_DEFINITIONS}.hooks",
    "success_hook": f"{_DEFINITIONS}.hooks",
    "failure_hook": f"{_DEFINITIONS}.hooks",
    "ResourceDefinition": f"{_DEFINITIONS}.resources",
    "resource": f"{_DEFINITIONS}.resources",
    "ResourceParam": f"{_DEFINITIONS}.resources",
    "ResourceDependency": f"{_DEFINITIONS}.resources",
    "IOManager": f"{_DEFINITIONS}.io_manager",
    "IOManagerDefinition": f"{_DEFINITIONS}.io_manager",
    "InMemoryIOManager": f"{_DEFINITIONS}.io_manager",
    "InputManager": f"{_DEFINITIONS}.io_manager",
    "InputManagerDefinition": f"{_DEFINITIONS}.io_manager",
    "input_manager": f"{_DEFINITIONS}.io_manager",
    "io_manager": f"{_DEFINITIONS}.io_manager",
    "mem_io_manager": f"{_DEFINITIONS}.io_manager",
    "ConfigurableResource": f"{_DEFINITIONS}.configurable_resource",
    "ConfigurableIOManager": f"{_DEFINITIONS}.configurable_resource",
    "ConfigurableIOManagerFactory": f"{_DEFINITIONS}.configurable_resource",
    "UPathIOManager": "dagwright.storage.fs_io_manager",
    "PickledObjectFilesystemIOManager": "dagwright.storage.fs_io_manager",
    "fs_io_manager": "dagwright.storage.fs_io_manager",
    "ConfigurableResourceFactory": f"{_DEFINITIONS}.configurable_resource",
    "PartialResource": f"{_DEFINITIONS}.configurable_resource",
    "LoggerDefinition": f"{_DEFINITIONS}.logger",
    "logger": f"{_DEFINITIONS}.logger",
    "ExecutorDefinition": f"{_DEFINITIONS}.executor",
    "in_process_executor": f"{_DEFINITIONS}.executor",
    "multiprocess_executor": f"{_DEFINITIONS}.executor",
    "thread_pool_executor": f"{_DEFINITIONS}.executor",
    "async_executor": f"{_DEFINITIONS}.executor",
    "multi_or_in_process_executor": f"{_DEFINITIONS}.executor",
    "InitExecutorContext": f"{_EXECUTION}.executors.user_defined",
    "InProcessExecutor": f"{_EXECUTION}.executors.user_defined",
    "MultiprocessExecutor": f"{_EXECUTION}.executors.user_defined",
    "dask_executor": f"{_DEFINITIONS}.executor",
    "executor": f"{_DEFINITIONS}.executor",
    "PartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "StaticPartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "PartitionedConfig": f"{_DEFINITIONS}.partitioned_config",
    "static_partitioned_config": f"{_DEFINITIONS}.partitioned_config",
    "dynamic_partitioned_config": f"{_DEFINITIONS}.partitioned_config",
    "hourly_partitioned_config": f"{_DEFINITIONS}.partitioned_config",
    "daily_partitioned_config": f"{_DEFINITIONS}.partitioned_config",
    "weekly_partitioned_config": f"{_DEFINITIONS}.partitioned_config",
    "monthly_partitioned_config": f"{_DEFINITIONS}.partitioned_config",
    "DynamicPartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "TimeWindow": f"{_DEFINITIONS}.partitions",
    "PartitionKeyRange": f"{_DEFINITIONS}.partitions",
    "TimeWindowPartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "HourlyPartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "DailyPartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "WeeklyPartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "MonthlyPartitionsDefinition": f"{_DEFINITIONS}.partitions",
    "PartitionMapping": f"{_DEFINITIONS}.partition_mapping",
    "IdentityPartitionMapping": f"{_DEFINITIONS}.partition_mapping",
    "AllPartitionMapping": f"{_DEFINITIONS}.partition_mapping",
    "LastPartitionMapping": f"{_DEFINITIONS}.partition_mapping",
    "TimeWindowPartitionMapping": f"{_DEFINITIONS}.partition_mapping",
    "StaticPartitionMapping": f"{_DEFINITIONS}.partition_mapping",
    "SpecificPartitionsPartitionMapping": f"{_DEFINITIONS}.partition_mapping",
    # metadata, asset keys and what ops report about assets
    "MetadataValue": f"{_METADATA}.values",
    "TextMetadataValue": f"{_METADATA}.values",
    "UrlMetadataValue": f"{_METADATA}.values",
    "PathMetadataValue": f"{_METADATA}.values",
    "NotebookMetadataValue": f"{_METADATA}.values",
    "JsonMetadataValue": f"{_METADATA}.values",
    "MarkdownMetadataValue": f"{_METADATA}.values",
    "PythonArtifactMetadataValue": f"{_METADATA}.values",
    "FloatMetadataValue": f"{_METADATA}.values",
    "IntMetadataValue": f"{_METADATA}.values",
    "BoolMetadataValue": f"{_METADATA}.values",
    "TimestampMetadataValue": f"{_METADATA}.values",
    "NullMetadataValue": f"{_METADATA}.values",
    "RunMetadataValue": f"{_METADATA}.values",
    "AssetMetadataValue": f"{_METADATA}.values",
    "JobMetadataValue": f"{_METADATA}.values",
    "TableMetadataValue": f"{_METADATA}.values",
    "TableSchemaMetadataValue": f"{_METADATA}.values",
    "TableColumnLineageMetadataValue": f"{_METADATA}.values",
    "TableSchema": f"{_METADATA}.table",
    "TableColumn": f"{_METADATA}.table",
    "TableRecord": f"{_METADATA}.table",
    "TableColumnConstraints": f"{_METADATA}.table",
    "TableConstraints": f"{_METADATA}.table",
    "TableColumnDep": f"{_METADATA}.table",
    "TableColumnLineage": f"{_METADATA}.table",
    "AssetKey": f"{_METADATA}.asset_key",
    "AssetCheckKey": f"{_METADATA}.asset_key",
    "AssetMaterialization": f"{_METADATA}.reports",
    "AssetObservation": f"{_METADATA}.reports",
    "ExpectationResult": f"{_METADATA}.reports",
    # config
    "ConfigMapping": "dagwright.config.mapping",
    "config_mapping": "dagwright.config.mapping",
    "Field": "dagwright.config.types",
    "Shape": "dagwright.config.types",
    "Permissive": "dagwright.config.types",
    "Selector": "dagwright.config.types",
    "Array": "dagwright.config.types",
    "Map": "dagwright.config.types",
    "Noneable": "dagwright.config.types",
    "Enum": "dagwright.config.types",
    "EnumValue": "dagwright.config.types",
    "ScalarUnion": "dagwright.config.types",
    "StringSource": "dagwright.config.types",
    "IntSource": "dagwright.config.types",
    "BoolSource": "dagwright.config.types",
    "Config": "dagwright.config.pythonic",
    "PermissiveConfig": "dagwright.config.pythonic",
    "EnvVar": "dagwright.config.run_config",
    "RunConfig": "dagwright.config.run_config",
    "config_from_files": "dagwright.config.files",
    "config_from_yaml_strings": "dagwright.config.files",
    "config_from_pkg_resources": "dagwright.config.files",
    "validate_run_config": f"{_EXECUTION}.run_config",
    # execution
    "OpExecutionContext": f"{_EXECUTION}.context",
    "build_op_context": f"{_EXECUTION}.direct_context",
    "AssetExecutionContext": f"{_EXECUTION}.context",
    "DataProvenance": f"{_EXECUTION}.data_versions",
    "build_asset_context": f"{_EXECUTION}.direct_context",
    "HookContext": f"{_EXECUTION}.hooks",
    "build_hook_context": f"{_EXECUTION}.hooks",
    "InitResourceContext": f"{_EXECUTION}.resources",
    "InputContext": f"{_EXECUTION}.io_managers",
    "OutputContext": f"{_EXECUTION}.io_managers",
    "build_input_context": f"{_EXECUTION}.io_managers",
    "build_output_context": f"{_EXECUTION}.io_managers",
    "InitLoggerContext": f"{_EXECUTION}.loggers",
    "build_init_logger_context": f"{_EXECUTION}.loggers",
    "colored_console_logger": f"{_EXECUTION}.loggers",
    "json_console_logger": f"{_EXECUTION}.loggers",
    "default_loggers": f"{_EXECUTION}.loggers",
    "default_system_loggers": f"{_EXECUTION}.loggers",
    "ExecuteInProcessResult": f"{_EXECUTION}.result",
    "ExecuteJobResult": f"{_EXECUTION}.result",
    "execute_job": f"{_EXECUTION}.execute_job",
    "ReexecutionOptions": f"{_EXECUTION}.reexecution",
    # job pointers: jobs another process can rebuild
    "CodePointer": "dagwright.workspace.pointer",
    "ReconstructableJob": "dagwright.workspace.rebuild",
    "reconstructable": "dagwright.workspace.rebuild",
    "build_reconstructable_job": "dagwright.workspace.rebuild",
    # records and storage
    "Instance": "dagwright.storage.instance",
    "instance_for_test": "dagwright.storage.testing",
    "RunsFilter": "dagwright.storage.queries",
    "RunRecord": "dagwright.storage.queries",
    "EventRecordsFilter": "dagwright.storage.queries",
    "EventLogRecord": "dagwright.storage.queries",
    "EventLogConnection": "dagwright.storage.queries",
    "Run": "dagwright.records.runs",
    "RunStatus": "dagwright.records.runs",
    "Event": "dagwright.records.events",
    "EventType": "dagwright.records.events",
    "EventLogEntry": "dagwright.records.events",
    "ErrorInfo": "dagwright.records.error_info",
    # errors
    "DagwrightError": "dagwright.errors",
    "StorageError": "dagwright.errors",
    "InstanceConfigError": "dagwright.errors",
    "InvalidDefinitionError": "dagwright.errors",
    "InvalidInvocationError": "dagwright.errors",
    "InvalidSubsetError": "dagwright.errors",
    "ReexecutionError": "dagwright.errors",
    "InvariantViolationError": "dagwright.errors",
    "RunConfigError": "dagwright.errors",
    "TypeCheckError": "dagwright.errors",
    "StepExecutionError": "dagwright.errors",
    "UserCodeError": "dagwright.errors",
    "InvalidMetadataError": "dagwright.errors",
    "InvalidAssetKeyError": "dagwright.errors",
    "UnknownAssetKeyError": "dagwright.errors",
    "AssetSelectionSyntaxError": "dagwright.errors",
    "JobPointerError": "dagwright.errors",
    "OutputNotPicklableError": "dagwright.errors",
    "AssetNotLoadableError": "dagwright.errors",
    "PartitionMappingError": "dagwright.errors",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .config.files import (
        config_from_files,
        config_from_pkg_resources,
        config_from_yaml_strings,
    )
    from .config.mapping import ConfigMapping, config_mapping
    from .config.pythonic import Config, PermissiveConfig
    from .config.run_config import EnvVar, RunConfig
    from .config.types import (
        Array,
        BoolSource,
        Enum,
        EnumValue,
        Field,
        IntSource,
        Map,
        Noneable,
        Permissive,
        ScalarUnion,
        Selector,
        Shape,
        StringSource,
    )
    from .definitions.assets.checks import AssetChecksDefinition, AssetCheckSpec, asset_check
    from .definitions.assets.decorators import asset, graph_asset, graph_multi_asset, multi_asset
    from .definitions.assets.definition import AssetsDefinition
    from .definitions.assets.job import define_asset_job
    from .definitions.assets.loading import (
        load_asset_checks_from_current_module,
        load_asset_checks_from_modules,
        load_asset_checks_from_package_module,
        load_asset_checks_from_package_name,
        load_assets_from_current_module,
        load_assets_from_modules,
        load_assets_from_package_module,
        load_assets_from_package_name,
    )
    from .definitions.assets.observable import DataVersion, ObserveResult, observable_source_asset
    from .definitions.assets.results import MaterializeResult
    from .definitions.assets.selection import AssetSelection
    from .definitions.assets.specs import AssetDep, AssetIn, AssetOut, AssetSpec, SourceAsset
    from .definitions.configurable_resource import (
        ConfigurableIOManager,
        ConfigurableIOManagerFactory,
        ConfigurableResource,
        ConfigurableResourceFactory,
        PartialResource,
    )
    from .definitions.dependency import (
        DependencyDefinition,
        DynamicCollectDependencyDefinition,
        MappedInputPlaceholder,
        MultiDependencyDefinition,
        NodeInvocation,
    )
    from .definitions.events import DynamicOutput, Output
    from .definitions.executor import (
        ExecutorDefinition,
        async_executor,
        dask_executor,
        executor,
        in_process_executor,
        multi_or_in_process_executor,
        multiprocess_executor,
        thread_pool_executor,
    )
    from .definitions.failure import Failure, RetryRequested
    from .definitions.graph import GraphDefinition, graph
    from .definitions.hooks import HookDefinition, failure_hook, success_hook
    from .definitions.inputs import GraphIn, In, InputMapping
    from .definitions.io_manager import (
        InMemoryIOManager,
        InputManager,
        InputManagerDefinition,
        IOManager,
        IOManagerDefinition,
        input_manager,
        io_manager,
        mem_io_manager,
    )
    from .definitions.job import JobDefinition, job
    from .definitions.logger import LoggerDefinition, logger
    from .definitions.op import OpDefinition, op
    from .definitions.outputs import DynamicOut, GraphOut, Out, OutputMapping
    from .definitions.partition_mapping import (
        AllPartitionMapping,
        IdentityPartitionMapping,
        LastPartitionMapping,
        PartitionMapping,
        SpecificPartitionsPartitionMapping,
        StaticPartitionMapping,
        TimeWindowPartitionMapping,
    )
    from .definitions.partitioned_config import (
        PartitionedConfig,
        daily_partitioned_config,
        dynamic_partitioned_config,
        hourly_partitioned_config,
        monthly_partitioned_config,
        static_partitioned_config,
        weekly_partitioned_config,
    )
    from .definitions.partitions import (
        DailyPartitionsDefinition,
        DynamicPartitionsDefinition,
        HourlyPartitionsDefinition,
        MonthlyPartitionsDefinition,
        PartitionKeyRange,
        PartitionsDefinition,
        StaticPartitionsDefinition,
        TimeWindow,
        TimeWindowPartitionsDefinition,
        WeeklyPartitionsDefinition,
    )
    from .definitions.repository import Definitions, RepositoryDefinition, repository
    from .definitions.resources import (
        ResourceDefinition,
        ResourceDependency,
        ResourceParam,
        resource,
    )
    from .definitions.retry import Backoff, Jitter, RetryPolicy
    from .definitions.types import DataType, Nothing, TypeCheck
    from .errors import (
        AssetNotLoadableError,
        AssetSelectionSyntaxError,
        DagwrightError,
        InstanceConfigError,
        InvalidAssetKeyError,
        InvalidDefinitionError,
        InvalidInvocationError,
        InvalidMetadataError,
        InvalidSubsetError,
        InvariantViolationError,
        JobPointerError,
        OutputNotPicklableError,
        PartitionMappingError,
        ReexecutionError,
        RunConfigError,
        StepExecutionError,
        StorageError,
        TypeCheckError,
        UnknownAssetKeyError,
        UserCodeError,
    )
    from .execution.context import AssetExecutionContext, OpExecutionContext
    from .execution.data_versions import DataProvenance
    from .execution.direct_context import build_asset_context, build_op_context
    from .execution.execute_job import execute_job
    from .execution.executors.user_defined import (
        InitExecutorContext,
        InProcessExecutor,
        MultiprocessExecutor,
    )
    from .execution.hooks import HookContext, build_hook_context
    from .execution.io_managers import (
        InputContext,
        OutputContext,
        build_input_context,
        build_output_context,
    )
    from .execution.loggers import (
        InitLoggerContext,
        build_init_logger_context,
        colored_console_logger,
        default_loggers,
        default_system_loggers,
        json_console_logger,
    )
    from .execution.materialize import materialize, materialize_to_memory
    from .execution.observe import observe
    from .execution.reexecution import ReexecutionOptions
    from .execution.resources import InitResourceContext
    from .execution.result import ExecuteInProcessResult, ExecuteJobResult
    from .execution.run_config import validate_run_config
    from .metadata.asset_key import AssetCheckKey, AssetKey
    from .metadata.reports import (
        AssetCheckResult,
        AssetCheckSeverity,
        AssetMaterialization,
        AssetObservation,
        ExpectationResult,
    )
    from .metadata.table import (
        TableColumn,
        TableColumnConstraints,
        TableColumnDep,
        TableColumnLineage,
        TableConstraints,
        TableRecord,
        TableSchema,
    )
    from .metadata.values import (
        AssetMetadataValue,
        BoolMetadataValue,
        FloatMetadataValue,
        IntMetadataValue,
        JobMetadataValue,
        JsonMetadataValue,
        MarkdownMetadataValue,
        MetadataValue,
        NotebookMetadataValue,
        NullMetadataValue,
        PathMetadataValue,
        PythonArtifactMetadataValue,
        RunMetadataValue,
        TableColumnLineageMetadataValue,
        TableMetadataValue,
        TableSchemaMetadataValue,
        TextMetadataValue,
        TimestampMetadataValue,
        UrlMetadataValue,
    )
    from .records.error_info import ErrorInfo
    from .records.events import Event, EventLogEntry, EventType
    from .records.runs import Run, RunStatus
    from .storage.fs_io_manager import (
        PickledObjectFilesystemIOManager,
        UPathIOManager,
        fs_io_manager,
    )
    from .storage.instance import Instance
    from .storage.queries import (
        EventLogConnection,
        EventLogRecord,
        EventRecordsFilter,
        RunRecord,
        RunsFilter,
    )
    from .storage.testing import instance_for_test
    from .workspace.pointer import CodePointer
    from .workspace.rebuild import (
        ReconstructableJob,
        build_reconstructable_job,
        reconstructable,
    )
