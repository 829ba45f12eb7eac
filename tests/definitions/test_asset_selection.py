"""Asset selections: AssetSelection in Python, selection strings, and resolving them."""

from __future__ import annotations

import pytest

from dagwright import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSpec,
    AssetIn,
    AssetKey,
    AssetOut,
    AssetSelection,
    AssetSelectionSyntaxError,
    AssetSpec,
    InvalidDefinitionError,
    InvalidSubsetError,
    UnknownAssetKeyError,
    asset,
    asset_check,
    multi_asset,
)
from dagwright.definitions.assets import AssetGraph, coerce_selection

# raw (external) -> orders -> wh/summary -> report -> m1, m2 (one multi-asset, not subsettable)
#            customers -^
# s1, s2: a multi-asset that can make a subset, with no upstream.

raw = AssetSpec("raw", group_name="sales", owners=["alice@example.com"], tags={"tier": "gold"})


@asset(
    deps=[raw],
    group_name="sales",
    tags={"tier": "gold"},
    kinds={"python"},
    owners=["alice@example.com"],
)
def orders():
    return 1


@asset(group_name="sales", tags={"tier": "silver"}, kinds={"sql"})
def customers():
    return 2


@asset(key_prefix="wh", group_name="reports", tags={"pii": "yes"})
def summary(orders, customers):
    return orders + customers


@asset(group_name="reports", ins={"summary": AssetIn(key=["wh", "summary"])})
def report(summary):
    return summary


@multi_asset(outs={"m1": AssetOut(), "m2": AssetOut()})
def split(report):
    return report, report


@multi_asset(outs={"s1": AssetOut(), "s2": AssetOut()}, can_subset=True)
def pair():
    return 1, 2


ALL = [raw, orders, customers, summary, report, split, pair]
GRAPH = AssetGraph(ALL)


def names(selection: AssetSelection | str) -> set[str]:
    """The user strings of the keys a selection (or selection string) picks in the graph above."""
    return {key.to_user_string() for key in coerce_selection(selection).resolve(GRAPH)}


# --------------------------------------------------------------------------
# Building selections in Python


def test_all_selects_every_materializable_asset_but_not_external_ones() -> None:
    assert names(AssetSelection.all()) == {
        "orders",
        "customers",
        "wh/summary",
        "report",
        "m1",
        "m2",
        "s1",
        "s2",
    }


def test_all_with_include_sources_also_selects_external_assets() -> None:
    assert "raw" in names(AssetSelection.all(include_sources=True))


def test_a_key_named_only_in_deps_is_selected_like_an_external_asset() -> None:
    @asset(deps=["lake/events"])
    def counts():
        return 1

    graph = AssetGraph([counts])

    assert AssetSelection.all().resolve(graph) == {AssetKey("counts")}
    assert AssetSelection.all(include_sources=True).resolve(graph) == {
        AssetKey("counts"),
        AssetKey(["lake", "events"]),
    }


def test_assets_selects_every_key_of_a_definition() -> None:
    assert names(AssetSelection.assets(split)) == {"m1", "m2"}


def test_assets_takes_specs_and_keys() -> None:
    assert names(AssetSelection.assets(raw, AssetKey("orders"))) == {"raw", "orders"}


def test_keys_reads_a_string_as_a_user_string_split_on_slashes() -> None:
    assert names(AssetSelection.keys("wh/summary")) == {"wh/summary"}


def test_keys_reads_a_list_as_the_parts_of_one_key() -> None:
    assert names(AssetSelection.keys(["wh", "summary"])) == {"wh/summary"}


def test_groups_selects_the_materializable_assets_of_the_groups() -> None:
    assert names(AssetSelection.groups("sales")) == {"orders", "customers"}


def test_groups_with_include_sources_also_selects_external_assets() -> None:
    assert names(AssetSelection.groups("sales", include_sources=True)) == {
        "raw",
        "orders",
        "customers",
    }


def test_key_prefixes_selects_keys_starting_with_the_prefix() -> None:
    assert names(AssetSelection.key_prefixes("wh")) == {"wh/summary"}


def test_key_prefixes_compares_whole_parts() -> None:
    assert names(AssetSelection.key_prefixes("w")) == set()


