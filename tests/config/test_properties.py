"""Property tests of config validation over random schemas and random values.

Schemas are random trees of shapes, permissive shapes, selectors, arrays, maps, noneables
and scalars, with and without defaults. Values come from a strategy that mixes values
valid for the schema with arbitrary JSON-like data. ``validate_field`` must always return
``(resolved, problems)`` without raising, and a value that validates cleanly must resolve
to a fixed point: validating the resolved value again gives no problem and the same value.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagwright import Field, InvalidDefinitionError, Map, Noneable, Permissive, Selector, Shape
from dagwright._sentinel import NO_VALUE
from dagwright.config.validate import validate_field

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NAMES = st.sampled_from(["a", "b", "c", "depth", "name", "mode"])

_SCALARS: dict[type, st.SearchStrategy[Any]] = {
    int: st.integers(min_value=-(10**6), max_value=10**6),
    float: st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.integers(min_value=-100, max_value=100),
    str: st.text(max_size=5),
    bool: st.booleans(),
}

_MAP_KEYS: dict[type, st.SearchStrategy[Any]] = {
    str: st.text(max_size=3),
    int: st.integers(min_value=-5, max_value=5),
}

JUNK: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-5, max_value=5)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=3)
    | NAMES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=8,
)
"""Arbitrary JSON-like values, with keys that often collide with the schemas' field names."""


@st.composite
def typed(draw: st.DrawFn, depth: int = 0) -> tuple[Any, st.SearchStrategy[Any]]:
    """A random config type, and a strategy for values valid against it."""
    kinds = ["scalar", "scalar"]
    if depth < 3:
        kinds += ["shape", "permissive", "selector", "array", "map", "noneable"]
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        scalar = draw(st.sampled_from(list(_SCALARS)))
        return scalar, _SCALARS[scalar]
    if kind == "array":
        inner, valid = draw(typed(depth + 1))
        return [inner], st.lists(valid, max_size=3)
    if kind == "noneable":
        inner, valid = draw(typed(depth + 1))
        return Noneable(inner), st.none() | valid
    if kind == "map":
        key = draw(st.sampled_from(list(_MAP_KEYS)))
        inner, valid = draw(typed(depth + 1))
        return Map(key, inner), st.dictionaries(_MAP_KEYS[key], valid, max_size=3)
    names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    fields: dict[str, Field] = {}
    values: dict[str, st.SearchStrategy[Any]] = {}
    for name in names:
        fields[name], values[name] = draw(field(depth + 1))
    if kind == "selector":
        selector = Selector(fields)
        choices = [
            st.tuples(st.just(name), values[name]).map(lambda pair: {pair[0]: pair[1]})
            for name in names
        ]
        valid = st.one_of(choices)
        if selector.has_implicit_default:
            valid = valid | st.just({})
        return selector, valid
    required = {n: values[n] for n, f in fields.items() if f.is_required}
    optional = {n: values[n] for n, f in fields.items() if not f.is_required}
    valid = st.fixed_dictionaries(required, optional=optional)
    if kind == "permissive":
        extra = st.dictionaries(st.sampled_from(["x_extra", "y_extra"]), JUNK, max_size=2)
        valid = st.tuples(valid, extra).map(lambda pair: {**pair[1], **pair[0]})
        return Permissive(fields), valid
    return Shape(fields), valid


@st.composite
def field(draw: st.DrawFn, depth: int = 0) -> tuple[Field, st.SearchStrategy[Any]]:
    """A random Field (plain, with a default, or not required), and its valid values."""
    config_type, valid = draw(typed(depth))
    mode = draw(st.sampled_from(["plain", "default", "not_required"]))
    if mode == "default":
        default = draw(valid)
        try:
            return Field(config_type, default_value=default), valid
        except InvalidDefinitionError:
            # A valid default that is refused is test_valid_value_is_accepted_as_a_default's
            # finding; here it would only stop the other properties from being checked.
            pass
    if mode == "not_required":
        return Field(config_type, is_required=False), valid
    return Field(config_type), valid


@st.composite
def field_and_value(draw: st.DrawFn) -> tuple[Field, Any]:
    """A random field and a value for it: valid, arbitrary, or absent."""
    built, valid = draw(field())
    value = draw(st.one_of(valid, valid, JUNK, st.just(NO_VALUE)))
    return built, value


@SETTINGS
@given(field_and_value())
def test_validate_field_returns_resolved_and_problems_without_raising(
    case: tuple[Field, Any],
) -> None:
    built, value = case
    outcome = validate_field(built, value)
    assert isinstance(outcome, tuple)
    assert len(outcome) == 2
    assert isinstance(outcome[1], list)


@SETTINGS
@given(field_and_value())
def test_every_problem_has_a_path_reason_and_message(case: tuple[Field, Any]) -> None:
    built, value = case
    _, problems = validate_field(built, value)
    for problem in problems:
        assert isinstance(problem.path, str)
        assert isinstance(problem.problem, str)
        assert problem.problem
        assert problem.reason in {
            "MISSING_REQUIRED_FIELD",
            "FIELD_NOT_DEFINED",
            "RUNTIME_TYPE_MISMATCH",
            "SELECTOR_FIELD_ERROR",
            "FAILED_POST_PROCESSING",
        }


@SETTINGS
@given(field_and_value())
def test_clean_value_resolves_to_a_fixed_point(case: tuple[Field, Any]) -> None:
    built, value = case
    resolved, problems = validate_field(built, value)
    if problems:
        return
    again, problems_again = validate_field(built, resolved)
    assert problems_again == []
    assert again == resolved


@SETTINGS
@given(st.data())
def test_valid_value_has_no_problem(data: st.DataObject) -> None:
    built, valid = data.draw(field())
    value = data.draw(valid)
    _, problems = validate_field(built, value)
    assert problems == []


@SETTINGS
@given(st.data())
def test_valid_value_is_accepted_as_a_default(data: st.DataObject) -> None:
    config_type, valid = data.draw(typed())
    default = data.draw(valid)
    built = Field(config_type, default_value=default)
    assert built.is_required is False


@SETTINGS
@given(st.data())
def test_absent_field_with_default_resolves_like_its_default_given(data: st.DataObject) -> None:
    built, valid = data.draw(field())
    value = data.draw(valid)
    try:
        with_default = Field(built.config_type, default_value=value)
    except InvalidDefinitionError:
        return  # test_valid_value_is_accepted_as_a_default covers this
    assert validate_field(with_default, NO_VALUE) == validate_field(built, value)


@SETTINGS
@given(field_and_value())
def test_validation_does_not_change_the_given_value(case: tuple[Field, Any]) -> None:
    built, value = case
    before = copy.deepcopy(value)
    validate_field(built, value)
    assert value == before
