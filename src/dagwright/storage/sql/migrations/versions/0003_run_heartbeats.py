"""Run heartbeats: when each run's process last said it was alive, for run monitoring.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("heartbeat_timestamp", sa.Float))
    op.create_index("idx_runs_status_heartbeat", "runs", ["status", "heartbeat_timestamp"])


def downgrade() -> None:
    op.drop_index("idx_runs_status_heartbeat", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("heartbeat_timestamp")