def test_key_substring_selects_keys_whose_user_string_contains_it() -> None:
    assert names(AssetSelection.key_substring("h/s")) == {"wh/summary"}


def test_tag_selects_assets_with_that_tag_value() -> None:
    assert names(AssetSelection.tag("tier", "gold")) == {"orders"}


def test_kind_selects_assets_of_that_kind() -> None:
    assert names(AssetSelection.kind("sql")) == {"customers"}


def test_owner_selects_external_assets_too() -> None:
    assert names(AssetSelection.owner("alice@example.com")) == {"raw", "orders"}


# --------------------------------------------------------------------------
# Deriving selections


def test_upstream_adds_every_materializable_ancestor() -> None:
    assert names(AssetSelection.keys("report").upstream()) == {
        "report",
        "wh/summary",
        "orders",
        "customers",
    }


def test_upstream_with_a_depth_stops_after_that_many_levels() -> None:
    assert names(AssetSelection.keys("report").upstream(depth=1)) == {"report", "wh/summary"}


def test_upstream_without_self_leaves_out_the_selection() -> None:
    selected = names(AssetSelection.keys("wh/summary").upstream(include_self=False))

    assert selected == {"orders", "customers"}


def test_downstream_adds_every_descendant() -> None:
    assert names(AssetSelection.keys("wh/summary").downstream()) == {
        "wh/summary",
        "report",
        "m1",
        "m2",
    }


def test_downstream_with_a_depth_stops_after_that_many_levels() -> None:
    assert names(AssetSelection.keys("orders").downstream(depth=2)) == {
        "orders",
        "wh/summary",
        "report",
    }


def test_downstream_without_self_leaves_out_the_selection() -> None:
    selected = names(AssetSelection.keys("report").downstream(include_self=False))

    assert selected == {"m1", "m2"}


def test_required_neighbors_add_the_other_assets_of_a_multi_asset_that_cannot_subset() -> None:
    assert names(AssetSelection.keys("m1").required_multi_asset_neighbors()) == {"m1", "m2"}


def test_required_neighbors_leave_a_subsettable_multi_asset_alone() -> None:
    assert names(AssetSelection.keys("s1").required_multi_asset_neighbors()) == {"s1"}


def test_roots_are_the_assets_with_no_ancestor_in_the_selection() -> None:
    # report has no parent in the selection, but orders is upstream of it through wh/summary.
    assert names(AssetSelection.keys("orders", "report", "m1").roots()) == {"orders"}


def test_sinks_are_the_assets_with_no_descendant_in_the_selection() -> None:
    assert names(AssetSelection.keys("orders", "report", "s1").sinks()) == {"report", "s1"}


def test_sources_is_the_older_name_of_roots() -> None:
    selection = AssetSelection.keys("orders", "report")

    assert names(selection.sources()) == names(selection.roots())


def test_materializable_drops_external_assets() -> None:
    assert names(AssetSelection.keys("raw", "orders").materializable()) == {"orders"}


def test_upstream_source_assets_are_the_external_assets_upstream() -> None:
    assert names(AssetSelection.keys("report").upstream_source_assets()) == {"raw"}


def test_a_negative_depth_is_refused() -> None:
    with pytest.raises(InvalidDefinitionError, match="depth=-1"):
        AssetSelection.keys("orders").upstream(depth=-1)


# --------------------------------------------------------------------------
# Combining selections


def test_or_is_the_union() -> None:
    assert names(AssetSelection.groups("reports") | AssetSelection.keys("s1")) == {
        "wh/summary",
        "report",
        "s1",
    }


def test_and_is_the_intersection() -> None:
    selected = names(AssetSelection.groups("sales") & AssetSelection.tag("tier", "gold"))

    assert selected == {"orders"}


def test_minus_is_the_difference() -> None:
    selected = names(AssetSelection.groups("sales") - AssetSelection.keys("orders"))

    assert selected == {"customers"}


def test_operators_accept_selection_strings() -> None:
    assert names(AssetSelection.groups("sales") | "report") == {"orders", "customers", "report"}


