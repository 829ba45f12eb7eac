"""The storage conformance suite: every backend (memory, SQLite, PostgreSQL) answers alike."""

from __future__ import annotations

import time
from typing import Any

import pytest

from dagwright import (
    AssetKey,
    AssetMaterialization,
    AssetObservation,
    EventRecordsFilter,
    EventType,
    Instance,
    Output,
    RunsFilter,
    RunStatus,
    job,
    op,
)
from dagwright.records import EventLogEntry, Run

# -- jobs the tests run -----------------------------------------------------


@op
def emit() -> int:
    return 1


@op
def double(x: int) -> int:
    return x * 2


@job(tags={"team": "data"})
def small():
    double(emit())


@op
def boom() -> None:
    raise ValueError("boom")


@job
def failing():
    boom()


@op(config_schema={"partition": str, "value": int})
def materialize(context) -> Any:
    yield AssetMaterialization(
        asset_key=["warehouse", "orders"],
        partition=context.op_config["partition"],
        metadata={"value": context.op_config["value"]},
    )
    yield Output(None)


@job
def orders_job():
    materialize()


def run_orders(instance: Instance, partition: str, value: int) -> str:
    config = {"ops": {"materialize": {"config": {"partition": partition, "value": value}}}}
    return orders_job.execute_in_process(run_config=config, instance=instance).run_id


def event_types(entries: list[EventLogEntry]) -> list[str]:
    return [e.event.event_type_value for e in entries if e.event is not None]


# -- runs --------------------------------------------------------------------


def test_a_recorded_run_is_read_back_with_everything_it_was_given(instance: Instance) -> None:
    result = small.execute_in_process(
        instance=instance, tags={"owner": "ana"}, run_config={"ops": {}}
    )
    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    assert run.job_name == "small"
    assert run.status == RunStatus.SUCCESS
    assert run.tags == {"team": "data", "owner": "ana"}
    assert run.run_config == {"ops": {}}


def test_an_unknown_run_id_reads_as_none(instance: Instance) -> None:
    assert instance.get_run_by_id("nope") is None
    assert not instance.has_run("nope")


def test_runs_are_listed_newest_first(instance: Instance) -> None:
    ids = [small.execute_in_process(instance=instance).run_id for _ in range(3)]
    assert [r.run_id for r in instance.get_runs()] == ids[::-1]
    assert [r.run_id for r in instance.get_runs(ascending=True)] == ids


def test_runs_filter_by_status(instance: Instance) -> None:
    ok = small.execute_in_process(instance=instance).run_id
    bad = failing.execute_in_process(instance=instance, raise_on_error=False).run_id
    assert instance.get_run_ids(RunsFilter(statuses=[RunStatus.FAILURE])) == [bad]
    assert instance.get_run_ids(RunsFilter(statuses=[RunStatus.SUCCESS])) == [ok]


def test_runs_filter_by_job_name(instance: Instance) -> None:
    small.execute_in_process(instance=instance)
    bad = failing.execute_in_process(instance=instance, raise_on_error=False).run_id
    assert instance.get_run_ids(RunsFilter(job_name="failing")) == [bad]


def test_runs_filter_by_tags_needs_every_tag(instance: Instance) -> None:
    a = small.execute_in_process(instance=instance, tags={"owner": "ana"}).run_id
    small.execute_in_process(instance=instance, tags={"owner": "bo"})
    assert instance.get_run_ids(RunsFilter(tags={"owner": "ana", "team": "data"})) == [a]
    assert instance.get_run_ids(RunsFilter(tags={"owner": "ana", "team": "other"})) == []


def test_a_tag_filter_with_several_values_matches_any_of_them(instance: Instance) -> None:
    a = small.execute_in_process(instance=instance, tags={"owner": "ana"}).run_id
    b = small.execute_in_process(instance=instance, tags={"owner": "bo"}).run_id
    small.execute_in_process(instance=instance, tags={"owner": "cy"})
    assert instance.get_run_ids(RunsFilter(tags={"owner": ["ana", "bo"]})) == [b, a]


def test_runs_filter_by_run_ids(instance: Instance) -> None:
    ids = [small.execute_in_process(instance=instance).run_id for _ in range(3)]
    assert instance.get_run_ids(RunsFilter(run_ids=[ids[0], ids[2]])) == [ids[2], ids[0]]


def test_runs_filter_by_creation_time(instance: Instance) -> None:
    first = small.execute_in_process(instance=instance).run_id
    time.sleep(0.01)
    middle = time.time()
    time.sleep(0.01)
    last = small.execute_in_process(instance=instance).run_id
    assert instance.get_run_ids(RunsFilter(created_after=middle)) == [last]
    assert instance.get_run_ids(RunsFilter(created_before=middle)) == [first]


