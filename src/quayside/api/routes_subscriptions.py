"""DCSA TNT 2.2 event subscriptions: ``/v2/event-subscriptions`` and the delivery log (a Quayside extension).

Spec routes: ``POST`` / ``GET`` (list) ``/v2/event-subscriptions``; ``GET`` / ``PUT`` / ``DELETE``
``/v2/event-subscriptions/{subscriptionID}``; ``PUT /v2/event-subscriptions/{subscriptionID}/secret``.
The ``secret`` is write-only: accepted in ``POST`` and on ``/secret``, never returned, refused in ``PUT``.
Extension routes (documented in ``docs/api-subscriptions.md``): ``GET .../{subscriptionID}/deliveries``,
``GET .../{subscriptionID}/delivery-attempts`` and ``POST .../{subscriptionID}/deliveries/replay``.

Every route needs a key with the scopes ``subscriptions`` and ``events:read`` (the callbacks carry events,
so a key that may not read them may not make, steer or inspect a subscription) and sees only the caller's
own subscriptions; another organisation's subscription answers 404, as if it did not exist. A subscription
follows the key that made it: once that key is revoked it delivers no more, and its document says so
(``deliveryStatus``, ``stoppedReason``, Quayside extensions next to ``apiKeyID``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from quayside.api.auth import SessionDep, require
from quayside.api.routes_events import API_VERSION
from quayside.errors import InputError
from quayside.hub.delivery import DeliveryConfig, DeliveryWorker, worker_enabled
from quayside.store.access import Principal
from quayside.store.models import Delivery, DeliveryAttempt, DeliveryStatus
from quayside.store.repositories import subscriptions as repo

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


@asynccontextmanager
async def _delivery_lifespan(app: FastAPI) -> AsyncIterator[None]:
    # An app starts its own worker only when asked for (QUAYSIDE_DELIVERY_WORKER=1), so that test clients and
    # embedding applications do not call back. ``quayside serve`` and ``demo-serve`` run the one worker of a
    # server themselves (``server_delivery``) and set the variable to 0 for their apps; ``quayside deliver``
    # is the alternative for cron.
    worker: DeliveryWorker | None = None
    if worker_enabled():
        config = getattr(app.state, "delivery_config", None)
        worker = DeliveryWorker(app.state.sessions, config if isinstance(config, DeliveryConfig) else None)
        worker.start()
    app.state.delivery_worker = worker
    try:
        yield
    finally:
        if worker is not None:
            await asyncio.to_thread(worker.stop)


router = APIRouter(prefix="/v2/event-subscriptions", tags=["subscriptions"], lifespan=_delivery_lifespan)
Owner = Annotated[Principal, Depends(require(*repo.SUBSCRIPTION_SCOPES))]
SubscriptionID = Annotated[str, Path(alias="subscriptionID", max_length=36)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


class _Filters(BaseModel):
    """The filter fields of the TNT 2.2 subscription body; codes are checked by the repository."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)

    event_type: list[str] | None = Field(None, alias="eventType")
    shipment_event_type_code: list[str] | None = Field(None, alias="shipmentEventTypeCode")
    document_type_code: list[str] | None = Field(None, alias="documentTypeCode")
    carrier_booking_reference: str | None = Field(None, alias="carrierBookingReference", max_length=35)
    booking_reference: str | None = Field(
        None, alias="bookingReference", max_length=35, description="Deprecated: carrierBookingReference."
    )
    transport_document_reference: str | None = Field(None, alias="transportDocumentReference", max_length=20)
    transport_event_type_code: list[str] | None = Field(None, alias="transportEventTypeCode")
    transport_call_id: str | None = Field(None, alias="transportCallID", max_length=100)
    vessel_imo_number: str | None = Field(None, alias="vesselIMONumber", max_length=7)
    carrier_voyage_number: str | None = Field(None, alias="carrierVoyageNumber", max_length=50)
    export_voyage_number: str | None = Field(None, alias="exportVoyageNumber", max_length=50)
    carrier_service_code: str | None = Field(None, alias="carrierServiceCode", max_length=5)
    un_location_code: str | None = Field(None, alias="UNLocationCode", max_length=5)
    equipment_event_type_code: list[str] | None = Field(None, alias="equipmentEventTypeCode")
    equipment_reference: str | None = Field(None, alias="equipmentReference", max_length=15)
    # Deprecated in TNT 2.2 and not supported: accepted by the schema so that the answer can say so.
    schedule_id: Any = Field(None, alias="scheduleID", description="Deprecated; refused.")
    transport_document_id: Any = Field(None, alias="transportDocumentID", description="Deprecated; refused.")
    transport_document_type_code: Any = Field(
        None, alias="transportDocumentTypeCode", description="Deprecated; refused."
    )

    def filters(self) -> repo.SubscriptionFilters:
        return repo.SubscriptionFilters.from_dcsa(self.model_dump(by_alias=True, exclude_none=True))


