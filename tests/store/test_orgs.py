"""Organisations and API keys."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quayside.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from quayside.store.access import Principal
from quayside.store.models import ApiKey
from quayside.store.repositories.orgs import (
    PRINCIPAL_CACHE,
    PrincipalCache,
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


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _count_statements(session: Session) -> list[str]:
    statements: list[str] = []
    engine = session.get_bind()

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    sa_event.listen(engine, "before_cursor_execute", record)
    return statements


def _revoke_elsewhere(session: Session, key_id: str) -> None:
    """Revoke as another process would: straight in the database, bypassing this process's cache."""
    session.execute(update(ApiKey).where(ApiKey.prefix == key_id).values(revoked_at=datetime.now(UTC)))
    session.commit()


def test_cached_key_skips_the_lookups_and_expires_after_the_ttl(session: Session) -> None:
    org = create_organisation(session, "Evergreen", OrgRole.CARRIER, code="EGLV")
    issued = issue_api_key(session, org)
    session.commit()
    clock = FakeClock(100.0)
    cache = PrincipalCache(ttl_s=5.0, clock=clock)
    first = authenticate(session, issued.key, cache=cache)
    statements = _count_statements(session)
    assert authenticate(session, issued.key, cache=cache) == first
    # Served from the cache: no ORM key or organisation lookup (the revocation check goes to the DB-API
    # cursor, see test_a_key_revoked_by_another_process_is_refused_at_once_despite_the_cache).
    assert statements == []
    # Stored at t = 100 s with a 5 s TTL, so it expires at 100 + 5 = 105 s: at 104.9 s still cached.
    clock.now = 104.9
    assert authenticate(session, issued.key, cache=cache) == first
    assert statements == []
    clock.now = 105.0
    assert authenticate(session, issued.key, cache=cache) == first
    assert statements  # the expired entry sent it back to the database for the full lookup
    _revoke_elsewhere(session, issued.key_id)
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(session, issued.key, cache=cache)
    assert len(cache) == 0  # and a refused key is not stored


def test_revoking_in_this_process_takes_effect_at_once(session: Session) -> None:
    org = create_organisation(session, "CMA CGM", OrgRole.CARRIER, code="CMDU")
    issued = issue_api_key(session, org)
    session.commit()
    cache = PrincipalCache(ttl_s=3600.0, clock=FakeClock())
    principal = authenticate(session, issued.key, cache=cache)
    revoke_api_key(session, issued.key_id, cache=cache)
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(session, issued.key, cache=cache)
    # A request that read the key before the revocation committed may store it again; the commit drops it.
    cache.put(hashlib.sha256(issued.key.encode()).hexdigest(), principal)
    session.commit()
    assert len(cache) == 0
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(session, issued.key, cache=cache)


def test_default_cache_is_used_and_revocation_clears_it(session: Session) -> None:
    org = create_organisation(session, "ONE", OrgRole.CARRIER, code="ONEY")
    issued = issue_api_key(session, org)
    session.commit()
    digest = hashlib.sha256(issued.key.encode()).hexdigest()
    authenticate(session, issued.key)
    assert PRINCIPAL_CACHE.get(digest) is not None
    revoke_api_key(session, issued.key_id)
    session.commit()
    assert PRINCIPAL_CACHE.get(digest) is None


def test_cache_is_bounded_and_checks_its_settings() -> None:
    cache = PrincipalCache(ttl_s=10.0, max_keys=2, clock=FakeClock())
    principals = [
        Principal(
            org_id=n,
            org_name=f"O{n}",
            role=OrgRole.CARRIER,
            code=None,
            port_unlocode=None,
            scopes=frozenset({Scope.EVENTS_READ}),
            key_prefix=f"{n:012d}",
        )
        for n in range(3)
    ]
    for n, principal in enumerate(principals):
        cache.put(f"d{n}", principal)
    # Room for 2: storing the third drops the oldest (d0).
    assert (cache.get("d0"), cache.get("d1"), cache.get("d2")) == (None, principals[1], principals[2])
    cache.forget_key("000000000001")
    assert cache.get("d1") is None
    assert len(cache) == 1
    off = PrincipalCache(ttl_s=0.0)
    off.put("d0", principals[0])
    assert off.get("d0") is None
    with pytest.raises(InputError, match="ttl_s"):
        PrincipalCache(ttl_s=-1.0)
    with pytest.raises(InputError, match="max_keys"):
        PrincipalCache(max_keys=0)


def test_a_key_revoked_by_another_process_is_refused_at_once_despite_the_cache(session: Session) -> None:
    org = create_organisation(session, "Hapag-Lloyd", OrgRole.CARRIER, code="HLCU")
    issued = issue_api_key(session, org)
    session.commit()
    cache = PrincipalCache(ttl_s=3600.0, clock=FakeClock())  # an hour: only the revocation check can refuse
    authenticate(session, issued.key, cache=cache)
    statements = _count_statements(session)
    raw: list[str] = []
    driver = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "sqlite":
        driver.set_trace_callback(raw.append)  # type: ignore[union-attr]
    assert authenticate(session, issued.key, cache=cache).org_id == org.id
    # A cached key costs no ORM lookup of the key or organisation, only the revocation check: one
    # statement, on the DB-API cursor, for the key's row by its unique prefix.
    assert statements == []
    if session.get_bind().dialect.name == "sqlite":
        driver.set_trace_callback(None)  # type: ignore[union-attr]
        assert raw == [f"SELECT 1 FROM api_keys WHERE prefix = '{issued.key_id}' AND revoked_at IS NULL"]
    _revoke_elsewhere(session, issued.key_id)
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate(session, issued.key, cache=cache)
    assert len(cache) == 0
