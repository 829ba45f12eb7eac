"""Asset checks: ``AssetCheckSpec``, ``@asset_check`` and ``AssetChecksDefinition``.

A check tests an asset's data after the asset is materialized and reports
an ``AssetCheckResult`` (recorded as an ASSET_CHECK_EVALUATION event). It
is declared on its own with ``@asset_check(asset=...)`` (an op that runs
after the asset, reading it when the function takes it as a parameter),
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
from .._compute import docstring, is_context_param, signature_params
from ..inputs import In
from ..op import OpDefinition
from ..op import op as op_decorator
from ..outputs import Out
from ..types import Nothing
from .definition import node_name_for_key
from .specs import dep_key

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

    def __init__(self, op_def: OpDefinition, spec: AssetCheckSpec, asset_input: str) -> None:
        self.op = op_def
        self.node_def = op_def
        self.spec = spec
        self.asset_input = asset_input  # the op input that reads (or waits for) the asset

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
        copy = AssetChecksDefinition(self.op, moved, self.asset_input)
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
    required_resource_keys: Iterable[str] | None = None,
    config_schema: Any = None,
    metadata: Mapping[str, Any] | None = None,
    additional_deps: Iterable[Any] | None = None,
    op_tags: Mapping[str, Any] | None = None,
    retry_policy: Any = None,
) -> Any:
    """Define a check of ``asset`` from a function returning an ``AssetCheckResult``.

    The function may take ``context``, and the checked asset's value as a
    parameter named after the asset (or the first other parameter).
    """

    def build(fn: Callable[..., Any]) -> AssetChecksDefinition:
        check_name = str(name or getattr(fn, "__name__", "check"))
        if asset is None:
            raise InvalidDefinitionError(
                "@asset_check needs the asset it checks.",
                where=f"asset check '{check_name}'",
                fix="write @asset_check(asset=my_asset) (an asset, a key or 'a/b').",
            )
        spec = AssetCheckSpec(
            check_name,
            asset=asset,
            description=description if description is not None else docstring(fn),
            blocking=blocking,
            metadata=metadata,
            additional_deps=additional_deps,
        )
        params, _ = signature_params(fn)
        if params and is_context_param(params[0]):
            params = params[1:]
        reads = [p.name for p in params]
        ins: dict[str, In] = {}
        if reads:
            asset_input = reads[0]
        else:  # the check does not read the asset: it still runs after it
            asset_input = node_name_for_key(spec.asset_key)
            ins[asset_input] = In(Nothing)
        for dep in spec.additional_deps:
            ins[node_name_for_key(dep)] = In(Nothing)

        @functools.wraps(fn)
        def run_check(*args: Any, **kwargs: Any) -> Iterator[Any]:
            found = fn(*args, **kwargs)
            yield from found if inspect.isgenerator(found) else (found,)

        op_def = op_decorator(
            name=f"{node_name_for_key(spec.asset_key)}_{check_name}",
            description=spec.description,
            ins=ins,
            # No value: the Nothing output lets assets wait for a blocking check.
            out=Out(Nothing),
            config_schema=config_schema,
            required_resource_keys=required_resource_keys,
            tags=op_tags,
            retry_policy=retry_policy,
        )(run_check)
        checks = AssetChecksDefinition(op_def, spec, asset_input)
        checks.spec_fn = fn
        return checks

    if compute_fn is not None:
        return build(compute_fn)
    return build
