"""Two writers recording the first events of the same new assets at once (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dagwright import AssetMaterialization, EventType
from dagwright.records import Event, EventLogEntry, Run, StepMaterializationData

from .conftest import empty_postgres, postgres_instance


def _materialization(run_id: str, key: str) -> EventLogEntry:
    report = AssetMaterialization(asset_key=key)
    event = Event(
        event_type_value=EventType.ASSET_MATERIALIZATION.value,
        job_name="writers",
        event_specific_data=StepMaterializationData(materialization=report),
    )
    return EventLogEntry(
        run_id=run_id, timestamp=time.time(), level=10, user_message="", event=event
    )


def test_two_writers_recording_a_new_assets_first_event_at_once_both_land(
    tmp_path: Path, postgres_url: str
) -> None:
    writers = [postgres_instance(tmp_path / f"home{i}", postgres_url) for i in range(2)]
    for i, instance in enumerate(writers):
        instance.add_run(Run(run_id=f"run-{i}", job_name="writers"))
    keys = [f"asset_{n}" for n in range(40)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            for key in keys:
                barrier.wait()  # both record the same new asset's first event together
                writers[i].store_events([_materialization(f"run-{i}", key)])
        except BaseException as error:
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        reader = writers[0]
        assert sorted(k.to_user_string() for k in reader.get_asset_keys()) == sorted(keys)
        for key in keys:
            assert reader.get_latest_materialization_event(key) is not None
    finally:
        for instance in writers:
            instance.dispose()
        empty_postgres(postgres_url)
