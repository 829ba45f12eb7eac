"""Asset checks: ``AssetCheckSpec``, ``@asset_check`` and ``AssetChecksDefinition``.

A check tests an asset's data after the asset is materialized and reports
an ``AssetCheckResult`` (recorded as an ASSET_CHECK_EVALUATION event). It
is declared on its own with ``@asset_check(asset=...)`` (an op that runs
after the asset, reading it when the function takes it as a parameter,
and other assets through ``additional_ins``),
or on the asset itself with ``check_specs=[AssetCheckSpec(...)]`` (the
asset's function yields the results). A **blocking** check that fails
stops the assets downstream of the checked one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ...errors import InvalidDefinitionError
from ...metadata import AssetCheckKey, AssetKey
from .._compute import docstring
from ..op import OpDefinition
from ..op import op as op_decorator
from ..outputs import Out
from ..types import Nothing
from .decorators import asset_ins, upstream_params
from .definition import node_name_for_key
from .specs import AssetIn, dep_key

__all__ = ["AssetCheckSpec", "AssetChecksDefinition", "asset_check"]


class AssetCheckSpec:
    """A check of asset ``asset`` named ``name``; ``blocking`` stops downstream assets when it
    fails with severity ERROR."""

    __slots__ = ("additional_deps", "asset_key", "blocking", "description", "metadata", "name")

    def __init__(
        self,
        name: str,
        *,
        asset: Any,
        description: str | None = None,
        blocking: bool = False,
        metadata: Mapping[str, Any] | None = None,
        additional_deps: Iterable[Any] | None = None,
    ) -> None:
        from .._util import check_name

        self.name = check_name(name, "asset check")
        self.asset_key: AssetKey = dep_key(asset, f"asset check '{name}'")
        self.description = description
        self.blocking = blocking
        self.metadata = dict(metadata or {})
        self.additional_deps = tuple(
            dep_key(d, f"asset check '{name}'") for d in additional_deps or ()
        )

    @property
    def key(self) -> AssetCheckKey:
        return AssetCheckKey(self.asset_key, self.name)

    def __repr__(self) -> str:
        return f"AssetCheckSpec({self.name!r}, asset={self.asset_key.to_user_string()!r})"


class AssetChecksDefinition:
    """The op of an ``@asset_check`` and the check it runs."""

    def __init__(
        self,
        op_def: OpDefinition,
        spec: AssetCheckSpec,
        asset_input: str,
        keys_by_input_name: Mapping[str, AssetKey] | None = None,
    ) -> None:
        self.op = op_def
        self.node_def = op_def
        self.spec = spec
        self.asset_input = asset_input  # the op input that reads (or waits for) the asset
        keys = dict(keys_by_input_name or {})
        keys[asset_input] = spec.asset_key
        self.keys_by_input_name: Mapping[str, AssetKey] = keys
        """The asset each op input reads or waits for: the checked one and the others."""

    @property
    def value_input_keys(self) -> Mapping[str, AssetKey]:
        """The asset each input reads as a value, by input name."""
        inputs = self.op.input_dict
        return {n: k for n, k in self.keys_by_input_name.items() if not inputs[n].is_nothing}

    @property
    def check_specs(self) -> list[AssetCheckSpec]:
        return [self.spec]

    @property
    def asset_key(self) -> AssetKey:
        return self.spec.asset_key

    @property
    def check_key(self) -> AssetCheckKey:
        return self.spec.key

    @property
    def check_keys(self) -> set[AssetCheckKey]:
        return {self.spec.key}

    def with_asset_key(self, asset_key: AssetKey) -> AssetChecksDefinition:
        """A copy checking asset ``asset_key`` (the same asset, prefixed when loaded)."""
        spec = self.spec
        moved = AssetCheckSpec(
            spec.name,
            asset=asset_key,
            description=spec.description,
            blocking=spec.blocking,
            metadata=spec.metadata,
            additional_deps=spec.additional_deps,
        )
        copy = AssetChecksDefinition(self.op, moved, self.asset_input, self.keys_by_input_name)
        copy.spec_fn = self.spec_fn
        return copy

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the check's function directly, as a unit test does."""
        return self.spec_fn(*args, **kwargs)

    spec_fn: Callable[..., Any]

    def __repr__(self) -> str:
        return f"AssetChecksDefinition({self.spec.name!r})"


