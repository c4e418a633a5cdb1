"""The demo's port community: its organisations and API keys, facilities and booking links, and who posts.

``parties.json`` (written by ``quayside simulate``) lists the organisations, the facilities with their
operator, and the carriers' booking / bill of lading links to cargo owners. :func:`register_organisations`
creates the organisations (or reuses those already there, by name) and issues each a fresh API key;
:func:`register_links` adds the facilities and links not yet registered. :func:`poster` picks the party that
would send a record: the organisation of a role with the record's code, else the fallback (the port
authority).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError
from quayside.hub.demo.summary import DemoSummary
from quayside.store.models import Booking, Facility, Organisation
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.orgs import (
    DEFAULT_SCOPES,
    create_organisation,
    issue_api_key,
    parse_role,
    principal_for,
)
from quayside.store.types import OrgRole, Scope


def register_organisations(
    session: Session, parties: dict[str, Any], summary: DemoSummary, source: str
) -> dict[str, Organisation]:
    """The organisations of ``parties.json`` by name, each issued a fresh API key (kept in ``summary``)."""
    by_name: dict[str, Organisation] = {}
    for index, item in enumerate(parties.get("organisations", [])):
        try:
            name, role = str(item["name"]), parse_role(str(item["role"]))
        except KeyError as exc:
            raise InputError("organisation without name or role", source=source, record=index) from exc
        org = session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = create_organisation(
                session, name, role, code=item.get("code"), port_unlocode=item.get("portUNLocode")
            )
            summary.organisations_created += 1
        else:
            summary.organisations_existing += 1
        by_name[name] = org
        issued = issue_api_key(session, org)
        summary.keys[name] = {
            "organisationID": org.id,
            "role": org.role.value,
            "code": org.code,
            "apiKey": issued.key,
        }
    return by_name


def register_links(
    session: Session, parties: dict[str, Any], orgs: dict[str, Organisation], summary: DemoSummary
) -> None:
    """Register the facilities and booking links of ``parties.json`` that are not there yet."""
    for item in parties.get("facilities", []):
        exists = session.scalar(
            select(Facility.id).where(
                Facility.un_location_code == item["UNLocationCode"],
                Facility.facility_code == item["facilityCode"],
            )
        )
        if exists is None:
            register_facility(
                session,
                un_location_code=item["UNLocationCode"],
                facility_code=item["facilityCode"],
                operator_org_id=orgs[item["operator"]].id,
                name=item.get("name"),
            )
            summary.facilities += 1
    for item in parties.get("bookings", []):
        carrier = orgs[item["carrier"]]
        booking_ref = item.get("carrierBookingReference")
        document_ref = item.get("transportDocumentReference")
        exists = session.scalar(
            select(Booking.id).where(
                Booking.carrier_org_id == carrier.id,
                Booking.carrier_booking_reference == booking_ref
                if booking_ref
                else Booking.carrier_booking_reference.is_(None),
                Booking.transport_document_reference == document_ref
                if document_ref
                else Booking.transport_document_reference.is_(None),
            )
        )
        if exists is not None:
            continue
        owner = orgs.get(item.get("cargoOwner") or "")
        add_booking_link(
            session,
            principal_for(carrier, DEFAULT_SCOPES[carrier.role]),
            carrier_booking_reference=booking_ref,
            transport_document_reference=document_ref,
            cargo_owner_org_id=owner.id if owner is not None else None,
            equipment_references=item.get("equipmentReferences", []),
        )
        summary.bookings += 1


def poster(orgs: Iterable[Organisation], *, role: OrgRole, code: str | None, fallback: Organisation) -> Any:
    """The principal of the ``role`` organisation with ``code``, else of ``fallback``; both may write events."""
    for org in orgs:
        if org.role is role and code is not None and org.code == code:
            return principal_for(org, {*DEFAULT_SCOPES[org.role], Scope.EVENTS_WRITE})
    return principal_for(fallback, {*DEFAULT_SCOPES[fallback.role], Scope.EVENTS_WRITE})
