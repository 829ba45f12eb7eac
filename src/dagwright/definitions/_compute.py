"""Reading a compute function's signature, and calling it with a context and inputs.

An op's function may take ``context`` first, then one parameter per input
(annotations give types, defaults give default values). Any callable will
do: a callable object is read through its ``__call__``, a
``functools.partial`` has the parameters it leaves free, typed by the
function it wraps. The legacy core form ``fn(context, inputs)`` used by
``OpDefinition(compute_fn=...)`` is also supported. :class:`ComputeFunction`
records which form it is, so the hot path only does a positional call.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
import types
import typing
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InvalidDefinitionError
from ._context import ExecutionContextBase
from ._util import NO_VALUE

__all__ = ["ComputeFunction", "Param", "signature_params", "return_annotation"]

_CONTEXT_NAMES = frozenset({"context", "_context", "context_", "_"})
_CONTEXT_CLASS_NAMES = frozenset({"OpExecutionContext", "AssetExecutionContext"})


class Param:
    """A parameter of a user function: name, annotation (or NO_VALUE), default (or NO_VALUE)."""

    __slots__ = ("annotation", "default", "kind", "name")

    def __init__(self, name: str, annotation: Any, default: Any, kind: Any) -> None:
        self.name = name
        self.annotation = annotation
        self.default = default
        self.kind = kind


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """Resolved annotations of ``fn``; unresolvable string annotations are left as strings.

    String annotations (``from __future__ import annotations``) naming a class
    defined in a function body are looked up in the locals of the code that
    applied the decorator, as a reader of that code would.
    """
    raw = getattr(fn, "__annotations__", {}) or {}
    if not any(isinstance(v, str) for v in raw.values()):
        return dict(raw)
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except Exception:
        pass
    namespace = {**getattr(fn, "__globals__", {}), **_defining_locals()}
    resolved: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            with contextlib.suppress(Exception):
                value = eval(value, namespace)  # the user's own annotation
        resolved[key] = value
    return resolved


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _defining_locals() -> dict[str, Any]:
    """The local names of the nearest caller outside dagwright (where ``@op`` was applied)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    return dict(frame.f_locals) if frame is not None else {}


def signature_params(fn: Callable[..., Any]) -> tuple[list[Param], dict[str, Any]]:
    """The parameters of ``fn`` with resolved annotations, and all its resolved hints.

    Read once per function: the asset decorators and the op they build both ask.
    """
    if not _is_plain(fn):
        return _read_signature(fn)
    state = (fn.__defaults__, fn.__kwdefaults__, dict(fn.__annotations__))
    cached = _SIGNATURES.get(fn)
    if cached is not None and cached[0] == state:  # unchanged since it was read
        return list(cached[1][0]), dict(cached[1][1])
    found = _read_signature(fn)
    _SIGNATURES[fn] = (state, found)
    return list(found[0]), dict(found[1])


