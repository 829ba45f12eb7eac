"""``AssetSelection``: which assets of a set of definitions a job, a run or a command targets.

A selection is an immutable query, built in Python (``AssetSelection.groups("sales")
| AssetSelection.keys("orders").upstream()``) or parsed from a string
(``AssetSelection.from_string("*orders")``), and resolved against the assets
of some definitions with :meth:`AssetSelection.resolve`, which returns the
selected keys. Resolving walks each edge of the asset graph at most once per
traversal in the query, so it stays linear in the size of the graph.

String selections
-----------------
Two syntaxes are accepted, as in Dagster, and may be mixed:

* Clauses naming an asset key (Dagster's original syntax, the one of the
  spec's ``selection="asset1"``). ``"asset1"`` is that asset; ``"a/b"`` is the
  key ``["a", "b"]`` (a plain string is a user string split on ``/``, as
  Dagster's documentation of the syntax says). A leading ``*`` adds all
  upstream assets (``"*asset2"``), a trailing ``*`` all downstream ones; each
  leading ``+`` adds one level upstream, each trailing ``+`` one level
  downstream (``"asset1+"``, ``"asset1++"``, ``"+asset1"``). ``"*"`` alone is
  every asset. (``"2+asset1"`` and ``"asset1+2"``, a depth written as a
  number, are accepted too.)
* Filters and combinators (Dagster's newer syntax): ``key:a/b`` (a ``*`` in
  the value is a wildcard: ``key:"raw_*"``), ``group:g``, ``tag:k=v`` and
  ``tag:k``, ``kind:k``, ``owner:o``, ``key_substring:s``; values may be
  quoted (``owner:"team:billing"``). A traversal around a filter, a
  parenthesis or a function counts levels with a number, and a bare ``+``
  means all of them: ``+key:a`` is ``a`` and everything upstream, ``2+key:a``
  two levels up, ``key:a+1`` one level down, ``+key:a+`` both ways (a
  ``*`` there, as in a clause, is every level too).
  ``sinks(...)`` and ``roots(...)`` keep the sinks or roots of a selection.
  ``and``, ``or``, ``not`` (also upper case) and parentheses combine them,
  ``not`` binding tightest and ``or`` loosest; ``not x`` is every
  materializable asset but ``x``. A comma is an ``or`` of lower precedence
  still (``"a, b"``, as on the command line). Keywords (``and``, ``or``,
  ``not``) used as values must be quoted (``group:"and"``).

So ``"+asset1"`` (a clause) is one level upstream while ``"+key:asset1"`` (a
filter) is all levels: the two syntaxes read ``+`` differently, as Dagster's
do. Differences from Dagster, on purpose: both syntaxes may be mixed in one
string (``"asset1+ or group:g"``); ``tag:k`` selects assets tagged ``k``
whatever the value (Dagster: only the value ``""``); a ``key:`` filter without
a wildcard, like a clause and ``AssetSelection.keys``, raises
:class:`~dagwright.errors.UnknownAssetKeyError` when no asset has the key,
naming the closest one.

Checks
------
A selection also picks asset checks, which :meth:`AssetSelection.resolve_checks`
returns (``resolve`` keeps returning asset keys). As in Dagster, selecting an
asset selects its checks too; ``without_checks()`` drops them.
``AssetSelection.checks_for_assets(...)``, ``AssetSelection.checks(...)`` and
``AssetSelection.all_asset_checks()`` pick checks and no asset, so a job of
them runs the checks alone, reading their assets through the IO managers that
stored them. ``|``, ``&`` and ``-`` combine the checks as they combine the
assets; any other selection picks the checks of the assets it picks. The
string syntax has no check filter.

As in Dagster, ``upstream()`` keeps only materializable assets (external
assets are walked through, not selected), and ``AssetSelection.all()``,
``groups``, ``key_prefixes``, ``tag`` and ``kind`` select materializable
assets unless given ``include_sources=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from typing import Any, TypeVar

import msgspec

from ...errors import InvalidDefinitionError, UnknownAssetKeyError, did_you_mean
from ...metadata import AssetCheckKey, AssetKey
from .checks import AssetChecksDefinition, AssetCheckSpec
from .definition import AssetsDefinition
from .graph import AssetGraph, AssetNode
from .selection_syntax import Binary, Call, Filter, Name, Node, Not, Star, parse_selection
from .specs import AssetSpec, SourceAsset, to_key

__all__ = ["AssetSelection", "CoercibleToAssetSelection", "coerce_selection"]

CoercibleToAssetSelection = Any
"""What ``selection=`` takes: an AssetSelection, a selection string, or a list of selection
strings, asset keys, asset definitions and specs, check keys and ``@asset_check``
definitions (their union)."""


class AssetSelection(msgspec.Struct, frozen=True):
    """A query over the assets of some definitions; see the module docstring.

    Combine selections with ``|`` (union), ``&`` (intersection) and ``-``
    (difference); :meth:`resolve` returns the keys a selection picks.
    """

    # -- building one ----------------------------------------------------

    @staticmethod
    def all(include_sources: bool = False) -> AssetSelection:
        """Every materializable asset (and the external ones with ``include_sources``)."""
        return AllSelection(include_sources=include_sources)

    @staticmethod
    def assets(*assets_defs: Any) -> AssetSelection:
        """The given assets: definitions (all their keys), specs, source assets or keys."""
        return KeysSelection(selected_keys=_asset_keys(assets_defs, "AssetSelection.assets"))

    @staticmethod
    def keys(*asset_keys: Any) -> AssetSelection:
        """The assets of these keys: ``AssetKey``, ``"prefix/name"`` or ``["prefix", "name"]``."""
        keys = [_key_arg(key, "AssetSelection.keys") for key in asset_keys]
        return KeysSelection(selected_keys=tuple(dict.fromkeys(keys)))

    @staticmethod
    def groups(*group_names: str, include_sources: bool = False) -> AssetSelection:
        """The assets in any of the given groups."""
        for name in group_names:
            _check_str(name, "AssetSelection.groups", "a group name")
        return GroupsSelection(group_names=tuple(group_names), include_sources=include_sources)

    @staticmethod
    def key_prefixes(
        *key_prefixes: str | Sequence[str], include_sources: bool = False
    ) -> AssetSelection:
        """The assets whose key starts with any of the prefixes (a string is one part)."""
        prefixes = []
        for prefix in key_prefixes:
            parts = [prefix] if isinstance(prefix, str) else list(prefix)
            for part in parts:
                _check_str(part, "AssetSelection.key_prefixes", "a key part")
            prefixes.append(tuple(parts))
        return KeyPrefixesSelection(prefixes=tuple(prefixes), include_sources=include_sources)

    @staticmethod
    def key_substring(substring: str, include_sources: bool = False) -> AssetSelection:
        """The assets whose user string (``"a/b"``) contains ``substring``."""
        _check_str(substring, "AssetSelection.key_substring", "a string")
        return KeySubstringSelection(substring=substring, include_sources=include_sources)

    @staticmethod
    def tag(key: str, value: str, include_sources: bool = False) -> AssetSelection:
        """The assets with tag ``key`` set to ``value``."""
        _check_str(key, "AssetSelection.tag", "a tag key")
        _check_str(value, "AssetSelection.tag", "a tag value")
        return TagSelection(tag_key=key, tag_value=value, include_sources=include_sources)

    @staticmethod
    def tag_string(string: str, include_sources: bool = False) -> AssetSelection:
        """``"key=value"`` as :meth:`tag`; ``"key"`` alone: tagged ``key``, whatever the value."""
        _check_str(string, "AssetSelection.tag_string", "a string")
        key, equals, value = string.partition("=")
        return TagSelection(
            tag_key=key, tag_value=value if equals else None, include_sources=include_sources
        )

    @staticmethod
    def kind(kind: str, include_sources: bool = False) -> AssetSelection:
        """The assets of the given kind (``kinds={...}`` or ``compute_kind``)."""
        _check_str(kind, "AssetSelection.kind", "a kind")
        return KindSelection(kind_name=kind, include_sources=include_sources)

    @staticmethod
    def owner(owner: str) -> AssetSelection:
        """The assets (external ones too) that list ``owner`` among their owners."""
        _check_str(owner, "AssetSelection.owner", "an owner")
        return OwnerSelection(owner_name=owner)

    @staticmethod
    def checks_for_assets(*assets_defs: Any) -> AssetSelection:
        """The checks of the given assets (definitions, specs or keys), without the assets: a
        job of it runs the checks, reading the assets from their IO managers."""
        keys = _asset_keys(assets_defs, "AssetSelection.checks_for_assets")
        return ChecksForAssetsSelection(selected_keys=keys)

    @staticmethod
    def checks(*assets_defs_or_check_keys: Any) -> AssetSelection:
        """The given checks, without their assets: ``AssetCheckKey``, ``@asset_check``
        definitions, ``AssetCheckSpec``, or asset definitions (the checks they declare)."""
        found: list[AssetCheckKey] = []
        for item in assets_defs_or_check_keys:
            if isinstance(item, AssetCheckKey):
                found.append(item)
            elif isinstance(item, AssetChecksDefinition):
                found.append(item.check_key)
            elif isinstance(item, AssetCheckSpec):
                found.append(item.key)
            elif isinstance(item, AssetsDefinition):
                found.extend(spec.key for spec in item.check_specs)
            else:
                raise InvalidDefinitionError(
                    f"{item!r} is not an asset check.",
                    where="AssetSelection.checks",
                    fix="give AssetCheckKey(asset_key, name), an @asset_check definition, an "
                    "AssetCheckSpec, or an asset definition declaring check_specs.",
                )
        return CheckKeysSelection(selected_checks=tuple(dict.fromkeys(found)))

    @staticmethod
    def all_asset_checks() -> AssetSelection:
        """Every ``@asset_check``, without the assets (``AssetSelection.all()`` has the assets
        and all their checks, those declared with ``check_specs`` too)."""
        return AllChecksSelection()

    @staticmethod
    def from_string(string: str, include_sources: bool = False) -> AssetSelection:
        """The selection a string describes (see the module docstring for the syntax)."""
        _check_str(string, "AssetSelection.from_string", "a selection string")
        return _from_tree(parse_selection(string), include_sources)

    @staticmethod
    def from_coercible(selection: CoercibleToAssetSelection) -> AssetSelection:
        """Dagster's name for :func:`coerce_selection`."""
        return coerce_selection(selection)

    # -- deriving one ----------------------------------------------------

    def upstream(self, depth: int | None = None, include_self: bool = True) -> AssetSelection:
        """These assets and the materializable ones upstream, ``depth`` levels (None: all)."""
        return UpstreamSelection(child=self, depth=_depth(depth), include_self=include_self)

    def downstream(self, depth: int | None = None, include_self: bool = True) -> AssetSelection:
        """These assets and the ones downstream, ``depth`` levels (None: all)."""
        return DownstreamSelection(child=self, depth=_depth(depth), include_self=include_self)

    def required_multi_asset_neighbors(self) -> AssetSelection:
        """These assets and the other assets of each multi-asset that cannot make a subset."""
        return RequiredNeighborsSelection(child=self)

    def roots(self) -> AssetSelection:
        """The materializable assets of this selection with nothing upstream of them in it."""
        return RootsSelection(child=self)

    def sources(self) -> AssetSelection:
        """Dagster's older name for :meth:`roots`."""
        return self.roots()

    def sinks(self) -> AssetSelection:
        """The assets of this selection with nothing downstream of them in it."""
        return SinksSelection(child=self)

    def materializable(self) -> AssetSelection:
        """The assets of this selection that dagwright materializes (not external ones)."""
        return MaterializableSelection(child=self)

    def upstream_source_assets(self) -> AssetSelection:
        """The external assets upstream of this selection (at any depth)."""
        return ParentSourcesSelection(child=self)

    def without_checks(self) -> AssetSelection:
        """These assets, and none of the checks they would bring along."""
        return SubtractSelection(left=self, right=AllChecksSelection())

    def __or__(self, other: Any) -> AssetSelection:
        right = coerce_selection(other)
        return OrSelection(operands=(*_operands(self, OrSelection), *_operands(right, OrSelection)))

    def __ror__(self, other: Any) -> AssetSelection:
        return coerce_selection(other) | self

    def __and__(self, other: Any) -> AssetSelection:
        right = coerce_selection(other)
        return AndSelection(
            operands=(*_operands(self, AndSelection), *_operands(right, AndSelection))
        )

    def __rand__(self, other: Any) -> AssetSelection:
        return coerce_selection(other) & self

    def __sub__(self, other: Any) -> AssetSelection:
        return SubtractSelection(left=self, right=coerce_selection(other))

    def __rsub__(self, other: Any) -> AssetSelection:
        return coerce_selection(other) - self

    # -- resolving it ----------------------------------------------------

    def resolve(self, all_assets: Any, allow_missing: bool = False) -> set[AssetKey]:
        """The keys this selection picks among ``all_assets``: an :class:`AssetGraph`, or asset
        definitions, specs and source assets (a graph is built from them).

        Raises :class:`~dagwright.errors.UnknownAssetKeyError` for a selected key that none of
        them has, unless ``allow_missing``.
        """
        return set(self._resolve(_Resolution(_graph_of(all_assets), allow_missing)))

    def resolve_checks(self, all_assets: Any, allow_missing: bool = False) -> set[AssetCheckKey]:
        """The keys of the asset checks this selection picks among ``all_assets`` (as
        :meth:`resolve` takes them): the checks it names, and those of the assets it selects
        (``without_checks()`` drops them)."""
        return set(self._resolve_checks(_Resolution(_graph_of(all_assets), allow_missing)))

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        raise TypeError(f"{type(self).__name__} must define _resolve().")

    def _resolve_checks(self, run: _Resolution) -> set[AssetCheckKey]:
        """By default, the checks of the assets this selection picks."""
        if not run.graph.check_specs:
            return set()  # no check to find: the assets need not be resolved again
        return run.graph.check_keys_of(self._resolve(run))

    # -- showing it ------------------------------------------------------

    def _text(self) -> str:
        return type(self).__name__

    def _is_atom(self) -> bool:
        """Whether the text needs no parentheses as an operand or under a traversal."""
        return True

    def __str__(self) -> str:
        return self._text()


