"""The delivery engine of event subscriptions: queue matching events, call back, retry, log.

One pass (:func:`run_once`) does two things:

1. **Queue.** For every subscription, the events stored since its cursor that match its filters and that its
   owner may see (:func:`~quayside.store.access.event_visibility`) are copied into the outbox
   (``event_deliveries``), one row per subscription and event ``seq``. The outbox is in the database, so a
   receiver that is down, or a server that restarts, loses nothing.
2. **Send.** Per subscription, pending deliveries go out in ``seq`` order, up to ``batch_size`` events per
   POST: a JSON array of TNT 2.2 events, with the headers ``Subscription-ID`` and
   ``Notification-Signature: sha256=<hex HMAC-SHA256>`` keyed with the decoded bytes of the subscription's
   base64 secret over the exact body bytes (TNT 2.2, ``callbacks`` of ``POST /v2/event-subscriptions``).
   A 2xx answer marks the batch delivered (never sent again). Anything else (another status, a refused
   connection, a timeout) is logged as an attempt and retried with exponential backoff; later events wait
   behind the first one, so order is kept. A delivery still failing after ``max_age`` is marked ``failed``
   and stays in the log until the owner replays it.

Before sending, each event is checked again against the owner's access rule; one it may no longer see is
``withheld`` rather than sent. :class:`DeliveryWorker` runs passes in a thread inside the API server;
``quayside deliver`` runs them from the command line (once, or in a loop for cron-less deployments).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from quayside.errors import ConfigError, QuaysideError
from quayside.store import db
from quayside.store.models import Delivery, DeliveryAttempt, DeliveryStatus, Subscription
from quayside.store.models.base import utcnow
from quayside.store.repositories.events import event_document
from quayside.store.repositories.subscription_rules import blocked_callback_address
from quayside.store.repositories.subscriptions import (
    claim,
    enqueue_matching,
    owner_principal,
    pending_batch,
    release,
    visible_events,
)

log = logging.getLogger(__name__)

API_VERSION = "2.2.0"
SIGNATURE_TYPE = "sha256"  # the one signature type TNT 2.2 lists
WORKER_ENV = "QUAYSIDE_DELIVERY_WORKER"
_ERROR_CHARS = 500


@dataclass(frozen=True)
class DeliveryConfig:
    """Timing of deliveries. DCSA TNT 2.2 fixes none of these: every default is a project assumption (U).

    Retry ``n`` (1-based) waits ``min(first_delay_s * backoff_factor ** (n - 1), max_delay_s)`` seconds after
    the ``n``-th failed attempt: 1, 2, 4, 8, ... up to 5 minutes. A delivery failing for ``max_age_s`` (one
    day) is given up (``failed``, replayable). ``grace_s`` is how far back in ``created_at`` the queue
    looks again for events whose transaction committed after a later one's.
    """

    first_delay_s: float = 1.0
    backoff_factor: float = 2.0
    max_delay_s: float = 300.0
    max_age_s: float = 86_400.0
    timeout_s: float = 10.0
    batch_size: int = 100
    scan_limit: int = 1000
    max_batches_per_pass: int = 20
    grace_s: float = 60.0
    poll_interval_s: float = 1.0

    def __post_init__(self) -> None:
        for name in (
            "first_delay_s",
            "backoff_factor",
            "max_delay_s",
            "max_age_s",
            "timeout_s",
            "poll_interval_s",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError("must be positive", field=name, value=getattr(self, name))
        for name in ("batch_size", "scan_limit", "max_batches_per_pass"):
            if getattr(self, name) < 1:
                raise ConfigError("must be at least 1", field=name, value=getattr(self, name))
        if self.grace_s < 0:
            raise ConfigError("must not be negative", field="grace_s", value=self.grace_s)

    @property
    def lease(self) -> timedelta:
        """How long a worker holds a subscription while it sends: well past one request's timeout."""
        return timedelta(seconds=self.timeout_s * 3)