_SIGNATURES: weakref.WeakKeyDictionary[Any, tuple[Any, tuple[list[Param], dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _is_plain(fn: Any) -> bool:
    """A plain ``def`` function, not wrapped and without a signature of its own set."""
    return (
        type(fn) is types.FunctionType
        and "__wrapped__" not in fn.__dict__
        and "__signature__" not in fn.__dict__
    )


def _read_signature(fn: Callable[..., Any]) -> tuple[list[Param], dict[str, Any]]:
    """The parameters of any callable: a ``functools.partial`` has those of the function it
    wraps that it leaves free (one it binds by keyword is no longer a parameter, though
    Python would let a caller override it), typed by that function's annotations."""
    if _is_plain(fn):  # what inspect.signature would say, read from the code
        return _plain_signature(fn)  # type: ignore[arg-type]
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError) as error:
        raise InvalidDefinitionError(
            f"cannot read the signature of {fn!r}: {error}",
            fix="decorate a plain Python function.",
        ) from None
    hints = _hints(_annotated(fn))
    bound = _bound_by_keyword(fn)
    params = [
        Param(
            p.name,
            hints.get(p.name, NO_VALUE),
            NO_VALUE if p.default is inspect.Parameter.empty else p.default,
            p.kind,
        )
        for p in sig.parameters.values()
        if p.name not in bound
    ]
    return params, hints


def _annotated(fn: Any) -> Any:
    """The function whose annotations describe ``fn``'s parameters: the one a partial wraps,
    the ``__call__`` of a callable object, else ``fn`` itself."""
    fn = _beneath_partials(fn)
    if inspect.isroutine(fn) or isinstance(fn, type):
        return fn
    call = type(fn).__call__  # every compute function is callable
    return call if inspect.isfunction(call) else fn


def _beneath_partials(fn: Any) -> Any:
    """The callable that ``fn`` (if a partial, or a partial of a partial) wraps."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return fn


def _bound_by_keyword(fn: Any) -> set[str]:
    """The parameters a (nested) ``functools.partial`` gives by keyword."""
    bound: set[str] = set()
    while isinstance(fn, functools.partial):
        bound.update(fn.keywords)
        fn = fn.func
    return bound


_P = inspect.Parameter


def _plain_signature(fn: types.FunctionType) -> tuple[list[Param], dict[str, Any]]:
    """The parameters of a plain function, from its code object (inspect.signature, 10x
    faster: definitions of thousands of assets read one signature each)."""
    code = fn.__code__
    hints = _hints(fn)
    positional = code.co_argcount
    keyword_only = code.co_kwonlyargcount
    names = code.co_varnames
    defaults = fn.__defaults__ or ()
    first_default = positional - len(defaults)
    params = []
    for index in range(positional):
        name = names[index]
        kind = _P.POSITIONAL_ONLY if index < code.co_posonlyargcount else _P.POSITIONAL_OR_KEYWORD
        default = defaults[index - first_default] if index >= first_default else NO_VALUE
        params.append(Param(name, hints.get(name, NO_VALUE), default, kind))
    extra = positional + keyword_only
    if code.co_flags & inspect.CO_VARARGS:
        name = names[extra]
        params.append(Param(name, hints.get(name, NO_VALUE), NO_VALUE, _P.VAR_POSITIONAL))
        extra += 1
    keyword_defaults = fn.__kwdefaults__ or {}
    for name in names[positional : positional + keyword_only]:
        default = keyword_defaults.get(name, NO_VALUE)
        params.append(Param(name, hints.get(name, NO_VALUE), default, _P.KEYWORD_ONLY))
    if code.co_flags & inspect.CO_VARKEYWORDS:
        name = names[extra]
        params.append(Param(name, hints.get(name, NO_VALUE), NO_VALUE, _P.VAR_KEYWORD))
    return params, hints


def function_kind(fn: Callable[..., Any]) -> tuple[bool, bool, bool]:
    """Whether ``fn`` is a generator, a coroutine and an async generator function (one look
    at a plain function's code flags)."""
    if type(fn) is types.FunctionType:
        flags = fn.__code__.co_flags
        return (
            bool(flags & inspect.CO_GENERATOR),
            bool(flags & inspect.CO_COROUTINE),
            bool(flags & inspect.CO_ASYNC_GENERATOR),
        )
    return (
        inspect.isgeneratorfunction(fn),
        inspect.iscoroutinefunction(fn),
        inspect.isasyncgenfunction(fn),
    )


def docstring(fn: Callable[..., Any]) -> str | None:
    """``fn``'s docstring, cleaned (``inspect.getdoc`` of a function, without its search of
    parent classes, which costs more than the rest of an op's definition)."""
    doc = getattr(_beneath_partials(fn), "__doc__", None)  # not the docstring of partial
    return inspect.cleandoc(doc) if isinstance(doc, str) else None


def return_annotation(hints: Mapping[str, Any]) -> Any:
    """The return annotation from resolved hints, or NO_VALUE."""
    return hints.get("return", NO_VALUE)


def is_context_param(param: Param) -> bool:
    """Whether ``param`` (the first one) receives the execution context."""
    if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
        return False
    annotation = param.annotation
    if isinstance(annotation, type):
        if issubclass(annotation, ExecutionContextBase):
            return True
        if any(k.__name__ in _CONTEXT_CLASS_NAMES for k in annotation.__mro__):
            return True
    elif isinstance(annotation, str) and annotation.rsplit(".", 1)[-1] in _CONTEXT_CLASS_NAMES:
        return True
    return param.name in _CONTEXT_NAMES


class ComputeFunction:
    """A user compute function and how to call it: ``call(context, inputs)``."""

    __slots__ = (
        "by_keyword",
        "config_class",
        "fn",
        "input_params",
        "is_async",
        "is_async_generator",
        "is_generator",
        "legacy",
        "resource_params",
        "var_kwargs",
        "wants_context",
    )

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        wants_context: bool,
        input_params: tuple[str, ...],
        var_kwargs: bool = False,
        by_keyword: bool = False,
        legacy: bool = False,
        config_class: type | None = None,
        resource_params: tuple[str, ...] = (),
    ) -> None:
        self.fn = fn
        # Parameters that receive the resource of the same key.
        self.resource_params = resource_params
        # A pythonic Config class the function takes as its ``config`` parameter.
        self.config_class: Any = config_class
        self.wants_context = wants_context
        self.input_params = input_params
        self.var_kwargs = var_kwargs
        # Some input is a keyword-only parameter, so inputs are passed by name.
        self.by_keyword = by_keyword
        self.legacy = legacy
        self.is_generator, self.is_async, self.is_async_generator = function_kind(fn)

    @property
    def name(self) -> str:
        return getattr(self.fn, "__qualname__", repr(self.fn))

    def call(
        self,
        context: Any,
        inputs: Mapping[str, Any],
        config: Any = NO_VALUE,
        resources: Mapping[str, Any] | None = None,
    ) -> Any:
        """Call the function; ``inputs`` holds a value for every non-Nothing input.

        A function taking a ``config`` object gets ``config`` if given, else one
        built from the context's op config; resource parameters get
        ``resources[name]`` if given, else the context's resource of that key.
        """
        if self.legacy:
            return self.fn(context, dict(inputs))
        if self.config_class is not None or self.resource_params:
            kwargs = dict(inputs)
            if self.config_class is not None:
                if config is NO_VALUE:
                    op_config = getattr(context, "op_config", None)
                    config = self.config_class.from_config_value(op_config)
                kwargs["config"] = config
            for name in self.resource_params:
                if resources is not None and name in resources:
                    kwargs[name] = resources[name]
                else:
                    kwargs[name] = getattr(context.resources, name)
            return self.fn(context, **kwargs) if self.wants_context else self.fn(**kwargs)
        if self.var_kwargs:
            if self.wants_context:
                return self.fn(context, **inputs)
            return self.fn(**inputs)
        args = [inputs[name] for name in self.input_params if name in inputs]
        if self.by_keyword or len(args) != len(self.input_params):
            # A keyword-only input, or one with a Python default but no value (which
            # Python fills in): pass them by name.
            kwargs = {name: inputs[name] for name in self.input_params if name in inputs}
            return self.fn(context, **kwargs) if self.wants_context else self.fn(**kwargs)
        if self.wants_context:
            return self.fn(context, *args)
        return self.fn(*args)
