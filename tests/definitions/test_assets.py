"""Defining assets: @asset and its arguments, multi-assets, graph-backed assets, assets made
from existing ops and graphs, calling an asset in a unit test, and the errors raised when the
assets of a code location do not fit together."""

from __future__ import annotations

import pytest

from dagwright import (
    AssetCheckKey,
    AssetCheckSpec,
    AssetDep,
    AssetIn,
    AssetKey,
    AssetOut,
    AssetsDefinition,
    AssetSpec,
    Config,
    ConfigurableResource,
    Definitions,
    InvalidDefinitionError,
    Out,
    Output,
    RetryPolicy,
    SourceAsset,
    asset,
    build_op_context,
    graph,
    graph_asset,
    graph_multi_asset,
    multi_asset,
    op,
)


def _key(text: str) -> AssetKey:
    return AssetKey.from_user_string(text)


# --------------------------------------------------------------------------
# Asset keys


def test_an_asset_key_is_a_path_of_parts() -> None:
    assert AssetKey(["warehouse", "orders"]).path == ["warehouse", "orders"]


def test_a_user_string_splits_on_slashes_into_the_same_key() -> None:
    assert AssetKey.from_user_string("warehouse/orders") == AssetKey(["warehouse", "orders"])
    assert AssetKey(["warehouse", "orders"]).to_user_string() == "warehouse/orders"


def test_a_one_part_key_can_be_given_as_a_string() -> None:
    assert AssetKey("orders") == AssetKey(["orders"])


# --------------------------------------------------------------------------
# @asset: key, name, prefix


def test_an_asset_is_named_after_its_function() -> None:
    @asset
    def orders():
        return 1

    assert isinstance(orders, AssetsDefinition)
    assert orders.key == AssetKey(["orders"])
    assert orders.op.name == "orders"


def test_name_replaces_the_function_name_in_the_key() -> None:
    @asset(name="orders")
    def compute_orders():
        return 1

    assert compute_orders.key == AssetKey("orders")


def test_key_prefix_goes_before_the_name() -> None:
    @asset(key_prefix=["warehouse", "sales"])
    def orders():
        return 1

    assert orders.key == AssetKey(["warehouse", "sales", "orders"])


def test_a_string_key_prefix_is_one_part() -> None:
    @asset(key_prefix="warehouse")
    def orders():
        return 1

    assert orders.key == AssetKey(["warehouse", "orders"])


def test_key_gives_the_whole_key() -> None:
    @asset(key=["warehouse", "orders"])
    def anything():
        return 1

    assert anything.key == AssetKey(["warehouse", "orders"])


def test_the_op_of_a_prefixed_asset_joins_the_key_parts_with_double_underscores() -> None:
    @asset(key_prefix="warehouse")
    def orders():
        return 1

    assert orders.op.name == "warehouse__orders"


def test_key_with_name_or_key_prefix_is_an_error_saying_to_give_the_whole_key() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"key=\['prefix', 'name'\]"):

        @asset(key="orders", key_prefix="warehouse")
        def orders():
            return 1


# --------------------------------------------------------------------------
# @asset: upstream assets


def test_a_parameter_reads_the_upstream_asset_of_its_name() -> None:
    @asset
    def orders(customers):
        return customers

    assert orders.keys_by_input_name == {"customers": AssetKey("customers")}
    assert orders.dependency_keys == {AssetKey("customers")}


def test_asset_in_key_names_another_upstream_asset() -> None:
    @asset(ins={"rows": AssetIn(key=["raw", "orders"])})
    def orders(rows):
        return rows

    assert orders.keys_by_input_name == {"rows": AssetKey(["raw", "orders"])}


def test_asset_in_key_prefix_goes_before_the_parameter_name() -> None:
    @asset(ins={"customers": AssetIn(key_prefix="raw")})
    def orders(customers):
        return customers

    assert orders.keys_by_input_name == {"customers": AssetKey(["raw", "customers"])}


def test_asset_in_metadata_reaches_the_op_input() -> None:
    @asset(ins={"customers": AssetIn(metadata={"columns": ["id"]})})
    def orders(customers):
        return customers

    assert orders.op.input_dict["customers"].metadata == {"columns": ["id"]}


def test_asset_in_for_a_parameter_the_function_lacks_is_an_error_naming_it() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"'customers'.*deps=") as caught:

        @asset(ins={"customers": AssetIn()})
        def orders():
            return 1

    assert "asset 'orders'" in str(caught.value)


