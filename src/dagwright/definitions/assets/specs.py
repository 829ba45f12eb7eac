"""What describes an asset apart from the code that makes it: specs, inputs, outputs, deps.

:class:`AssetSpec` is the description of one asset (key, dependencies,
group, owners, tags, kinds, metadata, code version); ``@asset`` and
``@multi_asset`` build one per asset they make, and a spec on its own
declares an external asset that something outside dagwright makes.
:class:`AssetIn` and :class:`AssetOut` tune the inputs and outputs of the
asset decorators; :class:`AssetDep` names an upstream asset that is not
read as a value; :class:`SourceAsset` is Dagster's older form of an
external asset, loaded through an IO manager.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...errors import InvalidDefinitionError
from ...metadata import AssetKey, normalize_metadata
from ...metadata.asset_key import CoercibleToAssetKey
from .._util import frozen_dict
from ..outputs import DEFAULT_IO_MANAGER_KEY
from ..tags import normalize_tags

__all__ = [
    "AssetSpec",
    "AssetIn",
    "AssetOut",
    "AssetDep",
    "SourceAsset",
    "DEFAULT_GROUP",
    "CoercibleToAssetDep",
    "dep_key",
    "to_key",
    "check_group_name",
]

DEFAULT_GROUP = "default"
"""The group of an asset that names none."""


def check_group_name(group_name: str | None, where: str) -> str:
    """``group_name`` (or the default group) if it is a valid name."""
    import re

    if group_name is None:
        return DEFAULT_GROUP
    if not isinstance(group_name, str) or not re.fullmatch(r"[A-Za-z0-9_]+", group_name):
        raise InvalidDefinitionError(
            f"group_name {group_name!r} is not a valid group name.",
            where=where,
            fix="use letters, digits and underscores only.",
        )
    return group_name


def to_key(key: CoercibleToAssetKey) -> AssetKey:
    """``key`` as an AssetKey: a key as is, ``"a/b"`` split on slashes, a list as the parts."""
    if isinstance(key, AssetKey):
        return key
    return AssetKey.from_user_string(key) if isinstance(key, str) else AssetKey(key)


class AssetDep:
    """An upstream asset this one depends on without reading it as a value (``deps=[...]``)."""

    __slots__ = ("asset_key", "partition_mapping")

    def __init__(self, asset: Any, *, partition_mapping: Any = None) -> None:
        self.asset_key = dep_key(asset, "AssetDep")
        self.partition_mapping = partition_mapping

    def __repr__(self) -> str:
        return f"AssetDep({self.asset_key.to_user_string()!r})"


def partition_mappings_of(
    deps: Iterable[Any], given: Mapping[AssetKey, Any] | None = None
) -> dict[AssetKey, Any]:
    """The partition mappings ``given`` plus those of the AssetDep entries in ``deps``."""
    found = dict(given or {})
    for dep in deps:
        if isinstance(dep, AssetDep) and dep.partition_mapping is not None:
            found[dep.asset_key] = dep.partition_mapping
    return found


CoercibleToAssetDep = Any
"""What ``deps=[...]`` takes: an asset key or its string, an AssetDep, an AssetSpec, or an
asset definition (whose one key it names)."""


def dep_key(dep: Any, where: str) -> AssetKey:
    """The asset key a ``deps`` entry names."""
    if isinstance(dep, AssetDep):
        return dep.asset_key
    if isinstance(dep, AssetKey):
        return dep
    if isinstance(dep, str):
        return AssetKey.from_user_string(dep)
    if isinstance(dep, list | tuple) and all(isinstance(p, str) for p in dep):
        return AssetKey(list(dep))
    keys = getattr(dep, "keys", None)  # an asset definition: it must make one asset
    if isinstance(keys, set | frozenset) and len(keys) == 1:
        (only,) = keys
        if isinstance(only, AssetKey):
            return only
    key = getattr(dep, "key", None) if keys is None else None  # an AssetSpec, a SourceAsset
    if isinstance(key, AssetKey):
        return key
    if keys is not None and not callable(keys):
        raise InvalidDefinitionError(
            f"a dependency on {dep!r}, which makes several assets, does not say which one.",
            where=where,
            fix="name the asset: deps=[AssetKey([...])] or deps=['prefix/name'].",
        )
    raise InvalidDefinitionError(
        f"{dep!r} does not name an asset.",
        where=where,
        fix="give an asset key (AssetKey, 'a/b', ['a', 'b']), an AssetSpec or an asset.",
    )


class AssetSpec:
    """The description of one asset: its key and everything said about it.

    Alone (in ``Definitions(assets=[...])``) it declares an external asset
    that dagwright does not materialize; in ``@multi_asset(specs=[...])``
    it describes an asset the function makes.
    """

    __slots__ = (
        "code_version",
        "deps",
        "description",
        "group_name",
        "key",
        "kinds",
        "metadata",
        "owners",
        "partition_mappings",
        "partitions_def",
        "skippable",
        "tags",
    )

    def __init__(
        self,
        key: CoercibleToAssetKey,
        *,
        deps: Iterable[CoercibleToAssetDep] | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        skippable: bool = False,
        group_name: str | None = None,
        code_version: str | None = None,
        owners: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None,
        kinds: Iterable[str] | None = None,
        partitions_def: Any = None,
        partition_mappings: Mapping[AssetKey, Any] | None = None,
    ) -> None:
        self.key = to_key(key)
        where = f"asset '{self.key.to_user_string()}'"
        deps = tuple(deps or ())
        self.deps: tuple[AssetKey, ...] = tuple(dep_key(d, where) for d in deps)
        # How this asset's partitions read each partitioned upstream (AssetDep/AssetIn mappings).
        self.partition_mappings: Mapping[AssetKey, Any] = frozen_dict(
            partition_mappings_of(deps, partition_mappings)
        )
        self.description = description
        self.metadata = frozen_dict(normalize_metadata(metadata, where=where))
        self.skippable = skippable
        self.group_name = group_name
        self.code_version = code_version
        self.owners = tuple(owners or ())
        self.tags = normalize_tags(tags, where)
        self.kinds = frozenset(kinds or ())
        self.partitions_def = partitions_def

    def replace_attributes(self, **changes: Any) -> AssetSpec:
        """A copy with some attributes changed (``key=``, ``group_name=``, ``deps=``, ...)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        key = values.pop("key")
        return AssetSpec(key, **values)

    def __repr__(self) -> str:
        return f"AssetSpec({self.key.to_user_string()!r})"