def test_runs_filter_by_update_time(instance: Instance) -> None:
    first = small.execute_in_process(instance=instance).run_id
    time.sleep(0.01)
    middle = time.time()
    time.sleep(0.01)
    instance.add_run_tags(first, {"touched": "yes"})
    small_later = small.execute_in_process(instance=instance).run_id
    assert instance.get_run_ids(RunsFilter(updated_after=middle)) == [small_later, first]


def test_a_limit_and_a_cursor_page_through_runs(instance: Instance) -> None:
    ids = [small.execute_in_process(instance=instance).run_id for _ in range(5)][::-1]
    first_page = instance.get_run_ids(limit=2)
    second_page = instance.get_run_ids(cursor=first_page[-1], limit=2)
    last_page = instance.get_run_ids(cursor=second_page[-1], limit=2)
    assert first_page + second_page + last_page == ids


def test_runs_count_follows_the_filter(instance: Instance) -> None:
    for _ in range(3):
        small.execute_in_process(instance=instance)
    failing.execute_in_process(instance=instance, raise_on_error=False)
    assert instance.get_runs_count() == 4
    assert instance.get_runs_count(RunsFilter(job_name="small")) == 3


def test_runs_count_by_one_tag_counts_runs_with_any_of_its_values(instance: Instance) -> None:
    small.execute_in_process(instance=instance, tags={"owner": "ana"})
    small.execute_in_process(instance=instance, tags={"owner": "bo"})
    small.execute_in_process(instance=instance, tags={"owner": "cy"})
    assert instance.get_runs_count(RunsFilter(tags={"owner": "ana"})) == 1
    assert instance.get_runs_count(RunsFilter(tags={"owner": ["ana", "bo"]})) == 2
    assert instance.get_runs_count(RunsFilter(tags={"team": "data"})) == 3
    assert instance.get_runs_count(RunsFilter(tags={"owner": "ana"}, job_name="other")) == 0


def test_added_run_tags_are_kept_and_filtered_on(instance: Instance) -> None:
    run_id = small.execute_in_process(instance=instance, tags={"owner": "ana"}).run_id
    instance.add_run_tags(run_id, {"owner": "bo", "reviewed": "yes"})
    run = instance.get_run_by_id(run_id)
    assert run is not None
    assert run.tags == {"team": "data", "owner": "bo", "reviewed": "yes"}
    assert instance.get_run_ids(RunsFilter(tags={"owner": "bo"})) == [run_id]
    assert instance.get_run_ids(RunsFilter(tags={"owner": "ana"})) == []


def test_a_deleted_run_leaves_no_run_tags_or_events(instance: Instance) -> None:
    kept = small.execute_in_process(instance=instance).run_id
    gone = small.execute_in_process(instance=instance, tags={"owner": "ana"}).run_id
    instance.delete_run(gone)
    assert instance.get_run_by_id(gone) is None
    assert instance.all_logs(gone) == []
    assert instance.get_run_ids(RunsFilter(tags={"owner": "ana"})) == []
    assert instance.get_run_ids() == [kept]


def test_run_records_carry_start_and_end_times(instance: Instance) -> None:
    before = time.time()
    run_id = small.execute_in_process(instance=instance).run_id
    record = instance.get_run_record_by_id(run_id)
    assert record is not None
    assert record.start_time is not None
    assert record.end_time is not None
    assert before <= record.create_timestamp <= record.start_time <= record.end_time
    assert record.update_timestamp >= record.end_time


def test_the_run_status_moves_with_the_run_events(instance: Instance) -> None:
    instance.add_run(Run(run_id="r1", job_name="small"))
    start = EventLogEntry(run_id="r1", timestamp=time.time(), level=10, user_message="")
    from dagwright.records import Event

    def entry(kind: EventType) -> EventLogEntry:
        event = Event(event_type_value=kind.value, job_name="small")
        return EventLogEntry(
            run_id="r1", timestamp=time.time(), level=10, user_message="", event=event
        )

    instance.store_events([start, entry(EventType.RUN_START)])
    assert instance.get_run_by_id("r1").status == RunStatus.STARTED  # type: ignore[union-attr]
    instance.store_events([entry(EventType.RUN_CANCELING)])
    assert instance.get_run_by_id("r1").status == RunStatus.CANCELING  # type: ignore[union-attr]
    instance.store_events([entry(EventType.RUN_CANCELED)])
    assert instance.get_run_by_id("r1").status == RunStatus.CANCELED  # type: ignore[union-attr]


# -- event logs --------------------------------------------------------------