def asset_check(
    compute_fn: Callable[..., Any] | None = None,
    *,
    asset: Any = None,
    name: str | None = None,
    description: str | None = None,
    blocking: bool = False,
    additional_ins: Mapping[str, AssetIn] | None = None,
    additional_deps: Iterable[Any] | None = None,
    required_resource_keys: Iterable[str] | None = None,
    config_schema: Any = None,
    metadata: Mapping[str, Any] | None = None,
    op_tags: Mapping[str, Any] | None = None,
    retry_policy: Any = None,
) -> Any:
    """Define a check of ``asset`` from a function returning an ``AssetCheckResult``.

    Besides ``context``, resources and ``config``, the function reads the
    checked asset through the parameter named after it (its key's last
    part), or its one other parameter; without one it only runs after the
    asset. ``additional_ins`` reads other assets by parameter name;
    ``additional_deps`` waits for others without reading them.
    """

    def build(fn: Callable[..., Any]) -> AssetChecksDefinition:
        check_name = str(name or getattr(fn, "__name__", "check"))
        where = f"asset check '{check_name}'"
        if asset is None:
            raise InvalidDefinitionError(
                "@asset_check needs the asset it checks.",
                where=where,
                fix="write @asset_check(asset=my_asset) (an asset, a key or 'a/b').",
            )
        asset_key = dep_key(asset, where)
        extra = dict(additional_ins or {})
        params = upstream_params(fn)
        for param in extra:
            if param not in params:
                raise InvalidDefinitionError(
                    f"additional_ins names '{param}', but the function has no parameter of "
                    "that name.",
                    where=where,
                    fix=f"add a parameter '{param}', or list the asset in additional_deps=[...] "
                    "if its value is not read.",
                )
        asset_param = _asset_param([p for p in params if p not in extra], asset_key, where)
        ins = dict(extra)
        deps = list(additional_deps or ())
        if asset_param is not None:
            ins[asset_param] = AssetIn(key=asset_key)
        else:  # the check does not read the asset: it still runs after it
            deps.insert(0, asset_key)
        op_ins, keys_by_input = asset_ins(fn, ins, deps, where)
        spec = AssetCheckSpec(
            check_name,
            asset=asset_key,
            description=description if description is not None else docstring(fn),
            blocking=blocking,
            metadata=metadata,
            additional_deps=[k for k in keys_by_input.values() if k != asset_key],
        )

        @functools.wraps(fn)
        def run_check(*args: Any, **kwargs: Any) -> Iterator[Any]:
            found = fn(*args, **kwargs)
            yield from found if inspect.isgenerator(found) else (found,)

        op_def = op_decorator(
            name=f"{node_name_for_key(asset_key)}_{check_name}",
            description=spec.description,
            ins=op_ins,
            # No value: the Nothing output lets assets wait for a blocking check.
            out=Out(Nothing),
            config_schema=config_schema,
            required_resource_keys=required_resource_keys,
            tags=op_tags,
            retry_policy=retry_policy,
        )(run_check)
        asset_input = asset_param or node_name_for_key(asset_key)
        checks = AssetChecksDefinition(op_def, spec, asset_input, keys_by_input)
        checks.spec_fn = fn
        return checks

    if compute_fn is not None:
        return build(compute_fn)
    return build


def _asset_param(params: list[str], asset_key: AssetKey, where: str) -> str | None:
    """The parameter that reads the checked asset: the one named after it, or the only one
    (None: the check takes none)."""
    named = asset_key.path[-1]
    found = named if named in params else (params[0] if len(params) == 1 else None)
    others = [p for p in params if p != found]
    if others:
        listed = ", ".join(f"'{p}'" for p in others)
        raise InvalidDefinitionError(
            f"parameters {listed} read no asset: a check reads the asset it checks through "
            f"the parameter named after it ('{named}'), or its only parameter.",
            where=where,
            fix=f"name the asset's parameter '{named}', and read other assets with "
            "additional_ins={'param': AssetIn(key=...)}.",
        )
    return found
