"""Facilities and booking links: the facts that decide which events concern which organisation."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import ConflictError, InputError, PermissionDeniedError
from quayside.store.access import Principal
from quayside.store.authority import claim, may_link_bookings
from quayside.store.models import Booking, BookingEquipment, Facility, Organisation
from quayside.store.models.base import utcnow
from quayside.store.repositories.orgs import get_organisation
from quayside.store.repositories.parties import link_booking, link_facility
from quayside.store.types import ClaimKind, OrgRole

_UNLOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def register_facility(
    session: Session,
    *,
    un_location_code: str,
    facility_code: str,
    operator_org_id: int,
    name: str | None = None,
) -> tuple[Facility, int]:
    """Register a terminal run by a terminal operator; returns it and the number of stored events linked."""
    if not _UNLOCODE.match(un_location_code):
        raise InputError("not a UN/LOCODE", field="UNLocationCode", value=un_location_code)
    if not facility_code or len(facility_code) > 6:
        raise InputError(
            "SMDG facility code must be 1-6 characters", field="facilityCode", value=facility_code
        )
    operator = get_organisation(session, operator_org_id)
    if operator.role is not OrgRole.TERMINAL_OPERATOR:
        raise InputError(
            "the operator must be a terminal_operator organisation",
            field="operatorOrganisationID",
            value=operator_org_id,
        )
    existing = session.scalar(
        select(Facility.id).where(
            Facility.un_location_code == un_location_code, Facility.facility_code == facility_code
        )
    )
    if existing is not None:
        raise ConflictError("facility is already registered", field="facilityCode", value=facility_code)
    facility = Facility(
        un_location_code=un_location_code,
        facility_code=facility_code,
        name=name,
        operator_org_id=operator.id,
        created_at=utcnow(),
    )
    session.add(facility)
    session.flush()
    return facility, link_facility(session, facility)


def add_booking_link(
    session: Session,
    carrier: Principal,
    *,
    carrier_booking_reference: str | None,
    transport_document_reference: str | None,
    cargo_owner_org_id: int | None,
    equipment_references: Sequence[str] = (),
) -> tuple[Booking, int]:
    """A carrier links its booking and/or bill of lading to a cargo owner and containers.

    The references and containers are claimed for the carrier where nobody holds them yet
    (:mod:`quayside.store.authority`); the link reaches the carrier's own events and the events of no
    carrier whose values it holds — never another carrier's. Returns the booking and the number of stored
    events newly linked to it (so it tells nothing about another carrier's records).
    """
    if not may_link_bookings(carrier):
        raise PermissionDeniedError("only a carrier can link its bookings", source=carrier.org_name)
    if not carrier_booking_reference and not transport_document_reference:
        raise InputError(
            "give carrierBookingReference or transportDocumentReference (or both)",
            field="carrierBookingReference",
        )
    if cargo_owner_org_id is not None:
        owner: Organisation = get_organisation(session, cargo_owner_org_id)
        if owner.role is not OrgRole.CARGO_OWNER:
            raise InputError(
                "the organisation is not a cargo_owner",
                field="cargoOwnerOrganisationID",
                value=cargo_owner_org_id,
            )
    booking = Booking(
        carrier_org_id=carrier.org_id,
        cargo_owner_org_id=cargo_owner_org_id,
        carrier_booking_reference=carrier_booking_reference,
        transport_document_reference=transport_document_reference,
        created_at=utcnow(),
    )
    session.add(booking)
    session.flush()
    containers = list(dict.fromkeys(equipment_references))
    for reference in containers:
        if not reference or len(reference) > 15:
            raise InputError(
                "equipment reference must be 1-15 characters", field="equipmentReferences", value=reference
            )
        session.add(BookingEquipment(booking_id=booking.id, equipment_reference=reference))
    session.flush()
    claims = [(ClaimKind.EQUIPMENT, reference) for reference in containers]
    if carrier_booking_reference:
        claims.append((ClaimKind.BKG, carrier_booking_reference))
    if transport_document_reference:
        claims.append((ClaimKind.TRD, transport_document_reference))
    claim(session, carrier.org_id, claims)
    return booking, link_booking(session, booking, containers)