def _graph_of(all_assets: Any) -> AssetGraph:
    if isinstance(all_assets, AssetGraph):
        return all_assets
    if isinstance(all_assets, AssetsDefinition | AssetSpec | SourceAsset):
        return AssetGraph([all_assets])
    return AssetGraph(list(all_assets))


def coerce_selection(value: CoercibleToAssetSelection) -> AssetSelection:
    """``value`` as an AssetSelection: one as is; a string parsed (``"*asset"``,
    ``"group:g"``, ...); an asset key, definition, spec or source asset as the assets it
    names; an ``AssetCheckKey`` or ``@asset_check`` definition as that check; a list or tuple
    of any of these as their union (an empty one selects nothing)."""
    if isinstance(value, AssetSelection):
        return value
    if isinstance(value, str):
        return AssetSelection.from_string(value)
    if isinstance(value, _NAMES_CHECKS):
        return AssetSelection.checks(value)
    if isinstance(value, _NAMES_ASSETS):
        return AssetSelection.assets(value)
    if not isinstance(value, list | tuple | set | frozenset):
        raise _not_a_selection(value)
    named = [item for item in value if isinstance(item, _NAMES_ASSETS)]
    parts = [AssetSelection.assets(*named)] if named else []
    named_checks = [item for item in value if isinstance(item, _NAMES_CHECKS)]
    parts += [AssetSelection.checks(*named_checks)] if named_checks else []
    for item in value:
        if isinstance(item, AssetSelection | str):
            parts.append(coerce_selection(item))
        elif not isinstance(item, _NAMES_ASSETS + _NAMES_CHECKS):
            raise _not_a_selection(item)
    if not parts:
        return KeysSelection(selected_keys=())
    result = parts[0]
    for part in parts[1:]:
        result = result | part
    return result


