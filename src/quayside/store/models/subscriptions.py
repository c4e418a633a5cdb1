"""DCSA event subscriptions, their outbox of deliveries and the log of callback attempts.

A :class:`Subscription` is the TNT 2.2 ``subscription`` resource (``callbackUrl``, ``secret``, filters). The
delivery engine (:mod:`quayside.hub.delivery`) copies every matching event into :class:`Delivery` (the
outbox, one row per subscription and event ``seq``) before it calls back, so a notification survives a
receiver that is down and a server that restarts. Each HTTP POST to the callback is one
:class:`DeliveryAttempt`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow
from quayside.store.models.events import SEQ_TYPE


class DeliveryStatus(StrEnum):
    """Where one event of one subscription stands."""

    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # gave up after the maximum age; can be replayed
    WITHHELD = "withheld"  # the owner may no longer see the event, so it was not sent


class Subscription(Base):
    """One TNT 2.2 event subscription of an organisation.

    ``secret_token`` (column ``secret``) holds the decoded bytes of the base64 ``secret`` (the HMAC key),
    encrypted with Fernet under the hub's secret keys (:mod:`quayside.store.secret_keys`, migration 0007);
    it is never returned. ``api_key_id`` is the API key (``api_keys.id``) that created the subscription: it
    delivers only while that key is valid and holds ``events:read`` and ``subscriptions``. No foreign key:
    keys are revoked, never deleted, and a missing one stops the subscription as a revoked one does.
    ``filters`` holds the filter fields of the subscription body as DCSA names them (lists for the code
    filters). ``cursor_seq`` is the highest event ``seq`` the engine has scanned for it. ``lease_owner`` /
    ``lease_until`` let one worker at a time call back for a subscription, so that two workers (the server's
    and a cron ``quayside deliver``) never send the same batch twice.
    """

    __tablename__ = "event_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(36), unique=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    api_key_id: Mapped[int | None] = mapped_column(Integer(), index=True)
    callback_url: Mapped[str] = mapped_column(String(2000))
    secret_token: Mapped[bytes] = mapped_column("secret", LargeBinary())
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cursor_seq: Mapped[int] = mapped_column(BigInteger(), default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(Base):
    """The outbox: one event to be (or that was) delivered to one subscription.

    Delivered in ``event_seq`` order per subscription. ``expires_at`` is when a still-failing delivery is
    given up (status ``failed``); a replay sets it again.
    """

    __tablename__ = "event_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_pk", "event_seq", name="uq_event_deliveries_subscription_pk"),
        Index("ix_event_deliveries_sub_status_seq", "subscription_pk", "status", "event_seq"),
    )

    id: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=True)
    subscription_pk: Mapped[int] = mapped_column(ForeignKey("event_subscriptions.id", ondelete="CASCADE"))
    event_seq: Mapped[int] = mapped_column(ForeignKey("events.seq", ondelete="CASCADE"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus, 16))
    attempts: Mapped[int] = mapped_column(Integer(), default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer())
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeliveryAttempt(Base):
    """One HTTP POST of a batch of events to a subscription's callback, and how it ended.

    ``status_code`` is None when no answer came (connection refused, timeout); ``error`` then says why.
    """

    __tablename__ = "event_delivery_attempts"
    __table_args__ = (Index("ix_event_delivery_attempts_sub_id", "subscription_pk", "id"),)

    id: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=True)
    subscription_pk: Mapped[int] = mapped_column(ForeignKey("event_subscriptions.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer())
    event_count: Mapped[int] = mapped_column(Integer())
    first_event_seq: Mapped[int] = mapped_column(BigInteger())
    last_event_seq: Mapped[int] = mapped_column(BigInteger())
    status_code: Mapped[int | None] = mapped_column(Integer())
    error: Mapped[str | None] = mapped_column(String(500))
    succeeded: Mapped[bool] = mapped_column(default=False)
