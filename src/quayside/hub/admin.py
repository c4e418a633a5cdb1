"""Administration of the hub: members, their API keys, facilities, and carriers' booking links.

Administration is per port (:func:`quayside.store.access.administers`): a port authority creates and keys
the members of its own port and registers its port's facilities; only the hub operator (an organisation
created with ``quayside org create --role hub_operator``) administers every port and creates port
authorities. An organisation another administrator owns is reported as not existing (404). Each service
commits what it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from quayside.errors import NotFoundError, PermissionDeniedError
from quayside.hub.limits import Limits, check_items
from quayside.store.access import Principal, administers
from quayside.store.models import ApiKey, Booking, ClaimConflict, Facility, Organisation
from quayside.store.repositories.links import add_booking_link, register_facility
from quayside.store.repositories.orgs import (
    IssuedKey,
    create_organisation,
    get_organisation,
    issue_api_key,
    parse_role,
    parse_scopes,
    revoke_api_key,
)
from quayside.store.types import OrgRole, Scope

__all__ = [
    "ContestedClaim",
    "add_member",
    "contested_claims",
    "issue_key",
    "link_booking",
    "register_terminal",
    "revoke_key",
]


def _administered(principal: Principal, org: Organisation, field: str) -> Organisation:
    if not administers(principal, org.role, org.port_unlocode):
        raise NotFoundError("no such organisation", field=field, value=org.id)
    return org


def add_member(
    session: Session,
    admin: Principal,
    *,
    name: str,
    role: str,
    code: str | None,
    port_unlocode: str | None,
) -> tuple[Organisation, IssuedKey]:
    """Create an organisation of ``admin``'s port (any port for the hub operator) and its first key.

    Raises
    ------
    PermissionDeniedError
        For a hub operator (created from the command line only), a port authority created by another
        port authority, or a member of another port.
    """
    admin.require(Scope.ADMIN)
    kind = parse_role(role)
    port = port_unlocode
    if kind is OrgRole.HUB_OPERATOR:
        raise PermissionDeniedError(
            "the hub operator is created from the command line only", field="role", value=kind.value
        )
    if admin.role is not OrgRole.HUB_OPERATOR:
        if kind is OrgRole.PORT_AUTHORITY:
            raise PermissionDeniedError(
                "only the hub operator creates port authorities", field="role", value=kind.value
            )
        if port is not None and port != admin.port_unlocode:
            raise PermissionDeniedError(
                f"a port authority creates members of its own port ({admin.port_unlocode})",
                field="portUNLocode",
                value=port,
            )
        port = admin.port_unlocode
    org = create_organisation(session, name, kind, code=code, port_unlocode=port)
    issued = issue_api_key(session, org)
    session.commit()
    return org, issued


def issue_key(
    session: Session, admin: Principal, org_id: int, scopes: Sequence[str] | None
) -> tuple[Organisation, IssuedKey]:
    """Another key for an organisation ``admin`` administers (default scopes: the role's)."""
    admin.require(Scope.ADMIN)
    org = _administered(admin, get_organisation(session, org_id), "organisationID")
    issued = issue_api_key(session, org, parse_scopes(scopes) if scopes is not None else None)
    session.commit()
    return org, issued


def revoke_key(session: Session, admin: Principal, key_id: str) -> None:
    """Revoke a key of an organisation ``admin`` administers; it is refused on every worker from now on."""
    admin.require(Scope.ADMIN)
    owner = session.scalar(
        select(Organisation).join(ApiKey, ApiKey.org_id == Organisation.id).where(ApiKey.prefix == key_id)
    )
    if owner is None or not administers(admin, owner.role, owner.port_unlocode):
        raise NotFoundError("no such API key", field="keyID", value=key_id)
    revoke_api_key(session, key_id)
    session.commit()


def register_terminal(
    session: Session,
    admin: Principal,
    *,
    un_location_code: str,
    facility_code: str,
    operator_org_id: int,
    name: str | None,
) -> tuple[Facility, int]:
    """Register a terminal of ``admin``'s port; events already stored there become its operator's.

    Returns the facility and the number of stored events linked to its operator.
    """
    admin.require(Scope.ADMIN)
    if admin.role is not OrgRole.HUB_OPERATOR and un_location_code != admin.port_unlocode:
        raise PermissionDeniedError(
            f"a port authority registers the facilities of its own port ({admin.port_unlocode})",
            field="UNLocationCode",
            value=un_location_code,
        )
    operator = get_organisation(session, operator_org_id)
    if operator.role is OrgRole.TERMINAL_OPERATOR:  # any other role is refused below, naming the role
        _administered(admin, operator, "operatorOrganisationID")
    facility, linked = register_facility(
        session,
        un_location_code=un_location_code,
        facility_code=facility_code,
        operator_org_id=operator_org_id,
        name=name,
    )
    session.commit()
    return facility, linked


def link_booking(
    session: Session,
    carrier: Principal,
    *,
    carrier_booking_reference: str | None,
    transport_document_reference: str | None,
    cargo_owner_org_id: int | None,
    equipment_references: Sequence[str],
    limits: Limits | None = None,
    source: str = "booking",
) -> tuple[Booking, int]:
    """A carrier links its booking / bill of lading to a cargo owner and containers (write policy applies).

    Returns the booking and the number of stored events it reaches.

    Raises
    ------
    InputError
        When more containers are named than ``limits.items``.
    """
    check_items(
        len(equipment_references),
        Limits() if limits is None else limits,
        source=source,
        field="equipmentReferences",
    )
    booking, linked = add_booking_link(
        session,
        carrier,
        carrier_booking_reference=carrier_booking_reference,
        transport_document_reference=transport_document_reference,
        cargo_owner_org_id=cargo_owner_org_id,
        equipment_references=list(equipment_references),
    )
    session.commit()
    return booking, linked


@dataclass(frozen=True, slots=True)
class ContestedClaim:
    """A value one carrier holds that another asserted: its kind, value, both organisations and when."""

    kind: str
    value: str
    holder: str
    contender: str
    at: datetime


def contested_claims(session: Session, principal: Principal, *, limit: int = 1000) -> list[ContestedClaim]:
    """The conflicts over claimed values ``principal`` may see, newest first.

    The hub operator sees every one; a carrier those over the values it holds (who contested them, and
    when); nobody else any. The contender is not told: its answer was the same as for a value nobody holds.
    """
    holder = aliased(Organisation)
    contender = aliased(Organisation)
    statement = (
        select(ClaimConflict.kind, ClaimConflict.value, holder.name, contender.name, ClaimConflict.created_at)
        .join(holder, holder.id == ClaimConflict.holder_org_id)
        .join(contender, contender.id == ClaimConflict.contender_org_id)
        .order_by(ClaimConflict.created_at.desc(), ClaimConflict.id.desc())
        .limit(limit)
    )
    if principal.role is not OrgRole.HUB_OPERATOR:
        statement = statement.where(ClaimConflict.holder_org_id == principal.org_id)
    return [
        ContestedClaim(str(kind), value, h, c, at) for kind, value, h, c, at in session.execute(statement)
    ]
