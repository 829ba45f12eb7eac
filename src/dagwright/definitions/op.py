"""Ops: the unit of computation. ``@op`` turns a function into an :class:`OpDefinition`.

Inputs come from the function's parameters (after an optional ``context``)
merged with ``ins=``; outputs from ``out=`` or the return annotation. The
definition is immutable and checked when it is built.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, overload

from ..config.schema import as_field
from ..config.types import Field
from ..errors import InvalidDefinitionError
from ..metadata import MetadataValueUnion, normalize_metadata
from ._compute import (
    ComputeFunction,
    Param,
    docstring,
    function_kind,
    is_context_param,
    return_annotation,
    signature_params,
)
from ._invocation import invoke_op
from ._util import NO_VALUE, check_name, frozen_dict
from .events import Output
from .inputs import In, InputDefinition
from .node import NodeDefinition
from .outputs import DEFAULT_OUTPUT, DynamicOut, Out, OutputDefinition
from .resources import is_resource_annotation
from .retry import RetryPolicy

__all__ = ["OpDefinition", "op"]


class OpDefinition(NodeDefinition):
    """An op: a compute function with typed inputs and outputs, config, resources and tags.

    Built by ``@op``, or directly in the core form where ``compute_fn(context,
    inputs)`` receives the inputs as a dict and yields ``Output`` objects.
    """

    kind = "op"

    def __init__(
        self,
        compute_fn: Callable[..., Any],
        name: str,
        ins: Mapping[str, In] | None = None,
        outs: Mapping[str, Out] | None = None,
        description: str | None = None,
        config_schema: Any = None,
        required_resource_keys: Iterable[str] | None = None,
        tags: Mapping[str, Any] | None = None,
        retry_policy: RetryPolicy | None = None,
        code_version: str | None = None,
        pool: str | None = None,
        *,
        metadata: Mapping[str, Any] | None = None,
        _compute: ComputeFunction | None = None,
        _input_defs: list[InputDefinition] | None = None,
        _output_defs: list[OutputDefinition] | None = None,
    ) -> None:
        check_name(name, "op")
        where = f"op '{name}'"
        if not callable(compute_fn):
            raise InvalidDefinitionError(
                f"compute_fn must be a function, got {type(compute_fn).__name__}.", where=where
            )
        if _compute is None:
            # The core API: compute_fn(context, inputs) with ins/outs given explicitly.
            _compute = ComputeFunction(compute_fn, wants_context=True, input_params=(), legacy=True)
            _input_defs = [_input_def(n, i, where) for n, i in (ins or {}).items()]
            _output_defs = _output_defs_from(outs, NO_VALUE, where)
        assert _input_defs is not None
        assert _output_defs is not None
        super().__init__(
            name=name,
            input_defs=_input_defs,
            output_defs=_output_defs,
            description=description,
            tags=tags,
        )
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            raise InvalidDefinitionError(
                f"retry_policy must be a RetryPolicy, got {type(retry_policy).__name__}.",
                where=where,
            )
        self._compute = _compute
        only = self._output_defs[0] if len(self._output_defs) == 1 else None
        self._single_output = only if only is not None and not only.is_dynamic else None
        self._config_schema = config_schema
        # Parameters annotated as resources are required resources of the same key.
        self._required_resource_keys = _resource_keys(required_resource_keys, where) | frozenset(
            _compute.resource_params
        )
        self._retry_policy = retry_policy
        self._code_version = code_version
        self._pool = pool
        self._metadata = frozen_dict(normalize_metadata(metadata, where=where))
        # Built now, so that a malformed schema is reported with the op's name.
        self._config_field = as_field(config_schema, f"op '{name}'")

    def with_changes(
        self, *, name: str | None = None, extra_input_defs: Iterable[InputDefinition] = ()
    ) -> OpDefinition:
        """A copy of this op renamed, or with more inputs (the same function and settings)."""
        return OpDefinition(
            self.compute_fn,
            name or self.name,
            description=self.description,
            config_schema=self._config_schema,
            required_resource_keys=self._required_resource_keys,
            tags=self.tags,
            retry_policy=self._retry_policy,
            code_version=self._code_version,
            pool=self._pool,
            metadata=self._metadata,
            _compute=self._compute,
            _input_defs=[*self.input_defs, *extra_input_defs],
            _output_defs=list(self.output_defs),
        )

    # -- what it is ------------------------------------------------------

    @property
    def compute_fn(self) -> Callable[..., Any]:
        return self._compute.fn

    @property
    def compute(self) -> ComputeFunction:
        """How the compute function is called (context or not, input order)."""
        return self._compute

    @property
    def single_output(self) -> OutputDefinition | None:
        """The op's only output when it has exactly one and it is not dynamic, else None."""
        return self._single_output

    @property
    def config_schema(self) -> Any:
        return self._config_schema

    @property
    def config_field(self) -> Field:
        """The op's config schema as a config field."""
        return self._config_field

    @property
    def required_resource_keys(self) -> frozenset[str]:
        return self._required_resource_keys

    @property
    def retry_policy(self) -> RetryPolicy | None:
        return self._retry_policy

    @property
    def code_version(self) -> str | None:
        return self._code_version

    @property
    def metadata(self) -> Mapping[str, MetadataValueUnion]:
        """The op's ``metadata=``, normalized to metadata values (a dagwright addition)."""
        return self._metadata

    @property
    def pool(self) -> str | None:
        return self._pool

    @property
    def version(self) -> str | None:
        return self._code_version

    # -- calling it in a test -------------------------------------------

    def _invoke_directly(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return invoke_op(self, args, kwargs)


# --------------------------------------------------------------------------
# Building an op from a decorated function


def _resource_keys(keys: Iterable[str] | None, where: str) -> frozenset[str]:
    if keys is None:
        return frozenset()
    if isinstance(keys, str):
        raise InvalidDefinitionError(
            f"required_resource_keys must be a set of keys, got the string {keys!r}.",
            where=where,
            fix=f"write required_resource_keys={{{keys!r}}}.",
        )
    return frozenset(check_name(k, "resource key", where) for k in keys)


def _input_def(name: str, declared: In, where: str, param: Param | None = None) -> InputDefinition:
    if not isinstance(declared, In):
        raise InvalidDefinitionError(
            f"ins['{name}'] must be an In(...), got {type(declared).__name__}.",
            where=where,
            fix=f"write ins={{'{name}': In(...)}}.",
        )
    dagster_type = declared.dagster_type
    if dagster_type is NO_VALUE:
        dagster_type = param.annotation if param and param.annotation is not NO_VALUE else Any
    default = declared.default_value
    if default is NO_VALUE and param is not None:
        default = param.default
    return InputDefinition(
        name,
        dagster_type,
        declared.description,
        default,
        declared.metadata,
        declared.input_manager_key,
        where=f"{where}, input '{name}'",
    )


def _unwrap_output_annotation(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if isinstance(origin, type) and issubclass(origin, Output):
        args = typing.get_args(annotation)
        return args[0] if args else Any
    if isinstance(annotation, type) and issubclass(annotation, Output):
        return Any
    return annotation


def _output_defs_from(
    out: Out | Mapping[str, Out] | None, returned: Any, where: str
) -> list[OutputDefinition]:
    if out is None:
        dagster_type = Any if returned is NO_VALUE else _unwrap_output_annotation(returned)
        return [OutputDefinition(DEFAULT_OUTPUT, dagster_type, where=where)]
    if isinstance(out, Out):
        dagster_type = out.dagster_type
        if dagster_type is NO_VALUE:
            dagster_type = Any if returned is NO_VALUE else _unwrap_output_annotation(returned)
        return [OutputDefinition.from_out(DEFAULT_OUTPUT, out, dagster_type, where)]
    if not isinstance(out, Mapping):
        raise InvalidDefinitionError(
            f"out must be an Out or a dict of Outs, got {type(out).__name__}.",
            where=where,
            fix="write out=Out(int) or out={'a': Out(int), 'b': Out(str)}.",
        )
    element_types: tuple[Any, ...] = ()
    if returned is not NO_VALUE and len(out) > 1 and typing.get_origin(returned) is tuple:
        args = typing.get_args(returned)
        if len(args) == len(out) and Ellipsis not in args:
            element_types = args
    defs = []
    for index, (name, declared) in enumerate(out.items()):
        if not isinstance(declared, Out):
            raise InvalidDefinitionError(
                f"out['{name}'] must be an Out(...), got {type(declared).__name__}.",
                where=where,
            )
        dagster_type = declared.dagster_type
        if dagster_type is NO_VALUE:
            if element_types:
                dagster_type = _unwrap_output_annotation(element_types[index])
            elif len(out) == 1 and returned is not NO_VALUE:
                dagster_type = _unwrap_output_annotation(returned)
            else:
                dagster_type = Any
        defs.append(
            OutputDefinition.from_out(name, declared, dagster_type, f"{where}, output '{name}'")
        )
    return defs


def _from_function(
    fn: Callable[..., Any],
    ins: Mapping[str, In] | None,
    out: Out | Mapping[str, Out] | None,
    where: str,
) -> tuple[ComputeFunction, list[InputDefinition], list[OutputDefinition]]:
    params, hints = signature_params(fn)
    wants_context = bool(params) and is_context_param(params[0])
    input_params = params[1:] if wants_context else params
    declared = dict(ins or {})
    var_kwargs = False
    by_keyword = False
    config_class: type | None = None
    resource_params: list[str] = []
    input_defs: list[InputDefinition] = []
    for param in input_params:
        if is_resource_annotation(param.annotation):
            resource_params.append(param.name)  # a resource of that key, not an input
            continue
        if param.name == "config" and getattr(param.annotation, "__dagwright_config__", False):
            config_class = param.annotation  # a pythonic Config: the op's config, not an input
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            raise InvalidDefinitionError(
                f"its function takes *{param.name}; op inputs must be named parameters.",
                where=where,
                fix="declare one parameter per input.",
            )
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            var_kwargs = True
            continue
        in_def = _input_def(param.name, declared.pop(param.name, In()), where, param)
        if in_def.is_nothing:
            raise InvalidDefinitionError(
                f"input '{param.name}' has type Nothing, so it carries no value, but the "
                "function takes a parameter for it.",
                where=where,
                fix=f"remove the parameter '{param.name}' and keep ins={{'{param.name}': "
                "In(Nothing)}.",
            )
        input_defs.append(in_def)
        by_keyword = by_keyword or param.kind is inspect.Parameter.KEYWORD_ONLY
    for input_name, decl in declared.items():
        in_def = _input_def(input_name, decl, where)
        if input_name in resource_params:
            raise InvalidDefinitionError(
                f"ins declares '{input_name}', but that parameter is annotated as a resource, "
                "so it receives the resource of that key, not an input.",
                where=where,
                fix=f"remove '{input_name}' from ins, or annotate the parameter with the "
                "input's type.",
            )
        if not in_def.is_nothing and not var_kwargs:
            params_listed = ", ".join(p.name for p in input_params) or "none"
            raise InvalidDefinitionError(
                f"ins declares '{input_name}' but the function has no parameter of that name "
                f"(parameters: {params_listed}).",
                where=where,
                fix=f"add a parameter '{input_name}' to the function, or remove it from ins "
                "(only In(Nothing) inputs have no parameter).",
            )
        input_defs.append(in_def)
    returned = return_annotation(hints)
    generator, _, async_generator = function_kind(fn)
    if generator or async_generator or isinstance(out, DynamicOut):
        returned = NO_VALUE
    output_defs = _output_defs_from(out, returned, where)
    compute = ComputeFunction(
        fn,
        wants_context=wants_context,
        input_params=tuple(d.name for d in input_defs if not d.is_nothing),
        var_kwargs=var_kwargs,
        by_keyword=by_keyword,
        config_class=config_class,
        resource_params=tuple(resource_params),
    )
    return compute, input_defs, output_defs


@overload
def op(compute_fn: Callable[..., Any]) -> OpDefinition: ...
@overload
def op(
    compute_fn: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, In] | None = None,
    out: Out | Mapping[str, Out] | None = None,
    config_schema: Any = None,
    required_resource_keys: Iterable[str] | None = None,
    tags: Mapping[str, Any] | None = None,
    retry_policy: RetryPolicy | None = None,
    code_version: str | None = None,
    version: str | None = None,
    pool: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], OpDefinition]: ...
