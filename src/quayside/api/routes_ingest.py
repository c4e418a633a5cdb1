"""Ingest of terminal feeds: ``POST /ingest/edifact``, ``/ingest/gate-transactions``, ``/ingest/vessel-schedule``.

The body is the file itself (an EDIFACT interchange, a CSV). Each feed is parsed by its reader in
:mod:`quayside.visibility` and stored through the same code as ``POST /v2/events``
(:func:`quayside.store.repositories.events.insert_events`); truck visits and BAPLIE move counts go through
:mod:`quayside.store.repositories.operations`. Loading is partial and idempotent: good records are kept
whatever their neighbours, each bad one is reported with its index (EDIFACT message number, CSV line with
the header as line 1), field and reason, and a record loaded twice is stored once.

:func:`ingest_feed` is shared with ``quayside load edifact | gate-transactions | schedule``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from quayside.api.auth import SessionDep, require
from quayside.api.bodies import UnsupportedCharsetError, decode_text, media_type
from quayside.errors import InputError
from quayside.store.access import Principal
from quayside.store.repositories.events import insert_events
from quayside.store.repositories.operations import store_move_counts, store_truck_visits
from quayside.store.types import Scope
from quayside.visibility.csvfeeds import read_gate_transactions, read_vessel_schedule
from quayside.visibility.edifact import parse_edifact
from quayside.visibility.model import MoveCount, NormalizedEvent, TruckVisit
from quayside.visibility.rejects import Reject

API_VERSION = "2.2.0"


class FeedKind(StrEnum):
    """The feeds the hub takes besides DCSA JSON."""

    EDIFACT = "edifact"  # CODECO, COARRI, COPRAR, BAPLIE (D.00B, SMDG guides)
    GATE_TRANSACTIONS = "gate-transactions"  # CSV, quayside.visibility.csvfeeds.GATE_COLUMNS
    VESSEL_SCHEDULE = "vessel-schedule"  # CSV, quayside.visibility.csvfeeds.SCHEDULE_COLUMNS


#: Media types each feed's body may have (a ``charset`` parameter is honoured when it names a text encoding,
#: see :mod:`quayside.api.bodies`).
MEDIA_TYPES: dict[FeedKind, tuple[str, ...]] = {
    FeedKind.EDIFACT: ("application/edifact", "text/plain"),
    FeedKind.GATE_TRANSACTIONS: ("text/csv", "text/plain"),
    FeedKind.VESSEL_SCHEDULE: ("text/csv", "text/plain"),
}


@dataclass(frozen=True)
class StoredCount:
    """Records of one kind stored and skipped as already stored."""

    stored: int = 0
    duplicates: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"stored": self.stored, "duplicates": self.duplicates}


@dataclass(frozen=True)
class FeedOutcome:
    """One feed load.

    ``stored`` are the eventIDs of new events; ``duplicates`` ``{index, eventID}`` of events already stored;
    ``rejected`` ``{index, field, reason, value}`` of records not loaded; ``truck_visits`` and
    ``move_counts`` count the operational records; ``records`` is how many records the feed held (EDIFACT
    messages, CSV data rows).
    """

    kind: FeedKind
    records: int
    stored: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
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

    def to_dict(self) -> dict[str, Any]:
        """The response body of the ingest routes."""
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
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
        duplicates=[{"index": where[i], "eventID": event_id} for i, event_id in result.duplicates],
        rejected=sorted(
            (
                {"index": r.index, "field": r.field, "reason": r.reason, "value": r.to_dict()["value"]}
                # Parse rejects, then what the write policy refused (quayside.store.authority).
                for r in (*parsed.rejects, *result.refused, *visits.refused, *counts.refused)
            ),
            key=lambda r: (r["index"], r["field"]),
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


def _body_reader(kind: FeedKind) -> Any:
    async def read(request: Request) -> str:
        media, charset = media_type(request.headers.get("content-type"))
        if media not in MEDIA_TYPES[kind]:
            raise StarletteHTTPException(
                415, f"Content-Type must be one of {', '.join(MEDIA_TYPES[kind])} (got {media or 'none'!r})"
            )
        source = f"{request.method} {request.url.path}"
        return decode_feed(await request.body(), kind, source=source, charset=charset)

    return read


def _body_doc(kind: FeedKind, description: str) -> dict[str, Any]:
    schema = {"type": "string", "description": description}
    return {
        "requestBody": {
            "required": True,
            "content": {media: {"schema": schema} for media in MEDIA_TYPES[kind]},
        }
    }


router = APIRouter(prefix="/ingest", tags=["ingest"])
Writer = Annotated[Principal, Depends(require(Scope.EVENTS_WRITE))]


def _answer(outcome: FeedOutcome) -> JSONResponse:
    status = 201 if not outcome.rejected else (207 if outcome.accepted else 422)
    return JSONResponse(outcome.to_dict(), status_code=status, headers={"API-Version": API_VERSION})


_EDIFACT_TEXT = "A UN/EDIFACT interchange (UNA optional) of CODECO, COARRI, COPRAR and/or BAPLIE messages"
_GATE_TEXT = "Gate transactions CSV (one row per container, see docs/data-hub.md)"
_SCHEDULE_TEXT = "Vessel schedule CSV (one row per ARRI/DEPA timestamp, see docs/data-hub.md)"


@router.post(
    "/edifact",
    status_code=201,
    summary="Load an EDIFACT interchange",
    openapi_extra=_body_doc(FeedKind.EDIFACT, _EDIFACT_TEXT),
)
def post_edifact(
    session: SessionDep,
    principal: Writer,
    text: Annotated[str, Depends(_body_reader(FeedKind.EDIFACT))],
) -> JSONResponse:
    """Store the events of CODECO/COARRI/COPRAR messages and the move counts of BAPLIE messages.

    201 when every message was mapped, 207 when some were rejected, 422 when none could be used.
    """
    return _answer(ingest_feed(session, principal, FeedKind.EDIFACT, text, source="POST /ingest/edifact"))


@router.post(
    "/gate-transactions",
    status_code=201,
    summary="Load a gate transactions CSV",
    openapi_extra=_body_doc(FeedKind.GATE_TRANSACTIONS, _GATE_TEXT),
)
def post_gate_transactions(
    session: SessionDep,
    principal: Writer,
    text: Annotated[str, Depends(_body_reader(FeedKind.GATE_TRANSACTIONS))],
) -> JSONResponse:
    """Store truck visits and their GTIN/GTOT events; rows are reported by CSV line (header = 1)."""
    source = "POST /ingest/gate-transactions"
    return _answer(ingest_feed(session, principal, FeedKind.GATE_TRANSACTIONS, text, source=source))


@router.post(
    "/vessel-schedule",
    status_code=201,
    summary="Load a vessel schedule CSV",
    openapi_extra=_body_doc(FeedKind.VESSEL_SCHEDULE, _SCHEDULE_TEXT),
)
def post_vessel_schedule(
    session: SessionDep,
    principal: Writer,
    text: Annotated[str, Depends(_body_reader(FeedKind.VESSEL_SCHEDULE))],
) -> JSONResponse:
    """Store ARRI/DEPA transport events (EST, PLN, ACT); rows are reported by CSV line (header = 1)."""
    source = "POST /ingest/vessel-schedule"
    return _answer(ingest_feed(session, principal, FeedKind.VESSEL_SCHEDULE, text, source=source))
