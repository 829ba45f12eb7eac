"""The SQL schema of an instance's database: one definition for SQLite and PostgreSQL.

Tables hold what is queried in typed, indexed columns and the record itself
as JSON (``body``), so old rows stay readable as records grow fields.
``SCHEMA_REVISION`` is the alembic revision this schema corresponds to; a
database at another revision is upgraded by ``dagwright instance migrate``.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "SCHEMA_REVISION",
    "metadata",
    "runs",
    "run_tags",
    "snapshots",
    "event_logs",
    "asset_keys",
    "kvs",
    "daemon_heartbeats",
    "instigators",
    "instigator_ticks",
]

SCHEMA_REVISION = "0003"
"""The alembic revision of the tables below (the newest migration)."""

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for event ids.
_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", _Id, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(255), nullable=False, unique=True),
    sa.Column("job_name", sa.Text, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("snapshot_id", sa.String(64)),
    sa.Column("partition", sa.Text),
    sa.Column("parent_run_id", sa.String(255)),
    sa.Column("root_run_id", sa.String(255)),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("create_timestamp", sa.Float, nullable=False),
    sa.Column("update_timestamp", sa.Float, nullable=False),
    sa.Column("start_time", sa.Float),
    sa.Column("end_time", sa.Float),
    # When the run's process last said it was alive (run monitoring; None before it first did).
    sa.Column("heartbeat_timestamp", sa.Float),
    sa.Index("idx_runs_job_name_id", "job_name", "id"),
    sa.Index("idx_runs_status_id", "status", "id"),
    sa.Index("idx_runs_create_timestamp", "create_timestamp"),
    sa.Index("idx_runs_update_timestamp", "update_timestamp"),
    sa.Index("idx_runs_parent_run_id", "parent_run_id"),
    sa.Index("idx_runs_status_heartbeat", "status", "heartbeat_timestamp"),
)

run_tags = sa.Table(
    "run_tags",
    metadata,
    sa.Column("id", _Id, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(255), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Index("idx_run_tags_run_id", "run_id"),
    sa.Index("idx_run_tags_key_value", "key", "value", "run_id"),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("snapshot_id", sa.String(64), primary_key=True),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("create_timestamp", sa.Float, nullable=False),
)

event_logs = sa.Table(
    "event_logs",
    metadata,
    sa.Column("id", _Id, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(255), nullable=False),
    sa.Column("event_type", sa.String(64)),
    sa.Column("step_key", sa.Text),
    sa.Column("asset_key", sa.Text),
    sa.Column("partition", sa.Text),
    sa.Column("timestamp", sa.Float, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Index("idx_event_logs_run_id_id", "run_id", "id"),
    sa.Index("idx_event_logs_event_type_id", "event_type", "id"),
    sa.Index("idx_event_logs_asset_key", "asset_key", "event_type", "partition", "id"),
)

asset_keys = sa.Table(
    "asset_keys",
    metadata,
    sa.Column("asset_key", sa.Text, primary_key=True),
    sa.Column("last_event_id", sa.BigInteger),
    sa.Column("last_materialization_timestamp", sa.Float),
    sa.Column("last_run_id", sa.String(255)),
    # Events up to this storage id belong to history forgotten by a wipe.
    sa.Column("wiped_after_id", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("wipe_timestamp", sa.Float),
)

kvs = sa.Table(
    "kvs",
    metadata,
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

daemon_heartbeats = sa.Table(
    "daemon_heartbeats",
    metadata,
    sa.Column("daemon_type", sa.String(255), primary_key=True),
    sa.Column("daemon_id", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

instigators = sa.Table(
    "instigators",
    metadata,
    sa.Column("selector_id", sa.String(255), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("instigator_type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("update_timestamp", sa.Float, nullable=False),
)

instigator_ticks = sa.Table(
    "instigator_ticks",
    metadata,
    sa.Column("id", _Id, primary_key=True, autoincrement=True),
    sa.Column("selector_id", sa.String(255), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("timestamp", sa.Float, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Index("idx_instigator_ticks_selector_timestamp", "selector_id", "timestamp"),
)