def test_selections_are_immutable() -> None:
    selection = AssetSelection.groups("sales")

    with pytest.raises(AttributeError):
        selection.group_names = ("reports",)  # type: ignore[attr-defined]


def test_equal_selections_compare_and_hash_equal() -> None:
    first = AssetSelection.keys("a") | AssetSelection.groups("g")
    second = AssetSelection.keys("a") | AssetSelection.groups("g")

    assert first == second
    assert hash(first) == hash(second)


# --------------------------------------------------------------------------
# Resolving


def test_resolve_takes_the_definitions_themselves() -> None:
    assert AssetSelection.keys("report").upstream(1).resolve(ALL) == {
        AssetKey("report"),
        AssetKey(["wh", "summary"]),
    }


def test_resolve_takes_an_asset_graph() -> None:
    assert AssetSelection.keys("s2").resolve(GRAPH) == {AssetKey("s2")}


def test_an_unknown_key_raises_naming_it_and_the_closest_key() -> None:
    with pytest.raises(UnknownAssetKeyError) as raised:
        AssetSelection.keys("reprot").resolve(GRAPH)

    message = str(raised.value)
    assert "'reprot'" in message
    assert "Did you mean 'report'?" in message
    assert "Fix:" in message
    assert raised.value.missing == ("reprot",)


def test_an_unknown_key_is_an_invalid_definition_and_an_invalid_subset() -> None:
    with pytest.raises(UnknownAssetKeyError) as raised:
        AssetSelection.keys("nope").resolve(GRAPH)

    assert isinstance(raised.value, InvalidDefinitionError)
    assert isinstance(raised.value, InvalidSubsetError)


def test_an_unknown_key_inside_a_combination_still_raises() -> None:
    with pytest.raises(UnknownAssetKeyError, match="'nope'"):
        (AssetSelection.groups("sales") | AssetSelection.keys("nope")).resolve(GRAPH)


def test_allow_missing_drops_unknown_keys() -> None:
    selection = AssetSelection.keys("nope", "orders")

    assert selection.resolve(GRAPH, allow_missing=True) == {AssetKey("orders")}


def test_the_unknown_key_error_survives_pickling() -> None:
    import pickle

    with pytest.raises(UnknownAssetKeyError) as raised:
        AssetSelection.keys("nope").resolve(GRAPH)

    copy = pickle.loads(pickle.dumps(raised.value))
    assert str(copy) == str(raised.value)
    assert copy.missing == ("nope",)


# --------------------------------------------------------------------------
# Selection strings: Dagster's original clauses


def test_the_specs_selection_string_selects_that_asset_only() -> None:
    @asset
    def asset1():
        return [1, 2, 3]

    @asset
    def asset2(asset1):
        return asset1 + [4]  # noqa: RUF005 (the spec's example, verbatim)

    selected = AssetSelection.from_string("asset1").resolve([asset1, asset2])

    assert selected == {AssetKey("asset1")}


def test_a_plain_string_with_slashes_is_a_key_of_several_parts() -> None:
    assert names("wh/summary") == {"wh/summary"}


def test_a_leading_star_adds_everything_upstream() -> None:
    assert names("*report") == {"report", "wh/summary", "orders", "customers"}


def test_a_trailing_star_adds_everything_downstream() -> None:
    assert names("wh/summary*") == {"wh/summary", "report", "m1", "m2"}


def test_stars_on_both_sides_add_both_ways() -> None:
    assert names("*report*") == {"report", "wh/summary", "orders", "customers", "m1", "m2"}


def test_each_trailing_plus_adds_one_level_downstream() -> None:
    assert names("orders+") == {"orders", "wh/summary"}
    assert names("orders++") == {"orders", "wh/summary", "report"}


def test_each_leading_plus_adds_one_level_upstream() -> None:
    assert names("+report") == {"report", "wh/summary"}
    assert names("++report") == {"report", "wh/summary", "orders", "customers"}


def test_a_star_alone_selects_all_materializable_assets() -> None:
    assert names("*") == names(AssetSelection.all())


# --------------------------------------------------------------------------
# Selection strings: filters and combinators


def test_group_filter() -> None:
    assert names("group:reports") == {"wh/summary", "report"}


