"""Indexes for the vessel-arrival look-up of container status and the transport-call filters of events.

``GET /containers/{ref}`` reads the ARRI events of the container's transport call, by ``transportCallID`` or
by vessel IMO number and voyage; ``GET /v2/events`` filters on the same columns. Without these indexes both
scanned the whole ``events`` table (EXPLAIN on SQLite and PostgreSQL).

Revision ID: 0005_query_indexes
Revises: 0004_jit
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005_query_indexes"
down_revision = "0004_jit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_transport_call_id", "events", ["transport_call_id"])
    op.create_index("ix_events_vessel_voyage", "events", ["vessel_imo", "carrier_voyage_number"])


def downgrade() -> None:
    op.drop_index("ix_events_vessel_voyage", table_name="events")
    op.drop_index("ix_events_transport_call_id", table_name="events")
