"""DCSA Track & Trace 2.2 event routes: ``POST /v2/events``, ``GET /v2/events``, ``GET /v2/events/{eventID}``.

Query parameters are named as in TNT 2.2 (``eventType``, ``equipmentEventTypeCode``, ...,
``eventCreatedDateTime:gte``); lists are comma-separated. Pagination follows the spec's headers:
``Current-Page``, ``Next-Page``, ``Prev-Page``, ``First-Page`` are links carrying an opaque ``cursor``; when a
``cursor`` is given, it alone decides filters and page size. Date-time filters are read by
:func:`quayside.visibility.timeparse.parse_datetime` (offset required, within its range).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from quayside.api import cursor as cursors
from quayside.api.auth import BearerDep, SessionDep, require, run_authorized
from quayside.api.bodies import require_text_charset
from quayside.api.responses import FastJSONResponse
from quayside.errors import InputError
from quayside.hub.events import ingest_events
from quayside.hub.outcome import answer_status
from quayside.store.access import Principal
from quayside.store.repositories.events import EventFilter, EventPage, event_document, get_event, list_events
from quayside.store.types import Scope
from quayside.visibility import timeparse
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
    return timeparse.parse_datetime(text, field=field)


def _checked(cursor: cursors.Cursor) -> cursors.Cursor:
    """``cursor`` when its date-times are in range; a cursor is not signed, so it is checked like a query."""
    filters = cursor.filters
    times = [
        filters.created_eq,
        filters.created_gte,
        filters.created_gt,
        filters.created_lte,
        filters.created_lt,
        *(key.created_at for key in (cursor.after, cursor.before) if key is not None),
    ]
    for when in times:
        if when is not None and timeparse.range_problem(when) is not None:
            raise InputError("not a cursor this server issued", field="cursor")
    return cursor


@router.post(
    "/events",
    status_code=201,
    summary="Post one DCSA event or a list of them",
    dependencies=[Depends(require_text_charset)],
)
def post_events(
    request: Request,
    session: SessionDep,
    principal: Writer,
    payload: Annotated[Any, Body(description="A TNT 2.2 event object, or an array of them")],
) -> JSONResponse:
    """Store the valid events; answer 201 if all were accepted, 207 if some were rejected."""
    limits = request.app.state.limits
    source = f"{request.method} {request.url.path}"
    outcome = ingest_events(session, principal, payload, source=source, limits=limits)
    status = answer_status(outcome)
    return JSONResponse(outcome.to_dict(limits), status_code=status, headers={"API-Version": API_VERSION})


#: The query parameters of ``GET /v2/events`` (TNT 2.2 names) and what they hold, for OpenAPI. The handler
#: reads them from the query string itself: FastAPI's validation of ~20 declared parameters cost about a
#: third of the request's CPU, more than the SQL.
_EVENT_QUERY: tuple[tuple[str, str], ...] = (
    ("eventType", "EQUIPMENT, TRANSPORT and/or SHIPMENT, comma-separated"),
    ("shipmentEventTypeCode", "shipment event codes, comma-separated"),
    ("transportEventTypeCode", "transport event codes, comma-separated"),
    ("equipmentEventTypeCode", "equipment event codes, comma-separated"),
    ("carrierBookingReference", "a carrier booking reference"),
    ("transportDocumentReference", "a bill of lading number"),
    ("equipmentReference", "a container number"),
    ("UNLocationCode", "UN/LOCODE of the event location"),
    ("transportCallID", "a transport call"),
    ("vesselIMONumber", "IMO number of the vessel"),
    ("carrierVoyageNumber", "a carrier voyage number"),
    ("eventCreatedDateTime", "created at (ISO 8601 with offset)"),
    ("eventCreatedDateTime:eq", "created at (ISO 8601 with offset)"),
    ("eventCreatedDateTime:gte", "created at or after"),
    ("eventCreatedDateTime:gt", "created after"),
    ("eventCreatedDateTime:lte", "created at or before"),
    ("eventCreatedDateTime:lt", "created before"),
    ("cursor", "an opaque page cursor from a Next-Page / Prev-Page link; it alone decides filters and size"),
)
_EVENT_QUERY_OPENAPI: list[dict[str, Any]] = [
    {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
    for name, text in _EVENT_QUERY
] + [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "page size",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    }
]


def _limit(raw: str | None) -> int:
    """The ``limit`` parameter; a 400 naming it (as for any malformed query parameter) otherwise."""
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= MAX_LIMIT:
        problem = {
            "type": "limit",
            "loc": ("query", "limit"),
            "msg": f"must be an integer from 1 to {MAX_LIMIT}",
            "input": raw,
        }
        raise RequestValidationError([problem])
    return value


def _filters(query: QueryParams) -> cursors.Cursor:
    """The first page asked for by ``query`` (or the page its ``cursor`` names)."""
    cursor = query.get("cursor")
    if cursor is not None:
        return _checked(cursors.decode(cursor))
    eq_name = "eventCreatedDateTime:eq" if query.get("eventCreatedDateTime:eq") else "eventCreatedDateTime"
    filters = EventFilter(
        event_types=tuple(
            EventType(code) for code in _codes(query.get("eventType"), EVENT_TYPES, "eventType")
        ),
        equipment_event_type_codes=_codes(
            query.get("equipmentEventTypeCode"), EQUIPMENT_CODES, "equipmentEventTypeCode"
        ),
        transport_event_type_codes=_codes(
            query.get("transportEventTypeCode"), TRANSPORT_CODES, "transportEventTypeCode"
        ),
        shipment_event_type_codes=_codes(
            query.get("shipmentEventTypeCode"), SHIPMENT_CODES, "shipmentEventTypeCode"
        ),
        carrier_booking_reference=query.get("carrierBookingReference"),
        transport_document_reference=query.get("transportDocumentReference"),
        equipment_reference=query.get("equipmentReference"),
        un_location_code=query.get("UNLocationCode"),
        transport_call_id=query.get("transportCallID"),
        vessel_imo=query.get("vesselIMONumber"),
        carrier_voyage_number=query.get("carrierVoyageNumber"),
        created_eq=_when(query.get(eq_name), eq_name),
        created_gte=_when(query.get("eventCreatedDateTime:gte"), "eventCreatedDateTime:gte"),
        created_gt=_when(query.get("eventCreatedDateTime:gt"), "eventCreatedDateTime:gt"),
        created_lte=_when(query.get("eventCreatedDateTime:lte"), "eventCreatedDateTime:lte"),
        created_lt=_when(query.get("eventCreatedDateTime:lt"), "eventCreatedDateTime:lt"),
    )
    return cursors.Cursor(filters, _limit(query.get("limit")))


# The read handlers are ``async`` and do their work (authentication included) in one call
# (``run_authorized``): on these hot routes FastAPI's thread hop per sync dependency cost more than the SQL.
# They build their JSONResponse themselves: the documents are plain JSON already, so FastAPI's encoding and
# validation pass over the return value (``response_model`` stays, for OpenAPI) is skipped.
@router.get(
    "/events",
    summary="Find events (TNT 2.2)",
    response_model=list[dict[str, Any]],
    openapi_extra={"parameters": _EVENT_QUERY_OPENAPI},
)
async def find_events(request: Request, credentials: BearerDep) -> JSONResponse:
    """Events the caller may see, oldest first, one page at a time."""
    query = request.query_params

    def work(
        session: Session, principal: Principal
    ) -> tuple[cursors.Cursor, EventPage, list[dict[str, Any]]]:
        # The query is checked after authentication, so a caller without a valid key learns nothing.
        current = _filters(query)
        page = list_events(
            session,
            principal,
            current.filters,
            limit=current.limit,
            after=current.after,
            before=current.before,
            max_bytes=request.app.state.limits.page_bytes,
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
    return FastJSONResponse(documents, headers=headers)


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
    return FastJSONResponse(document, headers={"API-Version": API_VERSION})
