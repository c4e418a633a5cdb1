"""DCSA Track & Trace 2.2 event routes: ``POST /v2/events``, ``GET /v2/events``, ``GET /v2/events/{eventID}``.

Query parameters are named as in TNT 2.2 (``eventType``, ``equipmentEventTypeCode``, ...,
``eventCreatedDateTime:gte``); lists are comma-separated. Pagination follows the spec's headers:
``Current-Page``, ``Next-Page``, ``Prev-Page``, ``First-Page`` are links carrying an opaque ``cursor``; when a
``cursor`` is given, it alone decides filters and page size.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from quayside.api import cursor as cursors
from quayside.api.auth import BearerDep, SessionDep, require, run_authorized
from quayside.api.ingest import ingest_events
from quayside.errors import InputError
from quayside.store.access import Principal
from quayside.store.repositories.events import EventFilter, EventPage, event_document, get_event, list_events
from quayside.store.types import Scope
from quayside.visibility.codes import EquipmentEventTypeCode, ShipmentEventTypeCode, TransportEventTypeCode
from quayside.visibility.model import EventType

API_VERSION = "2.2.0"
EQUIPMENT_CODES = frozenset(code.value for code in EquipmentEventTypeCode)
TRANSPORT_CODES = frozenset(code.value for code in TransportEventTypeCode)
SHIPMENT_CODES = frozenset(code.value for code in ShipmentEventTypeCode)
EVENT_TYPES = frozenset(kind.value for kind in EventType)
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100

router = APIRouter(prefix="/v2", tags=["events"])
Writer = Annotated[Principal, Depends(require(Scope.EVENTS_WRITE))]


def _codes(raw: str | None, allowed: frozenset[str], field: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    values = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    for value in values:
        if value not in allowed:
            raise InputError(
                "unknown code", field=field, value=value, hint=f"use one of {', '.join(sorted(allowed))}"
            )
    return values


def _when(raw: str | None, field: str) -> datetime | None:
    if raw is None:
        return None
    text = raw.strip()
    if "T" in text and " " in text:
        # An unencoded '+' of the offset arrives as a space ("08:00:00 01:00"); the spec's own examples
        # use a space instead of 'T', which fromisoformat accepts as it is.
        text = text.replace(" ", "+", 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InputError(
            "not an ISO 8601 date-time with offset", field=field, value=raw, hint="e.g. 2024-03-01T08:00:00Z"
        )
    return parsed


@router.post("/events", status_code=201, summary="Post one DCSA event or a list of them")
def post_events(
    request: Request,
    session: SessionDep,
    principal: Writer,
    payload: Annotated[Any, Body(description="A TNT 2.2 event object, or an array of them")],
) -> JSONResponse:
    """Store the valid events; answer 201 if all were accepted, 207 if some were rejected."""
    outcome = ingest_events(session, principal, payload, source=f"{request.method} {request.url.path}")
    accepted = outcome.stored or outcome.duplicates
    status = 201 if not outcome.rejected else (207 if accepted else 422)
    return JSONResponse(outcome.to_dict(), status_code=status, headers={"API-Version": API_VERSION})


# The read handlers are ``async`` and do their work (authentication included) in one worker-thread call
# (``run_authorized``): on these hot routes FastAPI's thread hop per sync dependency cost more than the SQL.
# They build their JSONResponse themselves: the documents are plain JSON already, so FastAPI's encoding and
# validation pass over the return value (``response_model`` stays, for OpenAPI) is skipped.
@router.get("/events", summary="Find events (TNT 2.2)", response_model=list[dict[str, Any]])
async def find_events(
    request: Request,
    credentials: BearerDep,
    event_type: Annotated[str | None, Query(alias="eventType")] = None,
    shipment_codes: Annotated[str | None, Query(alias="shipmentEventTypeCode")] = None,
    transport_codes: Annotated[str | None, Query(alias="transportEventTypeCode")] = None,
    equipment_codes: Annotated[str | None, Query(alias="equipmentEventTypeCode")] = None,
    carrier_booking_reference: Annotated[str | None, Query(alias="carrierBookingReference")] = None,
    transport_document_reference: Annotated[str | None, Query(alias="transportDocumentReference")] = None,
    equipment_reference: Annotated[str | None, Query(alias="equipmentReference")] = None,
    un_location_code: Annotated[str | None, Query(alias="UNLocationCode")] = None,
    transport_call_id: Annotated[str | None, Query(alias="transportCallID")] = None,
    vessel_imo: Annotated[str | None, Query(alias="vesselIMONumber")] = None,
    carrier_voyage_number: Annotated[str | None, Query(alias="carrierVoyageNumber")] = None,
    created_eq: Annotated[str | None, Query(alias="eventCreatedDateTime")] = None,
    created_eq_op: Annotated[str | None, Query(alias="eventCreatedDateTime:eq")] = None,
    created_gte: Annotated[str | None, Query(alias="eventCreatedDateTime:gte")] = None,
    created_gt: Annotated[str | None, Query(alias="eventCreatedDateTime:gt")] = None,
    created_lte: Annotated[str | None, Query(alias="eventCreatedDateTime:lte")] = None,
    created_lt: Annotated[str | None, Query(alias="eventCreatedDateTime:lt")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """Events the caller may see, oldest first, one page at a time."""

    def position() -> cursors.Cursor:
        if cursor is not None:
            return cursors.decode(cursor)
        filters = EventFilter(
            event_types=tuple(EventType(code) for code in _codes(event_type, EVENT_TYPES, "eventType")),
            equipment_event_type_codes=_codes(equipment_codes, EQUIPMENT_CODES, "equipmentEventTypeCode"),
            transport_event_type_codes=_codes(transport_codes, TRANSPORT_CODES, "transportEventTypeCode"),
            shipment_event_type_codes=_codes(shipment_codes, SHIPMENT_CODES, "shipmentEventTypeCode"),
            carrier_booking_reference=carrier_booking_reference,
            transport_document_reference=transport_document_reference,
            equipment_reference=equipment_reference,
            un_location_code=un_location_code,
            transport_call_id=transport_call_id,
            vessel_imo=vessel_imo,
            carrier_voyage_number=carrier_voyage_number,
            created_eq=_when(created_eq_op or created_eq, "eventCreatedDateTime"),
            created_gte=_when(created_gte, "eventCreatedDateTime:gte"),
            created_gt=_when(created_gt, "eventCreatedDateTime:gt"),
            created_lte=_when(created_lte, "eventCreatedDateTime:lte"),
            created_lt=_when(created_lt, "eventCreatedDateTime:lt"),
        )
        return cursors.Cursor(filters, limit)

    def work(
        session: Session, principal: Principal
    ) -> tuple[cursors.Cursor, EventPage, list[dict[str, Any]]]:
        # The filters are checked after authentication, so a caller without a valid key learns nothing.
        current = position()
        page = list_events(
            session,
            principal,
            current.filters,
            limit=current.limit,
            after=current.after,
            before=current.before,
        )
        return current, page, [event_document(event) for event in page.events]

    current, page, documents = await run_authorized(request, credentials, Scope.EVENTS_READ, work)

    def link(target: cursors.Cursor) -> str:
        return str(request.url.replace(query=f"cursor={cursors.encode(target)}"))

    headers = {"API-Version": API_VERSION, "Current-Page": link(current)}
    first = cursors.Cursor(current.filters, current.limit)
    if page.prev_before is not None:
        headers["Prev-Page"] = link(cursors.Cursor(current.filters, current.limit, before=page.prev_before))
        headers["First-Page"] = link(first)
    if page.next_after is not None:
        headers["Next-Page"] = link(cursors.Cursor(current.filters, current.limit, after=page.next_after))
    return JSONResponse(documents, headers=headers)


@router.get("/events/{eventID}", summary="Get one event by its eventID", response_model=dict[str, Any])
async def get_one_event(
    request: Request,
    credentials: BearerDep,
    event_id: Annotated[str, Path(alias="eventID")],
) -> JSONResponse:
    """The event, or 404 if it does not exist or the caller may not see it (the two are not told apart)."""

    def work(session: Session, principal: Principal) -> dict[str, Any]:
        return event_document(get_event(session, principal, event_id))

    document = await run_authorized(request, credentials, Scope.EVENTS_READ, work)
    return JSONResponse(document, headers={"API-Version": API_VERSION})