def backoff_delay(attempts: int, config: DeliveryConfig) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (``attempts >= 1``)."""
    exponent = max(attempts, 1) - 1
    seconds = min(config.first_delay_s * config.backoff_factor**exponent, config.max_delay_s)
    return timedelta(seconds=seconds)


def sign(secret: bytes, body: bytes) -> str:
    """The ``Notification-Signature`` header value: ``sha256=<hex HMAC-SHA256(secret, body)>``."""
    return f"{SIGNATURE_TYPE}={hmac.new(secret, body, hashlib.sha256).hexdigest()}"


def encode_body(events: list[dict[str, Any]]) -> bytes:
    """The callback body: a JSON array of events, UTF-8 (the signature covers exactly these bytes)."""
    return json.dumps(events, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class PassReport:
    """What one pass did: deliveries queued, POSTs made, events delivered / failed / withheld."""

    queued: int = 0
    posts: int = 0
    delivered: int = 0
    failed_posts: int = 0
    given_up: int = 0
    withheld: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "queued": self.queued,
            "posts": self.posts,
            "delivered": self.delivered,
            "failedPosts": self.failed_posts,
            "givenUp": self.given_up,
            "withheld": self.withheld,
            "errors": list(self.errors),
        }


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


def queue_new_events(
    sessions: sessionmaker[Session], config: DeliveryConfig, now: datetime, report: PassReport
) -> None:
    """Step 1 of a pass: queue matching events for every subscription (counted in ``report.queued``).

    A subscription that fails (a database error, a lock timeout) is reported and skipped; the others go on.
    """
    for pk in _subscription_ids(sessions):
        try:
            with db.session_scope(sessions) as session:
                sub = session.get(Subscription, pk)
                if sub is None:  # deleted meanwhile
                    continue
                report.queued += enqueue_matching(
                    session,
                    sub,
                    now=now,
                    grace=timedelta(seconds=config.grace_s),
                    max_age=timedelta(seconds=config.max_age_s),
                    limit=config.scan_limit,
                )
        except (SQLAlchemyError, QuaysideError) as exc:
            _skip(report, pk, "queue", exc)


def _subscription_ids(sessions: sessionmaker[Session]) -> list[int]:
    with db.session_scope(sessions) as session:
        return list(session.scalars(select(Subscription.id).order_by(Subscription.id)))


def _skip(report: PassReport, pk: int, step: str, exc: Exception) -> None:
    log.warning("delivery %s of subscription %s failed: %s", step, pk, exc)
    report.errors.append(f"subscription {pk}: {step}: {type(exc).__name__}: {exc}"[:_ERROR_CHARS])


def _next_batch(
    session: Session, pk: int, config: DeliveryConfig, now: datetime, report: PassReport
) -> _Batch | None:
    sub = session.get(Subscription, pk)
    if sub is None:
        return None
    while True:
        batch = pending_batch(session, pk, limit=config.batch_size)
        if not batch or batch[0].next_attempt_at > now:
            return None
        events = visible_events(session, owner_principal(session, sub), [d.event_seq for d in batch])
        withheld = [d for d in batch if d.event_seq not in events]
        for delivery in withheld:
            delivery.status = DeliveryStatus.WITHHELD
        report.withheld += len(withheld)
        ready = [d for d in batch if d.event_seq in events]
        if ready:
            session.flush()
            return _Batch(
                subscription_pk=pk,
                subscription_id=sub.subscription_id,
                url=sub.callback_url,
                secret=bytes(sub.secret),
                delivery_ids=[d.id for d in ready],
                first_seq=ready[0].event_seq,
                last_seq=ready[-1].event_seq,
                body=encode_body([event_document(events[d.event_seq]) for d in ready]),
            )
        session.flush()


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
    blocked = blocked_callback_address(urlsplit(batch.url).hostname or "")
    if blocked is not None:
        error = f"callback address {blocked} is on a loopback, private or reserved network; not sent"
        return _Outcome(started, 0, None, error)
    try:
        response = client.post(batch.url, content=batch.body, headers=headers)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}: {response.text[:200]}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    duration = round((time.perf_counter() - clock) * 1000)
    return _Outcome(started, duration, status, error[:_ERROR_CHARS] if error else None)


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


def send_due(
    sessions: sessionmaker[Session],
    client: httpx.Client,
    config: DeliveryConfig,
    now: datetime,
    *,
    worker: str,
    report: PassReport,
) -> None:
    """Step 2 of a pass: for each subscription, POST its due deliveries until one fails or none is left."""
    for pk in _subscription_ids(sessions):
        try:
            _send_subscription(sessions, pk, client, config, now, worker=worker, report=report)
        except (SQLAlchemyError, QuaysideError) as exc:
            _skip(report, pk, "send", exc)


def _send_subscription(
    sessions: sessionmaker[Session],
    pk: int,
    client: httpx.Client,
    config: DeliveryConfig,
    now: datetime,
    *,
    worker: str,
    report: PassReport,
) -> None:
    with db.session_scope(sessions) as session:
        if not claim(session, pk, worker, now=now, lease=config.lease):
            return
    try:
        for _ in range(config.max_batches_per_pass):
            with db.session_scope(sessions) as session:
                batch = _next_batch(session, pk, config, now, report)
            if batch is None:
                break
            outcome = _post(client, batch)
            report.posts += 1
            with db.session_scope(sessions) as session:
                _record(session, batch, outcome, config, now, report)
            if not outcome.ok:
                report.failed_posts += 1
                break
    finally:
        with db.session_scope(sessions) as session:
            release(session, pk, worker)


def run_once(
    sessions: sessionmaker[Session],
    *,
    config: DeliveryConfig | None = None,
    client: httpx.Client | None = None,
    now: datetime | None = None,
    worker: str | None = None,
) -> PassReport:
    """One pass: queue new matching events, then send what is due. Safe to run from several processes.

    ``now`` replaces the clock (for tests of the retry schedule); ``client`` an HTTP client of one's own.
    """
    config = config or DeliveryConfig()
    moment = now or utcnow()
    report = PassReport()
    queue_new_events(sessions, config, moment, report)
    own_client = client is None
    http = client or httpx.Client(timeout=config.timeout_s, follow_redirects=False)
    try:
        send_due(sessions, http, config, moment, worker=worker or _worker_id(), report=report)
    finally:
        if own_client:
            http.close()
    return report


def _worker_id() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


class DeliveryWorker:
    """Runs :func:`run_once` every ``poll_interval_s`` in a daemon thread until :meth:`stop`."""

    def __init__(self, sessions: sessionmaker[Session], config: DeliveryConfig | None = None) -> None:
        self.sessions = sessions
        self.config = config or DeliveryConfig()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._id = _worker_id()

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="quayside-delivery", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish its pass and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        with httpx.Client(timeout=self.config.timeout_s, follow_redirects=False) as client:
            while not self._stop.is_set():
                try:
                    run_once(self.sessions, config=self.config, client=client, worker=self._id)
                except Exception:  # a failing pass must not kill the worker; the next one retries
                    log.exception("delivery pass failed")
                self._stop.wait(self.config.poll_interval_s)


def worker_enabled() -> bool:
    """Whether the API server should run a :class:`DeliveryWorker` (``QUAYSIDE_DELIVERY_WORKER=1``)."""
    return os.environ.get(WORKER_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def deliver(url: str | None, *, loop: bool = False, interval_s: float | None = None) -> PassReport:
    """``quayside deliver``: migrate, then one pass (or passes every ``interval_s`` until interrupted).

    Returns the report of the last pass.
    """
    resolved = db.resolve_url(url)
    db.upgrade(resolved)
    engine = db.make_engine(resolved)
    config = DeliveryConfig() if interval_s is None else DeliveryConfig(poll_interval_s=interval_s)
    try:
        sessions = db.session_factory(engine)
        report = run_once(sessions, config=config)
        while loop:
            time.sleep(config.poll_interval_s)
            report = run_once(sessions, config=config)
        return report
    finally:
        engine.dispose()
