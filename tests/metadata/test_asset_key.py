"""AssetKey: the name of an asset, a path of parts; AssetCheckKey: the name of a check."""

from __future__ import annotations

import pytest

from dagwright import AssetCheckKey, AssetKey, InvalidAssetKeyError, InvalidDefinitionError


def test_a_string_is_a_key_of_one_part() -> None:
    assert AssetKey("orders").path == ["orders"]


def test_a_string_with_a_slash_is_still_one_part() -> None:
    assert AssetKey("a/b").path == ["a/b"]


def test_a_list_gives_the_parts_in_order() -> None:
    assert AssetKey(["warehouse", "orders"]).path == ["warehouse", "orders"]


def test_a_tuple_gives_the_parts_as_a_list() -> None:
    assert AssetKey(("warehouse", "orders")).path == ["warehouse", "orders"]


def test_from_user_string_splits_on_slashes() -> None:
    assert AssetKey.from_user_string("warehouse/orders") == AssetKey(["warehouse", "orders"])


def test_to_user_string_joins_the_parts_with_slashes() -> None:
    assert AssetKey(["warehouse", "orders"]).to_user_string() == "warehouse/orders"


def test_to_string_is_the_parts_as_a_json_list() -> None:
    assert AssetKey(["warehouse", "orders"]).to_string() == '["warehouse", "orders"]'


def test_with_prefix_puts_a_string_prefix_first() -> None:
    assert AssetKey("orders").with_prefix("warehouse") == AssetKey(["warehouse", "orders"])


def test_with_prefix_puts_a_list_prefix_first() -> None:
    assert AssetKey("orders").with_prefix(["db", "raw"]).path == ["db", "raw", "orders"]


def test_has_prefix_compares_the_first_parts() -> None:
    key = AssetKey(["db", "raw", "orders"])

    assert key.has_prefix(["db", "raw"])
    assert not key.has_prefix(["raw"])


def test_the_parent_of_a_key_is_the_key_without_its_last_part() -> None:
    assert AssetKey(["lake", "raw", "events"]).parent == AssetKey(["lake", "raw"])


def test_a_key_of_one_part_has_no_parent() -> None:
    with pytest.raises(InvalidAssetKeyError, match="has no parent"):
        _ = AssetKey("events").parent


def test_a_key_as_a_python_identifier_joins_its_parts_with_double_underscores() -> None:
    assert AssetKey(["lake", "raw-events"]).to_python_identifier() == "lake__raw_events"


def test_a_suffix_is_the_last_part_of_the_python_identifier() -> None:
    assert AssetKey(["lake", "events"]).to_python_identifier("check") == "lake__events__check"


def test_from_coercible_keeps_a_key_and_builds_one_from_a_list() -> None:
    key = AssetKey("a")

    assert AssetKey.from_coercible(key) is key
    assert AssetKey.from_coercible(["a", "b"]) == AssetKey(["a", "b"])


def test_keys_with_the_same_parts_are_equal_and_hash_alike() -> None:
    assert {AssetKey(["a", "b"]): 1}[AssetKey(("a", "b"))] == 1


def test_keys_sort_by_their_parts() -> None:
    keys = [AssetKey(["b"]), AssetKey(["a", "z"]), AssetKey(["a"])]

    assert sorted(keys) == [AssetKey(["a"]), AssetKey(["a", "z"]), AssetKey(["b"])]


def test_repr_shows_the_parts() -> None:
    assert repr(AssetKey(["a", "b"])) == "AssetKey(['a', 'b'])"


def test_a_key_without_parts_is_rejected() -> None:
    with pytest.raises(InvalidAssetKeyError, match="no parts"):
        AssetKey([])


def test_a_part_that_is_not_a_string_is_rejected_naming_it() -> None:
    with pytest.raises(InvalidAssetKeyError, match=r"part 3 is an int"):
        AssetKey(["a", 3])  # type: ignore[list-item]


def test_a_number_is_not_a_key() -> None:
    with pytest.raises(InvalidAssetKeyError, match="an int is not an asset key"):
        AssetKey(5)  # type: ignore[arg-type]


def test_a_check_key_prints_as_its_asset_and_name() -> None:
    assert AssetCheckKey(AssetKey(["wh", "orders"]), "no_nulls").to_user_string() == (
        "wh/orders:no_nulls"
    )


def test_a_check_key_reads_a_string_asset_as_a_user_string() -> None:
    key = AssetCheckKey("wh/orders", "no_nulls")

    assert key == AssetCheckKey(AssetKey(["wh", "orders"]), "no_nulls")
    assert hash(key) == hash(AssetCheckKey(AssetKey(["wh", "orders"]), "no_nulls"))


def test_a_check_key_needs_a_name() -> None:
    with pytest.raises(InvalidDefinitionError, match="check name '' is not a non-empty string"):
        AssetCheckKey(AssetKey("orders"), "")