def test_the_event_log_reads_back_exactly_as_the_run_recorded_it(instance: Instance) -> None:
    result = small.execute_in_process(instance=instance)
    assert instance.all_logs(result.run_id) == result.entries


def test_storage_ids_grow_in_the_order_events_were_written(instance: Instance) -> None:
    run_id = small.execute_in_process(instance=instance).run_id
    records = instance.get_records_for_run(run_id).records
    ids = [r.storage_id for r in records]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert event_types([r.event_log_entry for r in records])[0] == "RUN_START"


def test_a_cursor_tails_a_run_page_by_page(instance: Instance) -> None:
    run_id = small.execute_in_process(instance=instance).run_id
    everything = instance.get_records_for_run(run_id).records
    first = instance.get_records_for_run(run_id, limit=3)
    assert first.has_more
    assert first.records == everything[:3]
    rest = instance.get_records_for_run(run_id, cursor=first.cursor)
    assert not rest.has_more
    assert first.records + rest.records == everything
    assert instance.get_records_for_run(run_id, cursor=rest.cursor).records == []


def test_run_logs_can_be_read_by_event_type(instance: Instance) -> None:
    run_id = small.execute_in_process(instance=instance).run_id
    starts = instance.all_logs(run_id, of_type=EventType.STEP_START)
    assert [e.step_key for e in starts] == ["emit", "double"]
    both = instance.all_logs(run_id, of_type={EventType.STEP_START, EventType.STEP_SUCCESS})
    assert event_types(both) == ["STEP_START", "STEP_SUCCESS"] * 2


def test_event_records_are_found_across_runs_by_type(instance: Instance) -> None:
    a = small.execute_in_process(instance=instance).run_id
    b = small.execute_in_process(instance=instance).run_id
    found = instance.get_event_records(EventRecordsFilter(event_type=EventType.RUN_SUCCESS))
    assert [r.run_id for r in found] == [b, a]
    oldest = instance.get_event_records(
        EventRecordsFilter(event_type=EventType.RUN_SUCCESS), limit=1, ascending=True
    )
    assert [r.run_id for r in oldest] == [a]


def test_event_records_are_bounded_by_cursors(instance: Instance) -> None:
    ids = [small.execute_in_process(instance=instance).run_id for _ in range(3)]
    starts = instance.get_event_records(
        EventRecordsFilter(event_type=EventType.RUN_START), ascending=True
    )
    middle = starts[1].storage_id
    after = EventRecordsFilter(event_type=EventType.RUN_START, after_cursor=middle)
    before = EventRecordsFilter(event_type=EventType.RUN_START, before_cursor=middle)
    assert [r.run_id for r in instance.get_event_records(after)] == [ids[2]]
    assert [r.run_id for r in instance.get_event_records(before)] == [ids[0]]


def test_event_records_are_bounded_by_timestamps(instance: Instance) -> None:
    first = small.execute_in_process(instance=instance).run_id
    time.sleep(0.01)
    middle = time.time()
    time.sleep(0.01)
    last = small.execute_in_process(instance=instance).run_id
    kind = EventType.RUN_SUCCESS
    after = EventRecordsFilter(event_type=kind, after_timestamp=middle)
    before = EventRecordsFilter(event_type=kind, before_timestamp=middle)
    assert [r.run_id for r in instance.get_event_records(after)] == [last]
    assert [r.run_id for r in instance.get_event_records(before)] == [first]


# -- assets ------------------------------------------------------------------


def test_the_latest_materialization_of_an_asset_is_found(instance: Instance) -> None:
    run_orders(instance, "2024-01-01", 1)
    newest = run_orders(instance, "2024-01-02", 2)
    latest = instance.get_latest_materialization_event(AssetKey(["warehouse", "orders"]))
    assert latest is not None
    assert latest.run_id == newest
    assert latest.asset_materialization is not None
    assert latest.asset_materialization.metadata["value"].value == 2


def test_the_latest_materialization_of_one_partition_is_found(instance: Instance) -> None:
    first = run_orders(instance, "2024-01-01", 1)
    run_orders(instance, "2024-01-02", 2)
    latest = instance.get_latest_materialization_event(["warehouse", "orders"], "2024-01-01")
    assert latest is not None
    assert latest.run_id == first


def test_an_asset_nobody_materialized_has_no_latest_event(instance: Instance) -> None:
    assert instance.get_latest_materialization_event("nothing") is None


def test_asset_keys_and_materialized_partitions_are_listed(instance: Instance) -> None:
    run_orders(instance, "2024-01-01", 1)
    run_orders(instance, "2024-01-02", 2)
    run_orders(instance, "2024-01-02", 3)
    assert instance.get_asset_keys() == [AssetKey(["warehouse", "orders"])]
    assert instance.has_asset_key(["warehouse", "orders"])
    assert instance.get_materialized_partitions(["warehouse", "orders"]) == {
        "2024-01-01",
        "2024-01-02",
    }