class AssetIn:
    """How an ``@asset`` parameter reads its upstream asset: which key, and how."""

    __slots__ = (
        "dagster_type",
        "input_manager_key",
        "key",
        "key_prefix",
        "metadata",
        "partition_mapping",
    )

    def __init__(
        self,
        key: CoercibleToAssetKey | None = None,
        metadata: Mapping[str, Any] | None = None,
        key_prefix: str | Sequence[str] | None = None,
        input_manager_key: str | None = None,
        partition_mapping: Any = None,
        dagster_type: Any = None,
    ) -> None:
        if key is not None and key_prefix is not None:
            raise InvalidDefinitionError(
                "AssetIn takes key or key_prefix, not both.",
                fix="give the whole key (key=['prefix', 'name']), or key_prefix alone.",
            )
        self.key = None if key is None else to_key(key)
        self.key_prefix = [key_prefix] if isinstance(key_prefix, str) else key_prefix
        self.metadata = frozen_dict(metadata)
        self.input_manager_key = input_manager_key
        self.dagster_type = dagster_type
        self.partition_mapping = partition_mapping


class AssetOut:
    """One asset of a ``@multi_asset``: its key (or prefix), group, IO manager and description."""

    __slots__ = (
        "code_version",
        "dagster_type",
        "description",
        "group_name",
        "io_manager_key",
        "is_required",
        "key",
        "key_prefix",
        "kinds",
        "metadata",
        "owners",
        "tags",
    )

    def __init__(
        self,
        key_prefix: str | Sequence[str] | None = None,
        key: CoercibleToAssetKey | None = None,
        dagster_type: Any = None,
        description: str | None = None,
        is_required: bool = True,
        io_manager_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        group_name: str | None = None,
        code_version: str | None = None,
        owners: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> None:
        self.key_prefix = [key_prefix] if isinstance(key_prefix, str) else key_prefix
        self.key = None if key is None else to_key(key)
        self.dagster_type = dagster_type
        self.description = description
        self.is_required = is_required
        self.io_manager_key = io_manager_key or DEFAULT_IO_MANAGER_KEY
        self.metadata = frozen_dict(metadata)
        self.group_name = group_name
        self.code_version = code_version
        self.owners = tuple(owners or ())
        self.tags = dict(tags or {})
        self.kinds = frozenset(kinds or ())


class SourceAsset:
    """An asset made outside dagwright that assets can read (Dagster's older external asset).

    Read through the IO manager ``io_manager_key`` (default ``io_manager``),
    as if it had been stored by an asset of that key.
    """

    def __init__(
        self,
        key: CoercibleToAssetKey,
        metadata: Mapping[str, Any] | None = None,
        io_manager_key: str | None = None,
        description: str | None = None,
        partitions_def: Any = None,
        group_name: str | None = None,
        observe_fn: Any = None,
        tags: Mapping[str, str] | None = None,
        owners: Sequence[str] | None = None,
        kinds: Iterable[str] | None = None,
        required_resource_keys: Iterable[str] | None = None,
    ) -> None:
        self.key = to_key(key)
        where = f"source asset '{self.key.to_user_string()}'"
        self.required_resource_keys = frozenset(required_resource_keys or ())
        self.metadata = frozen_dict(normalize_metadata(metadata, where=where))
        self.io_manager_key = io_manager_key or DEFAULT_IO_MANAGER_KEY
        self.description = description
        self.partitions_def = partitions_def
        self.group_name = check_group_name(group_name, where)
        self.observe_fn = observe_fn
        self.tags = normalize_tags(tags, where)
        self.owners = tuple(owners or ())
        self.kinds = frozenset(kinds or ())

    @property
    def is_observable(self) -> bool:
        return self.observe_fn is not None

    def with_attributes(
        self, *, key: AssetKey | None = None, group_name: str | None = None
    ) -> SourceAsset:
        """A copy with another key or group (what ``load_assets_from_*`` do to source assets)."""
        return SourceAsset(
            key or self.key,
            metadata=self.metadata,
            io_manager_key=self.io_manager_key,
            description=self.description,
            partitions_def=self.partitions_def,
            group_name=group_name or self.group_name,
            observe_fn=self.observe_fn,
            tags=self.tags,
            owners=self.owners,
            kinds=self.kinds,
            required_resource_keys=self.required_resource_keys,
        )

    def to_asset_spec(self) -> AssetSpec:
        """This external asset described by an AssetSpec (key, group, owners, tags, ...)."""
        said = ("description", "metadata", "group_name", "owners", "tags", "kinds")
        return AssetSpec(
            self.key, partitions_def=self.partitions_def, **{n: getattr(self, n) for n in said}
        )

    def __repr__(self) -> str:
        return f"SourceAsset({self.key.to_user_string()!r})"
