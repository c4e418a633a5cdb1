"""Event subscriptions (DCSA TNT 2.2 ``/v2/event-subscriptions``), their outbox and delivery log.

A subscription belongs to one organisation: every read and write here takes the caller's
:class:`~quayside.store.access.Principal` and answers "not found" for another organisation's subscription.
Which events a subscription receives is decided by its filters *and* by :func:`event_visibility` of its
owner, evaluated when events are queued and again when they are sent.

Filters are the fields of the TNT 2.2 ``subscriptionBody`` (``components/schemas``:
``shipmentSubscriptionBody``, ``transportSubscriptionBody``, ``equipmentSubscriptionBody``): a logical AND
between fields and OR between the values of a list, as the spec's ``POST /v2/event-subscriptions`` says.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from quayside.errors import InputError, NotFoundError
from quayside.store.access import Principal, event_visibility
from quayside.store.models import Delivery, DeliveryAttempt, DeliveryStatus, Event, Organisation, Subscription
from quayside.store.models.base import utcnow
from quayside.store.repositories._dialect import insert_ignore
from quayside.store.repositories.events import EventFilter
from quayside.store.repositories.orgs import principal_for
from quayside.visibility.codes import EquipmentEventTypeCode, ShipmentEventTypeCode, TransportEventTypeCode
from quayside.visibility.model import EventType

# The shortest secret accepted, in decoded bytes. TNT 2.2 sets no length; 16 bytes (128 bits) is our floor
# so that a signature cannot be forged by guessing the key (an assumption of this project, not DCSA's).
MIN_SECRET_BYTES = 16
MAX_SECRET_BYTES = 1024
CALLBACK_SCHEMES = ("http", "https")

# TNT 2.2 ``documentTypeCode`` enum (components/schemas/documentTypeCode).
DOCUMENT_TYPE_CODES = ("CBR", "BKG", "SHI", "SRM", "TRD", "ARN", "VGM", "CAS", "CUS", "DGD", "OOG")

# Deprecated TNT 2.2 subscription fields that Quayside cannot evaluate: refused, never silently ignored,
# because ignoring a filter would deliver more than the subscriber asked for.
UNSUPPORTED_FIELDS = ("scheduleID", "transportDocumentID", "transportDocumentTypeCode")


@dataclass(frozen=True)
class _Field:
    """One filter of the subscription body: its DCSA name, attribute, and allowed codes for a list."""

    dcsa: str
    attr: str
    codes: tuple[str, ...] | None  # None: a single text value
    max_length: int = 100


# The filter table (TNT 2.2 subscription body); order is the order of the returned documents.
FILTER_FIELDS: tuple[_Field, ...] = (
    _Field("eventType", "event_types", tuple(kind.value for kind in EventType)),
    _Field(
        "shipmentEventTypeCode", "shipment_event_type_codes", tuple(c.value for c in ShipmentEventTypeCode)
    ),
    _Field("documentTypeCode", "document_type_codes", DOCUMENT_TYPE_CODES),
    _Field("carrierBookingReference", "carrier_booking_reference", None, 35),
    _Field("transportDocumentReference", "transport_document_reference", None, 20),
    _Field(
        "transportEventTypeCode", "transport_event_type_codes", tuple(c.value for c in TransportEventTypeCode)
    ),
    _Field("transportCallID", "transport_call_id", None, 100),
    _Field("vesselIMONumber", "vessel_imo", None, 7),
    _Field("carrierVoyageNumber", "carrier_voyage_number", None, 50),
    _Field("exportVoyageNumber", "export_voyage_number", None, 50),
    _Field("carrierServiceCode", "carrier_service_code", None, 5),
    _Field("UNLocationCode", "un_location_code", None, 5),
    _Field(
        "equipmentEventTypeCode", "equipment_event_type_codes", tuple(c.value for c in EquipmentEventTypeCode)
    ),
    _Field("equipmentReference", "equipment_reference", None, 15),
)
# Deprecated alias of a supported field (TNT 2.2: "Deprecated - use carrierBookingReference instead").
ALIASES = {"bookingReference": "carrierBookingReference"}


@dataclass(frozen=True)
class SubscriptionFilters:
    """The filters of one subscription; empty tuples and None mean "do not filter on this"."""

    event_types: tuple[str, ...] = ()
    shipment_event_type_codes: tuple[str, ...] = ()
    document_type_codes: tuple[str, ...] = ()
    carrier_booking_reference: str | None = None
    transport_document_reference: str | None = None
    transport_event_type_codes: tuple[str, ...] = ()
    transport_call_id: str | None = None
    vessel_imo: str | None = None
    carrier_voyage_number: str | None = None
    export_voyage_number: str | None = None
    carrier_service_code: str | None = None
    un_location_code: str | None = None
    equipment_event_type_codes: tuple[str, ...] = ()
    equipment_reference: str | None = None

    @classmethod
    def from_dcsa(cls, body: Mapping[str, Any], *, source: str | None = None) -> SubscriptionFilters:
        """The filters of a subscription body (other keys are ignored: the caller checks them).

        Lists may be JSON arrays or comma-separated strings. Raises :class:`InputError` naming the field for
        an unknown code, a wrong type, an over-long value or an unsupported deprecated filter.
        """
        for name in UNSUPPORTED_FIELDS:
            if body.get(name) is not None:
                raise InputError(
                    "deprecated filter is not supported", source=source, field=name, value=body[name]
                )
        data = dict(body)
        for old, new in ALIASES.items():
            if data.get(old) is not None:
                if data.get(new) is not None and data[new] != data[old]:
                    raise InputError(f"conflicts with {new}", source=source, field=old, value=data[old])
                data[new] = data[old]
        values: dict[str, Any] = {}
        for spec in FILTER_FIELDS:
            raw = data.get(spec.dcsa)
            if raw is None:
                continue
            if spec.codes is None:
                values[spec.attr] = _text(raw, spec, source)
            else:
                values[spec.attr] = _codes(raw, spec, source)
        return cls(**values)

    def to_dcsa(self) -> dict[str, Any]:
        """The filters as subscription body fields (lists as JSON arrays); unset ones are left out."""
        out: dict[str, Any] = {}
        for spec in FILTER_FIELDS:
            value = getattr(self, spec.attr)
            if value in (None, ()):
                continue
            out[spec.dcsa] = list(value) if isinstance(value, tuple) else value
        return out

    def event_filter(self) -> EventFilter:
        """The part of the filters that is SQL on stored columns (the rest: :meth:`matches_document`)."""
        return EventFilter(
            event_types=tuple(EventType(kind) for kind in self.event_types),
            equipment_event_type_codes=self.equipment_event_type_codes,
            transport_event_type_codes=self.transport_event_type_codes,
            shipment_event_type_codes=self.shipment_event_type_codes,
            carrier_booking_reference=self.carrier_booking_reference,
            transport_document_reference=self.transport_document_reference,
            equipment_reference=self.equipment_reference,
            un_location_code=self.un_location_code,
            transport_call_id=self.transport_call_id,
            vessel_imo=self.vessel_imo,
            carrier_voyage_number=self.carrier_voyage_number,
        )

    def matches_document(self, event_type: str, document: Mapping[str, Any]) -> bool:
        """The filters without a column: ``documentTypeCode`` (shipment events only, like the other
        type-code lists), ``exportVoyageNumber`` and ``carrierServiceCode`` (of the ``transportCall``)."""
        if (
            self.document_type_codes
            and event_type == EventType.SHIPMENT.value
            and document.get("documentTypeCode") not in self.document_type_codes
        ):
            return False
        call = document.get("transportCall")
        call = call if isinstance(call, Mapping) else {}
        for wanted, key in (
            (self.export_voyage_number, "exportVoyageNumber"),
            (self.carrier_service_code, "carrierServiceCode"),
        ):
            if wanted is not None and call.get(key) != wanted:
                return False
        return True


def _text(raw: Any, spec: _Field, source: str | None) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InputError("must be a non-empty string", source=source, field=spec.dcsa, value=raw)
    value = raw.strip()
    if len(value) > spec.max_length:
        raise InputError(
            f"longer than {spec.max_length} characters", source=source, field=spec.dcsa, value=raw
        )
    return value


def _codes(raw: Any, spec: _Field, source: str | None) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise InputError("must be a list of codes", source=source, field=spec.dcsa, value=raw)
    codes = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    allowed = spec.codes or ()
    for code in codes:
        if code not in allowed:
            raise InputError(
                "unknown code",
                source=source,
                field=spec.dcsa,
                value=code,
                hint=f"use one of {', '.join(allowed)}",
            )
    return codes


def decode_secret(text: Any, *, field: str = "secret") -> bytes:
    """The key bytes of a base64 ``secret`` (TNT 2.2 ``secret``: ``format: byte``).

    The HMAC of every callback is keyed with these decoded bytes, not with the base64 text.
    """
    if not isinstance(text, str):
        raise InputError("must be a base64 string", field=field, value=type(text).__name__)
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InputError(
            "not valid base64", field=field, hint="encode the secret bytes with base64"
        ) from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InputError(
            f"secret must decode to {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes",
            field=field,
            value=len(key),
            hint="e.g. 32 random bytes, base64-encoded",
        )
    return key


def check_callback_url(url: Any, *, field: str = "callbackUrl") -> str:
    """``url`` if it is an absolute http(s) URL without user info; :class:`InputError` otherwise."""
    if not isinstance(url, str) or not url.strip():
        raise InputError("must be an absolute URL", field=field, value=url)
    text: str = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InputError("not a valid URL", field=field, value=text) from None
    if parts.scheme not in CALLBACK_SCHEMES or not parts.hostname or parts.username or parts.password:
        raise InputError(
            "must be an absolute http(s) URL without credentials",
            field=field,
            value=text,
            hint="e.g. https://example.com/dcsa/callback",
        )
    if len(text) > 2000:
        raise InputError("longer than 2000 characters", field=field, value=text)
    blocked = blocked_callback_address(parts.hostname, resolve=False)
    if blocked is not None:
        raise InputError(
            f"callback address {blocked} is on a loopback, private or reserved network",
            field=field,
            value=text,
            hint=f"use a public address, or set {ALLOW_PRIVATE_ENV}=1 for receivers inside your own network",
        )
    return text


#: Set to 1 to allow callbacks to loopback, private and link-local addresses (a receiver inside the
#: operator's own network, or tests on loopback). Off by default: a member must not make the hub call into
#: the hub's own network (server-side request forgery).
ALLOW_PRIVATE_ENV = "QUAYSIDE_ALLOW_PRIVATE_CALLBACKS"


def blocked_callback_address(host: str, *, resolve: bool = True) -> str | None:
    """The first address of ``host`` that callbacks may not reach, or None when all are allowed.

    A literal IP (or ``localhost``) is judged as it stands; with ``resolve`` a name is looked up and every
    address it resolves to is judged, so that a name pointing inside the network is refused at delivery
    time even when it looked harmless at subscription time. A name that does not resolve is not blocked
    here (the delivery then fails as unreachable).
    """
    import ipaddress
    import os
    import socket

    if os.environ.get(ALLOW_PRIVATE_ENV, "") == "1":
        return None
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return name
    try:
        candidates = [ipaddress.ip_address(name)]
    except ValueError:
        if not resolve:
            return None
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            return None
        candidates = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in candidates:
        if not address.is_global or address.is_multicast:
            return str(address)
    return None


def subscription_document(subscription: Subscription) -> dict[str, Any]:
    """The TNT 2.2 ``subscription`` object: ID, callback and filters; never the secret."""
    filters = SubscriptionFilters.from_dcsa(subscription.filters)
    return {
        "subscriptionID": subscription.subscription_id,
        "callbackUrl": subscription.callback_url,
        **filters.to_dcsa(),
    }


def create_subscription(
    session: Session,
    owner: Principal,
    *,
    callback_url: str,
    secret: bytes,
    filters: SubscriptionFilters,
    now: datetime | None = None,
) -> Subscription:
    """A new subscription of ``owner``; it receives events stored from now on. The caller commits."""
    now = now or utcnow()
    high = session.scalar(select(func.max(Event.seq))) or 0
    row = Subscription(
        subscription_id=str(uuid.uuid4()),
        owner_org_id=owner.org_id,
        callback_url=check_callback_url(callback_url),
        secret=secret,
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
    row.secret = secret
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


def visible_events(session: Session, owner: Principal, seqs: list[int]) -> dict[int, Event]:
    """The events among ``seqs`` that ``owner`` may see now, by seq."""
    if not seqs:
        return {}
    rows = session.scalars(select(Event).where(Event.seq.in_(seqs), event_visibility(owner)))
    return {row.seq: row for row in rows}


__all__ = [
    "FILTER_FIELDS",
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
    "subscription_document",
    "update_subscription",
    "visible_events",
]
