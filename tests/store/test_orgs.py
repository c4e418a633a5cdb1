"""Organisations and API keys."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from quayside.store.models import ApiKey
from quayside.store.repositories.orgs import (
    authenticate,
    create_organisation,
    get_organisation,
    issue_api_key,
    parse_role,
    parse_scopes,
    revoke_api_key,
)
from quayside.store.types import OrgRole, Scope


def test_key_is_stored_as_prefix_and_sha256_only(session: Session) -> None:
    org = create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU")
    issued = issue_api_key(session, org)
    session.commit()
    row = session.scalars(select(ApiKey)).one()
    assert row.prefix == issued.key_id
    assert row.key_sha256 == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key not in (row.prefix, row.key_sha256, row.scopes)
    assert issued.key.startswith(f"qsk_{issued.key_id}_")
    # Carrier defaults: read, write, subscriptions; never admin.
    assert row.scopes == "events:read events:write subscriptions"


def test_authenticate_and_revoke(session: Session) -> None:
    org = create_organisation(session, "APM Terminals LA", OrgRole.TERMINAL_OPERATOR, code="APMT")
    issued = issue_api_key(session, org, [Scope.EVENTS_READ])
    session.commit()
    principal = authenticate(session, issued.key)
    assert (principal.org_id, principal.role, principal.scopes) == (
        org.id,
        OrgRole.TERMINAL_OPERATOR,
        frozenset({Scope.EVENTS_READ}),
    )
    with pytest.raises(AuthenticationError, match="not valid"):
        authenticate(session, issued.key[:-2] + "xx")
    with pytest.raises(AuthenticationError, match="malformed"):
        authenticate(session, "hunter2")
    revoke_api_key(session, issued.key_id)
    session.commit()
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(session, issued.key)
    with pytest.raises(ConflictError):
        revoke_api_key(session, issued.key_id)
    with pytest.raises(NotFoundError):
        revoke_api_key(session, "000000000000")


def test_organisation_rules(session: Session) -> None:
    create_organisation(session, "Port of LA", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    with pytest.raises(ConflictError, match="name"):
        create_organisation(session, "Port of LA", OrgRole.CARRIER)
    with pytest.raises(InputError, match="UN/LOCODE"):
        create_organisation(session, "Port X", OrgRole.PORT_AUTHORITY)
    with pytest.raises(InputError, match="UN/LOCODE"):
        create_organisation(session, "Port Y", OrgRole.PARTNER_PORT, port_unlocode="usl")
    assert get_organisation(session, "Port of LA").port_unlocode == "USLAX"
    with pytest.raises(NotFoundError):
        get_organisation(session, 999)


def test_parse_role_and_scopes() -> None:
    assert parse_role("cargo_owner") is OrgRole.CARGO_OWNER
    with pytest.raises(InputError, match="port_authority"):
        parse_role("shipper")
    assert parse_scopes(["events:read", "admin", "events:read"]) == (Scope.EVENTS_READ, Scope.ADMIN)
    with pytest.raises(InputError, match="scopes"):
        parse_scopes(["events:delete"])
