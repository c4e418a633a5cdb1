"""Administration: organisations, API keys, facilities (``admin`` scope) and booking links (carriers).

Administration is per port (:func:`quayside.store.access.administers`): a port authority creates and keys
the members of its own port and registers its port's facilities; only the hub operator (an organisation
created with ``quayside org create --role hub_operator``) administers every port and creates port
authorities. An organisation another administrator owns answers 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select

from quayside.api.auth import SessionDep, require
from quayside.errors import NotFoundError, PermissionDeniedError
from quayside.hub.limits import check_items
from quayside.store.access import Principal, administers
from quayside.store.models import ApiKey, Organisation
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.orgs import (
    create_organisation,
    get_organisation,
    issue_api_key,
    parse_role,
    parse_scopes,
    revoke_api_key,
)
from quayside.store.types import OrgRole, Scope

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


def _administered(principal: Principal, org: Organisation, field: str) -> Organisation:
    if not administers(principal, org.role, org.port_unlocode):
        raise NotFoundError("no such organisation", field=field, value=org.id)
    return org


@router.post("/organisations", status_code=201, response_model_by_alias=True)
def post_organisation(body: OrganisationIn, session: SessionDep, admin: Admin) -> IssuedKeyOut:
    """Create an organisation and its first API key: a member of the administrator's port."""
    role = parse_role(body.role)
    port = body.port_unlocode
    if role is OrgRole.HUB_OPERATOR:
        raise PermissionDeniedError(
            "the hub operator is created from the command line only", field="role", value=role.value
        )
    if admin.role is not OrgRole.HUB_OPERATOR:
        if role is OrgRole.PORT_AUTHORITY:
            raise PermissionDeniedError(
                "only the hub operator creates port authorities", field="role", value=role.value
            )
        if port is not None and port != admin.port_unlocode:
            raise PermissionDeniedError(
                f"a port authority creates members of its own port ({admin.port_unlocode})",
                field="portUNLocode",
                value=port,
            )
        port = admin.port_unlocode
    org = create_organisation(session, body.name, role, code=body.code, port_unlocode=port)
    issued = issue_api_key(session, org)
    session.commit()
    return _key_out(org.id, issued.key, issued.key_id, issued.scopes)


@router.post("/organisations/{organisationID}/keys", status_code=201, response_model_by_alias=True)
def post_key(
    org_id: Annotated[int, Path(alias="organisationID")], body: KeyIn, session: SessionDep, admin: Admin
) -> IssuedKeyOut:
    """Issue another key for an organisation the caller administers."""
    org = _administered(admin, get_organisation(session, org_id), "organisationID")
    issued = issue_api_key(session, org, parse_scopes(body.scopes) if body.scopes is not None else None)
    session.commit()
    return _key_out(org.id, issued.key, issued.key_id, issued.scopes)


@router.delete("/keys/{keyID}", status_code=204)
def delete_key(key_id: Annotated[str, Path(alias="keyID")], session: SessionDep, admin: Admin) -> Response:
    """Revoke a key of an organisation the caller administers; requests with it are refused (401) from now on."""
    owner = session.scalar(
        select(Organisation).join(ApiKey, ApiKey.org_id == Organisation.id).where(ApiKey.prefix == key_id)
    )
    if owner is None or not administers(admin, owner.role, owner.port_unlocode):
        raise NotFoundError("no such API key", field="keyID", value=key_id)
    revoke_api_key(session, key_id)
    session.commit()
    return Response(status_code=204)


@router.post("/facilities", status_code=201)
def post_facility(body: FacilityIn, session: SessionDep, admin: Admin) -> dict[str, int]:
    """Register a terminal of the caller's port; events already stored there become visible to its operator."""
    if admin.role is not OrgRole.HUB_OPERATOR and body.un_location_code != admin.port_unlocode:
        raise PermissionDeniedError(
            f"a port authority registers the facilities of its own port ({admin.port_unlocode})",
            field="UNLocationCode",
            value=body.un_location_code,
        )
    operator = get_organisation(session, body.operator_organisation_id)
    if operator.role is OrgRole.TERMINAL_OPERATOR:  # any other role is refused below, naming the role
        _administered(admin, operator, "operatorOrganisationID")
    facility, linked = register_facility(
        session,
        un_location_code=body.un_location_code,
        facility_code=body.facility_code,
        operator_org_id=body.operator_organisation_id,
        name=body.name,
    )
    session.commit()
    return {"facilityID": facility.id, "linkedEvents": linked}


@router.post("/bookings", status_code=201)
def post_booking(body: BookingIn, request: Request, session: SessionDep, carrier: Writer) -> dict[str, int]:
    """A carrier links its booking / BL to a cargo owner and containers (events already stored included)."""
    check_items(
        len(body.equipment_references),
        request.app.state.limits,
        source="POST /admin/bookings",
        field="equipmentReferences",
    )
    booking, linked = add_booking_link(
        session,
        carrier,
        carrier_booking_reference=body.carrier_booking_reference,
        transport_document_reference=body.transport_document_reference,
        cargo_owner_org_id=body.cargo_owner_organisation_id,
        equipment_references=body.equipment_references,
    )
    session.commit()
    return {"bookingID": booking.id, "linkedEvents": linked}