def op(
    compute_fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, In] | None = None,
    out: Out | Mapping[str, Out] | None = None,
    config_schema: Any = None,
    required_resource_keys: Iterable[str] | None = None,
    tags: Mapping[str, Any] | None = None,
    retry_policy: RetryPolicy | None = None,
    code_version: str | None = None,
    version: str | None = None,
    pool: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> OpDefinition | Callable[[Callable[..., Any]], OpDefinition]:
    """Turn a function into an op; inputs and outputs are read from its signature.

    Use bare (``@op``) or with arguments (``@op(out={...}, config_schema=...)``).
    """

    def build(fn: Callable[..., Any]) -> OpDefinition:
        op_name = name or getattr(fn, "__name__", None)
        check_name(op_name, "op")
        assert op_name is not None
        where = f"op '{op_name}'"
        compute, input_defs, output_defs = _from_function(fn, ins, out, where)
        if compute.config_class is not None and config_schema is not None:
            raise InvalidDefinitionError(
                "it takes a config object (its 'config' parameter) and also declares "
                "config_schema.",
                where=where,
                fix="keep one: the Config class, or config_schema=... with context.op_config.",
            )
        return OpDefinition(
            fn,
            op_name,
            description=description if description is not None else docstring(fn),
            config_schema=compute.config_class or config_schema,
            required_resource_keys=required_resource_keys,
            tags=tags,
            retry_policy=retry_policy,
            code_version=code_version or version,
            pool=pool,
            metadata=metadata,
            _compute=compute,
            _input_defs=input_defs,
            _output_defs=output_defs,
        )

    if compute_fn is not None:
        if not callable(compute_fn):
            raise InvalidDefinitionError(
                f"@op was given {compute_fn!r} instead of a function.",
                fix="use @op or @op(name=...) above a def.",
            )
        return build(compute_fn)
    return build
