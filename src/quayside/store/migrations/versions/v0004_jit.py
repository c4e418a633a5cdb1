"""DCSA JIT 2.0 identifiers on port calls and their timestamps (idempotent JIT ingest, replies by ID).

Revision ID: 0004_jit
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_jit"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("port_calls", sa.Column("jit_port_call_id", sa.String(36)))
    op.add_column("port_calls", sa.Column("terminal_call_id", sa.String(36)))
    op.create_index("ix_port_calls_jit_port_call_id", "port_calls", ["jit_port_call_id"], unique=True)
    op.add_column("port_call_timestamps", sa.Column("timestamp_id", sa.String(36)))
    op.add_column("port_call_timestamps", sa.Column("port_call_service_id", sa.String(36)))
    op.add_column("port_call_timestamps", sa.Column("phase_type_code", sa.String(4)))
    op.add_column("port_call_timestamps", sa.Column("remark", sa.String(500)))
    op.create_index(
        "ix_port_call_timestamps_timestamp_id", "port_call_timestamps", ["timestamp_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_port_call_timestamps_timestamp_id", table_name="port_call_timestamps")
    with op.batch_alter_table("port_call_timestamps") as batch:
        for name in ("remark", "phase_type_code", "port_call_service_id", "timestamp_id"):
            batch.drop_column(name)
    op.drop_index("ix_port_calls_jit_port_call_id", table_name="port_calls")
    with op.batch_alter_table("port_calls") as batch:
        for name in ("terminal_call_id", "jit_port_call_id"):
            batch.drop_column(name)
