"""Run records: one per execution of a job, with its status and what it was asked to do."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

from ..metadata import MetadataValueUnion

__all__ = ["RunStatus", "Run", "FINISHED_STATUSES"]


class RunStatus(StrEnum):
    """Where a run is in its life; a run only moves forward through these."""

    QUEUED = "QUEUED"
    NOT_STARTED = "NOT_STARTED"
    STARTING = "STARTING"
    STARTED = "STARTED"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    CANCELING = "CANCELING"
    CANCELED = "CANCELED"


FINISHED_STATUSES = frozenset({RunStatus.SUCCESS, RunStatus.FAILURE, RunStatus.CANCELED})


class Run(msgspec.Struct, frozen=True, kw_only=True):
    """One execution of a job: its id, job, config, tags, selection, lineage and status.

    ``tags`` are the job's tags with the run's own over them;
    ``job_metadata`` is a copy of the job's ``metadata=`` (normalized metadata values);
    ``snapshot_id`` names the stored snapshot of the job's structure when the
    run was made, so the run still renders after the code changed.
    Records are immutable; a status change makes a new record
    (``run.with_status(RunStatus.SUCCESS)``).
    """

    run_id: str
    job_name: str
    status: RunStatus = RunStatus.NOT_STARTED
    run_config: dict[str, Any] = msgspec.field(default_factory=dict)
    tags: dict[str, str] = msgspec.field(default_factory=dict)
    job_metadata: dict[str, MetadataValueUnion] = msgspec.field(default_factory=dict)
    op_selection: list[str] | None = None
    parent_run_id: str | None = None
    root_run_id: str | None = None
    partition_key: str | None = None
    snapshot_id: str | None = None
    code_location: str | None = None

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_success(self) -> bool:
        return self.status == RunStatus.SUCCESS

    @property
    def is_failure(self) -> bool:
        return self.status == RunStatus.FAILURE

    def with_status(self, status: RunStatus) -> Run:
        """This record with another status."""
        return msgspec.structs.replace(self, status=status)
