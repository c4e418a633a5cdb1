"""People who sign in to the portal, and their sessions.

- ``users``: a person of an organisation, with a role in it (:class:`UserRole`), an argon2 password hash and
  the sign-in lockout counters. ``must_change_password`` is set for an invited user, whose generated
  password serves once: the portal asks for a new one before any page. ``email`` is stored trimmed and
  lower-cased (:func:`~quayside.store.repositories.users.normalize_email`), so its unique constraint is
  case-insensitive on every dialect.
- ``portal_sessions``: a signed-in browser. Only the SHA-256 of the cookie's token is stored; ``csrf_token``
  is the value every form of the session posts back. A session ends at ``expires_at`` (absolute expiry) or
  when idle too long since ``last_seen_at`` (the idle limit is a setting, read when the session is used).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow


class UserRole(StrEnum):
    """What a person may do within their organisation."""

    ADMIN = "admin"  # invites and removes the organisation's users, manages its keys and subscriptions
    MEMBER = "member"  # reads and works with the organisation's data


class User(Base):
    """A person who signs in to the portal for an organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower-cased
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole, length=16))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string ($argon2id$...)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)  # invited: one-time password
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)  # since the last success or lockout
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PortalSessionRow(Base):
    """A signed-in browser: the SHA-256 (hex) of its cookie token, its user and its CSRF token."""

    __tablename__ = "portal_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # absolute expiry