class SubscriptionCreate(_Filters):
    """TNT 2.2 ``subscriptionBodyWithSecret``."""

    callback_url: str = Field(alias="callbackUrl", max_length=2000)
    secret: str = Field(description="Base64 of the HMAC key bytes (at least 16 bytes); never returned.")


class SubscriptionUpdate(_Filters):
    """TNT 2.2 ``subscription`` (the body of ``PUT``): callback and filters; the secret must be omitted.

    The read-only Quayside fields of a fetched document may be sent back; they are ignored.
    """

    callback_url: str = Field(alias="callbackUrl", max_length=2000)
    subscription_id: str | None = Field(None, alias="subscriptionID")
    secret: Any = Field(None, description="Must be omitted: use PUT .../{subscriptionID}/secret.")
    api_key_id: Any = Field(None, alias="apiKeyID", description="Read-only; ignored.")
    delivery_status: Any = Field(None, alias="deliveryStatus", description="Read-only; ignored.")
    stopped_reason: Any = Field(None, alias="stoppedReason", description="Read-only; ignored.")


class SecretBody(BaseModel):
    """TNT 2.2 ``subscriptionID_secret_body``."""

    model_config = ConfigDict(extra="forbid")

    secret: str


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"API-Version": API_VERSION, **(headers or {})})


