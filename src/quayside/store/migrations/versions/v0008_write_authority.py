"""Write authority: claims, the carrier of each event, truck visit references namespaced by their owner.

- ``claims``: the first carrier to assert a booking or bill of lading reference, a container or a vessel
  voyage holds it (``quayside.store.authority``). Filled from the stored booking links (the oldest link of
  a value wins) and from the events carriers posted.
- ``claim_conflicts``: a carrier asserting a value another holds, shown to the holder and the hub operator.
- ``events.carrier_org_id``: the carrier an event is about; the poster's organisation where it is a carrier.
- ``events.publisher_created_at``: the ``eventCreatedDateTime`` the publisher sent (``created_at`` stays
  the hub's receipt time); the publisher's ``eventID`` is the event's ``event_id``.
- ``events.document_bytes``: the size of each document, by which pages of events are bounded.
- ``truck_visits``: a visit reference is unique per recording organisation, no longer per facility, so that
  nobody can take another's next reference.

Revision ID: 0008_write_authority
Revises: 0007_subscription_keys
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0008_write_authority"
down_revision = "0007_subscription_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.UniqueConstraint("kind", "value", name="uq_claims_kind_value"),
    )
    op.create_table(
        "claim_conflicts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("holder_org_id", sa.Integer(), nullable=False),
        sa.Column("contender_org_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_conflicts"),
        sa.UniqueConstraint(
            "kind", "value", "contender_org_id", name="uq_claim_conflicts_kind_value_contender"
        ),
    )
    op.create_index("ix_claim_conflicts_holder_org_id", "claim_conflicts", ["holder_org_id"])
    op.add_column("events", sa.Column("carrier_org_id", sa.Integer()))
    op.add_column("events", sa.Column("publisher_created_at", UTCDateTime()))
    op.add_column("events", sa.Column("document_bytes", sa.Integer()))
    size = (
        "octet_length(document::text)"
        if op.get_bind().dialect.name == "postgresql"
        else "length(CAST(document AS BLOB))"  # bytes, not characters; octet_length is SQLite 3.43+
    )
    op.execute(f"UPDATE events SET document_bytes = {size}")
    op.execute(
        "UPDATE events SET carrier_org_id = owner_org_id WHERE owner_org_id IN "
        "(SELECT id FROM organisations WHERE role = 'carrier')"
    )
    # Existing links first (oldest first), then what carriers' own events named: the first claim stands.
    for kind, column in (("BKG", "carrier_booking_reference"), ("TRD", "transport_document_reference")):
        op.execute(
            f"INSERT INTO claims (kind, value, org_id, created_at) "
            f"SELECT '{kind}', b.{column}, b.carrier_org_id, b.created_at FROM bookings b "
            f"WHERE b.{column} IS NOT NULL AND b.id = (SELECT min(b2.id) FROM bookings b2 "
            f"WHERE b2.{column} = b.{column})"
        )
    op.execute(
        "INSERT INTO claims (kind, value, org_id, created_at) "
        "SELECT 'EQ', e.equipment_reference, b.carrier_org_id, b.created_at "
        "FROM booking_equipment e JOIN bookings b ON b.id = e.booking_id "
        "WHERE b.id = (SELECT min(e2.booking_id) FROM booking_equipment e2 "
        "WHERE e2.equipment_reference = e.equipment_reference)"
    )
    op.execute(
        "INSERT INTO claims (kind, value, org_id, created_at) "
        "SELECT r.ref_type, r.ref_value, ev.carrier_org_id, ev.created_at "
        "FROM event_document_refs r JOIN events ev ON ev.seq = r.event_seq "
        "WHERE ev.seq = (SELECT min(r2.event_seq) FROM event_document_refs r2 "
        "JOIN events e2 ON e2.seq = r2.event_seq WHERE r2.ref_type = r.ref_type "
        "AND r2.ref_value = r.ref_value AND e2.carrier_org_id IS NOT NULL) "
        "AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.kind = r.ref_type AND c.value = r.ref_value)"
    )
    with op.batch_alter_table("truck_visits") as batch:
        batch.drop_constraint("uq_truck_visits_un_location_code", type_="unique")
        batch.create_unique_constraint(
            "uq_truck_visits_owner", ["owner_org_id", "un_location_code", "facility_code", "visit_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("truck_visits") as batch:
        batch.drop_constraint("uq_truck_visits_owner", type_="unique")
        batch.create_unique_constraint(
            "uq_truck_visits_un_location_code", ["un_location_code", "facility_code", "visit_id"]
        )
    with op.batch_alter_table("events") as batch:
        batch.drop_column("document_bytes")
        batch.drop_column("publisher_created_at")
        batch.drop_column("carrier_org_id")
    op.drop_index("ix_claim_conflicts_holder_org_id", table_name="claim_conflicts")
    op.drop_table("claim_conflicts")
    op.drop_table("claims")