_NAMES_ASSETS = (AssetKey, AssetsDefinition, AssetSpec, SourceAsset)
"""What names assets by itself, as an item of a selection list."""

_NAMES_CHECKS = (AssetCheckKey, AssetChecksDefinition)
"""What names an asset check by itself, as an item of a selection list."""


def _not_a_selection(value: object) -> InvalidDefinitionError:
    return InvalidDefinitionError(
        f"{value!r} is not an asset selection.",
        where="selection",
        fix="pass an AssetSelection, a selection string ('asset1', '*asset2', 'group:g'), or a "
        "list of strings, asset keys, asset definitions or asset checks.",
    )


def _check_str(value: object, where: str, what: str) -> None:
    if not isinstance(value, str):
        raise InvalidDefinitionError(
            f"{value!r} is not {what}: expected a string.", where=where, fix=f"pass {what}."
        )


def _asset_keys(items: Sequence[Any], where: str) -> tuple[AssetKey, ...]:
    """The keys of asset definitions (all their keys), specs, source assets or keys."""
    keys: list[AssetKey] = []
    for item in items:
        if isinstance(item, AssetsDefinition):
            keys.extend(sorted(item.keys))
        elif isinstance(item, AssetSpec | SourceAsset):
            keys.append(item.key)
        else:
            keys.append(_key_arg(item, where))
    return tuple(dict.fromkeys(keys))


