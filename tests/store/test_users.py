"""Users and portal sessions in the store: emails, organisation scoping, hashed tokens."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import ConflictError, InputError, NotFoundError
from quayside.store.models import PortalSessionRow, User, UserRole
from quayside.store.repositories import users as repo
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("Ops@Example.ORG", "ops@example.org"), ("  a.b+c@port.co.uk ", "a.b+c@port.co.uk")],
)
def test_email_is_trimmed_and_lower_cased(raw: str, stored: str) -> None:
    assert repo.normalize_email(raw) == stored


@pytest.mark.parametrize(
    "raw", ["", "   ", "no-at-sign", "a@b", "a@@b.org", "a b@c.org", "x" * 250 + "@a.org"]
)
def test_bad_email_is_refused_quoting_it(raw: str) -> None:
    with pytest.raises(InputError, match="email"):
        repo.normalize_email(raw)


def test_email_is_unique_whatever_its_case(session: Session) -> None:
    port = create_organisation(session, "Port", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    carrier = create_organisation(session, "Carrier", OrgRole.CARRIER, code="MAEU")
    repo.add_user(
        session, port, email="ops@example.org", name="Ops", role=UserRole.ADMIN, password_hash="h", now=NOW
    )
    with pytest.raises(ConflictError, match=r"ops@example\.org"):
        repo.add_user(
            session,
            carrier,
            email="OPS@example.org",
            name="Ops 2",
            role=UserRole.MEMBER,
            password_hash="h",
            now=NOW,
        )
    session.commit()
    found = repo.user_by_email(session, "  OPS@EXAMPLE.org")
    assert found is not None
    assert found.org_id == port.id
    assert repo.user_by_email(session, "not an email") is None


def test_another_organisations_user_is_not_found(session: Session) -> None:
    port = create_organisation(session, "Port", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    carrier = create_organisation(session, "Carrier", OrgRole.CARRIER, code="MAEU")
    user = repo.add_user(
        session, carrier, email="c@x.org", name="C", role=UserRole.MEMBER, password_hash="h", now=NOW
    )
    assert repo.get_org_user(session, carrier.id, user.id) is user
    with pytest.raises(NotFoundError, match="no such user"):
        repo.get_org_user(session, port.id, user.id)
    with pytest.raises(NotFoundError):
        repo.get_org_user(session, carrier.id, user.id + 1000)
    assert [u.email for u in repo.list_users(session, port.id)] == []
    assert repo.count_admins(session, carrier.id) == 0


def test_sessions_are_found_by_digest_and_go_with_their_user(session: Session) -> None:
    org = create_organisation(session, "Carrier", OrgRole.CARRIER, code="MAEU")
    user = repo.add_user(
        session, org, email="c@x.org", name="C", role=UserRole.ADMIN, password_hash="h", now=NOW
    )
    digest = hashlib.sha256(b"token").hexdigest()
    repo.add_session(
        session, user, token_sha256=digest, csrf_token="csrf", now=NOW, expires_at=NOW + timedelta(hours=1)
    )
    session.commit()
    found = repo.find_session(session, digest)
    assert found is not None
    row, found_user, found_org = found
    assert (row.csrf_token, found_user.id, found_org.id) == ("csrf", user.id, org.id)
    assert repo.find_session(session, hashlib.sha256(b"other").hexdigest()) is None
    repo.delete_user(session, user)
    session.commit()
    assert session.scalars(select(PortalSessionRow)).all() == []
    assert session.scalars(select(User)).all() == []


def test_failed_sign_ins_are_counted_in_sql(session: Session) -> None:
    org = create_organisation(session, "Carrier", OrgRole.CARRIER, code="MAEU")
    user = repo.add_user(
        session, org, email="c@x.org", name="C", role=UserRole.MEMBER, password_hash="h", now=NOW
    )
    assert repo.record_failed_sign_in(session, user, NOW) == 1
    assert repo.record_failed_sign_in(session, user, NOW) == 2
    assert repo.delete_session(session, "0" * 64) is False
