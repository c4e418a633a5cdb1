"""Organisations of the port community and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow
from quayside.store.types import OrgRole


class Organisation(Base):
    """A member of the port community: port authority, terminal, carrier, trucker, cargo owner, partner port.

    ``code`` is the organisation's industry code (SCAC for carriers and truckers, SMDG code for terminals);
    ``port_unlocode`` the port it belongs to (decides what a port authority sees).
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[OrgRole] = mapped_column(enum_column(OrgRole))
    code: Mapped[str | None] = mapped_column(String(20), index=True)
    port_unlocode: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """An API key: only its public prefix and the SHA-256 of the whole key are stored.

    ``scopes`` is a space-separated list of :class:`~quayside.store.types.Scope` values.
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_sha256: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
