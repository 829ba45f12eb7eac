"""Shared test settings: keep the console quiet unless a test asks for output."""

from collections.abc import Iterator

import pytest

from dagwright.execution.clock import FakeClock, use_clock


@pytest.fixture(autouse=True)
def _quiet_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "ERROR")


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    """Runs started in the test use a fake clock: retry delays are recorded, not slept."""
    with use_clock(FakeClock()) as clock:
        yield clock
