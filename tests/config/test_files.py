"""Run config from YAML: config_from_files, config_from_yaml_strings, config_from_pkg_resources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    InvalidInvocationError,
    config_from_files,
    config_from_pkg_resources,
    config_from_yaml_strings,
    job,
    op,
)


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


@op(config_schema={"greeting": str, "times": int})
def greet(context: Any) -> str:
    return context.op_config["greeting"] * context.op_config["times"]


@job
def greet_job():
    greet()


# --------------------------------------------------------------------------
# config_from_files


def test_config_from_a_single_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", "ops:\n  greet:\n    config:\n      greeting: hi\n")

    assert config_from_files([str(path)]) == {"ops": {"greet": {"config": {"greeting": "hi"}}}}


def test_config_from_files_accepts_path_objects(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", "a: 1\n")

    assert config_from_files([path]) == {"a": 1}


def test_later_files_win_over_earlier_ones(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "a: 1\nb: 1\n")
    second = _write(tmp_path, "second.yaml", "b: 2\n")

    assert config_from_files([str(first), str(second)]) == {"a": 1, "b": 2}


def test_the_order_of_files_decides_which_value_wins(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "b: 1\n")
    second = _write(tmp_path, "second.yaml", "b: 2\n")

    assert config_from_files([str(second), str(first)]) == {"b": 1}


def test_dicts_are_merged_at_every_depth(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "ops:\n  a:\n    config:\n      x: 1\n")
    second = _write(
        tmp_path, "second.yaml", "ops:\n  a:\n    config:\n      y: 2\n  b:\n    config: 5\n"
    )

    assert config_from_files([str(first), str(second)]) == {
        "ops": {"a": {"config": {"x": 1, "y": 2}}, "b": {"config": 5}}
    }


def test_lists_are_replaced_not_concatenated(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "lst: [1, 2]\n")
    second = _write(tmp_path, "second.yaml", "lst: [3]\n")

    assert config_from_files([str(first), str(second)]) == {"lst": [3]}


def test_a_scalar_replaces_a_dict(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "a:\n  b: 1\n")
    second = _write(tmp_path, "second.yaml", "a: 5\n")

    assert config_from_files([str(first), str(second)]) == {"a": 5}


def test_a_dict_replaces_a_scalar(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "a: 5\n")
    second = _write(tmp_path, "second.yaml", "a:\n  b: 1\n")

    assert config_from_files([str(first), str(second)]) == {"a": {"b": 1}}


def test_a_later_null_replaces_a_dict(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "a:\n  b: 1\n")
    second = _write(tmp_path, "second.yaml", "a: null\n")

    assert config_from_files([str(first), str(second)]) == {"a": None}


def test_merging_does_not_change_earlier_nested_values(tmp_path: Path) -> None:
    first = _write(tmp_path, "first.yaml", "a:\n  b:\n    c: 1\n")
    second = _write(tmp_path, "second.yaml", "a:\n  b:\n    d: 2\n")

    assert config_from_files([str(first), str(second)]) == {"a": {"b": {"c": 1, "d": 2}}}
    assert config_from_files([str(first)]) == {"a": {"b": {"c": 1}}}


def test_a_glob_matches_several_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "a: 1\n")
    _write(tmp_path, "b.yaml", "b: 2\n")
    _write(tmp_path, "c.txt", "c: 3\n")

    assert config_from_files([str(tmp_path / "*.yaml")]) == {"a": 1, "b": 2}


def test_a_glob_and_a_plain_path_can_be_mixed(tmp_path: Path) -> None:
    _write(tmp_path, "base_1.yaml", "a: 1\nb: 1\n")
    override = _write(tmp_path, "override.yaml", "b: 9\n")

    assert config_from_files([str(tmp_path / "base_*.yaml"), str(override)]) == {"a": 1, "b": 9}


def test_an_empty_file_counts_as_no_config(tmp_path: Path) -> None:
    empty = _write(tmp_path, "empty.yaml", "")
    other = _write(tmp_path, "other.yaml", "a: 1\n")

    assert config_from_files([str(empty), str(other)]) == {"a": 1}


def test_a_missing_file_is_an_invocation_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidInvocationError, match=r"nope\.yaml"):
        config_from_files([str(tmp_path / "nope.yaml")])


def test_a_glob_matching_nothing_is_an_invocation_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInvocationError, match=r"zz\*\.yaml"):
        config_from_files([str(tmp_path / "zz*.yaml")])


def test_a_directory_is_not_a_config_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()

    with pytest.raises(InvalidInvocationError, match="sub"):
        config_from_files([str(tmp_path / "sub")])


def test_invalid_yaml_is_an_invocation_error_naming_the_file(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "a: [\n")

    with pytest.raises(InvalidInvocationError, match=r"bad\.yaml"):
        config_from_files([str(bad)])


def test_a_document_that_is_not_a_mapping_is_an_invocation_error(tmp_path: Path) -> None:
    listed = _write(tmp_path, "list.yaml", "- 1\n- 2\n")

    with pytest.raises(InvalidInvocationError, match=r"list\.yaml"):
        config_from_files([str(listed)])


def test_a_bare_string_instead_of_a_list_of_files_is_an_invocation_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", "a: 1\n")

    with pytest.raises(InvalidInvocationError, match="list"):
        config_from_files(str(path))


def test_no_files_give_an_empty_config() -> None:
    assert config_from_files([]) == {}


# --------------------------------------------------------------------------
# config_from_yaml_strings


def test_yaml_strings_are_merged_in_order() -> None:
    assert config_from_yaml_strings(["a: 1", "b: {c: 2}", "b: {d: 3}", "a: 4"]) == {
        "a": 4,
        "b": {"c": 2, "d": 3},
    }


def test_yaml_strings_replace_lists() -> None:
    assert config_from_yaml_strings(["lst: [1, 2]", "lst: [3]"]) == {"lst": [3]}


def test_an_invalid_yaml_string_is_an_invocation_error() -> None:
    with pytest.raises(InvalidInvocationError, match="YAML"):
        config_from_yaml_strings(["x: 1", "a: ["])


def test_a_yaml_string_that_is_not_a_mapping_is_an_invocation_error() -> None:
    with pytest.raises(InvalidInvocationError, match="mapping"):
        config_from_yaml_strings(["5"])


def test_a_bare_yaml_string_instead_of_a_list_is_an_invocation_error() -> None:
    with pytest.raises(InvalidInvocationError, match="list"):
        config_from_yaml_strings("a: 1")


# --------------------------------------------------------------------------
# config_from_pkg_resources


@pytest.fixture
def config_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    package = tmp_path / "dagwright_test_cfgpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.yaml").write_text("ops:\n  greet:\n    config:\n      greeting: hi\n")
    (package / "prod.yaml").write_text("ops:\n  greet:\n    config:\n      times: 3\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "dagwright_test_cfgpkg"


def test_config_from_pkg_resources_reads_and_merges_package_files(config_package: str) -> None:
    assert config_from_pkg_resources(
        [(config_package, "base.yaml"), (config_package, "prod.yaml")]
    ) == {"ops": {"greet": {"config": {"greeting": "hi", "times": 3}}}}


def test_config_from_pkg_resources_with_a_missing_file_is_an_invocation_error(
    config_package: str,
) -> None:
    with pytest.raises(InvalidInvocationError, match=r"nope\.yaml"):
        config_from_pkg_resources([(config_package, "nope.yaml")])


def test_config_from_pkg_resources_with_a_missing_package_is_an_invocation_error() -> None:
    with pytest.raises(InvalidInvocationError, match="dagwright_no_such_package"):
        config_from_pkg_resources([("dagwright_no_such_package", "x.yaml")])


def test_config_from_pkg_resources_with_a_bare_tuple_is_an_invocation_error(
    config_package: str,
) -> None:
    with pytest.raises(InvalidInvocationError):
        config_from_pkg_resources((config_package, "base.yaml"))  # type: ignore[arg-type]


def test_config_from_pkg_resources_entries_must_be_package_file_pairs(
    config_package: str,
) -> None:
    with pytest.raises(InvalidInvocationError):
        config_from_pkg_resources([config_package])  # type: ignore[list-item]


def test_config_from_pkg_resources_with_invalid_yaml_is_an_invocation_error(
    config_package: str, tmp_path: Path
) -> None:
    (tmp_path / config_package / "bad.yaml").write_text("a: [\n")

    with pytest.raises(InvalidInvocationError):
        config_from_pkg_resources([(config_package, "bad.yaml")])


# --------------------------------------------------------------------------
# Using the result as run config


def test_merged_files_run_a_job(tmp_path: Path) -> None:
    base = _write(tmp_path, "base.yaml", "ops:\n  greet:\n    config:\n      greeting: hi\n")
    prod = _write(tmp_path, "prod.yaml", "ops:\n  greet:\n    config:\n      times: 2\n")

    result = greet_job.execute_in_process(run_config=config_from_files([str(base), str(prod)]))

    assert result.output_for_node("greet") == "hihi"


def test_merged_yaml_strings_run_a_job() -> None:
    run_config = config_from_yaml_strings(
        [
            "ops: {greet: {config: {greeting: yo, times: 1}}}",
            "ops: {greet: {config: {times: 3}}}",
        ]
    )

    assert greet_job.execute_in_process(run_config=run_config).output_for_node("greet") == "yoyoyo"


def test_package_config_runs_a_job(config_package: str) -> None:
    run_config = config_from_pkg_resources(
        [(config_package, "base.yaml"), (config_package, "prod.yaml")]
    )

    assert greet_job.execute_in_process(run_config=run_config).output_for_node("greet") == "hihihi"


def test_a_run_from_file_config_stores_the_merged_config(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", "ops:\n  greet:\n    config: {greeting: a, times: 1}\n")
    run_config = config_from_files([str(path)])

    result = greet_job.execute_in_process(run_config=run_config)

    assert result.dagster_run.run_config == {
        "ops": {"greet": {"config": {"greeting": "a", "times": 1}}}
    }
