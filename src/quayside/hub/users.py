"""People of the portal: create and invite users, sign in with lockout, open, use and close sessions.

The portal's routes and ``quayside user create`` call these; they stay thin. Every service takes the
clock's ``now`` (timezone-aware UTC) so that expiry and lockout are tested without waiting.

Passwords are hashed with argon2id (``argon2-cffi``, its default parameters, RFC 9106's second
recommendation); a hash made with older parameters is replaced at the next sign-in. A session is a random
token (256 bits) in a cookie; only its SHA-256 is stored. It ends when unused for
:attr:`PortalSettings.idle_minutes` or :attr:`PortalSettings.absolute_hours` after sign-in, whichever comes
first. After :attr:`PortalSettings.max_failed_sign_ins` wrong passwords in a row an account is locked for
:attr:`PortalSettings.lockout_minutes`; the answer to a wrong password, an unknown email and a locked
account is the same (:data:`SIGN_IN_REFUSED`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from quayside.errors import AuthenticationError, ConfigError, ConflictError, InputError, PermissionDeniedError
from quayside.store import db
from quayside.store.access import Principal
from quayside.store.models import Organisation, User, UserRole
from quayside.store.repositories import users as repo
from quayside.store.repositories.orgs import DEFAULT_SCOPES, get_organisation, principal_for
from quayside.store.types import Scope

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "SIGN_IN_REFUSED",
    "Actor",
    "CookieSecurity",
    "InvitedUser",
    "OpenedSession",
    "PortalSettings",
    "SessionUser",
    "authenticate",
    "change_password",
    "check_password",
    "close_session",
    "create_user",
    "create_user_in",
    "hash_password",
    "invite_user",
    "list_org_users",
    "open_session",
    "remove_user",
    "resolve_session",
    "token_digest",
]

#: Shortest password accepted (NIST SP 800-63B asks for at least 8; a project choice, U).
MIN_PASSWORD_LENGTH = 12
#: Longest password accepted: argon2 takes any length, but a megabyte form field need not be hashed.
MAX_PASSWORD_LENGTH = 1024
#: The one answer to a refused sign-in: wrong password, unknown email or locked account alike.
SIGN_IN_REFUSED = "the email or the password is not right"
#: A session's ``last_seen_at`` is written at most this often (not on every page), so idle expiry is
#: exact to within this interval.
TOUCH_INTERVAL = timedelta(seconds=60)


class CookieSecurity(StrEnum):
    """When the session cookie carries the ``Secure`` attribute."""

    AUTO = "auto"  # when the request came over https (behind a proxy: uvicorn --proxy-headers)
    ALWAYS = "always"
    NEVER = "never"


def _env_number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError("not a number", source=name, value=raw) from None
    if value <= 0:
        raise ConfigError("must be more than 0", source=name, value=raw)
    return value


@dataclass(frozen=True)
class PortalSettings:
    """Sign-in and session settings of the portal; :meth:`from_env` reads ``QUAYSIDE_PORTAL_*``."""

    idle_minutes: float = 30.0  # QUAYSIDE_PORTAL_IDLE_MINUTES
    absolute_hours: float = 12.0  # QUAYSIDE_PORTAL_ABSOLUTE_HOURS
    max_failed_sign_ins: int = 5  # QUAYSIDE_PORTAL_MAX_FAILED_SIGN_INS
    lockout_minutes: float = 15.0  # QUAYSIDE_PORTAL_LOCKOUT_MINUTES
    secure_cookie: CookieSecurity = CookieSecurity.AUTO  # QUAYSIDE_PORTAL_SECURE_COOKIE

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.idle_minutes)

    @property
    def absolute(self) -> timedelta:
        return timedelta(hours=self.absolute_hours)

    @property
    def lockout(self) -> timedelta:
        return timedelta(minutes=self.lockout_minutes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PortalSettings:
        """The defaults, overridden by ``QUAYSIDE_PORTAL_*`` variables; :class:`ConfigError` naming a bad one."""
        env = os.environ if env is None else env
        raw_secure = env.get("QUAYSIDE_PORTAL_SECURE_COOKIE", "").strip().lower() or CookieSecurity.AUTO.value
        try:
            secure = CookieSecurity(raw_secure)
        except ValueError:
            allowed = ", ".join(choice.value for choice in CookieSecurity)
            raise ConfigError(
                "unknown choice",
                source="QUAYSIDE_PORTAL_SECURE_COOKIE",
                value=raw_secure,
                hint=f"use {allowed}",
            ) from None
        return cls(
            idle_minutes=_env_number(env, "QUAYSIDE_PORTAL_IDLE_MINUTES", cls.idle_minutes),
            absolute_hours=_env_number(env, "QUAYSIDE_PORTAL_ABSOLUTE_HOURS", cls.absolute_hours),
            max_failed_sign_ins=int(
                _env_number(env, "QUAYSIDE_PORTAL_MAX_FAILED_SIGN_INS", cls.max_failed_sign_ins)
            ),
            lockout_minutes=_env_number(env, "QUAYSIDE_PORTAL_LOCKOUT_MINUTES", cls.lockout_minutes),
            secure_cookie=secure,
        )


class Actor(Protocol):
    """Who acts in the portal (a :class:`SessionUser`, or the portal's ``PortalUser``)."""

    @property
    def user_id(self) -> int: ...

    @property
    def is_admin(self) -> bool: ...

    @property
    def principal(self) -> Principal: ...


@dataclass(frozen=True)
class SessionUser:
    """The user of a valid session, the principal of their organisation and the session's CSRF token."""

    user_id: int
    email: str
    name: str
    is_admin: bool
    principal: Principal
    csrf_token: str
    must_change_password: bool = False  # signed in with a one-time password: no page until it is changed


@dataclass(frozen=True)
class OpenedSession:
    """A new session: ``token`` goes in the cookie (and is never stored), ``csrf_token`` in every form."""

    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class InvitedUser:
    """A user an administrator invited; ``password`` is shown to the administrator once, never stored."""

    user: User
    password: str


# --- passwords ----------------------------------------------------------------------------------------------


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash checked for unknown emails, so that they take as long to refuse as a wrong password."""
    return _hasher().hash(secrets.token_urlsafe(16))


def check_password(password: str, field: str = "password") -> str:
    """``password`` if it is long enough to be used; :class:`InputError` saying how long otherwise."""
    if not password:
        raise InputError(
            "password is empty", field=field, hint=f"give at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"password is too short ({len(password)} characters)",
            field=field,
            hint=f"give at least {MIN_PASSWORD_LENGTH} characters",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"password is longer than {MAX_PASSWORD_LENGTH} characters", field=field)
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (a PHC string starting ``$argon2id$``)."""
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _one_time_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, 120 bits


def token_digest(token: str) -> str:
    """The SHA-256 (hex) of a session token: what the store holds instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- users ---------------------------------------------------------------------------------------------------


def _role(admin: bool) -> UserRole:
    return UserRole.ADMIN if admin else UserRole.MEMBER


def create_user(
    session: Session,
    org: Organisation,
    *,
    email: str,
    name: str | None,
    admin: bool,
    password: str,
    now: datetime,
    must_change_password: bool = False,
) -> User:
    """Add a user to ``org`` with ``password`` (checked, then hashed); the name defaults to the email.

    ``must_change_password``: the password serves once; the portal asks for a new one before any page.
    """
    check_password(password)
    address = repo.normalize_email(email)
    return repo.add_user(
        session,
        org,
        email=address,
        name=name or address,
        role=_role(admin),
        password_hash=hash_password(password),
        now=now,
        must_change_password=must_change_password,
    )


def create_user_in(
    url: str | None, *, org: str, email: str, name: str | None, admin: bool, password: str, now: datetime
) -> tuple[User, Organisation]:
    """``quayside user create``: migrate the database at ``url``, then add the user to organisation ``org``.

    ``org`` is the organisation's name or id; :class:`~quayside.errors.NotFoundError` naming it if none.
    """
    check_password(password)  # before touching the database
    with db.migrated_session(url) as session:
        organisation = get_organisation(session, org)
        user = create_user(
            session, organisation, email=email, name=name, admin=admin, password=password, now=now
        )
        return user, organisation


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDeniedError(
            "only an administrator of the organisation manages its users",
            source=actor.principal.org_name,
            hint="ask one of your organisation's administrators",
        )


def list_org_users(session: Session, actor: Actor) -> Sequence[User]:
    """The users of ``actor``'s organisation (administrators only)."""
    _require_admin(actor)
    return repo.list_users(session, actor.principal.org_id)


def invite_user(
    session: Session, actor: Actor, *, email: str, name: str | None, admin: bool, now: datetime
) -> InvitedUser:
    """Add a user to ``actor``'s organisation with a generated one-time password, returned once; commits.

    The administrator hands the password on; the user signs in with it once and must then choose their own
    (:func:`change_password`) before any page opens.
    """
    _require_admin(actor)
    org = get_organisation(session, actor.principal.org_id)
    password = _one_time_password()
    user = create_user(
        session,
        org,
        email=email,
        name=name,
        admin=admin,
        password=password,
        now=now,
        must_change_password=True,
    )
    session.commit()
    return InvitedUser(user=user, password=password)


def remove_user(session: Session, actor: Actor, user_id: int) -> User:
    """Remove user ``user_id`` of ``actor``'s organisation and their sessions; commits.

    Raises
    ------
    NotFoundError
        When there is no such user in the actor's organisation (another organisation's user is not found).
    ConflictError
        When the actor removes themselves (another administrator must).
    """
    _require_admin(actor)
    user = repo.get_org_user(session, actor.principal.org_id, user_id)
    if user.id == actor.user_id:
        raise ConflictError(
            "you cannot remove yourself", field="userID", value=user_id, hint="ask another administrator"
        )
    repo.delete_user(session, user)
    session.commit()
    return user


# --- sign-in and sessions -------------------------------------------------------------------------------------


def _refused() -> AuthenticationError:
    return AuthenticationError(SIGN_IN_REFUSED)


def authenticate(
    session: Session, email: str, password: str, settings: PortalSettings, now: datetime
) -> User:
    """The user whose ``email`` and ``password`` these are; commits the lockout counters.

    A wrong password counts one failure; the ``max_failed_sign_ins``-th in a row locks the account for
    ``lockout_minutes``. While locked, even the right password is refused. Success resets the count.

    Raises
    ------
    AuthenticationError
        With the same text (:data:`SIGN_IN_REFUSED`) for an unknown email, a wrong password and a locked
        account, so the answer does not tell whether an email has an account.
    """
    user = repo.user_by_email(session, email)
    if user is None or len(password) > MAX_PASSWORD_LENGTH:
        _verify(_dummy_hash(), password[:MAX_PASSWORD_LENGTH])
        raise _refused()
    if user.locked_until is not None:
        if user.locked_until > now:
            _verify(_dummy_hash(), password)  # the same time as any other refusal
            raise _refused()
        user.locked_until = None
        user.failed_sign_ins = 0
        session.flush()
    if not _verify(user.password_hash, password):
        failures = repo.record_failed_sign_in(session, user, now)
        if failures >= settings.max_failed_sign_ins:
            user.locked_until = now + settings.lockout
            user.failed_sign_ins = 0
        session.commit()
        raise _refused()
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.updated_at = now
    session.commit()
    return user


def open_session(session: Session, user: User, settings: PortalSettings, now: datetime) -> OpenedSession:
    """Start a session of ``user`` (after :func:`authenticate`); commits.

    Sessions of anyone that have ended meanwhile (idle or absolute expiry) are deleted on the way, so that
    the table holds no more than the live sessions and those ended since the last sign-in.
    """
    repo.delete_ended_sessions(session, now=now, idle_since=now - settings.idle)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires_at = now + settings.absolute
    repo.add_session(
        session, user, token_sha256=token_digest(token), csrf_token=csrf, now=now, expires_at=expires_at
    )
    session.commit()
    return OpenedSession(token=token, csrf_token=csrf, expires_at=expires_at)


def _principal(org: Organisation, admin: bool) -> Principal:
    """The organisation's principal: its role's default scopes; the hub ``admin`` scope for admins only."""
    scopes = [scope for scope in DEFAULT_SCOPES[org.role] if admin or scope is not Scope.ADMIN]
    return principal_for(org, scopes)


def resolve_session(
    session: Session, token: str, settings: PortalSettings, now: datetime
) -> SessionUser | None:
    """The user of the session whose cookie holds ``token``, or None when there is none or it ended.

    An ended session (idle or absolute expiry) is deleted. A live one is marked seen (at most once per
    :data:`TOUCH_INTERVAL`); commits what it changed.
    """
    if not token:
        return None
    digest = token_digest(token)
    found = repo.find_session(session, digest)
    if found is None:
        return None
    row, user, org = found
    if now >= row.expires_at or now - row.last_seen_at >= settings.idle:
        repo.delete_session(session, digest)
        session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        session.commit()
    admin = user.role is UserRole.ADMIN
    return SessionUser(
        user_id=user.id,
        email=user.email,
        name=user.name,
        is_admin=admin,
        principal=_principal(org, admin),
        csrf_token=row.csrf_token,
        must_change_password=user.must_change_password,
    )


def change_password(
    session: Session, actor: Actor, token: str, *, current: str, new: str, now: datetime
) -> None:
    """Replace ``actor``'s password after checking the current one; ends their other sessions; commits.

    Raises
    ------
    InputError
        When ``current`` is not their password (field ``current_password``), or ``new`` is too short or the
        same as ``current`` (field ``new_password``).
    """
    user = session.get(User, actor.user_id)
    if user is None:  # pragma: no cover - the session's user, removed meanwhile
        raise AuthenticationError("the session's user no longer exists")
    if not _verify(user.password_hash, current):
        raise InputError("the current password is not right", field="current_password")
    check_password(new, "new_password")
    if new == current:
        raise InputError("the new password is the same as the current one", field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.updated_at = now
    repo.delete_other_sessions(session, user.id, token_digest(token))
    session.commit()


def close_session(session: Session, token: str) -> bool:
    """Sign out: delete the session whose cookie holds ``token``; whether there was one. Commits."""
    if not token:
        return False
    deleted = repo.delete_session(session, token_digest(token))
    session.commit()
    return deleted
