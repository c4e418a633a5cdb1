"""Administration routes: organisations, API keys, facilities (``admin`` scope) and booking links (carriers).

The rules (administration per port, the hub operator) are the services' of :mod:`quayside.hub.admin`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from quayside.api.auth import SessionDep, require
from quayside.hub import admin as admin_service
from quayside.store.access import Principal
from quayside.store.types import Scope

router = APIRouter(prefix="/admin", tags=["admin"])
Admin = Annotated[Principal, Depends(require(Scope.ADMIN))]
Writer = Annotated[Principal, Depends(require(Scope.EVENTS_WRITE))]


class _Body(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class OrganisationIn(_Body):
    """A new member organisation."""

    name: str = Field(min_length=1, max_length=200)
    role: str = Field(
        description="port_authority, terminal_operator, carrier, trucker, cargo_owner, partner_port"
    )
    code: str | None = Field(default=None, max_length=20, description="SCAC or SMDG code")
    port_unlocode: str | None = Field(default=None, alias="portUNLocode")


class IssuedKeyOut(_Body):
    """A newly issued API key; ``apiKey`` is shown only in this response."""

    organisation_id: int = Field(alias="organisationID")
    key_id: str = Field(alias="keyID")
    api_key: str = Field(alias="apiKey")
    scopes: list[str]


class KeyIn(_Body):
    """Scopes of a new key (default: the role's)."""

    scopes: list[str] | None = None


class FacilityIn(_Body):
    """A terminal to register."""

    un_location_code: str = Field(alias="UNLocationCode")
    facility_code: str = Field(alias="facilityCode", description="SMDG terminal code")
    operator_organisation_id: int = Field(alias="operatorOrganisationID")
    name: str | None = None


class BookingIn(_Body):
    """A carrier's booking / bill of lading linked to a cargo owner and containers."""

    carrier_booking_reference: str | None = Field(
        default=None, alias="carrierBookingReference", max_length=35
    )
    transport_document_reference: str | None = Field(
        default=None, alias="transportDocumentReference", max_length=20
    )
    cargo_owner_organisation_id: int | None = Field(default=None, alias="cargoOwnerOrganisationID")
    equipment_references: list[Annotated[str, StringConstraints(max_length=15)]] = Field(
        default_factory=list, alias="equipmentReferences"
    )


def _key_out(org_id: int, issued_key: str, key_id: str, scopes: tuple[Scope, ...]) -> IssuedKeyOut:
    return IssuedKeyOut(
        organisation_id=org_id, key_id=key_id, api_key=issued_key, scopes=[scope.value for scope in scopes]
    )


@router.post("/organisations", status_code=201, response_model_by_alias=True)
def post_organisation(body: OrganisationIn, session: SessionDep, admin: Admin) -> IssuedKeyOut:
    """Create an organisation and its first API key: a member of the administrator's port."""
    org, issued = admin_service.add_member(
        session, admin, name=body.name, role=body.role, code=body.code, port_unlocode=body.port_unlocode
    )
    return _key_out(org.id, issued.key, issued.key_id, issued.scopes)


@router.post("/organisations/{organisationID}/keys", status_code=201, response_model_by_alias=True)
def post_key(
    org_id: Annotated[int, Path(alias="organisationID")], body: KeyIn, session: SessionDep, admin: Admin
) -> IssuedKeyOut:
    """Issue another key for an organisation the caller administers."""
    org, issued = admin_service.issue_key(session, admin, org_id, body.scopes)
    return _key_out(org.id, issued.key, issued.key_id, issued.scopes)


@router.delete("/keys/{keyID}", status_code=204)
def delete_key(key_id: Annotated[str, Path(alias="keyID")], session: SessionDep, admin: Admin) -> Response:
    """Revoke a key of an organisation the caller administers; requests with it are refused (401) from now on."""
    admin_service.revoke_key(session, admin, key_id)
    return Response(status_code=204)


@router.post("/facilities", status_code=201)
def post_facility(body: FacilityIn, session: SessionDep, admin: Admin) -> dict[str, int]:
    """Register a terminal of the caller's port; events already stored there become visible to its operator."""
    facility, linked = admin_service.register_terminal(
        session,
        admin,
        un_location_code=body.un_location_code,
        facility_code=body.facility_code,
        operator_org_id=body.operator_organisation_id,
        name=body.name,
    )
    return {"facilityID": facility.id, "linkedEvents": linked}


@router.post("/bookings", status_code=201)
def post_booking(body: BookingIn, request: Request, session: SessionDep, carrier: Writer) -> dict[str, int]:
    """A carrier links its booking / BL to a cargo owner and containers (events already stored included)."""
    booking, linked = admin_service.link_booking(
        session,
        carrier,
        carrier_booking_reference=body.carrier_booking_reference,
        transport_document_reference=body.transport_document_reference,
        cargo_owner_org_id=body.cargo_owner_organisation_id,
        equipment_references=body.equipment_references,
        limits=request.app.state.limits,
        source="POST /admin/bookings",
    )
    return {"bookingID": booking.id, "linkedEvents": linked}


Member = Annotated[Principal, Depends(require())]


@router.get("/claim-conflicts")
def get_claim_conflicts(session: SessionDep, principal: Member) -> list[dict[str, str]]:
    """Assertions of a value another carrier holds: every one for the hub operator, a carrier's own holdings'
    for a carrier, none for anyone else (``kind`` BKG, TRD, EQ or VOY)."""
    return [
        {
            "kind": c.kind,
            "value": c.value,
            "holder": c.holder,
            "contender": c.contender,
            "assertedDateTime": c.at.isoformat(timespec="seconds"),
        }
        for c in admin_service.contested_claims(session, principal)
    ]