def test_asset_history_is_read_by_key_and_partition(instance: Instance) -> None:
    run_orders(instance, "a", 1)
    run_orders(instance, "b", 2)
    run_orders(instance, "a", 3)
    key = AssetKey(["warehouse", "orders"])
    kind = EventType.ASSET_MATERIALIZATION
    history = instance.get_event_records(EventRecordsFilter(event_type=kind, asset_key=key))
    assert [r.partition_key for r in history] == ["a", "b", "a"]
    only_a = instance.get_event_records(
        EventRecordsFilter(event_type=kind, asset_key=key, asset_partitions=["a"])
    )
    assert [r.event_log_entry.asset_materialization.metadata["value"].value for r in only_a] == [  # type: ignore[union-attr]
        3,
        1,
    ]


def test_a_wiped_asset_forgets_its_history_but_runs_keep_their_events(
    instance: Instance,
) -> None:
    run_id = run_orders(instance, "a", 1)
    instance.wipe_assets([["warehouse", "orders"]])
    assert instance.get_asset_keys() == []
    assert instance.get_latest_materialization_event(["warehouse", "orders"]) is None
    assert instance.get_materialized_partitions(["warehouse", "orders"]) == set()
    assert instance.all_logs(run_id, of_type=EventType.ASSET_MATERIALIZATION) != []


def test_a_materialization_after_a_wipe_starts_new_history(instance: Instance) -> None:
    run_orders(instance, "a", 1)
    instance.wipe_assets([["warehouse", "orders"]])
    newest = run_orders(instance, "b", 2)
    latest = instance.get_latest_materialization_event(["warehouse", "orders"])
    assert latest is not None
    assert latest.run_id == newest
    assert instance.get_materialized_partitions(["warehouse", "orders"]) == {"b"}


def test_deleting_the_only_run_that_made_an_asset_forgets_the_asset(instance: Instance) -> None:
    run_id = run_orders(instance, "a", 1)
    instance.delete_run(run_id)
    assert instance.get_asset_keys() == []
    assert instance.get_latest_materialization_event(["warehouse", "orders"]) is None


@op
def observe() -> Any:
    yield AssetObservation(asset_key="external", metadata={"rows": 3})
    yield Output(None)


@job
def observe_job():
    observe()


def test_observations_are_asset_history_too(instance: Instance) -> None:
    observe_job.execute_in_process(instance=instance)
    found = instance.get_event_records(
        EventRecordsFilter(event_type=EventType.ASSET_OBSERVATION, asset_key=AssetKey("external"))
    )
    assert len(found) == 1
    assert AssetKey("external") in instance.get_asset_keys()


# -- key/values and snapshots ---------------------------------------------------


def test_key_values_are_stored_and_overwritten(instance: Instance) -> None:
    instance.set_kv({"cursor": "1", "other": "x"})
    instance.set_kv({"cursor": "2"})
    assert instance.get_kv(["cursor", "other", "missing"]) == {"cursor": "2", "other": "x"}


def test_a_snapshot_is_kept_once_under_its_id(instance: Instance) -> None:
    instance.add_snapshot("abc", b'{"name": "first"}')
    instance.add_snapshot("abc", b'{"name": "second"}')
    assert instance.get_snapshot("abc") == b'{"name": "first"}'
    assert instance.get_snapshot("missing") is None


@pytest.mark.parametrize("ascending", [False, True])
def test_run_records_follow_the_requested_order(instance: Instance, ascending: bool) -> None:
    ids = [small.execute_in_process(instance=instance).run_id for _ in range(3)]
    records = instance.get_run_records(ascending=ascending)
    assert [r.run.run_id for r in records] == (ids if ascending else ids[::-1])


def test_a_persistent_run_names_the_stored_snapshot_of_its_job(
    persistent_home: Instance,
) -> None:
    from dagwright.workspace import job_snapshot

    run_id = small.execute_in_process(instance=persistent_home).run_id
    run = persistent_home.get_run_by_id(run_id)
    assert run is not None
    assert run.snapshot_id is not None
    assert persistent_home.get_job_snapshot(run.snapshot_id) == job_snapshot(small)
    again = small.execute_in_process(instance=persistent_home).run_id
    assert persistent_home.get_run_by_id(again).snapshot_id == run.snapshot_id  # type: ignore[union-attr]
    assert persistent_home.get_runs(RunsFilter(snapshot_id=run.snapshot_id)) != []