def test_deps_take_keys_strings_specs_and_asset_definitions() -> None:
    @asset
    def customers():
        return 1

    @asset(
        deps=[
            customers,
            "raw/events",
            AssetKey(["raw", "payments"]),
            AssetSpec("refunds"),
            AssetDep("fx_rates"),
        ]
    )
    def orders():
        return 1

    assert orders.dependency_keys == {
        AssetKey("customers"),
        AssetKey(["raw", "events"]),
        AssetKey(["raw", "payments"]),
        AssetKey("refunds"),
        AssetKey("fx_rates"),
    }


def test_a_dependency_in_deps_is_an_input_that_carries_no_value() -> None:
    @asset(deps=["raw/events"])
    def orders():
        return 1

    (input_def,) = orders.op.input_defs
    assert input_def.dagster_type.is_nothing
    assert orders.keys_by_input_name == {input_def.name: AssetKey(["raw", "events"])}


def test_an_upstream_both_read_and_in_deps_is_one_dependency() -> None:
    @asset(deps=["customers"])
    def orders(customers):
        return customers

    assert list(orders.op.input_dict) == ["customers"]


def test_a_multi_asset_in_deps_is_an_error_saying_to_name_one_of_its_assets() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def both():
        return 1, 2

    with pytest.raises(InvalidDefinitionError, match="several assets") as caught:

        @asset(deps=[both])
        def orders():
            return 1

    assert "deps=[AssetKey([...])]" in str(caught.value)


def test_context_resource_and_config_parameters_are_not_upstream_assets() -> None:
    class Warehouse(ConfigurableResource):
        url: str

    class OrdersConfig(Config):
        limit: int = 10

    @asset
    def orders(context, customers, warehouse: Warehouse, config: OrdersConfig):
        return customers

    assert orders.keys_by_input_name == {"customers": AssetKey("customers")}


# --------------------------------------------------------------------------
# @asset: what is said about the asset


def test_group_name_description_metadata_tags_and_owners_describe_the_asset() -> None:
    @asset(
        group_name="sales",
        description="Every order.",
        metadata={"rows": 3},
        tags={"tier": "gold"},
        owners=["alice@example.com", "team:data"],
    )
    def orders():
        return 1

    key = AssetKey("orders")
    assert orders.group_names_by_key == {key: "sales"}
    assert orders.descriptions_by_key == {key: "Every order."}
    assert orders.metadata_by_key[key]["rows"].value == 3
    assert orders.tags_by_key == {key: {"tier": "gold"}}
    assert orders.owners_by_key == {key: ("alice@example.com", "team:data")}


def test_an_asset_without_a_group_is_in_the_default_group() -> None:
    @asset
    def orders():
        return 1

    assert orders.group_names_by_key == {AssetKey("orders"): "default"}


def test_an_invalid_group_name_is_an_error_saying_which_characters_are_allowed() -> None:
    with pytest.raises(InvalidDefinitionError, match="letters, digits and underscores"):

        @asset(group_name="my group")
        def orders():
            return 1


def test_the_docstring_is_the_description_when_none_is_given() -> None:
    @asset
    def orders():
        """Every order."""
        return 1

    assert orders.descriptions_by_key == {AssetKey("orders"): "Every order."}


def test_kinds_and_compute_kind_are_the_kinds_of_the_asset() -> None:
    @asset(kinds={"python", "s3"}, compute_kind="pandas")
    def orders():
        return 1

    (spec,) = orders.specs
    assert spec.kinds == {"python", "s3", "pandas"}


def test_code_version_is_on_the_asset_and_its_op() -> None:
    @asset(code_version="v2")
    def orders():
        return 1

    assert orders.code_versions_by_key == {AssetKey("orders"): "v2"}
    assert orders.op.code_version == "v2"


def test_io_manager_key_is_the_manager_that_stores_the_asset() -> None:
    @asset(io_manager_key="warehouse_io")
    def orders():
        return 1

    assert orders.io_manager_key_for(AssetKey("orders")) == "warehouse_io"
    assert orders.op.output_dict["result"].io_manager_key == "warehouse_io"


def test_an_asset_is_stored_by_io_manager_by_default() -> None:
    @asset
    def orders():
        return 1

    assert orders.io_manager_key_for(AssetKey("orders")) == "io_manager"


