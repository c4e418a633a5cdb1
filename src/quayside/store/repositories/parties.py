"""Maintaining ``event_parties``: which organisations each event concerns.

Written when an event is stored (poster, terminal of its facility, carrier and cargo owner of the bookings,
bills of lading or containers it names) and again when a facility or booking link is added, so that the
access rule is a lookup, not a computation at read time.

Known limit: a container link (booking → equipment reference) has no time window, so a container reused
under a later booking links the earlier booking's parties to its later events too. Carriers should give the
booking or transport document reference on events wherever they can.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from quayside.store.models import (
    Booking,
    BookingEquipment,
    Event,
    EventDocumentRef,
    EventParty,
    Facility,
)
from quayside.store.repositories._dialect import insert_ignore
from quayside.store.types import DocumentRefType, PartyRelation


def add_parties(session: Session, rows: Iterable[tuple[int, int, PartyRelation]]) -> None:
    """Insert ``(event_seq, org_id, relation)`` rows, skipping those already there."""
    values = [{"event_seq": seq, "org_id": org, "relation": rel.value} for seq, org, rel in set(rows)]
    if values:
        session.execute(insert_ignore(session, EventParty, ["event_seq", "org_id", "relation"]), values)


def link_event(session: Session, event: Event, refs: Iterable[tuple[DocumentRefType, str]]) -> None:
    """Add the parties of a newly stored ``event`` (besides its poster)."""
    rows: list[tuple[int, int, PartyRelation]] = []
    if event.un_location_code and event.facility_code:
        operator = session.scalar(
            select(Facility.operator_org_id).where(
                Facility.un_location_code == event.un_location_code,
                Facility.facility_code == event.facility_code,
            )
        )
        if operator is not None:
            rows.append((event.seq, operator, PartyRelation.TERMINAL))
    conditions: list[ColumnElement[bool]] = []
    bkg = [value for kind, value in refs if kind is DocumentRefType.BKG]
    trd = [value for kind, value in refs if kind is DocumentRefType.TRD]
    if bkg:
        conditions.append(Booking.carrier_booking_reference.in_(bkg))
    if trd:
        conditions.append(Booking.transport_document_reference.in_(trd))
    if event.equipment_reference:
        conditions.append(
            Booking.id.in_(
                select(BookingEquipment.booking_id).where(
                    BookingEquipment.equipment_reference == event.equipment_reference
                )
            )
        )
    if conditions:
        for carrier, owner in session.execute(
            select(Booking.carrier_org_id, Booking.cargo_owner_org_id).where(or_(*conditions))
        ):
            rows.append((event.seq, carrier, PartyRelation.CARRIER))
            if owner is not None:
                rows.append((event.seq, owner, PartyRelation.CARGO_OWNER))
    add_parties(session, rows)


def link_booking(session: Session, booking: Booking, equipment: Iterable[str]) -> int:
    """Link the already stored events that ``booking`` concerns to its carrier and cargo owner.

    Returns the number of events linked.
    """
    conditions: list[ColumnElement[bool]] = []
    if booking.carrier_booking_reference:
        conditions.append(
            and_(
                EventDocumentRef.ref_type == DocumentRefType.BKG,
                EventDocumentRef.ref_value == booking.carrier_booking_reference,
            )
        )
    if booking.transport_document_reference:
        conditions.append(
            and_(
                EventDocumentRef.ref_type == DocumentRefType.TRD,
                EventDocumentRef.ref_value == booking.transport_document_reference,
            )
        )
    seqs: set[int] = set()
    if conditions:
        seqs.update(session.scalars(select(EventDocumentRef.event_seq).where(or_(*conditions))))
    containers = list(equipment)
    if containers:
        seqs.update(session.scalars(select(Event.seq).where(Event.equipment_reference.in_(containers))))
    rows: list[tuple[int, int, PartyRelation]] = []
    for seq in seqs:
        rows.append((seq, booking.carrier_org_id, PartyRelation.CARRIER))
        if booking.cargo_owner_org_id is not None:
            rows.append((seq, booking.cargo_owner_org_id, PartyRelation.CARGO_OWNER))
    add_parties(session, rows)
    return len(seqs)


def link_facility(session: Session, facility: Facility) -> int:
    """Link the already stored events at ``facility`` to its operator; returns the number linked."""
    seqs = list(
        session.scalars(
            select(Event.seq).where(
                Event.un_location_code == facility.un_location_code,
                Event.facility_code == facility.facility_code,
            )
        )
    )
    add_parties(session, [(seq, facility.operator_org_id, PartyRelation.TERMINAL) for seq in seqs])
    return len(seqs)