def _key_arg(value: Any, where: str) -> AssetKey:
    if isinstance(value, str | AssetKey):
        return to_key(value)
    if isinstance(value, list | tuple) and value and all(isinstance(p, str) for p in value):
        return AssetKey(list(value))
    raise InvalidDefinitionError(
        f"{value!r} is not an asset key.",
        where=where,
        fix="give AssetKey([...]), 'prefix/name', or a list of key parts.",
    )


def _depth(depth: int | None) -> int | None:
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        raise InvalidDefinitionError(
            f"depth={depth!r} is not a number of levels.",
            where="asset selection",
            fix="pass a whole number of levels (0 or more), or None for all of them.",
        )
    return depth


def _operands(selection: AssetSelection, kind: type) -> tuple[AssetSelection, ...]:
    """The operands of ``selection`` if it is a ``kind`` (an or, an and), else itself."""
    if isinstance(selection, OrSelection | AndSelection) and isinstance(selection, kind):
        return selection.operands
    return (selection,)


def _paren(selection: AssetSelection) -> str:
    text = selection._text()
    return text if selection._is_atom() else f"({text})"


def _listed(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names) or "(none)"


def _quote(value: str) -> str:
    return f'"{value}"'


# --------------------------------------------------------------------------
# Resolving


_Key = TypeVar("_Key", AssetKey, AssetCheckKey)