def test_key_filter_splits_its_value_on_slashes() -> None:
    assert names("key:wh/summary") == {"wh/summary"}


def test_key_filter_with_a_star_is_a_wildcard() -> None:
    assert names('key:"s*"') == {"s1", "s2"}


def test_tag_filter_with_a_value() -> None:
    assert names("tag:tier=silver") == {"customers"}


def test_tag_filter_without_a_value_selects_assets_tagged_with_the_key() -> None:
    assert names("tag:tier") == {"orders", "customers"}


def test_kind_and_owner_filters() -> None:
    assert names("kind:python") == {"orders"}
    assert names("owner:alice@example.com") == {"raw", "orders"}


def test_quoted_values_may_hold_any_character() -> None:
    assert names('owner:"alice@example.com" and tag:"tier"="gold"') == {"orders"}


def test_a_plus_before_a_filter_means_every_level_upstream() -> None:
    assert names("+key:report") == {"report", "wh/summary", "orders", "customers"}


def test_a_number_before_the_plus_counts_levels_upstream() -> None:
    assert names("1+key:report") == {"report", "wh/summary"}
    assert names("2+key:report") == {"report", "wh/summary", "orders", "customers"}


def test_a_plus_after_a_filter_means_every_level_downstream() -> None:
    assert names("key:wh/summary+") == {"wh/summary", "report", "m1", "m2"}


def test_a_number_after_the_plus_counts_levels_downstream() -> None:
    assert names("key:orders+1") == {"orders", "wh/summary"}


def test_traversals_on_both_sides_of_a_filter() -> None:
    assert names("1+key:report+1") == {"wh/summary", "report", "m1", "m2"}


def test_traversals_apply_to_parentheses() -> None:
    assert names("(key:orders or key:customers)+1") == {"orders", "customers", "wh/summary"}


def test_and_binds_tighter_than_or() -> None:
    assert names("group:sales or group:reports and tag:pii") == {
        "orders",
        "customers",
        "wh/summary",
    }


def test_parentheses_group() -> None:
    assert names("(group:sales or group:reports) and tag:pii") == {"wh/summary"}


def test_not_removes_from_all_materializable_assets() -> None:
    assert names("not group:sales") == {"wh/summary", "report", "m1", "m2", "s1", "s2"}


def test_not_binds_tighter_than_and() -> None:
    assert names("not group:sales and not group:reports") == {"m1", "m2", "s1", "s2"}


def test_keywords_may_be_upper_case() -> None:
    assert names("group:sales AND NOT kind:sql") == {"orders"}


def test_a_comma_joins_clauses_as_a_union() -> None:
    assert names("orders, s1") == {"orders", "s1"}


def test_clauses_and_filters_mix() -> None:
    assert names("orders+ or group:reports") == {"orders", "wh/summary", "report"}


def test_sinks_and_roots_functions() -> None:
    assert names("sinks(group:sales or group:reports)") == {"report"}
    assert names("roots(*)") == {"orders", "customers", "s1", "s2"}


def test_a_star_around_a_filter_means_every_level() -> None:
    assert names("*key:report") == names("+key:report")


def test_from_string_with_include_sources_selects_external_assets_too() -> None:
    selected = AssetSelection.from_string("group:sales", include_sources=True).resolve(GRAPH)

    assert AssetKey("raw") in selected


def test_a_keyword_as_a_value_must_be_quoted() -> None:
    with pytest.raises(AssetSelectionSyntaxError, match="a value after 'group:'"):
        AssetSelection.from_string("group:and")

    assert names('group:"and"') == set()


def test_a_selection_prints_as_a_string_that_selects_the_same_assets() -> None:
    selections = [
        AssetSelection.keys("report").upstream(1) | AssetSelection.groups("sales"),
        AssetSelection.tag("tier", "gold").downstream() - AssetSelection.keys("m1"),
        (AssetSelection.kind("sql") | AssetSelection.owner("alice@example.com")).sinks(),
        AssetSelection.all() - AssetSelection.keys("wh/summary", "orders"),
    ]

    for selection in selections:
        assert names(str(selection)) == names(selection), str(selection)


# --------------------------------------------------------------------------
# Selection strings that are not


