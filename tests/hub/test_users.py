"""The portal's people: hashing, sign-in with lockout, session expiry, invitations and removals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from quayside.hub import users
from quayside.hub.users import SIGN_IN_REFUSED, CookieSecurity, PortalSettings, SessionUser
from quayside.store.models import Organisation, PortalSessionRow, User
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole, Scope

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
SETTINGS = PortalSettings()


@pytest.fixture(autouse=True)
def _cheap_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters, except where a test checks the real ones."""
    if request.node.name == "test_production_hashes_use_the_recommended_parameters":
        return
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)
    monkeypatch.setattr(users, "_dummy_hash", lambda: cheap.hash("dummy password"))


@pytest.fixture
def carrier(session: Session) -> Organisation:
    org = create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU")
    session.commit()
    return org


def _user(
    session: Session, org: Organisation, email: str = "ops@maersk.example", *, admin: bool = True
) -> User:
    user = users.create_user(session, org, email=email, name=None, admin=admin, password=PASSWORD, now=NOW)
    session.commit()
    return user


def _signed_in(session: Session, user: User) -> SessionUser:
    opened = users.open_session(session, user, SETTINGS, NOW)
    found = users.resolve_session(session, opened.token, SETTINGS, NOW)
    assert found is not None
    return found


def test_password_is_stored_as_argon2id(session: Session, carrier: Organisation) -> None:
    user = _user(session, carrier)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.name == "ops@maersk.example"


