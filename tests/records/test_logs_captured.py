"""The LOGS_CAPTURED event: its data names the files of a step's stdout and stderr."""

from __future__ import annotations

import pytest

from dagwright.records import Event, EventLogEntry, EventType, LogsCapturedData


def _entry(data: LogsCapturedData) -> EventLogEntry:
    return EventLogEntry(
        run_id="run-1",
        timestamp=1.5,
        level=10,
        user_message="Started capturing logs for step: op[1].",
        job_name="job",
        step_key="op[1]",
        event=Event(
            event_type_value=EventType.LOGS_CAPTURED,
            job_name="job",
            step_key="op[1]",
            event_specific_data=data,
        ),
    )


_DATA = LogsCapturedData(
    file_key="op%5B1%5D",
    step_keys=["op[1]"],
    stdout_path="/logs/run-1/op%5B1%5D.out",
    stderr_path="/logs/run-1/op%5B1%5D.err",
)


def test_logs_captured_entry_round_trips_through_json() -> None:
    entry = _entry(_DATA)

    assert EventLogEntry.from_json(entry.to_json()) == entry


def test_logs_captured_data_comes_back_as_its_own_type() -> None:
    entry = EventLogEntry.from_json(_entry(_DATA).to_json())

    assert entry.event is not None
    assert entry.event.logs_captured_data == _DATA


def test_logs_captured_data_of_another_event_is_an_error() -> None:
    event = Event(event_type_value=EventType.STEP_START, job_name="job", step_key="op")

    with pytest.raises(ValueError, match="no logs captured data"):
        _ = event.logs_captured_data
