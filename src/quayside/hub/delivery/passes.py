"""One delivery pass: queue the new matching events of every subscription, then send what is due.

:func:`run_once` runs :func:`queue_new_events` (step 1, the outbox) and :func:`send_due` (step 2: per
subscription, claim it, build batches of due deliveries the owner may still see, POST them through
``send`` until one fails, release it). A subscription whose step fails is reported and skipped;
the others go on. A subscription whose API key was revoked (or lost a scope it needs) is stopped at either
step: nothing more is queued, and what was pending is ``withheld`` with the reason. Reached through
``quayside.hub.delivery``, the public import path.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from quayside.errors import QuaysideError
from quayside.hub.delivery.config import DeliveryConfig
from quayside.hub.delivery.report import PassReport
from quayside.hub.delivery.send import _ERROR_CHARS, _Batch, _post, _record
from quayside.hub.delivery.signing import encode_body
from quayside.store import db
from quayside.store.models import DeliveryStatus, Subscription
from quayside.store.models.base import utcnow
from quayside.store.repositories.events import event_document
from quayside.store.repositories.subscriptions import (
    claim,
    enqueue_matching,
    owner_principal,
    pending_batch,
    release,
    stop_reason,
    subscription_secret,
    visible_events,
    withhold_pending,
)

# The logger of the public module, so log settings made for it before the split still apply.
log = logging.getLogger("quayside.hub.delivery")


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
                if _stopped(session, sub, report):
                    report.stopped += 1
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


def _stopped(session: Session, sub: Subscription, report: PassReport) -> bool:
    """Whether ``sub`` may no longer deliver (its key); if so, its pending deliveries are withheld."""
    reason = stop_reason(session, sub)
    if reason is None:
        return False
    withheld = withhold_pending(session, sub.id, f"not sent: {reason}")
    if withheld:
        log.info(
            "subscription %s stopped (%s): %d deliveries withheld", sub.subscription_id, reason, withheld
        )
    report.withheld += withheld
    return True


def _skip(report: PassReport, pk: int, step: str, exc: Exception) -> None:
    log.warning("delivery %s of subscription %s failed: %s", step, pk, exc)
    report.errors.append(f"subscription {pk}: {step}: {type(exc).__name__}: {exc}"[:_ERROR_CHARS])


def _next_batch(
    session: Session, pk: int, config: DeliveryConfig, now: datetime, report: PassReport
) -> _Batch | None:
    sub = session.get(Subscription, pk)
    if sub is None or _stopped(session, sub, report):  # the key may have been revoked since step 1
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
                secret=subscription_secret(session, sub),
                delivery_ids=[d.id for d in ready],
                first_seq=ready[0].event_seq,
                last_seq=ready[-1].event_seq,
                body=encode_body([event_document(events[d.event_seq]) for d in ready]),
            )
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