class _Resolution:
    """One resolution: the graph, whether missing keys are allowed, and what it computed once."""

    __slots__ = ("_materializable", "allow_missing", "graph")

    def __init__(self, graph: AssetGraph, allow_missing: bool) -> None:
        self.graph = graph
        self.allow_missing = allow_missing
        self._materializable: set[AssetKey] | None = None

    @property
    def materializable(self) -> set[AssetKey]:
        if self._materializable is None:
            self._materializable = {
                k for k, n in self.graph.nodes.items() if n.assets_def is not None
            }
        return self._materializable

    def nodes(self, include_sources: bool) -> Iterator[AssetNode]:
        """Every node (or every materializable one) of the graph."""
        for node in self.graph.nodes.values():
            if include_sources or node.assets_def is not None:
                yield node

    def strictly_upstream(self, keys: set[AssetKey]) -> set[AssetKey]:
        """Every key one level or more upstream of ``keys``."""
        nodes = self.graph.nodes
        return self.graph.upstream({p for k in keys for p in nodes[k].parents})

    def strictly_downstream(self, keys: set[AssetKey]) -> set[AssetKey]:
        nodes = self.graph.nodes
        return self.graph.downstream({c for k in keys for c in nodes[k].children})

    def known(
        self, keys: Sequence[_Key], there: Container[_Key], report: Callable[[list[_Key]], None]
    ) -> set[_Key]:
        """The ``keys`` that are ``there``; the others are given to ``report`` (which raises)
        unless missing keys are allowed."""
        missing = [k for k in keys if k not in there]
        if missing and not self.allow_missing:
            report(missing)
        return {k for k in keys if k in there}

    def missing(self, keys: Sequence[AssetKey], selection: AssetSelection) -> None:
        where = self.graph.where if self.graph.where != "the assets" else None
        raise UnknownAssetKeyError(
            missing=[k.to_user_string() for k in keys],
            known=[k.to_user_string() for k in self.graph.nodes],
            selection=str(selection),
            where=where,
        )

    def missing_checks(self, keys: Sequence[AssetCheckKey], selection: AssetSelection) -> None:
        missing = sorted(k.to_user_string() for k in keys)
        known = sorted(k.to_user_string() for k in self.graph.check_specs)
        noun = "check" if len(missing) == 1 else "checks"
        raise InvalidDefinitionError(
            f"the asset selection {selection} names asset {noun} {_listed(missing)}, which none "
            f"of the definitions declares.{did_you_mean(missing[0], known)}",
            where=self.graph.where if self.graph.where != "the assets" else None,
            fix=f"select checks that exist (checks: {_listed(known)}), or add "
            "the @asset_check definitions to the assets the selection is resolved against.",
            missing=tuple(missing),
            known=tuple(known),
        )


