"""One callback POST and its record: send a batch, then log the attempt and mark, retry or give up.

:func:`_post` sends a :class:`_Batch` and returns an :class:`_Outcome`. The callback's host is resolved
once (:func:`~quayside.store.repositories.subscription_rules.resolve_callback_address`): an address on the
hub's own networks is refused, and the connection goes to the very address that was checked, with the host
name kept in the ``Host`` header and, for https, as the TLS server name (SNI) that the certificate is
verified against, so DNS rebinding cannot redirect it. :func:`_record` writes the attempt to the log and,
per delivery, marks it ``delivered`` on a 2xx answer, ``failed`` once past its ``expires_at``, or
schedules the next attempt after :func:`~quayside.hub.delivery.config.backoff_delay`. The pass
(``passes``) calls both, with the HTTP call outside any transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.hub.delivery.config import DeliveryConfig, backoff_delay
from quayside.hub.delivery.report import PassReport
from quayside.hub.delivery.signing import sign
from quayside.store.models import Delivery, DeliveryAttempt, DeliveryStatus
from quayside.store.models.base import utcnow
from quayside.store.repositories.subscription_rules import resolve_callback_address

API_VERSION = "2.2.0"
_ERROR_CHARS = 500


@dataclass(frozen=True)
class _Batch:
    """A batch ready to POST, detached from its session (the HTTP call happens outside a transaction)."""

    subscription_pk: int
    subscription_id: str
    url: str
    secret: bytes
    delivery_ids: list[int]
    first_seq: int
    last_seq: int
    body: bytes


@dataclass(frozen=True)
class _Outcome:
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(client: httpx.Client, batch: _Batch) -> _Outcome:
    headers = {
        "Content-Type": "application/json",
        "Subscription-ID": batch.subscription_id,
        "Notification-Signature": sign(batch.secret, batch.body),
        "API-Version": API_VERSION,
    }
    started = utcnow()
    clock = time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        url = httpx.URL(batch.url)
    except httpx.InvalidURL as exc:
        return _Outcome(started, 0, None, f"not a valid callback URL: {exc}"[:_ERROR_CHARS])
    target = resolve_callback_address(url.raw_host.decode("ascii"))
    if not target.addresses:
        return _Outcome(started, 0, None, (target.refused or "not sent")[:_ERROR_CHARS])
    for address in target.addresses:  # each one checked; the next only when this one cannot be reached
        request_url, extensions = _pinned(url, address, headers)
        try:
            response = client.post(request_url, content=batch.body, headers=headers, extensions=extensions)
        except httpx.ConnectError as exc:
            error = f"{type(exc).__name__}: {exc}"
            continue
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            break
        status = response.status_code
        error = None if 200 <= status < 300 else f"HTTP {status}: {response.text[:200]}"
        break
    duration = round((time.perf_counter() - clock) * 1000)
    return _Outcome(started, duration, status, error[:_ERROR_CHARS] if error else None)


def _pinned(url: httpx.URL, address: str, headers: dict[str, str]) -> tuple[httpx.URL, dict[str, str]]:
    """``url`` with its host replaced by the checked ``address``; the name goes in ``Host`` and SNI.

    Adds ``Host`` (and, for https, ``Connection: close``) to ``headers``. The connection pool knows a
    connection by address, not by name, so an https connection verified for one name is never reused for
    another name on the same address. Returns the URL to request and the request extensions.
    """
    headers["Host"] = url.netloc.decode("ascii")
    extensions: dict[str, str] = {}
    if url.scheme == "https":
        extensions["sni_hostname"] = url.raw_host.decode("ascii")
        headers["Connection"] = "close"
    return url.copy_with(host=address), extensions


def _record(
    session: Session,
    batch: _Batch,
    outcome: _Outcome,
    config: DeliveryConfig,
    now: datetime,
    report: PassReport,
) -> None:
    session.add(
        DeliveryAttempt(
            subscription_pk=batch.subscription_pk,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            event_count=len(batch.delivery_ids),
            first_event_seq=batch.first_seq,
            last_event_seq=batch.last_seq,
            status_code=outcome.status_code,
            error=outcome.error,
            succeeded=outcome.ok,
        )
    )
    rows = session.scalars(select(Delivery).where(Delivery.id.in_(batch.delivery_ids)))
    for delivery in rows:
        delivery.attempts += 1
        delivery.last_attempt_at = outcome.started_at
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        if outcome.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            report.delivered += 1
        elif now >= delivery.expires_at:
            delivery.status = DeliveryStatus.FAILED
            report.given_up += 1
        else:
            delivery.next_attempt_at = now + backoff_delay(delivery.attempts, config)
    session.flush()
