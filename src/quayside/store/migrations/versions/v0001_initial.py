"""Initial visibility store: organisations, keys, reference data, events, bookings, truck visits, moves.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from quayside.store.models.base import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _created() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("code", sa.String(20)),
        sa.Column("port_unlocode", sa.String(5)),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("name", name="uq_organisations_name"),
    )
    op.create_index("ix_organisations_code", "organisations", ["code"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column(
            "org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_api_keys_org_id_organisations", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("scopes", sa.String(200), nullable=False),
        _created(),
        sa.Column("revoked_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )
    op.create_index("ix_api_keys_org_id", "api_keys", ["org_id"])
    op.create_table(
        "facilities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("un_location_code", sa.String(5), nullable=False),
        sa.Column("facility_code", sa.String(6), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column(
            "operator_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_facilities_operator_org_id_organisations"),
            nullable=False,
        ),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_facilities"),
        sa.UniqueConstraint("un_location_code", "facility_code", name="uq_facilities_un_location_code"),
    )
    op.create_index("ix_facilities_operator_org_id", "facilities", ["operator_org_id"])
    op.create_table(
        "vessels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("imo", sa.String(7), nullable=False),
        sa.Column("name", sa.String(100)),
        sa.Column("mmsi", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_vessels"),
        sa.UniqueConstraint("imo", name="uq_vessels_imo"),
    )
    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("equipment_reference", sa.String(15), nullable=False),
        sa.Column("iso_equipment_code", sa.String(4)),
        sa.Column("iso6346_valid", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_equipment"),
        sa.UniqueConstraint("equipment_reference", name="uq_equipment_equipment_reference"),
    )
    op.create_table(
        "port_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "vessel_id",
            sa.Integer(),
            sa.ForeignKey("vessels.id", name="fk_port_calls_vessel_id_vessels"),
            nullable=False,
        ),
        sa.Column("un_location_code", sa.String(5), nullable=False),
        sa.Column(
            "facility_id",
            sa.Integer(),
            sa.ForeignKey("facilities.id", name="fk_port_calls_facility_id_facilities"),
        ),
        sa.Column("carrier_voyage_number", sa.String(50)),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_port_calls_owner_org_id_organisations"),
            nullable=False,
        ),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_port_calls"),
    )
    op.create_index("ix_port_calls_vessel_id", "port_calls", ["vessel_id"])
    op.create_index("ix_port_calls_un_location_code", "port_calls", ["un_location_code"])
    op.create_table(
        "port_call_timestamps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "port_call_id",
            sa.Integer(),
            sa.ForeignKey(
                "port_calls.id", name="fk_port_call_timestamps_port_call_id_port_calls", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("service_type", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("classifier", sa.String(32), nullable=False),
        sa.Column("date_time", UTCDateTime(), nullable=False),
        sa.Column("facility_type_code", sa.String(32)),
        sa.Column(
            "reply_to_id",
            sa.Integer(),
            sa.ForeignKey(
                "port_call_timestamps.id", name="fk_port_call_timestamps_reply_to_id_port_call_timestamps"
            ),
        ),
        sa.Column("delay_reason_code", sa.String(3)),
        sa.Column("is_fyi", sa.Boolean(), nullable=False),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_port_call_timestamps_owner_org_id_organisations"),
            nullable=False,
        ),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_port_call_timestamps"),
    )
    op.create_index("ix_port_call_timestamps_port_call_id", "port_call_timestamps", ["port_call_id"])
    _create_event_tables()
    _create_logistics_tables()


def _create_event_tables() -> None:
    op.create_table(
        "events",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_events_owner_org_id_organisations"),
            nullable=False,
        ),
        _created(),
        sa.Column("event_type", sa.String(16), nullable=False),
        sa.Column("event_type_code", sa.String(4), nullable=False),
        sa.Column("classifier", sa.String(3), nullable=False),
        sa.Column("event_datetime", UTCDateTime(), nullable=False),
        sa.Column("equipment_reference", sa.String(15)),
        sa.Column("iso_equipment_code", sa.String(4)),
        sa.Column("empty_indicator", sa.String(5)),
        sa.Column("un_location_code", sa.String(5)),
        sa.Column("facility_code", sa.String(6)),
        sa.Column("facility_type_code", sa.String(4)),
        sa.Column("transport_call_id", sa.String(100)),
        sa.Column("carrier_voyage_number", sa.String(50)),
        sa.Column("vessel_imo", sa.String(7)),
        sa.Column("mode_of_transport", sa.String(10)),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("idempotency_key", name="uq_events_idempotency_key"),
    )
    op.create_index("ix_events_owner_org_id", "events", ["owner_org_id"])
    op.create_index("ix_events_equipment_reference", "events", ["equipment_reference"])
    op.create_index("ix_events_created_at_seq", "events", ["created_at", "seq"])
    op.create_index("ix_events_location_facility", "events", ["un_location_code", "facility_code"])
    op.create_table(
        "event_document_refs",
        sa.Column(
            "event_seq",
            SEQ,
            sa.ForeignKey("events.seq", name="fk_event_document_refs_event_seq_events", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ref_type", sa.String(3), nullable=False),
        sa.Column("ref_value", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("event_seq", "ref_type", "ref_value", name="pk_event_document_refs"),
    )
    op.create_index("ix_event_document_refs_type_value", "event_document_refs", ["ref_type", "ref_value"])
    op.create_table(
        "event_parties",
        sa.Column(
            "event_seq",
            SEQ,
            sa.ForeignKey("events.seq", name="fk_event_parties_event_seq_events", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "org_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id", name="fk_event_parties_org_id_organisations", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("event_seq", "org_id", "relation", name="pk_event_parties"),
    )
    op.create_index("ix_event_parties_org_event", "event_parties", ["org_id", "event_seq"])


def _create_logistics_tables() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "carrier_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_bookings_carrier_org_id_organisations"),
            nullable=False,
        ),
        sa.Column(
            "cargo_owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_bookings_cargo_owner_org_id_organisations"),
        ),
        sa.Column("carrier_booking_reference", sa.String(35)),
        sa.Column("transport_document_reference", sa.String(20)),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
    )
    for column in (
        "carrier_org_id",
        "cargo_owner_org_id",
        "carrier_booking_reference",
        "transport_document_reference",
    ):
        op.create_index(f"ix_bookings_{column}", "bookings", [column])
    op.create_table(
        "booking_equipment",
        sa.Column(
            "booking_id",
            sa.Integer(),
            sa.ForeignKey("bookings.id", name="fk_booking_equipment_booking_id_bookings", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("equipment_reference", sa.String(15), nullable=False),
        sa.PrimaryKeyConstraint("booking_id", "equipment_reference", name="pk_booking_equipment"),
    )
    op.create_index("ix_booking_equipment_equipment_reference", "booking_equipment", ["equipment_reference"])
    op.create_table(
        "truck_visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("visit_id", sa.String(50), nullable=False),
        sa.Column("un_location_code", sa.String(5), nullable=False),
        sa.Column("facility_code", sa.String(6), nullable=False),
        sa.Column("trucking_company", sa.String(20), nullable=False),
        sa.Column("truck_license_plate", sa.String(20)),
        sa.Column("gate_in", UTCDateTime(), nullable=False),
        sa.Column("gate_out", UTCDateTime()),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_truck_visits_owner_org_id_organisations"),
            nullable=False,
        ),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_truck_visits"),
        sa.UniqueConstraint(
            "un_location_code", "facility_code", "visit_id", name="uq_truck_visits_un_location_code"
        ),
    )
    op.create_index("ix_truck_visits_trucking_company", "truck_visits", ["trucking_company"])
    op.create_table(
        "gate_transactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "truck_visit_id",
            sa.Integer(),
            sa.ForeignKey(
                "truck_visits.id", name="fk_gate_transactions_truck_visit_id_truck_visits", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("equipment_reference", sa.String(15), nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("empty_indicator", sa.String(5), nullable=False),
        sa.Column("iso_equipment_code", sa.String(4)),
        sa.Column("carrier_booking_reference", sa.String(35)),
        sa.Column("transport_document_reference", sa.String(20)),
        sa.PrimaryKeyConstraint("id", name="pk_gate_transactions"),
    )
    op.create_index("ix_gate_transactions_truck_visit_id", "gate_transactions", ["truck_visit_id"])
    op.create_table(
        "move_counts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("vessel_imo", sa.String(7), nullable=False),
        sa.Column("carrier_voyage_number", sa.String(50), nullable=False),
        sa.Column("un_location_code", sa.String(5), nullable=False),
        sa.Column("facility_code", sa.String(6)),
        sa.Column("discharges", sa.Integer(), nullable=False),
        sa.Column("loads", sa.Integer(), nullable=False),
        sa.Column("restows", sa.Integer(), nullable=False),
        sa.Column(
            "owner_org_id",
            sa.Integer(),
            sa.ForeignKey("organisations.id", name="fk_move_counts_owner_org_id_organisations"),
            nullable=False,
        ),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_move_counts"),
        sa.UniqueConstraint(
            "vessel_imo",
            "carrier_voyage_number",
            "un_location_code",
            "facility_code",
            name="uq_move_counts_vessel_imo",
        ),
    )


def downgrade() -> None:
    for table in (
        "move_counts",
        "gate_transactions",
        "truck_visits",
        "booking_equipment",
        "bookings",
        "event_parties",
        "event_document_refs",
        "events",
        "port_call_timestamps",
        "port_calls",
        "equipment",
        "vessels",
        "facilities",
        "api_keys",
        "organisations",
    ):
        op.drop_table(table)