# --------------------------------------------------------------------------
# The kinds of selection


class AllSelection(AssetSelection, frozen=True):
    include_sources: bool = False

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return set(run.graph.nodes) if self.include_sources else set(run.materializable)

    def _text(self) -> str:
        return "*"


class KeysSelection(AssetSelection, frozen=True):
    selected_keys: tuple[AssetKey, ...]

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return run.known(self.selected_keys, run.graph.nodes, lambda m: run.missing(m, self))

    def _text(self) -> str:
        if not self.selected_keys:
            return "(no assets)"
        return " or ".join(f"key:{_quote(k.to_user_string())}" for k in self.selected_keys)

    def _is_atom(self) -> bool:
        return len(self.selected_keys) == 1


class KeyPatternSelection(AssetSelection, frozen=True):
    """``key:"raw_*"``: the keys whose user string matches, ``*`` standing for any text."""

    pattern: str

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        import re

        regex = re.compile(".*".join(re.escape(part) for part in self.pattern.split("*")))
        return {k for k in run.graph.nodes if regex.fullmatch(k.to_user_string())}

    def _text(self) -> str:
        return f"key:{_quote(self.pattern)}"


class KeySubstringSelection(AssetSelection, frozen=True):
    substring: str
    include_sources: bool = False

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return {
            n.key
            for n in run.nodes(self.include_sources)
            if self.substring in n.key.to_user_string()
        }

    def _text(self) -> str:
        return f"key_substring:{_quote(self.substring)}"


class KeyPrefixesSelection(AssetSelection, frozen=True):
    prefixes: tuple[tuple[str, ...], ...]
    include_sources: bool = False

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        prefixes = self.prefixes
        return {
            n.key
            for n in run.nodes(self.include_sources)
            if any(tuple(n.key.path[: len(p)]) == p for p in prefixes)
        }

    def _text(self) -> str:
        listed = ", ".join(repr(list(p)) for p in self.prefixes)
        return f"key_prefixes({listed})"


class GroupsSelection(AssetSelection, frozen=True):
    group_names: tuple[str, ...]
    include_sources: bool = False

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        names = set(self.group_names)
        return {n.key for n in run.nodes(self.include_sources) if n.group_name in names}

    def _text(self) -> str:
        return " or ".join(f"group:{_quote(g)}" for g in self.group_names) or "(no groups)"

    def _is_atom(self) -> bool:
        return len(self.group_names) == 1


class TagSelection(AssetSelection, frozen=True):
    """Tag ``tag_key`` set to ``tag_value`` (None: any value)."""

    tag_key: str
    tag_value: str | None
    include_sources: bool = False

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        key, value = self.tag_key, self.tag_value
        if value is None:
            return {n.key for n in run.nodes(self.include_sources) if key in n.tags}
        return {n.key for n in run.nodes(self.include_sources) if n.tags.get(key) == value}

    def _text(self) -> str:
        if self.tag_value is None:
            return f"tag:{_quote(self.tag_key)}"
        return f"tag:{_quote(self.tag_key)}={_quote(self.tag_value)}"


class KindSelection(AssetSelection, frozen=True):
    kind_name: str
    include_sources: bool = False

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return {n.key for n in run.nodes(self.include_sources) if self.kind_name in n.kinds}

    def _text(self) -> str:
        return f"kind:{_quote(self.kind_name)}"


