"""Shared test settings: keep the console quiet unless a test asks for output."""

import pytest


@pytest.fixture(autouse=True)
def _quiet_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "ERROR")
