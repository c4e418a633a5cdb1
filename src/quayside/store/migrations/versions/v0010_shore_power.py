"""Shore-power connections for the CARB At-Berth assessment.

- ``shore_power_connections``: one connection of a ship to shore power or a capture system at a berth, from
  a shore-power log: port profile key, IMO, MMSI, terminal, berth, connected_at, disconnected_at (null: not
  logged), system (``shore_power`` or ``capture``), metered kWh, and the file and line it was read from;
  unique per (port, imo, connected_at), so that loading a log twice changes nothing.

Revision ID: 0010_shore_power
Revises: 0009_whole_port
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0010_shore_power"
down_revision = "0009_whole_port"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shore_power_connections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("port", sa.String(100), nullable=False),
        sa.Column("imo", sa.Integer(), nullable=False),
        sa.Column("mmsi", sa.BigInteger()),
        sa.Column("terminal", sa.String(20)),
        sa.Column("berth", sa.String(50)),
        sa.Column("connected_at", UTCDateTime(), nullable=False),
        sa.Column("disconnected_at", UTCDateTime()),
        sa.Column("system", sa.String(32), nullable=False),
        sa.Column("energy_kwh", sa.Float()),
        sa.Column("source", sa.String(500)),
        sa.Column("line", sa.Integer()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shore_power_connections"),
        sa.UniqueConstraint(
            "port", "imo", "connected_at", name="uq_shore_power_connections_port_imo_connected_at"
        ),
    )
    op.create_index(
        "ix_shore_power_connections_port_connected_at", "shore_power_connections", ["port", "connected_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_shore_power_connections_port_connected_at", table_name="shore_power_connections")
    op.drop_table("shore_power_connections")