class OwnerSelection(AssetSelection, frozen=True):
    owner_name: str

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return {n.key for n in run.nodes(True) if self.owner_name in n.owners}

    def _text(self) -> str:
        return f"owner:{_quote(self.owner_name)}"


class OrSelection(AssetSelection, frozen=True):
    operands: tuple[AssetSelection, ...]

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        found: set[AssetKey] = set()
        for operand in self.operands:
            found |= operand._resolve(run)
        return found

    def _resolve_checks(self, run: _Resolution) -> set[AssetCheckKey]:
        found: set[AssetCheckKey] = set()
        for operand in self.operands:
            found |= operand._resolve_checks(run)
        return found

    def _text(self) -> str:
        return " or ".join(_paren(o) for o in self.operands)

    def _is_atom(self) -> bool:
        return False


class AndSelection(AssetSelection, frozen=True):
    operands: tuple[AssetSelection, ...]

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return _intersection([operand._resolve(run) for operand in self.operands])

    def _resolve_checks(self, run: _Resolution) -> set[AssetCheckKey]:
        return _intersection([operand._resolve_checks(run) for operand in self.operands])

    def _text(self) -> str:
        return " and ".join(_paren(o) for o in self.operands)

    def _is_atom(self) -> bool:
        return False


class SubtractSelection(AssetSelection, frozen=True):
    left: AssetSelection
    right: AssetSelection

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return self.left._resolve(run) - self.right._resolve(run)

    def _resolve_checks(self, run: _Resolution) -> set[AssetCheckKey]:
        return self.left._resolve_checks(run) - self.right._resolve_checks(run)

    def _text(self) -> str:
        if self.right == AllChecksSelection():
            return f"without_checks({self.left._text()})"
        if self.left == AllSelection():
            return f"not {_paren(self.right)}"
        return f"{_paren(self.left)} and not {_paren(self.right)}"

    def _is_atom(self) -> bool:
        return False


def _intersection(results: list[set[Any]]) -> set[Any]:
    if not results:
        return set()
    found = results[0]
    for result in results[1:]:
        found &= result
    return found


class _ChecksOnly(AssetSelection, frozen=True):
    """A selection of asset checks that selects no asset."""

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return set()


class AllChecksSelection(_ChecksOnly, frozen=True):
    """Every asset check that runs on its own (each ``@asset_check``), and no asset. Checks
    declared with ``check_specs`` are computed by their asset's op, so they run with the
    asset: selected with ``AssetSelection.all()``, not here."""

    def _resolve_checks(self, run: _Resolution) -> set[AssetCheckKey]:
        return {c.check_key for c in run.graph.checks}

    def _text(self) -> str:
        return "all_asset_checks()"


class ChecksForAssetsSelection(_ChecksOnly, frozen=True):
    """The checks of some assets, and no asset."""

    selected_keys: tuple[AssetKey, ...]

    def _resolve_checks(self, run: _Resolution) -> set[AssetCheckKey]:
        keys = KeysSelection(selected_keys=self.selected_keys)._resolve(run)
        return run.graph.check_keys_of(keys)

    def _text(self) -> str:
        listed = ", ".join(_quote(k.to_user_string()) for k in self.selected_keys)
        return f"checks_for_assets({listed})"


class CheckKeysSelection(_ChecksOnly, frozen=True):
    """Some asset checks, by key, and no asset."""

    selected_checks: tuple[AssetCheckKey, ...]

    def _resolve_checks(self, run: _Resolution) -> set[AssetCheckKey]:
        checks = run.graph.check_specs
        return run.known(self.selected_checks, checks, lambda m: run.missing_checks(m, self))

    def _text(self) -> str:
        listed = ", ".join(_quote(k.to_user_string()) for k in self.selected_checks)
        return f"checks({listed})"


class _Chained(AssetSelection, frozen=True):
    child: AssetSelection


