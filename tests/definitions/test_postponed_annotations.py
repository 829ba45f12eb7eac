"""Ops in modules using ``from __future__ import annotations`` (every annotation a string)."""

from __future__ import annotations

from dagwright import op


def test_input_annotated_with_a_class_defined_in_a_function_body_is_resolved() -> None:
    class Row:
        pass

    @op
    def takes_row(row: Row) -> None:
        pass

    assert takes_row.input_defs[0].dagster_type.type_check(None, Row()).success
    assert not takes_row.input_defs[0].dagster_type.type_check(None, 3).success


def test_output_annotated_with_a_module_level_class_is_resolved() -> None:
    @op
    def makes_int() -> int:
        return 1

    assert makes_int.output_defs[0].dagster_type.type_check(None, 1).success
    assert not makes_int.output_defs[0].dagster_type.type_check(None, "x").success