def _encode_cursor(position: int, limit: int) -> str:
    raw = json.dumps({"p": position, "l": limit}, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(text: str) -> tuple[int, int]:
    try:
        body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        position, limit = int(body["p"]), int(body["l"])
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError("not a cursor this server issued", field="cursor", value=text[:40]) from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError("not a cursor this server issued", field="cursor", value=text[:40])
    return position, limit


def _page(cursor: str | None, limit: int) -> tuple[int | None, int]:
    return _decode_cursor(cursor) if cursor is not None else (None, limit)


def _next_link(request: Request, position: int | None, limit: int) -> dict[str, str]:
    if position is None:
        return {}
    return {"Next-Page": str(request.url.replace(query=f"cursor={_encode_cursor(position, limit)}"))}


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _max_age(request: Request) -> timedelta:
    config = getattr(request.app.state, "delivery_config", None)
    chosen = config if isinstance(config, DeliveryConfig) else DeliveryConfig()
    return timedelta(seconds=chosen.max_age_s)


@router.post("", status_code=201, summary="Create a subscription (TNT 2.2)")
def create(session: SessionDep, owner: Owner, body: SubscriptionCreate) -> JSONResponse:
    """Create a subscription; events stored from now on that match it and the caller may see are pushed."""
    row = repo.create_subscription(
        session,
        owner,
        callback_url=body.callback_url,
        secret=repo.decode_secret(body.secret),
        filters=body.filters(),
    )
    session.commit()
    return _json(repo.subscription_documents(session, [row])[0], 201)


@router.get("", summary="List your subscriptions (TNT 2.2)")
def list_all(
    request: Request,
    session: SessionDep,
    owner: Owner,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """The caller's subscriptions, oldest first; ``Next-Page`` links the following page."""
    after, size = _page(cursor, limit)
    rows, following = repo.list_subscriptions(session, owner, limit=size, after_id=after)
    headers = {"Current-Page": str(request.url), **_next_link(request, following, size)}
    return _json(repo.subscription_documents(session, rows), headers=headers)


@router.get("/{subscriptionID}", summary="Find a subscription by ID (TNT 2.2)")
def get_one(session: SessionDep, owner: Owner, subscription_id: SubscriptionID) -> JSONResponse:
    """The subscription (without its secret); 404 for an unknown ID or another organisation's."""
    row = repo.get_subscription(session, owner, subscription_id)
    return _json(repo.subscription_documents(session, [row])[0])


@router.put("/{subscriptionID}", summary="Alter a subscription (TNT 2.2)")
def alter(
    session: SessionDep, owner: Owner, subscription_id: SubscriptionID, body: SubscriptionUpdate
) -> JSONResponse:
    """Replace callback and filters. Deliveries already queued are still sent."""
    if body.secret is not None:
        raise InputError(
            "the secret may not be changed here",
            field="secret",
            hint="omit it, and use PUT /v2/event-subscriptions/{subscriptionID}/secret",
        )
    if body.subscription_id is not None and body.subscription_id != subscription_id:
        raise InputError(
            "does not match the subscriptionID of the path",
            field="subscriptionID",
            value=body.subscription_id,
        )
    row = repo.update_subscription(
        session, owner, subscription_id, callback_url=body.callback_url, filters=body.filters()
    )
    session.commit()
    return _json(repo.subscription_documents(session, [row])[0])


@router.delete("/{subscriptionID}", status_code=204, summary="Stop a subscription (TNT 2.2)")
def stop(session: SessionDep, owner: Owner, subscription_id: SubscriptionID) -> Response:
    """Delete the subscription with its outbox and delivery log."""
    repo.delete_subscription(session, owner, subscription_id)
    session.commit()
    return Response(status_code=204, headers={"API-Version": API_VERSION})


@router.put("/{subscriptionID}/secret", status_code=204, summary="Reset the secret (TNT 2.2)")
def reset_secret(
    session: SessionDep, owner: Owner, subscription_id: SubscriptionID, body: SecretBody
) -> Response:
    """Replace the HMAC key; callbacks not yet sent are signed with the new one."""
    repo.set_secret(session, owner, subscription_id, repo.decode_secret(body.secret))
    session.commit()
    return Response(status_code=204, headers={"API-Version": API_VERSION})


def _delivery_document(delivery: Delivery, event_id: str) -> dict[str, Any]:
    pending = delivery.status is DeliveryStatus.PENDING
    return {
        "eventID": event_id,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "queuedDateTime": _when(delivery.created_at),
        "nextAttemptDateTime": _when(delivery.next_attempt_at) if pending else None,
        "expiresDateTime": _when(delivery.expires_at) if pending else None,
        "lastAttemptDateTime": _when(delivery.last_attempt_at),
        "lastStatusCode": delivery.last_status_code,
        "lastError": delivery.last_error,
        "deliveredDateTime": _when(delivery.delivered_at),
    }


def _attempt_document(attempt: DeliveryAttempt) -> dict[str, Any]:
    return {
        "attemptDateTime": _when(attempt.started_at),
        "durationMs": attempt.duration_ms,
        "eventCount": attempt.event_count,
        "statusCode": attempt.status_code,
        "error": attempt.error,
        "succeeded": attempt.succeeded,
    }


@router.get("/{subscriptionID}/deliveries", summary="Delivery log per event (Quayside extension)")
def deliveries(
    request: Request,
    session: SessionDep,
    owner: Owner,
    subscription_id: SubscriptionID,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """Each event queued for the subscription, in event order: status, attempts, last answer or error."""
    after, size = _page(cursor, limit)
    rows, following = repo.list_deliveries(
        session, owner, subscription_id, status=status, limit=size, after_id=after
    )
    headers = {"Current-Page": str(request.url), **_next_link(request, following, size)}
    return _json([_delivery_document(d, event_id) for d, event_id in rows], headers=headers)


@router.get("/{subscriptionID}/delivery-attempts", summary="Callback attempts (Quayside extension)")
def attempts(
    request: Request,
    session: SessionDep,
    owner: Owner,
    subscription_id: SubscriptionID,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """Each POST made to the callback, newest first: when, how long, how many events, status or error."""
    before, size = _page(cursor, limit)
    rows, following = repo.list_attempts(session, owner, subscription_id, limit=size, before_id=before)
    headers = {"Current-Page": str(request.url), **_next_link(request, following, size)}
    return _json([_attempt_document(row) for row in rows], headers=headers)


@router.post(
    "/{subscriptionID}/deliveries/replay", summary="Queue failed deliveries again (Quayside extension)"
)
def replay(
    request: Request, session: SessionDep, owner: Owner, subscription_id: SubscriptionID
) -> JSONResponse:
    """Deliveries given up after the maximum age are queued again; answers how many."""
    count = repo.replay_failed(session, owner, subscription_id, max_age=_max_age(request))
    session.commit()
    return _json({"replayed": count})
