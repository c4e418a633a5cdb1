"""People of the portal and their sessions: rows in, rows out; no password or clock logic here.

The rules (hashing, lockout, expiry) are in :mod:`quayside.hub.users`. Every lookup of another
organisation's user answers as if it did not exist (:class:`~quayside.errors.NotFoundError`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from quayside.errors import ConflictError, InputError, NotFoundError
from quayside.store.models import Organisation, PortalSessionRow, User, UserRole

__all__ = [
    "add_session",
    "add_user",
    "count_admins",
    "delete_ended_sessions",
    "delete_other_sessions",
    "delete_session",
    "delete_user",
    "find_session",
    "get_org_user",
    "list_users",
    "normalize_email",
    "record_failed_sign_in",
    "user_by_email",
]

#: One ``@`` with something on each side and a dot in the domain; the mailbox itself is not checked.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX_LENGTH = 254


def normalize_email(email: str) -> str:
    """``email`` trimmed and lower-cased, the form it is stored and looked up in.

    Raises
    ------
    InputError
        When it is empty, longer than 254 characters, or not shaped like ``name@domain.tld``.
    """
    value = email.strip().lower()
    if not value:
        raise InputError("email is empty", field="email")
    if len(value) > EMAIL_MAX_LENGTH or not _EMAIL.match(value):
        raise InputError("not an email address", field="email", value=email, hint="e.g. name@example.org")
    return value


def add_user(
    session: Session,
    org: Organisation,
    *,
    email: str,
    name: str,
    role: UserRole,
    password_hash: str,
    now: datetime,
    must_change_password: bool = False,
) -> User:
    """Add a user to ``org``; :class:`ConflictError` if the email is taken (in any organisation)."""
    address = normalize_email(email)
    name = name.strip()
    if not name:
        raise InputError("name is empty", field="name")
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise ConflictError("a user with this email exists", field="email", value=address)
    user = User(
        org_id=org.id,
        email=address,
        name=name,
        role=role,
        password_hash=password_hash,
        must_change_password=must_change_password,
        failed_sign_ins=0,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, email: str) -> User | None:
    """The user with ``email`` (any case), or None; a malformed address is simply not found."""
    try:
        address = normalize_email(email)
    except InputError:
        return None
    return session.scalar(select(User).where(User.email == address))


def list_users(session: Session, org_id: int) -> Sequence[User]:
    """The users of organisation ``org_id``, by email."""
    return session.scalars(select(User).where(User.org_id == org_id).order_by(User.email)).all()


def get_org_user(session: Session, org_id: int, user_id: int) -> User:
    """User ``user_id`` if it belongs to ``org_id``; :class:`NotFoundError` otherwise (never say which)."""
    user = session.get(User, user_id)
    if user is None or user.org_id != org_id:
        raise NotFoundError("no such user", field="userID", value=user_id)
    return user


def count_admins(session: Session, org_id: int) -> int:
    """How many administrators organisation ``org_id`` has."""
    count = session.scalar(
        select(func.count()).select_from(User).where(User.org_id == org_id, User.role == UserRole.ADMIN)
    )
    return int(count or 0)


def delete_user(session: Session, user: User) -> None:
    """Remove ``user`` and every session of theirs."""
    session.execute(delete(PortalSessionRow).where(PortalSessionRow.user_id == user.id))
    session.delete(user)
    session.flush()


def record_failed_sign_in(session: Session, user: User, now: datetime) -> int:
    """Count one more failed sign-in of ``user`` (atomically, in SQL); the new count."""
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_sign_ins=User.failed_sign_ins + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user)
    return user.failed_sign_ins


def add_session(
    session: Session,
    user: User,
    *,
    token_sha256: str,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> PortalSessionRow:
    """Store a new session of ``user``."""
    row = PortalSessionRow(
        token_sha256=token_sha256,
        user_id=user.id,
        csrf_token=csrf_token,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row


def find_session(session: Session, token_sha256: str) -> tuple[PortalSessionRow, User, Organisation] | None:
    """The session whose token hashes to ``token_sha256``, its user and organisation; None if unknown."""
    found = session.execute(
        select(PortalSessionRow, User, Organisation)
        .join(User, User.id == PortalSessionRow.user_id)
        .join(Organisation, Organisation.id == User.org_id)
        .where(PortalSessionRow.token_sha256 == token_sha256)
    ).first()
    if found is None:
        return None
    return found[0], found[1], found[2]


def delete_other_sessions(session: Session, user_id: int, keep_sha256: str) -> None:
    """Delete every session of user ``user_id`` but the one whose token hashes to ``keep_sha256``."""
    session.execute(
        delete(PortalSessionRow)
        .where(PortalSessionRow.user_id == user_id, PortalSessionRow.token_sha256 != keep_sha256)
        .execution_options(synchronize_session=False)
    )


def delete_ended_sessions(session: Session, *, now: datetime, idle_since: datetime) -> None:
    """Delete every session past its absolute expiry at ``now`` or unused since ``idle_since``."""
    session.execute(
        delete(PortalSessionRow)
        .where(or_(PortalSessionRow.expires_at <= now, PortalSessionRow.last_seen_at <= idle_since))
        .execution_options(synchronize_session=False)
    )


def delete_session(session: Session, token_sha256: str) -> bool:
    """Delete the session whose token hashes to ``token_sha256``; whether there was one."""
    result = session.execute(
        delete(PortalSessionRow)
        .where(PortalSessionRow.token_sha256 == token_sha256)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