def test_required_resource_keys_and_typed_resource_parameters_are_required_by_the_op() -> None:
    class Warehouse(ConfigurableResource):
        url: str

    @asset(required_resource_keys={"slack"})
    def orders(warehouse: Warehouse):
        return 1

    assert orders.op.required_resource_keys == {"slack", "warehouse"}


def test_config_schema_is_the_op_config_schema() -> None:
    @asset(config_schema={"limit": int})
    def orders(context):
        return context.op_config["limit"]

    assert orders(build_op_context(op_config={"limit": 3})) == 3


def test_a_pythonic_config_parameter_is_the_asset_config() -> None:
    class OrdersConfig(Config):
        limit: int = 10

    @asset
    def orders(config: OrdersConfig):
        return config.limit

    assert orders(config=OrdersConfig(limit=4)) == 4
    assert orders.op.config_schema is OrdersConfig


def test_retry_policy_and_op_tags_are_on_the_op() -> None:
    policy = RetryPolicy(max_retries=2)

    @asset(retry_policy=policy, op_tags={"team": "data"})
    def orders():
        return 1

    assert orders.op.retry_policy == policy
    assert orders.op.tags == {"team": "data"}


def test_asset_tags_are_not_op_tags() -> None:
    @asset(tags={"tier": "gold"})
    def orders():
        return 1

    assert "tier" not in orders.op.tags


# --------------------------------------------------------------------------
# Calling an asset in a unit test


def test_an_asset_called_directly_returns_its_value() -> None:
    @asset
    def orders():
        return [1, 2]

    assert orders() == [1, 2]


def test_an_asset_called_with_its_upstream_values_computes_from_them() -> None:
    @asset
    def total(orders, refunds):
        return sum(orders) - refunds

    assert total([1, 2], 1) == 2
    assert total(orders=[5], refunds=2) == 3


def test_an_asset_with_a_context_is_called_with_build_op_context() -> None:
    @asset
    def orders(context, customers):
        return (context.op_config, customers)

    assert orders(build_op_context(op_config="x"), [1]) == ("x", [1])


def test_an_asset_with_a_resource_parameter_is_called_with_the_resource() -> None:
    class Warehouse(ConfigurableResource):
        url: str

    @asset
    def orders(warehouse: Warehouse):
        return warehouse.url

    assert orders(warehouse=Warehouse(url="db://x")) == "db://x"


# --------------------------------------------------------------------------
# @multi_asset


def test_a_multi_asset_makes_one_asset_per_out() -> None:
    @multi_asset(outs={"orders": AssetOut(), "refunds": AssetOut(key_prefix="finance")})
    def split():
        return 1, 2

    assert split.keys == {AssetKey("orders"), AssetKey(["finance", "refunds"])}
    assert split.keys_by_output_name == {
        "orders": AssetKey("orders"),
        "refunds": AssetKey(["finance", "refunds"]),
    }
    assert split.op.name == "split"


def test_asset_out_key_replaces_the_output_name_in_the_key() -> None:
    @multi_asset(outs={"a": AssetOut(key=["warehouse", "orders"])})
    def split():
        return 1

    assert split.keys == {AssetKey(["warehouse", "orders"])}


def test_asset_out_settings_describe_each_asset() -> None:
    @multi_asset(
        outs={
            "orders": AssetOut(group_name="sales", io_manager_key="sales_io", description="o"),
            "refunds": AssetOut(owners=["bob@example.com"], tags={"pii": "no"}),
        },
        group_name="finance",
    )
    def split():
        return 1, 2

    orders, refunds = AssetKey("orders"), AssetKey("refunds")
    assert split.group_names_by_key == {orders: "sales", refunds: "finance"}
    assert split.io_manager_key_for(orders) == "sales_io"
    assert split.io_manager_key_for(refunds) == "io_manager"
    assert split.descriptions_by_key[orders] == "o"
    assert split.owners_by_key[refunds] == ("bob@example.com",)
    assert split.tags_by_key[refunds] == {"pii": "no"}


def test_every_asset_of_a_multi_asset_depends_on_what_it_reads() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()}, deps=["raw"])
    def split(events):
        return 1, 2

    assert split.deps_of(AssetKey("a")) == {AssetKey("events"), AssetKey("raw")}
    assert split.deps_of(AssetKey("b")) == {AssetKey("events"), AssetKey("raw")}


