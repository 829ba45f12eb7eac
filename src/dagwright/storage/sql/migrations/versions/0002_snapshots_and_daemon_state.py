"""Job snapshots (runs name theirs), daemon heartbeats, schedule and sensor state and ticks.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("snapshot_id", sa.String(64)))
    op.create_table(
        "snapshots",
        sa.Column("snapshot_id", sa.String(64), primary_key=True),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("create_timestamp", sa.Float, nullable=False),
    )
    op.create_table(
        "daemon_heartbeats",
        sa.Column("daemon_type", sa.String(255), primary_key=True),
        sa.Column("daemon_id", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "instigators",
        sa.Column("selector_id", sa.String(255), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("instigator_type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("update_timestamp", sa.Float, nullable=False),
    )
    op.create_table(
        "instigator_ticks",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("selector_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index(
        "idx_instigator_ticks_selector_timestamp",
        "instigator_ticks",
        ["selector_id", "timestamp"],
    )


def downgrade() -> None:
    for table in ("instigator_ticks", "instigators", "daemon_heartbeats", "snapshots"):
        op.drop_table(table)
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("snapshot_id")
