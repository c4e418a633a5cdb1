"""Vessel calls: ``GET /portal/calls`` and ``GET /portal/calls.csv``.

For carriers, terminal operators and port authorities (others: 403). The rows are
:func:`quayside.store.repositories.reads_calls.list_calls` with the user's principal, the read behind the
API's ``GET /vessel-calls``: the port authority sees its port's calls, the terminal its facilities', the
carrier the voyages it holds.

Page parameters besides the table's (``quayside.portal.render``): ``facility`` (SMDG terminal code),
``from`` and ``to`` (dates, ``YYYY-MM-DD``, UTC; calls with a timestamp on or after ``from`` and before the
day after ``to``). A bad date is ignored and the page says so.

Columns (hours and moves per hour as the API computes them, actual times only): ``call`` (vesselCallID),
``vessel``, ``imo``, ``voyage``, ``port`` (UN/LOCODE), ``terminal`` (SMDG), ``berth_planned`` and
``berth_actual`` (berth arrival, UTC), ``berth_deviation_h`` (actual - planned), ``departure_actual``
(UTC), ``anchorage_wait_h``, ``berth_time_h``, ``moves`` (discharges + loads + restows) and
``productivity_moves_per_h`` (gross berth productivity).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from quayside.api.auth import SessionDep
from quayside.errors import QuaysideError
from quayside.portal.pages import error_page, render_page, require_page
from quayside.portal.render import Column, TableQuery, TableView, csv_response
from quayside.portal.session import PortalUser, portal_user
from quayside.store.repositories.reads_calls import CallFilter, VesselCall, list_calls
from quayside.store.types import Scope
from quayside.visibility.model import Classifier

__all__ = ["COLUMNS", "MAX_CALLS", "router"]

router = APIRouter(tags=["portal"], include_in_schema=False)
User = Annotated[PortalUser, Depends(portal_user)]
#: Calls one page reads at most, oldest first (the page says when there were more).
MAX_CALLS = 2000
MAX_FACILITY_CHARS = 6


def _moves(item: VesselCall) -> int | None:
    moves = item.moves
    return None if moves is None else moves.discharges + moves.loads + moves.restows


COLUMNS: tuple[Column[VesselCall], ...] = (
    Column("call", "Call", lambda c: c.call.id, numeric=True),
    Column("vessel", "Vessel", lambda c: c.vessel_name),
    Column("imo", "IMO", lambda c: c.vessel_imo),
    Column("voyage", "Voyage", lambda c: c.call.carrier_voyage_number),
    Column("port", "Port", lambda c: c.call.un_location_code),
    Column("terminal", "Terminal", lambda c: c.facility_code),
    Column(
        "berth_planned",
        "Berth arrival planned (UTC)",
        lambda c: c.schedule["berthArrival"].times.get(Classifier.PLN),
    ),
    Column("berth_actual", "Berth arrival actual (UTC)", lambda c: c.schedule["berthArrival"].actual),
    Column(
        "berth_deviation_h",
        "Arrival deviation (h)",
        lambda c: c.schedule["berthArrival"].deviation_h(),
        numeric=True,
    ),
    Column("departure_actual", "Berth departure actual (UTC)", lambda c: c.schedule["berthDeparture"].actual),
    Column("anchorage_wait_h", "Anchorage wait (h)", lambda c: c.anchorage_wait_h, numeric=True),
    Column("berth_time_h", "Berth time (h)", lambda c: c.berth_time_h, numeric=True),
    Column("moves", "Moves", _moves, numeric=True),
    Column(
        "productivity_moves_per_h",
        "Productivity (moves/h)",
        lambda c: c.gross_berth_productivity,
        numeric=True,
    ),
)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filters(facility: str, start: str, end: str) -> tuple[CallFilter, list[str]]:
    problems = []
    first, last = _day(start), _day(end)
    if start and first is None:
        problems.append(f"'from' must be a date YYYY-MM-DD (got {start[:20]!r}); it was left out")
    if end and last is None:
        problems.append(f"'to' must be a date YYYY-MM-DD (got {end[:20]!r}); it was left out")
    code = facility.strip().upper()[:MAX_FACILITY_CHARS] or None
    return (
        CallFilter(
            facility_code=code,
            start=None if first is None else datetime(first.year, first.month, first.day, tzinfo=UTC),
            end=None
            if last is None
            else datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1),
        ),
        problems,
    )


def _calls(session: Session, user: PortalUser, filters: CallFilter) -> tuple[list[VesselCall], bool]:
    require_page(user, "calls")
    user.principal.require(Scope.EVENTS_READ)
    found = list_calls(session, user.principal, filters, limit=MAX_CALLS + 1)
    return found[:MAX_CALLS], len(found) > MAX_CALLS


def _table_query(request: Request) -> TableQuery:
    return TableQuery.parse(request.query_params, COLUMNS, default_sort="call", default_descending=True)


def _params(request: Request) -> tuple[str, str, str]:
    params = request.query_params
    return params.get("facility", ""), params.get("from", ""), params.get("to", "")


@router.get("/portal/calls", response_class=HTMLResponse)
def calls_page(request: Request, session: SessionDep, user: User) -> Response:
    """The calls the user's organisation may see."""
    facility, start, end = _params(request)
    filters, problems = _filters(facility, start, end)
    try:
        rows, more = _calls(session, user, filters)
    except QuaysideError as error:
        return error_page(request, user, error)
    view = TableView.build(
        "Vessel calls",
        "/portal/calls",
        rows,
        COLUMNS,
        _table_query(request),
        extra={"facility": facility.strip(), "from": start.strip(), "to": end.strip()},
        csv_path="/portal/calls.csv",
    )
    return render_page(
        request,
        user,
        "pages/calls.html",
        title="Vessel calls",
        current="calls",
        view=view,
        facility=facility.strip(),
        start=start.strip(),
        end=end.strip(),
        problems=problems,
        more=more,
        max_calls=MAX_CALLS,
    )


@router.get("/portal/calls.csv")
def calls_csv(request: Request, session: SessionDep, user: User) -> Response:
    """The page's rows (every page of them) as CSV."""
    filters, _ = _filters(*_params(request))
    try:
        rows, _ = _calls(session, user, filters)
    except QuaysideError as error:
        return error_page(request, user, error)
    return csv_response(rows, COLUMNS, _table_query(request), filename="vessel-calls.csv")