def test_internal_asset_deps_narrow_what_each_asset_depends_on() -> None:
    @multi_asset(
        outs={"a": AssetOut(), "b": AssetOut()},
        internal_asset_deps={"a": {AssetKey("events")}, "b": set()},
    )
    def split(events):
        return 1, 2

    assert split.deps_of(AssetKey("a")) == {AssetKey("events")}
    assert split.deps_of(AssetKey("b")) == set()


def test_a_multi_asset_made_from_specs_has_one_asset_per_spec() -> None:
    @multi_asset(
        specs=[
            AssetSpec("orders", group_name="sales", deps=["raw"]),
            AssetSpec(["finance", "refunds"], owners=["bob@example.com"]),
        ]
    )
    def load():
        pass

    assert load.keys == {AssetKey("orders"), AssetKey(["finance", "refunds"])}
    assert load.group_names_by_key[AssetKey("orders")] == "sales"
    assert load.owners_by_key[AssetKey(["finance", "refunds"])] == ("bob@example.com",)


def test_each_spec_of_a_multi_asset_keeps_its_own_deps() -> None:
    @multi_asset(specs=[AssetSpec("orders", deps=["raw"]), AssetSpec("refunds")])
    def load():
        pass

    assert load.deps_of(AssetKey("orders")) == {AssetKey("raw")}
    assert load.deps_of(AssetKey("refunds")) == set()


def test_a_multi_asset_takes_outs_or_specs_not_both() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"outs=.*or specs="):

        @multi_asset(outs={"a": AssetOut()}, specs=[AssetSpec("b")])
        def load():
            pass


def test_can_subset_is_kept_on_the_definition() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()}, can_subset=True)
    def split():
        yield Output(1, "a")

    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def whole():
        return 1, 2

    assert split.can_subset
    assert not whole.can_subset


def test_a_multi_asset_has_no_single_key() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def split():
        return 1, 2

    with pytest.raises(InvalidDefinitionError, match=r"(?s)several assets \(a, b\).*use \.keys"):
        split.key


def test_a_multi_asset_called_directly_returns_its_values() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def split(events):
        return events, events * 2

    assert split(2) == (2, 4)


def test_a_subsettable_multi_asset_called_directly_is_asked_for_every_output() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()}, can_subset=True)
    def pair(context):
        for name in sorted(context.selected_output_names):
            yield Output(name.upper(), name)

    outputs = list(pair(build_op_context()))

    assert [(o.output_name, o.value) for o in outputs] == [("a", "A"), ("b", "B")]


# --------------------------------------------------------------------------
# Graph-backed assets


@op
def _add_one(x):
    return x + 1


def test_a_graph_asset_is_the_output_of_a_graph_of_ops() -> None:
    @graph_asset
    def orders(raw):
        return _add_one(_add_one(raw))

    assert orders.key == AssetKey("orders")
    assert orders.node_def.kind == "graph"
    assert orders.keys_by_input_name == {"raw": AssetKey("raw")}


def test_a_graph_asset_takes_key_prefix_group_and_asset_ins() -> None:
    @graph_asset(key_prefix="wh", group_name="sales", ins={"raw": AssetIn(key="raw/orders")})
    def orders(raw):
        return _add_one(raw)

    assert orders.key == AssetKey(["wh", "orders"])
    assert orders.group_names_by_key == {orders.key: "sales"}
    assert orders.keys_by_input_name == {"raw": AssetKey(["raw", "orders"])}


def test_a_graph_multi_asset_makes_one_asset_per_graph_output() -> None:
    @op(out={"x": Out(), "y": Out()})
    def two(raw):
        return raw, raw

    @graph_multi_asset(outs={"first": AssetOut(), "second": AssetOut(key_prefix="p")})
    def pair(raw):
        x, y = two(raw)
        return {"first": x, "second": y}

    assert pair.keys_by_output_name == {
        "first": AssetKey("first"),
        "second": AssetKey(["p", "second"]),
    }
    assert pair.keys_by_input_name == {"raw": AssetKey("raw")}


def test_a_graph_backed_asset_has_no_single_op() -> None:
    @graph_asset
    def orders(raw):
        return _add_one(raw)

    with pytest.raises(InvalidDefinitionError, match="node_def"):
        orders.op


# --------------------------------------------------------------------------
# AssetsDefinition.from_op / from_graph


