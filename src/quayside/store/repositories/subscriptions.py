"""Event subscriptions (DCSA TNT 2.2 ``/v2/event-subscriptions``), their outbox and delivery log.

A subscription belongs to one organisation: every read and write here takes the caller's
:class:`~quayside.store.access.Principal` and answers "not found" for another organisation's subscription.
Which events a subscription receives is decided by its filters *and* by :func:`event_visibility` of its
owner, evaluated when events are queued and again when they are sent.

A subscription also follows the API key that made it: making one takes a key with ``subscriptions`` and
``events:read`` (the callbacks carry events), and it delivers only while that key is valid and holds both
(:func:`stop_reason`); once the key is revoked it is stopped for good and says so
(:func:`subscription_documents`). Its secret is kept encrypted (:mod:`quayside.store.secret_keys`):
:func:`subscription_secret` opens it for signing.

What a subscription may contain (filters, secret, callback address) is checked in
:mod:`quayside.store.repositories.subscription_rules`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from quayside.errors import NotFoundError, PermissionDeniedError
from quayside.store.access import Principal, event_visibility
from quayside.store.models import (
    ApiKey,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Event,
    Organisation,
    Subscription,
)
from quayside.store.models.base import utcnow
from quayside.store.repositories._dialect import insert_ignore
from quayside.store.repositories.orgs import principal_for
from quayside.store.repositories.subscription_rules import (
    FILTER_FIELDS,
    SubscriptionFilters,
    check_callback_url,
    decode_secret,
)
from quayside.store.secret_keys import secret_keys
from quayside.store.types import Scope

#: The scopes a subscription's key must hold for it to be made and to deliver: it pushes events.
SUBSCRIPTION_SCOPES = (Scope.SUBSCRIPTIONS, Scope.EVENTS_READ)


@dataclass(frozen=True)
class KeyState:
    """The API key a subscription follows: its id (prefix), and why it stops delivering (None: it runs)."""

    key_id: str | None
    stop_reason: str | None


def subscription_document(subscription: Subscription, key: KeyState | None = None) -> dict[str, Any]:
    """The TNT 2.2 ``subscription`` object: ID, callback and filters; never the secret.

    With ``key``, the Quayside extension fields follow: ``apiKeyID`` (the id of the key that made it),
    ``deliveryStatus`` (``active`` or ``stopped``) and, when stopped, ``stoppedReason``.
    """
    filters = SubscriptionFilters.from_dcsa(subscription.filters)
    document: dict[str, Any] = {
        "subscriptionID": subscription.subscription_id,
        "callbackUrl": subscription.callback_url,
        **filters.to_dcsa(),
    }
    if key is not None:
        document["apiKeyID"] = key.key_id
        document["deliveryStatus"] = "active" if key.stop_reason is None else "stopped"
        if key.stop_reason is not None:
            document["stoppedReason"] = key.stop_reason
    return document


def subscription_documents(session: Session, rows: list[Subscription]) -> list[dict[str, Any]]:
    """:func:`subscription_document` of each row, with the state of its key (one query for them all)."""
    ids = {row.api_key_id for row in rows if row.api_key_id is not None}
    found = {key.id: key for key in session.scalars(select(ApiKey).where(ApiKey.id.in_(ids)))} if ids else {}
    return [subscription_document(row, _key_state(row, found.get(row.api_key_id or -1))) for row in rows]


def stop_reason(session: Session, subscription: Subscription) -> str | None:
    """Why ``subscription`` may no longer deliver (its key is gone, revoked or lacks a scope), or None."""
    key = session.get(ApiKey, subscription.api_key_id) if subscription.api_key_id is not None else None
    return _key_state(subscription, key).stop_reason


def _key_state(subscription: Subscription, key: ApiKey | None) -> KeyState:
    if subscription.api_key_id is None:
        return KeyState(
            None,
            "no API key is recorded for it (it was made before keys were recorded and no "
            "valid key of its organisation could have made it); make it again",
        )
    if key is None or key.org_id != subscription.owner_org_id:
        return KeyState(None, "the API key that made it no longer exists")
    if key.revoked_at is not None:
        when = key.revoked_at.isoformat(timespec="seconds").replace("+00:00", "Z")
        return KeyState(key.prefix, f"the API key {key.prefix} that made it was revoked at {when}")
    held = set(key.scopes.split())
    for scope in SUBSCRIPTION_SCOPES:
        if scope.value not in held:
            return KeyState(
                key.prefix, f"the API key {key.prefix} that made it lacks the scope '{scope.value}'"
            )
    return KeyState(key.prefix, None)


def _creating_key(session: Session, owner: Principal) -> int:
    """The id of the valid key ``owner`` acts with, which the new subscription will follow."""
    for scope in SUBSCRIPTION_SCOPES:
        owner.require(scope)
    key_id = None
    if owner.key_prefix is not None:
        key_id = session.scalar(
            select(ApiKey.id).where(
                ApiKey.prefix == owner.key_prefix,
                ApiKey.org_id == owner.org_id,
                ApiKey.revoked_at.is_(None),
            )
        )
    if key_id is None:
        raise PermissionDeniedError(
            "a subscription is made with a valid API key, and delivers only while that key is valid",
            source=owner.org_name,
            hint="make it through the API with a key that has the scopes subscriptions and events:read",
        )
    return key_id


def _encrypt(session: Session, secret: bytes) -> bytes:
    return secret_keys(session.get_bind().engine.url, create=True).encrypt(secret)


def subscription_secret(session: Session, subscription: Subscription) -> bytes:
    """The decrypted HMAC key of ``subscription`` (:class:`~quayside.errors.ConfigError` without its key)."""
    return secret_keys(session.get_bind().engine.url).decrypt(subscription.secret_token)


def create_subscription(
    session: Session,
    owner: Principal,
    *,
    callback_url: str,
    secret: bytes,
    filters: SubscriptionFilters,
    now: datetime | None = None,
) -> Subscription:
    """A new subscription of ``owner``; it receives events stored from now on. The caller commits.

    ``owner`` must act with a valid API key holding ``subscriptions`` and ``events:read``
    (:class:`~quayside.errors.PermissionDeniedError` otherwise): the subscription follows that key.
    """
    now = now or utcnow()
    key_id = _creating_key(session, owner)
    url = check_callback_url(callback_url)
    high = session.scalar(select(func.max(Event.seq))) or 0
    row = Subscription(
        subscription_id=str(uuid.uuid4()),
        owner_org_id=owner.org_id,
        api_key_id=key_id,
        callback_url=url,
        secret_token=_encrypt(session, secret),
        filters=filters.to_dcsa(),
        created_at=now,
        updated_at=now,
        cursor_seq=high,
    )
    session.add(row)
    session.flush()
    return row


def get_subscription(session: Session, owner: Principal, subscription_id: str) -> Subscription:
    """``owner``'s subscription ``subscription_id``; :class:`NotFoundError` for any other."""
    row = session.scalar(
        select(Subscription).where(
            Subscription.subscription_id == subscription_id, Subscription.owner_org_id == owner.org_id
        )
    )
    if row is None:
        raise NotFoundError("no such subscription", field="subscriptionID", value=subscription_id)
    return row