def test_a_bad_string_says_where_parsing_stopped_and_what_was_expected() -> None:
    with pytest.raises(AssetSelectionSyntaxError) as raised:
        AssetSelection.from_string("group:sales and (orders or")

    error = raised.value
    assert error.position == len("group:sales and (orders or")
    assert "expected an asset key, a filter" in str(error)
    assert "found the end of the selection" in str(error)


def test_a_syntax_error_points_at_the_column() -> None:
    with pytest.raises(AssetSelectionSyntaxError) as raised:
        AssetSelection.from_string("orders report")

    lines = str(raised.value).splitlines()
    assert "expected 'and', 'or', ',' or the end of the selection at column 8" in lines[0]
    assert lines[2].index("^") == lines[1].index("report")


def test_an_unclosed_parenthesis_is_reported() -> None:
    with pytest.raises(AssetSelectionSyntaxError, match=r"expected '\)'"):
        AssetSelection.from_string("(orders or report")


def test_an_unknown_filter_lists_the_filters() -> None:
    with pytest.raises(AssetSelectionSyntaxError, match="'group:'") as raised:
        AssetSelection.from_string("colour:red")

    assert raised.value.found == "'colour'"


def test_several_pluses_around_a_filter_ask_for_a_number() -> None:
    with pytest.raises(AssetSelectionSyntaxError, match="'2\\+key:x'"):
        AssetSelection.from_string("++key:report")


def test_a_filter_without_a_value_is_reported() -> None:
    with pytest.raises(AssetSelectionSyntaxError, match="a value after 'group:'"):
        AssetSelection.from_string("group: and orders")


def test_an_empty_string_is_not_a_selection() -> None:
    with pytest.raises(AssetSelectionSyntaxError):
        AssetSelection.from_string("")


def test_an_unknown_key_in_a_string_raises_when_resolved() -> None:
    selection = AssetSelection.from_string("*reprot")

    with pytest.raises(UnknownAssetKeyError, match="Did you mean 'report'"):
        selection.resolve(GRAPH)


# --------------------------------------------------------------------------
# Coercing what users pass as selection=


def test_a_list_of_strings_is_the_union_of_its_selections() -> None:
    assert names(coerce_selection(["orders", "group:reports"])) == {
        "orders",
        "wh/summary",
        "report",
    }


def test_a_list_of_definitions_selects_their_assets() -> None:
    assert names(coerce_selection([orders, split])) == {"orders", "m1", "m2"}


def test_a_list_of_keys_selects_those_assets() -> None:
    assert names(coerce_selection([AssetKey("s1"), AssetKey(["wh", "summary"])])) == {
        "s1",
        "wh/summary",
    }


def test_an_asset_selection_is_coerced_to_itself() -> None:
    selection = AssetSelection.groups("sales")

    assert coerce_selection(selection) is selection


def test_an_empty_list_selects_nothing() -> None:
    assert names(coerce_selection([])) == set()


def test_something_else_is_not_a_selection() -> None:
    with pytest.raises(InvalidDefinitionError, match="42 is not an asset selection"):
        coerce_selection(42)


def test_from_coercible_is_dagsters_name_for_coerce_selection() -> None:
    assert AssetSelection.from_coercible("orders") == coerce_selection("orders")


# --------------------------------------------------------------------------
# Asset checks
#
# orders:positive and report:fresh (@asset_check), audited:ok (a check spec of its asset).


@asset_check(asset=orders, name="positive")
def orders_positive(orders):
    return AssetCheckResult(passed=orders > 0)


@asset_check(asset=report, name="fresh")
def report_fresh():
    return AssetCheckResult(passed=True)


@asset(check_specs=[AssetCheckSpec("ok", asset="audited")])
def audited():
    return 1


CHECKED = AssetGraph([*ALL, orders_positive, report_fresh, audited])


def checks(selection: AssetSelection) -> set[str]:
    """The user strings of the check keys a selection picks in the graph above."""
    return {key.to_user_string() for key in selection.resolve_checks(CHECKED)}


def test_selecting_an_asset_selects_its_checks() -> None:
    assert checks(AssetSelection.assets(orders, audited)) == {"orders:positive", "audited:ok"}