def test_from_op_makes_the_asset_named_after_the_op_reading_assets_named_after_inputs() -> None:
    @op
    def orders(customers):
        return customers

    assets_def = AssetsDefinition.from_op(orders)

    assert assets_def.keys == {AssetKey("orders")}
    assert assets_def.keys_by_input_name == {"customers": AssetKey("customers")}
    assert assets_def.deps_of(AssetKey("orders")) == {AssetKey("customers")}


def test_from_op_takes_keys_by_name_a_prefix_and_a_group() -> None:
    @op(out={"a": Out(), "b": Out()})
    def split(rows):
        return rows, rows

    assets_def = AssetsDefinition.from_op(
        split,
        keys_by_input_name={"rows": AssetKey(["raw", "rows"])},
        keys_by_output_name={"b": AssetKey(["other", "b"])},
        key_prefix="wh",
        group_name="sales",
    )

    assert assets_def.keys_by_output_name == {
        "a": AssetKey(["wh", "a"]),
        "b": AssetKey(["other", "b"]),
    }
    assert assets_def.keys_by_input_name == {"rows": AssetKey(["raw", "rows"])}
    assert set(assets_def.group_names_by_key.values()) == {"sales"}


def test_from_graph_makes_the_asset_named_after_the_graph() -> None:
    @graph
    def orders(raw):
        return _add_one(raw)

    assets_def = AssetsDefinition.from_graph(orders)

    assert assets_def.keys == {AssetKey("orders")}
    assert assets_def.keys_by_input_name == {"raw": AssetKey("raw")}
    assert assets_def.node_def is orders


def test_keys_by_output_name_for_an_output_the_node_lacks_is_an_error_naming_its_outputs() -> None:
    @op
    def orders():
        return 1

    with pytest.raises(InvalidDefinitionError, match=r"'missing'.*outputs: result"):
        AssetsDefinition.from_op(orders, keys_by_output_name={"missing": AssetKey("x")})


# --------------------------------------------------------------------------
# The assets of a code location, checked together


def test_two_assets_with_one_key_is_an_error_naming_the_key_both_functions_and_the_fix() -> None:
    @asset(name="orders")
    def first():
        return 1

    @asset(name="orders")
    def second():
        return 2

    with pytest.raises(InvalidDefinitionError) as caught:
        Definitions(assets=[first, second])

    text = str(caught.value)
    assert "two definitions of asset 'orders'" in text
    assert "op 'orders' (function " in text
    assert ".first) and op 'orders' (function " in text
    assert ".second)" in text
    assert "name=, key_prefix= or key=" in text


def test_an_asset_listed_twice_is_one_asset() -> None:
    @asset
    def orders():
        return 1

    defs = Definitions(assets=[orders, orders])

    assert defs.get_asset_graph().keys == {AssetKey("orders")}


def test_an_asset_and_a_spec_with_one_key_is_an_error() -> None:
    @asset
    def orders():
        return 1

    with pytest.raises(InvalidDefinitionError, match="two definitions of asset 'orders'"):
        Definitions(assets=[orders, AssetSpec("orders")])


def test_a_parameter_reading_an_asset_nobody_defines_is_an_error_naming_both() -> None:
    @asset
    def orders(customers):
        return customers

    with pytest.raises(InvalidDefinitionError) as caught:
        Definitions(assets=[orders])

    text = str(caught.value)
    assert "asset 'orders' depends on asset 'customers', which none of the definitions" in text
    assert "its input 'customers' reads its value" in text
    assert "AssetSpec('customers')" in text
    assert "SourceAsset('customers')" in text
    assert "deps=[...]" in text


def test_a_deps_entry_nobody_defines_is_an_external_asset_of_the_graph() -> None:
    @asset(deps=["raw/events"])
    def orders():
        return 1

    graph = Definitions(assets=[orders]).get_asset_graph()

    assert graph.parents(AssetKey("orders")) == {_key("raw/events")}
    assert not graph.get(_key("raw/events")).is_materializable
    assert graph.materializable_keys == {AssetKey("orders")}


def test_a_spec_dep_of_a_multi_asset_nobody_defines_is_an_external_asset() -> None:
    @multi_asset(specs=[AssetSpec("report", deps=["crm/contacts"])])
    def build_report():
        pass

    graph = Definitions(assets=[build_report]).get_asset_graph()

    assert graph.children(_key("crm/contacts")) == {AssetKey("report")}
    assert not graph.get(_key("crm/contacts")).is_materializable


