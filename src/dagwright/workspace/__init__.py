"""Workspace: what lets other processes know a job without running it (definition snapshots)
and rebuild it (job pointers)."""

from .pointer import CodePointer
from .rebuild import ReconstructableJob, build_reconstructable_job, reconstructable
from .snapshot import job_snapshot, job_snapshot_id

__all__ = [
    "CodePointer",
    "ReconstructableJob",
    "build_reconstructable_job",
    "job_snapshot",
    "job_snapshot_id",
    "reconstructable",
]
