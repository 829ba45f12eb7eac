"""Workspace: what lets other processes know a job without running it (definition snapshots)."""

from .snapshot import job_snapshot, job_snapshot_id

__all__ = ["job_snapshot", "job_snapshot_id"]