class UpstreamSelection(_Chained, frozen=True):
    depth: int | None = None
    include_self: bool = True

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        selected = self.child._resolve(run)
        found = run.graph.upstream(selected, self.depth)
        if not self.include_self:
            found -= selected
        return found & run.materializable

    def _text(self) -> str:
        levels = "" if self.depth is None else str(self.depth)
        text = f"{levels}+{_paren(self.child)}"
        return text if self.include_self else f"{text} and not {_paren(self.child)}"

    def _is_atom(self) -> bool:
        return self.include_self


class DownstreamSelection(_Chained, frozen=True):
    depth: int | None = None
    include_self: bool = True

    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        selected = self.child._resolve(run)
        found = run.graph.downstream(selected, self.depth)
        if not self.include_self:
            found -= selected
        return found

    def _text(self) -> str:
        levels = "" if self.depth is None else str(self.depth)
        text = f"{_paren(self.child)}+{levels}"
        return text if self.include_self else f"{text} and not {_paren(self.child)}"

    def _is_atom(self) -> bool:
        return self.include_self


class RequiredNeighborsSelection(_Chained, frozen=True):
    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        selected = self.child._resolve(run)
        found = set(selected)
        seen: set[int] = set()  # each multi-asset once, however many of its keys are selected
        nodes = run.graph.nodes
        for key in selected:
            assets_def = nodes[key].assets_def
            if assets_def is None or assets_def.can_subset or id(assets_def) in seen:
                continue
            seen.add(id(assets_def))
            found |= assets_def.keys
        return found

    def _text(self) -> str:
        return f"required_multi_asset_neighbors({self.child._text()})"


class RootsSelection(_Chained, frozen=True):
    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        selected = self.child._resolve(run)
        return (selected - run.strictly_downstream(selected)) & run.materializable

    def _text(self) -> str:
        return f"roots({self.child._text()})"


class SinksSelection(_Chained, frozen=True):
    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        selected = self.child._resolve(run)
        return selected - run.strictly_upstream(selected)

    def _text(self) -> str:
        return f"sinks({self.child._text()})"


class MaterializableSelection(_Chained, frozen=True):
    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        return self.child._resolve(run) & run.materializable

    def _text(self) -> str:
        return f"materializable({self.child._text()})"


class ParentSourcesSelection(_Chained, frozen=True):
    def _resolve(self, run: _Resolution) -> set[AssetKey]:
        found = run.graph.upstream(self.child._resolve(run))
        return found - run.materializable

    def _text(self) -> str:
        return f"upstream_source_assets({self.child._text()})"


# --------------------------------------------------------------------------
# From a string's tree


def _from_tree(node: Node, include_sources: bool) -> AssetSelection:
    """The selection a parsed string describes (see :mod:`.selection_syntax`)."""
    if isinstance(node, Name):
        return AssetSelection.keys(node.key)
    if isinstance(node, Filter):
        return _from_filter(node, include_sources)
    if isinstance(node, Star):
        return AssetSelection.all(include_sources)
    if isinstance(node, Not):
        return AssetSelection.all(include_sources) - _from_tree(node.operand, include_sources)
    if isinstance(node, Binary):
        left = _from_tree(node.left, include_sources)
        right = _from_tree(node.right, include_sources)
        return left & right if node.operator == "and" else left | right
    if isinstance(node, Call):
        inner = _from_tree(node.operand, include_sources)
        return inner.sinks() if node.function == "sinks" else inner.roots()
    operand = _from_tree(node.operand, include_sources)
    parts = []
    if node.up != 0:
        parts.append(operand.upstream(node.up))
    if node.down != 0:
        parts.append(operand.downstream(node.down))
    return parts[0] if len(parts) == 1 else parts[0] | parts[1]


def _from_filter(node: Filter, include_sources: bool) -> AssetSelection:
    attribute, value = node.attribute, node.value
    if attribute == "key":
        return KeyPatternSelection(pattern=value) if "*" in value else AssetSelection.keys(value)
    if attribute == "key_substring":
        return AssetSelection.key_substring(value, include_sources=include_sources)
    if attribute == "group":
        return AssetSelection.groups(value, include_sources=include_sources)
    if attribute == "kind":
        return AssetSelection.kind(value, include_sources=include_sources)
    if attribute == "owner":
        return AssetSelection.owner(value)
    return TagSelection(tag_key=value, tag_value=node.tag_value, include_sources=include_sources)