def test_a_dep_of_an_external_asset_spec_nobody_defines_is_an_external_asset_too() -> None:
    graph = Definitions(assets=[AssetSpec("mart", deps=["lake"])]).get_asset_graph()

    assert graph.keys == {AssetKey("mart"), AssetKey("lake")}
    assert graph.materializable_keys == set()


def test_an_external_asset_spec_satisfies_a_dependency() -> None:
    @asset(deps=["raw/events"])
    def orders():
        return 1

    defs = Definitions(assets=[orders, AssetSpec("raw/events")])

    assert defs.get_asset_graph().parents(AssetKey("orders")) == {AssetKey(["raw", "events"])}


def test_a_source_asset_satisfies_a_dependency() -> None:
    @asset
    def orders(customers):
        return customers

    defs = Definitions(assets=[orders, SourceAsset("customers")])

    assert defs.get_asset_graph().parents(AssetKey("orders")) == {AssetKey("customers")}


def test_a_cycle_among_assets_is_an_error_naming_the_assets_in_order() -> None:
    @asset(deps=["c"])
    def a():
        return 1

    @asset
    def b(a):
        return a

    @asset
    def c(b):
        return b

    with pytest.raises(InvalidDefinitionError) as caught:
        Definitions(assets=[a, b, c])

    text = str(caught.value)
    assert "cycle" in text
    assert "a -> b -> c -> a" in text
    assert "Fix: remove one of these dependencies" in text


def test_an_asset_depending_on_itself_is_a_cycle() -> None:
    @asset(deps=["orders"])
    def orders():
        return 1

    with pytest.raises(InvalidDefinitionError, match="cycle: orders -> orders"):
        Definitions(assets=[orders])


def test_something_that_is_not_an_asset_in_assets_is_an_error_saying_where_jobs_go() -> None:
    @op
    def not_an_asset():
        return 1

    with pytest.raises(
        InvalidDefinitionError, match=r"(?s)not an asset.*jobs go in jobs=\[\.\.\.\]"
    ):
        Definitions(assets=[not_an_asset])


# --------------------------------------------------------------------------
# Reading an asset definition and a Definitions


def test_get_asset_spec_gives_the_spec_of_the_one_asset() -> None:
    @asset(key_prefix="wh", group_name="sales", owners=["team:sales"])
    def orders():
        return 1

    spec = orders.get_asset_spec()

    assert (spec.key, spec.group_name, spec.owners) == (_key("wh/orders"), "sales", ("team:sales",))


def test_get_asset_spec_of_a_multi_asset_takes_the_key() -> None:
    @multi_asset(outs={"paid": AssetOut(group_name="money"), "refunded": AssetOut()})
    def split():
        return 1, 2

    assert split.get_asset_spec("paid").group_name == "money"


def test_get_asset_spec_of_a_key_the_definition_does_not_make_is_an_error() -> None:
    @asset
    def orders():
        return 1

    with pytest.raises(InvalidDefinitionError, match="it makes no asset 'customers'"):
        orders.get_asset_spec("customers")


def test_the_check_keys_of_an_asset_are_those_of_its_check_specs() -> None:
    @asset(check_specs=[AssetCheckSpec("positive", asset="total")])
    def total():
        return 1

    assert total.check_keys == {AssetCheckKey(AssetKey("total"), "positive")}


def test_definitions_resolve_methods_are_the_get_methods() -> None:
    @asset
    def orders():
        return 1

    defs = Definitions(assets=[orders])

    assert defs.resolve_assets_def("orders") is orders
    assert defs.resolve_asset_graph() is defs.get_asset_graph()
    job = defs.resolve_implicit_global_asset_job_def()
    assert job.name == defs.get_implicit_global_asset_job_def().name


def test_get_all_asset_specs_gives_the_spec_of_every_asset_external_ones_too() -> None:
    @asset(deps=["lake/events"], group_name="sales")
    def orders(customers):
        return customers

    defs = Definitions(assets=[orders, SourceAsset("customers", group_name="crm")])

    specs = {s.key.to_user_string(): s for s in defs.get_all_asset_specs()}
    assert sorted(specs) == ["customers", "lake/events", "orders"]
    assert all(isinstance(s, AssetSpec) for s in specs.values())
    assert specs["orders"].group_name == "sales"
    assert specs["customers"].group_name == "crm"
