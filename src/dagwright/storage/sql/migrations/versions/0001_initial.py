"""The first schema: runs and their tags, event logs, the asset index, key/values.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(255), nullable=False, unique=True),
        sa.Column("job_name", sa.Text, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("partition", sa.Text),
        sa.Column("parent_run_id", sa.String(255)),
        sa.Column("root_run_id", sa.String(255)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("create_timestamp", sa.Float, nullable=False),
        sa.Column("update_timestamp", sa.Float, nullable=False),
        sa.Column("start_time", sa.Float),
        sa.Column("end_time", sa.Float),
    )
    op.create_index("idx_runs_job_name_id", "runs", ["job_name", "id"])
    op.create_index("idx_runs_status_id", "runs", ["status", "id"])
    op.create_index("idx_runs_create_timestamp", "runs", ["create_timestamp"])
    op.create_index("idx_runs_update_timestamp", "runs", ["update_timestamp"])
    op.create_index("idx_runs_parent_run_id", "runs", ["parent_run_id"])
    op.create_table(
        "run_tags",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_index("idx_run_tags_run_id", "run_tags", ["run_id"])
    op.create_index("idx_run_tags_key_value", "run_tags", ["key", "value", "run_id"])
    op.create_table(
        "event_logs",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("event_type", sa.String(64)),
        sa.Column("step_key", sa.Text),
        sa.Column("asset_key", sa.Text),
        sa.Column("partition", sa.Text),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("idx_event_logs_run_id_id", "event_logs", ["run_id", "id"])
    op.create_index("idx_event_logs_event_type_id", "event_logs", ["event_type", "id"])
    op.create_index(
        "idx_event_logs_asset_key", "event_logs", ["asset_key", "event_type", "partition", "id"]
    )
    op.create_table(
        "asset_keys",
        sa.Column("asset_key", sa.Text, primary_key=True),
        sa.Column("last_event_id", sa.BigInteger),
        sa.Column("last_materialization_timestamp", sa.Float),
        sa.Column("last_run_id", sa.String(255)),
        sa.Column("wiped_after_id", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("wipe_timestamp", sa.Float),
    )
    op.create_table(
        "kvs",
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("kvs", "asset_keys", "event_logs", "run_tags", "runs"):
        op.drop_table(table)