def test_production_hashes_use_the_recommended_parameters() -> None:
    # RFC 9106's second recommendation (argon2-cffi's default): 64 MiB, 3 passes, 4 lanes.
    assert users.hash_password(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize(("password", "message"), [("", "password is empty"), ("short", "too short")])
def test_short_passwords_are_refused(
    session: Session, carrier: Organisation, password: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        users.create_user(
            session, carrier, email="a@b.org", name="A", admin=False, password=password, now=NOW
        )


def test_sign_in_with_the_right_password_in_any_case(session: Session, carrier: Organisation) -> None:
    user = _user(session, carrier)
    assert users.authenticate(session, "OPS@Maersk.example ", PASSWORD, SETTINGS, NOW).id == user.id


@pytest.mark.parametrize(
    ("email", "password"), [("ops@maersk.example", "wrong password!"), ("who@x.org", PASSWORD)]
)
def test_wrong_password_and_unknown_email_get_one_answer(
    session: Session, carrier: Organisation, email: str, password: str
) -> None:
    _user(session, carrier)
    with pytest.raises(AuthenticationError) as info:
        users.authenticate(session, email, password, SETTINGS, NOW)
    assert str(info.value) == SIGN_IN_REFUSED


def test_lockout_after_too_many_failures_then_release(session: Session, carrier: Organisation) -> None:
    settings = PortalSettings(max_failed_sign_ins=3, lockout_minutes=10)
    user = _user(session, carrier)
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            users.authenticate(session, user.email, "wrong password!", settings, NOW)
    session.refresh(user)
    assert user.locked_until == NOW + timedelta(minutes=10)
    with pytest.raises(AuthenticationError) as info:  # the right password, while locked
        users.authenticate(session, user.email, PASSWORD, settings, NOW + timedelta(minutes=9))
    assert str(info.value) == SIGN_IN_REFUSED
    assert (
        users.authenticate(session, user.email, PASSWORD, settings, NOW + timedelta(minutes=10)).id == user.id
    )
    session.refresh(user)
    assert user.failed_sign_ins == 0
    assert user.locked_until is None


def test_success_resets_the_failure_count(session: Session, carrier: Organisation) -> None:
    settings = PortalSettings(max_failed_sign_ins=3)
    user = _user(session, carrier)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            users.authenticate(session, user.email, "wrong password!", settings, NOW)
    users.authenticate(session, user.email, PASSWORD, settings, NOW)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            users.authenticate(session, user.email, "wrong password!", settings, NOW)
    assert users.authenticate(session, user.email, PASSWORD, settings, NOW).id == user.id


def test_session_token_is_stored_hashed(session: Session, carrier: Organisation) -> None:
    user = _user(session, carrier)
    opened = users.open_session(session, user, SETTINGS, NOW)
    row = session.scalars(select(PortalSessionRow)).one()
    assert row.token_sha256 == users.token_digest(opened.token) != opened.token
    assert row.csrf_token == opened.csrf_token
    assert opened.expires_at == NOW + timedelta(hours=12)


def test_idle_expiry_is_pushed_back_by_use(session: Session, carrier: Organisation) -> None:
    user = _user(session, carrier)
    token = users.open_session(session, user, SETTINGS, NOW).token
    at = NOW
    for _ in range(4):  # used every 29 minutes: stays alive
        at += timedelta(minutes=29)
        assert users.resolve_session(session, token, SETTINGS, at) is not None
    assert users.resolve_session(session, token, SETTINGS, at + timedelta(minutes=30)) is None
    assert session.scalars(select(PortalSessionRow)).all() == []  # an ended session is deleted


def test_absolute_expiry_ends_a_busy_session(session: Session, carrier: Organisation) -> None:
    user = _user(session, carrier)
    token = users.open_session(session, user, SETTINGS, NOW).token
    at = NOW
    while at + timedelta(minutes=20) < NOW + timedelta(hours=12):
        at += timedelta(minutes=20)
        assert users.resolve_session(session, token, SETTINGS, at) is not None
    assert users.resolve_session(session, token, SETTINGS, NOW + timedelta(hours=12)) is None


def test_resolved_user_acts_for_its_organisation(session: Session) -> None:
    port = create_organisation(session, "Port", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    admin = _signed_in(session, _user(session, port, "admin@port.example"))
    member = _signed_in(session, _user(session, port, "member@port.example", admin=False))
    assert (admin.principal.org_id, admin.principal.role, admin.is_admin) == (
        port.id,
        OrgRole.PORT_AUTHORITY,
        True,
    )
    assert Scope.ADMIN in admin.principal.scopes
    assert Scope.ADMIN not in member.principal.scopes
    assert Scope.EVENTS_READ in member.principal.scopes
    assert users.resolve_session(session, "", SETTINGS, NOW) is None
    assert users.resolve_session(session, "unknown", SETTINGS, NOW) is None


def test_close_session_signs_out(session: Session, carrier: Organisation) -> None:
    token = users.open_session(session, _user(session, carrier), SETTINGS, NOW).token
    assert users.close_session(session, token) is True
    assert users.resolve_session(session, token, SETTINGS, NOW) is None
    assert users.close_session(session, token) is False


def test_admin_invites_and_removes_within_its_organisation(session: Session, carrier: Organisation) -> None:
    other = create_organisation(session, "Other", OrgRole.CARRIER, code="OTHR")
    outsider = _user(session, other, "x@other.example")
    admin = _signed_in(session, _user(session, carrier))
    invited = users.invite_user(session, admin, email="New@Maersk.example", name="New", admin=False, now=NOW)
    assert len(invited.password) >= users.MIN_PASSWORD_LENGTH
    assert (
        users.authenticate(session, "new@maersk.example", invited.password, SETTINGS, NOW).org_id
        == carrier.id
    )
    assert [u.email for u in users.list_org_users(session, admin)] == [
        "new@maersk.example",
        "ops@maersk.example",
    ]
    with pytest.raises(ConflictError):
        users.invite_user(session, admin, email="new@maersk.example", name=None, admin=False, now=NOW)
    session.rollback()
    with pytest.raises(NotFoundError):
        users.remove_user(session, admin, outsider.id)
    with pytest.raises(ConflictError, match="yourself"):
        users.remove_user(session, admin, admin.user_id)
    users.remove_user(session, admin, invited.user.id)
    assert [u.email for u in users.list_org_users(session, admin)] == ["ops@maersk.example"]


def test_member_manages_no_one(session: Session, carrier: Organisation) -> None:
    member = _signed_in(session, _user(session, carrier, admin=False))
    with pytest.raises(PermissionDeniedError):
        users.list_org_users(session, member)
    with pytest.raises(PermissionDeniedError):
        users.invite_user(session, member, email="n@maersk.example", name=None, admin=True, now=NOW)
    with pytest.raises(PermissionDeniedError):
        users.remove_user(session, member, member.user_id)


def test_settings_from_the_environment() -> None:
    env = {
        "QUAYSIDE_PORTAL_IDLE_MINUTES": "5",
        "QUAYSIDE_PORTAL_ABSOLUTE_HOURS": "1.5",
        "QUAYSIDE_PORTAL_MAX_FAILED_SIGN_INS": "3",
        "QUAYSIDE_PORTAL_LOCKOUT_MINUTES": "60",
        "QUAYSIDE_PORTAL_SECURE_COOKIE": "always",
    }
    settings = PortalSettings.from_env(env)
    assert settings == PortalSettings(5, 1.5, 3, 60, CookieSecurity.ALWAYS)
    assert PortalSettings.from_env({}) == PortalSettings()
    with pytest.raises(ConfigError, match="QUAYSIDE_PORTAL_IDLE_MINUTES"):
        PortalSettings.from_env({"QUAYSIDE_PORTAL_IDLE_MINUTES": "soon"})
    with pytest.raises(ConfigError, match="QUAYSIDE_PORTAL_SECURE_COOKIE"):
        PortalSettings.from_env({"QUAYSIDE_PORTAL_SECURE_COOKIE": "maybe"})


def test_an_invited_user_must_change_the_one_time_password(session: Session, carrier: Organisation) -> None:
    admin = _signed_in(session, _user(session, carrier))
    invited = users.invite_user(session, admin, email="new@maersk.example", name="New", admin=False, now=NOW)
    assert invited.user.must_change_password is True
    opened = users.open_session(session, invited.user, SETTINGS, NOW)
    newcomer = users.resolve_session(session, opened.token, SETTINGS, NOW)
    assert newcomer is not None
    assert newcomer.must_change_password is True
    other = users.open_session(session, invited.user, SETTINGS, NOW).token
    with pytest.raises(InputError, match="current password is not right"):
        users.change_password(
            session, newcomer, opened.token, current="guess", new="a new password!", now=NOW
        )
    users.change_password(
        session, newcomer, opened.token, current=invited.password, new="a new password!", now=NOW
    )
    after = users.resolve_session(session, opened.token, SETTINGS, NOW)
    assert after is not None
    assert after.must_change_password is False
    assert users.resolve_session(session, other, SETTINGS, NOW) is None  # the other session ended
    assert (
        users.authenticate(session, "new@maersk.example", "a new password!", SETTINGS, NOW).id
        == invited.user.id
    )


def test_ended_sessions_are_purged_at_the_next_sign_in(session: Session, carrier: Organisation) -> None:
    user = _user(session, carrier)
    users.open_session(session, user, SETTINGS, NOW)  # left idle
    busy = users.open_session(session, user, SETTINGS, NOW).token
    later = NOW + timedelta(minutes=25)
    assert users.resolve_session(session, busy, SETTINGS, later) is not None
    users.open_session(session, user, SETTINGS, NOW + timedelta(minutes=31))
    assert len(session.scalars(select(PortalSessionRow)).all()) == 2  # the busy one and the new one
