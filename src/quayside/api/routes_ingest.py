"""Ingest of terminal feeds: ``POST /ingest/edifact``, ``/ingest/gate-transactions``, ``/ingest/vessel-schedule``.

The body is the file itself (an EDIFACT interchange, a CSV), decoded in its declared charset and loaded by
:func:`quayside.hub.feeds.ingest_feed` (the same service as ``quayside load``), which documents the answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from quayside.api.auth import SessionDep, require
from quayside.api.bodies import media_type
from quayside.hub.feeds import FeedKind, FeedOutcome, decode_feed, ingest_feed
from quayside.hub.outcome import answer_status
from quayside.store.access import Principal
from quayside.store.types import Scope

API_VERSION = "2.2.0"


#: Media types each feed's body may have (a ``charset`` parameter is honoured when it names a text encoding,
#: see :mod:`quayside.api.bodies`).
MEDIA_TYPES: dict[FeedKind, tuple[str, ...]] = {
    FeedKind.EDIFACT: ("application/edifact", "text/plain"),
    FeedKind.GATE_TRANSACTIONS: ("text/csv", "text/plain"),
    FeedKind.VESSEL_SCHEDULE: ("text/csv", "text/plain"),
}


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


def _answer(request: Request, outcome: FeedOutcome) -> JSONResponse:
    body = outcome.to_dict(request.app.state.limits)
    return JSONResponse(body, status_code=answer_status(outcome), headers={"API-Version": API_VERSION})


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
    request: Request,
    session: SessionDep,
    principal: Writer,
    text: Annotated[str, Depends(_body_reader(FeedKind.EDIFACT))],
) -> JSONResponse:
    """Store the events of CODECO/COARRI/COPRAR messages and the move counts of BAPLIE messages.

    201 when every message was mapped, 207 when some were rejected, 422 when none could be used.
    """
    return _answer(
        request, ingest_feed(session, principal, FeedKind.EDIFACT, text, source="POST /ingest/edifact")
    )


@router.post(
    "/gate-transactions",
    status_code=201,
    summary="Load a gate transactions CSV",
    openapi_extra=_body_doc(FeedKind.GATE_TRANSACTIONS, _GATE_TEXT),
)
def post_gate_transactions(
    request: Request,
    session: SessionDep,
    principal: Writer,
    text: Annotated[str, Depends(_body_reader(FeedKind.GATE_TRANSACTIONS))],
) -> JSONResponse:
    """Store truck visits and their GTIN/GTOT events; rows are reported by CSV line (header = 1)."""
    source = "POST /ingest/gate-transactions"
    return _answer(request, ingest_feed(session, principal, FeedKind.GATE_TRANSACTIONS, text, source=source))


@router.post(
    "/vessel-schedule",
    status_code=201,
    summary="Load a vessel schedule CSV",
    openapi_extra=_body_doc(FeedKind.VESSEL_SCHEDULE, _SCHEDULE_TEXT),
)
def post_vessel_schedule(
    request: Request,
    session: SessionDep,
    principal: Writer,
    text: Annotated[str, Depends(_body_reader(FeedKind.VESSEL_SCHEDULE))],
) -> JSONResponse:
    """Store ARRI/DEPA transport events (EST, PLN, ACT); rows are reported by CSV line (header = 1)."""
    source = "POST /ingest/vessel-schedule"
    return _answer(request, ingest_feed(session, principal, FeedKind.VESSEL_SCHEDULE, text, source=source))
