"""Loading terminal feeds: EDIFACT interchanges, gate transactions and vessel schedules (CSV).

Each feed is parsed by its reader in :mod:`quayside.visibility` and stored through the same code as DCSA
events (:func:`quayside.store.repositories.events.insert_events`); truck visits and BAPLIE move counts go
through :mod:`quayside.store.repositories.operations`. Loading is partial and idempotent: good records are
kept whatever their neighbours, each bad one is reported with its index (EDIFACT message number, CSV line
with the header as line 1), field and reason, and a record loaded twice is stored once.

:func:`ingest_feed` serves ``POST /ingest/...`` and ``quayside load edifact | gate-transactions | schedule``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from quayside.errors import InputError
from quayside.hub.limits import Limits
from quayside.hub.outcome import Duplicate, Outcome
from quayside.hub.text import UnsupportedCharsetError, decode_text
from quayside.store.access import Principal
from quayside.store.repositories.events import insert_events
from quayside.store.repositories.operations import store_move_counts, store_truck_visits
from quayside.store.types import Scope
from quayside.visibility.csvfeeds import read_gate_transactions, read_vessel_schedule
from quayside.visibility.edifact import parse_edifact
from quayside.visibility.model import MoveCount, NormalizedEvent, TruckVisit
from quayside.visibility.rejects import Reject


class FeedKind(StrEnum):
    """The feeds the hub takes besides DCSA JSON."""

    EDIFACT = "edifact"  # CODECO, COARRI, COPRAR, BAPLIE (D.00B, SMDG guides)
    GATE_TRANSACTIONS = "gate-transactions"  # CSV, quayside.visibility.csvfeeds.GATE_COLUMNS
    VESSEL_SCHEDULE = "vessel-schedule"  # CSV, quayside.visibility.csvfeeds.SCHEDULE_COLUMNS


@dataclass(frozen=True)
class StoredCount:
    """Records of one kind stored and skipped as already stored."""

    stored: int = 0
    duplicates: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"stored": self.stored, "duplicates": self.duplicates}


@dataclass(frozen=True, kw_only=True)
class FeedOutcome(Outcome):
    """One feed load: an :class:`~quayside.hub.outcome.Outcome` of its events, plus the operational records.

    ``truck_visits`` and ``move_counts`` count those; ``records`` is how many records the feed held
    (EDIFACT messages, CSV data rows).
    """

    kind: FeedKind
    records: int
    truck_visits: StoredCount = StoredCount()
    move_counts: StoredCount = StoredCount()

    @property
    def accepted(self) -> bool:
        """Whether anything was stored or found already stored."""
        return bool(
            self.stored
            or self.duplicates
            or self.truck_visits.stored
            or self.truck_visits.duplicates
            or self.move_counts.stored
            or self.move_counts.duplicates
        )

    def to_dict(self, limits: Limits | None = None) -> dict[str, Any]:
        """The answer of the ingest routes: the outcome's, with the operational counts."""
        return {
            **super().to_dict(limits),
            "truckVisits": self.truck_visits.to_dict(),
            "moveCounts": self.move_counts.to_dict(),
            "records": self.records,
        }


@dataclass
class _Parsed:
    events: list[NormalizedEvent]
    rejects: list[Reject]
    visits: list[TruckVisit] = field(default_factory=list)
    counts: list[MoveCount] = field(default_factory=list)
    records: int = 0


def _parse(kind: FeedKind, text: str, source: str) -> _Parsed:
    if kind is FeedKind.EDIFACT:
        result = parse_edifact(text, source=source)
        return _Parsed(
            result.events, result.rejects, result.truck_visits, result.move_counts, result.messages
        )
    if kind is FeedKind.GATE_TRANSACTIONS:
        gate = read_gate_transactions(text, source=source)
        return _Parsed(gate.events, gate.rejects, gate.visits, records=_csv_rows(text))
    schedule = read_vessel_schedule(text, source=source)
    return _Parsed(schedule.events, schedule.rejects, records=_csv_rows(text))


def _csv_rows(text: str) -> int:
    return max(sum(1 for line in text.splitlines() if line.strip()) - 1, 0)


def ingest_feed(
    session: Session, principal: Principal, kind: FeedKind, text: str, *, source: str
) -> FeedOutcome:
    """Parse ``text`` as a ``kind`` feed, store what is good as ``principal``, report the rest; commits.

    Raises
    ------
    PermissionDeniedError
        If the principal lacks the ``events:write`` scope.
    InputError
        If the whole feed is unreadable (no EDIFACT message at all, CSV without its required columns).
    """
    principal.require(Scope.EVENTS_WRITE)
    parsed = _parse(kind, text, source)
    result = insert_events(session, parsed.events, principal)
    visits = store_truck_visits(session, parsed.visits, principal)
    counts = store_move_counts(session, parsed.counts, principal)
    session.commit()
    # Store results index the good events; report where each came from in the feed instead.
    where = [event.record if event.record is not None else i for i, event in enumerate(parsed.events)]
    return FeedOutcome(
        kind=kind,
        records=parsed.records,
        stored=[event_id for _, event_id in result.stored],
        duplicates=[Duplicate(where[i], event_id) for i, event_id in result.duplicates],
        # Parse rejects, then what the write policy refused (quayside.store.authority).
        rejected=sorted(
            (*parsed.rejects, *result.refused, *visits.refused, *counts.refused),
            key=lambda r: (r.index, r.field),
        ),
        truck_visits=StoredCount(visits.stored, len(visits.duplicates)),
        move_counts=StoredCount(counts.stored, len(counts.duplicates)),
    )


def decode_feed(data: bytes, kind: FeedKind, *, source: str, charset: str | None = None) -> str:
    """The text of a feed body: the declared charset, else UTF-8 (EDIFACT falls back to ISO 8859-1, UNOC).

    Raises
    ------
    UnsupportedCharsetError
        For a declared charset that is unknown or not a text encoding (415, see :mod:`quayside.api.bodies`).
    InputError
        For an empty body or bytes that are not valid in the charset.
    """
    if not data.strip():
        raise InputError("the body is empty", source=source, hint=f"send the {kind.value} file as the body")
    try:
        return decode_text(data, charset, source=source, default="utf-8-sig")
    except UnsupportedCharsetError:
        raise
    except InputError:
        if kind is FeedKind.EDIFACT and charset is None:
            # Syntax level UNOC is ISO 8859-1, where every byte is a character.
            return data.decode("latin-1")
        raise
