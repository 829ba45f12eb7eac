"""The spec's examples as files (examples/spec/), run the way the spec runs them."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

SPEC = Path(__file__).resolve().parents[2] / "examples" / "spec"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"spec_{name}", SPEC / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(name: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DAGWRIGHT_LOG_LEVEL": "INFO"}
    return subprocess.run(
        [sys.executable, str(SPEC / f"{name}.py")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )


def test_the_op_job_runs_add_one_on_the_output_of_return_five() -> None:
    result = load("op_job").do_stuff.execute_in_process()

    assert result.success
    assert result.output_for_node("add_one") == 6


def test_the_graph_becomes_two_jobs_that_each_run_against_their_own_server() -> None:
    module = load("graph_to_jobs")

    assert module.prod_job.execute_in_process().success
    assert module.local_job.execute_in_process().success
    assert {module.prod_job.name, module.local_job.name} == {"do_stuff_prod", "do_stuff_local"}


def test_the_hardcoded_config_script_logs_its_config_param() -> None:
    assert "config_param: stuff" in run_script("hardcoded_config").stderr


def test_the_config_mapping_script_logs_the_mapped_config_param() -> None:
    assert "config_param: stuff" in run_script("config_mapping").stderr


def test_the_repository_holds_both_asset_jobs() -> None:
    repo = load("asset_jobs").repo

    assert sorted(repo.job_names) == ["all_assets_job", "asset1_job"]


def test_the_all_assets_job_materializes_both_assets_in_dependency_order() -> None:
    result = load("asset_jobs").repo.get_job("all_assets_job").execute_in_process()

    assert result.success
    keys = [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()]
    assert keys == ["asset1", "asset2"]
    assert result.output_for_node("asset2") == [1, 2, 3, 4]


def test_the_asset1_job_materializes_only_asset1() -> None:
    result = load("asset_jobs").repo.get_job("asset1_job").execute_in_process()

    assert result.success
    keys = [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()]
    assert keys == ["asset1"]
    assert result.output_for_node("asset1") == [1, 2, 3]
