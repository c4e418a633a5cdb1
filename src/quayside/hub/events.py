"""Loading DCSA events, shared by ``POST /v2/events`` and ``quayside load events``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from quayside.hub.limits import Limits, check_items, document_rejects
from quayside.hub.outcome import Duplicate, Outcome
from quayside.store.access import Principal
from quayside.store.repositories.events import insert_events
from quayside.store.types import Scope
from quayside.visibility.dcsa import parse_events
from quayside.visibility.rejects import Reject


def ingest_events(
    session: Session,
    principal: Principal,
    payload: Any,
    *,
    source: str,
    limits: Limits | None = None,
    batched: bool = False,
) -> Outcome:
    """Validate ``payload`` (one DCSA event or a list), store the good events, report the rest; commits.

    Good events are stored even when their neighbours are rejected — by the parser, by the limits of one
    document (:func:`quayside.hub.limits.check_document`), or by the write policy when the principal may not
    assert them (:mod:`quayside.store.authority`).

    A request (``batched`` false) may hold at most ``limits.items`` events and is stored in one transaction.
    A file loaded from the command line (``batched``) may hold any number; it is stored in transactions of
    ``limits.batch_rows`` events, so that a long load never holds the write lock for long (loading the file
    again after an interruption stores the rest: the load is idempotent).

    Raises
    ------
    InputError
        When ``payload`` is neither an object nor a list, or a request holds more than ``limits.items``.
    """
    limits = Limits() if limits is None else limits
    principal.require(Scope.EVENTS_WRITE)
    if not isinstance(payload, list):
        if not isinstance(payload, dict):
            parse_events(payload, source=source)  # raises, naming what the body is
        payload = [payload]
    if not batched:
        check_items(len(payload), limits, source=source, field="body")
    step = limits.batch_rows if batched else max(len(payload), 1)
    stored: list[str] = []
    duplicates: list[Duplicate] = []
    rejected: list[Reject] = []
    for start in range(0, len(payload), step):
        part = payload[start : start + step]
        too_large = document_rejects(part, limits, source=source, start=start)
        if too_large:
            part = [None if start + i in too_large else item for i, item in enumerate(part)]
        events, rejects = parse_events(part, source=source, start=start)
        rejects = [r for r in rejects if r.index not in too_large] + list(too_large.values())
        result = insert_events(session, events, principal)
        session.commit()
        # Store results are indexed within the good events; report indexes of the original payload.
        original = [event.record if event.record is not None else i for i, event in enumerate(events)]
        stored += [event_id for _, event_id in result.stored]
        duplicates += [Duplicate(original[i], event_id) for i, event_id in result.duplicates]
        # Refused by the write policy: the field becomes a path into the payload, as the parser's are.
        refused = [replace(r, field=f"[{r.index}].{r.field}") for r in result.refused]
        rejected += sorted([*rejects, *refused], key=lambda r: r.index)
    return Outcome(stored=stored, duplicates=duplicates, rejected=rejected)
