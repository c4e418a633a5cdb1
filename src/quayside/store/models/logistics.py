"""Bookings and bills of lading, truck visits with gate transactions, and vessel move counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow
from quayside.store.types import ClaimKind
from quayside.visibility.model import TransactionKind


class Booking(Base):
    """A carrier's booking and/or transport document (bill of lading) linked to a cargo owner.

    At least one of the two references is set. The carrier adds the link; from then on the cargo owner sees
    the events that name either reference or one of the booking's containers.
    """

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    cargo_owner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    carrier_booking_reference: Mapped[str | None] = mapped_column(String(35), index=True)
    transport_document_reference: Mapped[str | None] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BookingEquipment(Base):
    """A container (ISO 6346 reference) carried under a booking."""

    __tablename__ = "booking_equipment"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    equipment_reference: Mapped[str] = mapped_column(String(15), primary_key=True, index=True)


class TruckVisitRow(Base):
    """A stored :class:`~quayside.visibility.model.TruckVisit`; unique per owner, facility and visit reference.

    Visit references are chosen by whoever records the visit, so they are namespaced by that organisation:
    nobody can pre-empt another's next reference.
    """

    __tablename__ = "truck_visits"
    __table_args__ = (
        UniqueConstraint(
            "owner_org_id", "un_location_code", "facility_code", "visit_id", name="uq_truck_visits_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[str] = mapped_column(String(50))
    un_location_code: Mapped[str] = mapped_column(String(5))
    facility_code: Mapped[str] = mapped_column(String(6))
    trucking_company: Mapped[str] = mapped_column(String(20), index=True)
    truck_license_plate: Mapped[str | None] = mapped_column(String(20))
    gate_in: Mapped[datetime] = mapped_column(UTCDateTime())
    gate_out: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GateTransactionRow(Base):
    """A container dropped or picked during a truck visit."""

    __tablename__ = "gate_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    truck_visit_id: Mapped[int] = mapped_column(ForeignKey("truck_visits.id", ondelete="CASCADE"), index=True)
    equipment_reference: Mapped[str] = mapped_column(String(15))
    kind: Mapped[TransactionKind] = mapped_column(enum_column(TransactionKind, 4))
    empty_indicator: Mapped[str] = mapped_column(String(5))
    iso_equipment_code: Mapped[str | None] = mapped_column(String(4))
    carrier_booking_reference: Mapped[str | None] = mapped_column(String(35))
    transport_document_reference: Mapped[str | None] = mapped_column(String(20))


class MoveCountRow(Base):
    """Container moves of one vessel call at one terminal (a stored :class:`MoveCount`)."""

    __tablename__ = "move_counts"
    __table_args__ = (
        UniqueConstraint("vessel_imo", "carrier_voyage_number", "un_location_code", "facility_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vessel_imo: Mapped[str] = mapped_column(String(7))
    carrier_voyage_number: Mapped[str] = mapped_column(String(50))
    un_location_code: Mapped[str] = mapped_column(String(5))
    facility_code: Mapped[str | None] = mapped_column(String(6))
    discharges: Mapped[int] = mapped_column(Integer)
    loads: Mapped[int] = mapped_column(Integer)
    restows: Mapped[int] = mapped_column(Integer, default=0)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Claim(Base):
    """A value a carrier holds: a booking or bill of lading reference, a container, a vessel voyage.

    The first carrier to assert a value (posting an event that names it, linking a booking, opening a port
    call) holds it; later carriers' assertions stay theirs alone. Written once per value
    (``INSERT ... ON CONFLICT DO NOTHING``) by :mod:`quayside.store.authority`.
    """

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_claims_kind_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ClaimKind] = mapped_column(enum_column(ClaimKind, 3))
    value: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClaimConflict(Base):
    """A carrier that asserted a value another carrier holds: kept apart, and shown to the holder and the hub.

    One row per value and contender (the first time it asserted it); the contender's own record (its
    booking link, its event) is stored in its name and reaches nothing of the holder's.
    """

    __tablename__ = "claim_conflicts"
    __table_args__ = (
        UniqueConstraint("kind", "value", "contender_org_id", name="uq_claim_conflicts_kind_value_contender"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ClaimKind] = mapped_column(enum_column(ClaimKind, 3))
    value: Mapped[str] = mapped_column(String(64))
    holder_org_id: Mapped[int] = mapped_column(Integer, index=True)
    contender_org_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