def test_a_traversal_selects_the_checks_of_the_assets_it_reaches() -> None:
    assert checks(AssetSelection.keys("orders").downstream()) == {
        "orders:positive",
        "report:fresh",
    }


def test_checks_for_assets_selects_their_checks_and_no_asset() -> None:
    selection = AssetSelection.checks_for_assets(orders, "report")

    assert selection.resolve(CHECKED) == set()
    assert checks(selection) == {"orders:positive", "report:fresh"}


def test_checks_selects_checks_by_key_definition_or_asset_declaring_them() -> None:
    selection = AssetSelection.checks(AssetCheckKey("orders", "positive"), report_fresh, audited)

    assert selection.resolve(CHECKED) == set()
    assert checks(selection) == {"orders:positive", "report:fresh", "audited:ok"}


def test_all_asset_checks_selects_every_check_that_runs_alone_and_no_asset() -> None:
    assert AssetSelection.all_asset_checks().resolve(CHECKED) == set()
    assert checks(AssetSelection.all_asset_checks()) == {"orders:positive", "report:fresh"}


def test_all_assets_select_every_check_those_declared_on_assets_too() -> None:
    assert checks(AssetSelection.all()) == {"orders:positive", "report:fresh", "audited:ok"}


def test_without_checks_keeps_the_assets_and_drops_their_checks() -> None:
    selection = AssetSelection.assets(orders).without_checks()

    assert selection.resolve(CHECKED) == {AssetKey("orders")}
    assert checks(selection) == set()


def test_union_intersection_and_difference_combine_checks_as_they_combine_assets() -> None:
    both = AssetSelection.assets(orders, report)

    assert checks(both - AssetSelection.checks(report_fresh)) == {"orders:positive"}
    assert checks(AssetSelection.assets(orders) | AssetSelection.checks_for_assets(report)) == {
        "orders:positive",
        "report:fresh",
    }
    assert checks(both & AssetSelection.checks_for_assets(report)) == {"report:fresh"}


def test_a_list_may_name_checks_beside_assets() -> None:
    selection = coerce_selection([customers, report_fresh, AssetCheckKey("orders", "positive")])

    assert selection.resolve(CHECKED) == {AssetKey("customers")}
    assert checks(selection) == {"orders:positive", "report:fresh"}


def test_an_unknown_check_raises_naming_the_closest_one() -> None:
    selection = AssetSelection.checks(AssetCheckKey("orders", "postive"))

    with pytest.raises(InvalidDefinitionError) as raised:
        selection.resolve_checks(CHECKED)

    assert "names asset check 'orders:postive'" in str(raised.value)
    assert "Did you mean 'orders:positive'?" in str(raised.value)
    assert selection.resolve_checks(CHECKED, allow_missing=True) == set()


# --------------------------------------------------------------------------
# Large graphs


@pytest.fixture(scope="module")
def chain() -> AssetGraph:
    """2,000 assets, each depending on the one before: deeper than Python's recursion limit."""
    assets = [asset(name="c0")(lambda: None)]
    for i in range(1, 2000):
        assets.append(asset(name=f"c{i}", deps=[f"c{i - 1}"])(lambda: None))
    return AssetGraph(assets)


def test_all_upstream_of_the_end_of_a_long_chain_is_the_whole_chain(chain: AssetGraph) -> None:
    assert len(AssetSelection.from_string("*c1999").resolve(chain)) == 2000


def test_all_downstream_of_the_start_of_a_long_chain_is_the_whole_chain(chain: AssetGraph) -> None:
    assert AssetSelection.keys("c0").downstream().resolve(chain) == chain.keys


def test_roots_and_sinks_of_a_long_chain_are_its_ends(chain: AssetGraph) -> None:
    assert AssetSelection.from_string("roots(*) or sinks(*)").resolve(chain) == {
        AssetKey("c0"),
        AssetKey("c1999"),
    }


def test_a_depth_walks_that_many_links_of_a_long_chain(chain: AssetGraph) -> None:
    selected = AssetSelection.from_string("10+key:c1000+10").resolve(chain)

    assert selected == {AssetKey(f"c{i}") for i in range(990, 1011)}
