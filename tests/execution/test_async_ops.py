"""Ops written as coroutines and async generators, run by execute_in_process."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from dagwright import AssetObservation, MetadataValue, Out, Output, job, op


def run_alone(op_def: Any, **kwargs: Any) -> Any:
    @job
    def alone():
        op_def()

    return alone.execute_in_process(**kwargs)


def test_coroutine_op_output_is_what_it_returns() -> None:
    @op
    async def fetch() -> int:
        return 3

    assert run_alone(fetch).output_for_node("fetch") == 3


def test_async_generator_op_with_one_output_yields_its_value() -> None:
    @op
    async def stream():
        yield Output(5)

    assert run_alone(stream).output_for_node("stream") == 5


def test_async_generator_op_that_raises_after_yielding_fails_its_step() -> None:
    @op
    async def broken():
        yield Output(1)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_alone(broken)


def test_async_generator_items_are_handled_as_they_are_yielded() -> None:
    @op(out={"first": Out(), "second": Out()})
    async def two(context):
        yield Output(1, "first")
        context.add_output_metadata({"rows": 2}, output_name="second")
        context.log_event(AssetObservation("orders"))
        yield Output(2, "second")

    result = run_alone(two)
    kinds = [
        e.event_type_value
        for e in result.events_for_node("two")
        if e.event_type_value in ("STEP_OUTPUT", "ASSET_OBSERVATION")
    ]
    assert kinds == ["STEP_OUTPUT", "ASSET_OBSERVATION", "STEP_OUTPUT"]
    second = [e for e in result.events_for_node("two") if e.is_successful_output][1]
    assert second.step_output_data.metadata == {"rows": MetadataValue.int(2)}


def test_async_assets_materialize_and_read_each_other() -> None:
    from dagwright import asset, materialize

    @asset
    async def prices() -> dict[str, float]:
        await asyncio.sleep(0)
        return {"apple": 1.5}

    @asset
    async def basket(prices: dict[str, float]) -> float:
        await asyncio.sleep(0)
        return prices["apple"] * 2

    result = materialize([prices, basket])

    assert result.asset_value("basket") == 3.0
    assert len(result.get_asset_materialization_events()) == 2


def test_async_assets_run_together_in_an_asset_job_on_the_async_executor() -> None:
    from dagwright import Definitions, asset, async_executor, define_asset_job

    everyone_started = asyncio.Event()
    started: list[str] = []

    def make(name: str):  # three assets that each wait until all three have started
        @asset(name=name)
        async def waiting() -> str:
            started.append(name)
            if len(started) == 3:
                everyone_started.set()
            await asyncio.wait_for(everyone_started.wait(), 10)
            return name

        return waiting

    defs = Definitions(
        assets=[make("a"), make("b"), make("c")],
        jobs=[define_asset_job("together", executor_def=async_executor)],
    )

    result = defs.get_job_def("together").execute_in_process()

    assert sorted(result.asset_value(k) for k in ("a", "b", "c")) == ["a", "b", "c"]