def list_subscriptions(
    session: Session, owner: Principal, *, limit: int, after_id: int | None = None
) -> tuple[list[Subscription], int | None]:
    """A page of ``owner``'s subscriptions, oldest first, and the key of the next page (None at the end)."""
    query = select(Subscription).where(Subscription.owner_org_id == owner.org_id)
    if after_id is not None:
        query = query.where(Subscription.id > after_id)
    rows = list(session.scalars(query.order_by(Subscription.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def update_subscription(
    session: Session,
    owner: Principal,
    subscription_id: str,
    *,
    callback_url: str,
    filters: SubscriptionFilters,
) -> Subscription:
    """Replace the callback and filters (TNT 2.2 ``PUT``); queued deliveries stay queued."""
    row = get_subscription(session, owner, subscription_id)
    row.callback_url = check_callback_url(callback_url)
    row.filters = filters.to_dcsa()
    row.updated_at = utcnow()
    session.flush()
    return row


def set_secret(session: Session, owner: Principal, subscription_id: str, secret: bytes) -> None:
    """Replace the HMAC key; deliveries not yet sent are signed with the new one."""
    row = get_subscription(session, owner, subscription_id)
    row.secret_token = _encrypt(session, secret)
    row.updated_at = utcnow()
    session.flush()


def delete_subscription(session: Session, owner: Principal, subscription_id: str) -> None:
    """Stop the subscription; its outbox and log go with it."""
    row = get_subscription(session, owner, subscription_id)
    session.delete(row)
    session.flush()


# --- delivery log ------------------------------------------------------------------------------------------
def list_deliveries(
    session: Session,
    owner: Principal,
    subscription_id: str,
    *,
    status: DeliveryStatus | None,
    limit: int,
    after_id: int | None = None,
) -> tuple[list[tuple[Delivery, str]], int | None]:
    """A page of the subscription's deliveries (with the eventID), in event order."""
    sub = get_subscription(session, owner, subscription_id)
    query = (
        select(Delivery, Event.event_id)
        .join(Event, Event.seq == Delivery.event_seq)
        .where(Delivery.subscription_pk == sub.id)
    )
    if status is not None:
        query = query.where(Delivery.status == status)
    if after_id is not None:
        query = query.where(Delivery.event_seq > after_id)
    rows = [(d, e) for d, e in session.execute(query.order_by(Delivery.event_seq).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1][0].event_seq if more and rows else None)


def list_attempts(
    session: Session, owner: Principal, subscription_id: str, *, limit: int, before_id: int | None = None
) -> tuple[list[DeliveryAttempt], int | None]:
    """A page of the callback attempts of the subscription, newest first."""
    sub = get_subscription(session, owner, subscription_id)
    query = select(DeliveryAttempt).where(DeliveryAttempt.subscription_pk == sub.id)
    if before_id is not None:
        query = query.where(DeliveryAttempt.id < before_id)
    rows = list(session.scalars(query.order_by(DeliveryAttempt.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def replay_failed(
    session: Session,
    owner: Principal,
    subscription_id: str,
    *,
    max_age: timedelta,
    now: datetime | None = None,
) -> int:
    """Queue the subscription's failed deliveries again (due now, for ``max_age`` more); their number."""
    sub = get_subscription(session, owner, subscription_id)
    now = now or utcnow()
    result = session.execute(
        update(Delivery)
        .where(Delivery.subscription_pk == sub.id, Delivery.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, expires_at=now + max_age)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


# --- outbox (used by the delivery engine) -----------------------------------------------------------------
def owner_principal(session: Session, subscription: Subscription) -> Principal:
    """The owner of ``subscription`` as a principal, for the access rule at delivery time."""
    org = session.get_one(Organisation, subscription.owner_org_id)
    return principal_for(org, ())


def enqueue_matching(
    session: Session,
    subscription: Subscription,
    *,
    now: datetime,
    grace: timedelta,
    max_age: timedelta,
    limit: int,
) -> int:
    """Queue the events stored since the subscription's cursor that match it and its owner may see.

    Events of transactions that committed late (a lower ``seq`` appearing after a higher one) are caught by
    looking back ``grace`` in ``created_at`` as well; queueing is idempotent on (subscription, seq), so
    looking twice never queues twice. Returns the number of deliveries queued.
    """
    filters = SubscriptionFilters.from_dcsa(subscription.filters)
    owner = owner_principal(session, subscription)
    high = session.scalar(select(func.max(Event.seq))) or 0
    queued = exists().where(Delivery.subscription_pk == subscription.id, Delivery.event_seq == Event.seq)
    query = (
        select(Event.seq, Event.event_type, Event.document)
        .where(
            Event.created_at >= subscription.created_at,
            (Event.seq > subscription.cursor_seq) | (Event.created_at >= now - grace),
            Event.seq <= high,
            ~queued,
            event_visibility(owner),
            *filters.event_filter().conditions(),
        )
        .order_by(Event.seq)
        .limit(limit)
    )
    rows = session.execute(query).all()
    seqs = [row.seq for row in rows if filters.matches_document(str(row.event_type), row.document)]
    if seqs:
        session.execute(
            insert_ignore(session, Delivery, ["subscription_pk", "event_seq"]),
            [
                {
                    "subscription_pk": subscription.id,
                    "event_seq": seq,
                    "status": DeliveryStatus.PENDING.value,
                    "attempts": 0,
                    "created_at": now,
                    "next_attempt_at": now,
                    "expires_at": now + max_age,
                }
                for seq in seqs
            ],
        )
    # A full page means more may follow: advance only to what was read. Otherwise everything up to ``high``
    # was considered.
    cursor = rows[-1].seq if len(rows) >= limit else high
    if cursor > subscription.cursor_seq:
        subscription.cursor_seq = cursor
    session.flush()
    return len(seqs)


def claim(session: Session, subscription_pk: int, worker: str, *, now: datetime, lease: timedelta) -> bool:
    """Take the subscription's send lease for ``worker`` unless another worker holds a live one."""
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.id == subscription_pk,
            (Subscription.lease_until.is_(None))
            | (Subscription.lease_until < now)
            | (Subscription.lease_owner == worker),
        )
        .values(lease_owner=worker, lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def release(session: Session, subscription_pk: int, worker: str) -> None:
    """Give the lease back (only if ``worker`` still holds it)."""
    session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_pk, Subscription.lease_owner == worker)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def pending_batch(session: Session, subscription_pk: int, *, limit: int) -> list[Delivery]:
    """The first ``limit`` pending deliveries of a subscription in event order."""
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.subscription_pk == subscription_pk, Delivery.status == DeliveryStatus.PENDING)
            .order_by(Delivery.event_seq)
            .limit(limit)
        )
    )


def withhold_pending(session: Session, subscription_pk: int, reason: str) -> int:
    """Mark every pending delivery of a stopped subscription ``withheld`` with ``reason``; their number."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.subscription_pk == subscription_pk, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.WITHHELD, last_error=reason[:500])
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def visible_events(session: Session, owner: Principal, seqs: list[int]) -> dict[int, Event]:
    """The events among ``seqs`` that ``owner`` may see now, by seq."""
    if not seqs:
        return {}
    rows = session.scalars(select(Event).where(Event.seq.in_(seqs), event_visibility(owner)))
    return {row.seq: row for row in rows}


__all__ = [
    "FILTER_FIELDS",
    "SUBSCRIPTION_SCOPES",
    "KeyState",
    "SubscriptionFilters",
    "check_callback_url",
    "claim",
    "create_subscription",
    "decode_secret",
    "delete_subscription",
    "enqueue_matching",
    "get_subscription",
    "list_attempts",
    "list_deliveries",
    "list_subscriptions",
    "owner_principal",
    "pending_batch",
    "release",
    "replay_failed",
    "set_secret",
    "stop_reason",
    "subscription_document",
    "subscription_documents",
    "subscription_secret",
    "update_subscription",
    "visible_events",
    "withhold_pending",
]
