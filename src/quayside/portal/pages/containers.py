"""My containers: ``GET /portal/containers`` (search), ``/portal/containers.csv`` and
``/portal/containers/{ref}`` (one container).

The search finds the containers the user's organisation may see, as ``GET /containers/{ref}`` decides: a
container is listed only when one of its events passes :func:`quayside.store.repositories.events.visible_to`
for the user's principal, so every container listed opens, and no other. The text searched for is a
container number (whole, or its first four or more characters), a carrier booking reference or a bill of
lading (transport document) reference; an empty search lists all of them, up to :data:`MAX_RESULTS`.

The container page is :func:`quayside.store.repositories.reads_containers.container_status` (the API's
own read) and :func:`quayside.programs.footprint.container_footprint` with the same principal. Another
organisation's container answers the very page an unknown one does (404).

Columns of the search table: ``container``; ``status`` (plain language, after the last actual equipment
event, as the API's ``status``); ``event_at`` (UTC) of that event; ``location`` (UN/LOCODE) and
``facility`` (SMDG code) of it; ``events`` (count of the visible equipment events of the container).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from quayside.api.auth import SessionDep
from quayside.api.routes_containers import Now
from quayside.errors import InputError, NotFoundError, QuaysideError
from quayside.portal.pages import error_page, render_page, require_page
from quayside.portal.render import Column, TableQuery, TableView, csv_response
from quayside.portal.session import PortalUser, portal_user
from quayside.programs.footprint import Footprint, container_footprint
from quayside.programs.footprint.reads import latest_visible_year
from quayside.store.access import Principal
from quayside.store.models import Booking, BookingEquipment, Event, EventDocumentRef
from quayside.store.repositories.events import visible_to
from quayside.store.repositories.reads_containers import (
    STATUS_BY_CODE,
    ContainerEvent,
    ContainerStatus,
    container_status,
)
from quayside.store.types import DocumentRefType, Scope
from quayside.visibility.model import Classifier, EventType

__all__ = ["MAX_RESULTS", "ContainerRow", "find_containers", "router"]

router = APIRouter(tags=["portal"], include_in_schema=False)
User = Annotated[PortalUser, Depends(portal_user)]
#: Containers one search lists at most (the page says when there were more).
MAX_RESULTS = 1000
#: A container number typed this far is searched as a prefix too (the owner code and category, "MSKU").
PREFIX_MIN_CHARS = 4
MAX_QUERY_CHARS = 35  # the longest reference searched: a carrier booking reference
MAX_REFERENCE_CHARS = 15  # the longest equipment reference stored (as GET /containers/{ref})

_EVENTS = cast(Table, Event.__table__)
_REFS = cast(Table, EventDocumentRef.__table__)

#: How the timeline names an event's classifier.
CLASSIFIER_LABELS: dict[Classifier, str] = {
    Classifier.ACT: "actual",
    Classifier.EST: "estimated",
    Classifier.PLN: "planned",
    Classifier.REQ: "requested",
}


@dataclass(frozen=True)
class ContainerRow:
    """One container of a search, from its visible equipment events."""

    container: str
    status: str | None
    event_at: datetime | None
    location: str | None
    facility: str | None
    events: int


def _link(row: ContainerRow) -> str:
    return f"/portal/containers/{quote(row.container, safe='')}"


COLUMNS: tuple[Column[ContainerRow], ...] = (
    Column("container", "Container", lambda r: r.container, link=_link),
    Column("status", "Status", lambda r: r.status),
    Column("event_at", "Last event (UTC)", lambda r: r.event_at),
    Column("location", "Location", lambda r: r.location),
    Column("facility", "Facility", lambda r: r.facility),
    Column("events", "Equipment events", lambda r: r.events, numeric=True),
)


def _normalise(q: str) -> str:
    return "".join(q.split()).upper()[:MAX_QUERY_CHARS]


def find_containers(session: Session, principal: Principal, q: str) -> tuple[list[ContainerRow], bool]:
    """The containers ``principal`` may see matching ``q`` (see the module doc), and whether there were
    more than :data:`MAX_RESULTS` (only the first, by container number, are returned)."""
    visible = visible_to(principal)
    conditions = [visible, _EVENTS.c.equipment_reference.is_not(None)]
    text = _normalise(q)
    if text:
        by_reference = _EVENTS.c.seq.in_(
            select(_REFS.c.event_seq).where(
                _REFS.c.ref_type.in_([DocumentRefType.BKG, DocumentRefType.TRD]), _REFS.c.ref_value == text
            )
        )
        linked = _EVENTS.c.equipment_reference.in_(
            select(BookingEquipment.equipment_reference)
            .join(Booking, Booking.id == BookingEquipment.booking_id)
            .where(
                or_(Booking.carrier_booking_reference == text, Booking.transport_document_reference == text)
            )
        )
        matches = [_EVENTS.c.equipment_reference == text, by_reference, linked]
        if len(text) >= PREFIX_MIN_CHARS:
            matches.append(_EVENTS.c.equipment_reference.startswith(text, autoescape=True))
        conditions.append(or_(*matches))
    found = list(
        session.scalars(
            select(_EVENTS.c.equipment_reference)
            .where(*conditions)
            .group_by(_EVENTS.c.equipment_reference)
            .order_by(_EVENTS.c.equipment_reference)
            .limit(MAX_RESULTS + 1)
        )
    )
    more = len(found) > MAX_RESULTS
    found = found[:MAX_RESULTS]
    if not found:
        return [], more
    # The rows are read with the same visibility: only what the organisation may see of each box.
    rows = session.execute(
        select(
            _EVENTS.c.equipment_reference,
            _EVENTS.c.event_type_code,
            _EVENTS.c.classifier,
            _EVENTS.c.event_datetime,
            _EVENTS.c.un_location_code,
            _EVENTS.c.facility_code,
            _EVENTS.c.seq,
        )
        .where(
            visible,
            _EVENTS.c.equipment_reference.in_(found),
            _EVENTS.c.event_type == EventType.EQUIPMENT,
        )
        .order_by(_EVENTS.c.event_datetime, _EVENTS.c.seq)
    ).all()
    counts: dict[str, int] = dict.fromkeys(found, 0)
    last: dict[str, Any] = {}
    for row in rows:
        counts[row.equipment_reference] += 1
        if row.classifier is Classifier.ACT:
            last[row.equipment_reference] = row  # ordered: the last actual event wins
    out = []
    for container in found:
        event = last.get(container)
        out.append(
            ContainerRow(
                container=container,
                status=None
                if event is None
                else STATUS_BY_CODE.get(event.event_type_code, event.event_type_code),
                event_at=None if event is None else event.event_datetime,
                location=None if event is None else event.un_location_code,
                facility=None if event is None else event.facility_code,
                events=counts[container],
            )
        )
    return out, more


def _search(session: Session, user: PortalUser, q: str) -> tuple[list[ContainerRow], bool]:
    require_page(user, "containers")
    user.principal.require(Scope.EVENTS_READ)
    return find_containers(session, user.principal, q)


def _table_query(request: Request) -> TableQuery:
    return TableQuery.parse(request.query_params, COLUMNS, default_sort="container")


@router.get("/portal/containers", response_class=HTMLResponse)
def containers_page(request: Request, session: SessionDep, user: User, q: str = "") -> Response:
    """Search the organisation's containers; the table of results."""
    try:
        rows, more = _search(session, user, q)
    except QuaysideError as error:
        return error_page(request, user, error)
    query = _table_query(request)
    view = TableView.build(
        "Containers",
        "/portal/containers",
        rows,
        COLUMNS,
        query,
        extra={"q": q.strip()},
        csv_path="/portal/containers.csv",
    )
    return render_page(
        request,
        user,
        "pages/containers.html",
        title="My containers",
        current="containers",
        q=q.strip(),
        view=view,
        more=more,
        max_results=MAX_RESULTS,
    )


@router.get("/portal/containers.csv")
def containers_csv(request: Request, session: SessionDep, user: User, q: str = "") -> Response:
    """The search's rows (every page of them) as CSV."""
    try:
        rows, _ = _search(session, user, q)
    except QuaysideError as error:
        return error_page(request, user, error)
    return csv_response(rows, COLUMNS, _table_query(request), filename="containers.csv")


@dataclass(frozen=True)
class TimelineRow:
    """One event of the container's timeline."""

    event: ContainerEvent

    @property
    def what(self) -> str:
        code = self.event.event_type_code
        return f"{code} ({STATUS_BY_CODE[code]})" if code in STATUS_BY_CODE else code


TIMELINE: tuple[Column[TimelineRow], ...] = (
    Column("at", "When (UTC)", lambda r: r.event.event_datetime),
    Column("event", "Event", lambda r: r.what),
    Column("classifier", "Kind", lambda r: CLASSIFIER_LABELS.get(r.event.classifier, r.event.classifier)),
    Column("location", "Location", lambda r: r.event.un_location_code),
    Column("facility", "Facility", lambda r: r.event.facility_code),
    Column("vessel", "Vessel IMO", lambda r: r.event.vessel_imo),
    Column("voyage", "Voyage", lambda r: r.event.carrier_voyage_number),
)


def _footprint(session: Session, principal: Principal, reference: str) -> tuple[Footprint | None, str | None]:
    """The container's footprint in the year of its latest visible event, or why there is none."""
    try:
        year = latest_visible_year(session, principal, reference)
        footprint = container_footprint(session, reference, year, principal=principal)
    except NotFoundError:
        return None, "No footprint: the container has no move at a port with an emission inventory."
    except InputError as error:
        return None, f"No footprint on this page: {error}"
    if footprint is None:
        return None, f"No footprint: no counted move or truck visit of the container in {year}."
    return footprint, None


def _status(session: Session, user: PortalUser, ref: str, now: datetime) -> ContainerStatus:
    """The API's container read, for the user's principal (404 for a box it may not see, as for none).

    A reference longer than any container number is not found either (not a 422).
    """
    require_page(user, "containers")
    user.principal.require(Scope.EVENTS_READ)
    if len(ref) > MAX_REFERENCE_CHARS:
        raise NotFoundError("no such container", field="equipmentReference", value=ref[:MAX_QUERY_CHARS])
    return container_status(session, user.principal, ref, now=now)


def _timeline_query(request: Request) -> TableQuery:
    return TableQuery.parse(request.query_params, TIMELINE, default_sort="at")


@router.get("/portal/containers/{ref}", response_class=HTMLResponse)
def container_page(request: Request, session: SessionDep, user: User, now: Now, ref: str) -> Response:
    """One container: status, location, holds, the carrying vessel's arrival, timeline; the footprint is
    its own page (:func:`footprint_page`), which this one loads into its place once shown."""
    try:
        status = _status(session, user, ref, now)
    except QuaysideError as error:
        return error_page(request, user, error)
    path = f"/portal/containers/{quote(ref, safe='')}"
    timeline = TableView.build(
        "Event timeline",
        path,
        [TimelineRow(event) for event in status.history],
        TIMELINE,
        _timeline_query(request),
        csv_path=f"{path}/timeline.csv",
    )
    return render_page(
        request,
        user,
        "pages/container.html",
        title=f"Container {ref}",
        current="containers",
        status=status,
        on_hold=any(hold.on_hold for hold in status.holds),
        timeline=timeline,
        footprint_href=f"{path}/footprint",
        classifiers=CLASSIFIER_LABELS,
    )


@router.get("/portal/containers/{ref}/footprint", response_class=HTMLResponse)
def footprint_page(request: Request, session: SessionDep, user: User, now: Now, ref: str) -> Response:
    """The container's footprint, or why there is none; 404 as the container page.

    A page of its own because it builds the port-year's pools (a second or so at the demo's size), which
    the container page should not wait for.
    """
    try:
        _status(session, user, ref, now)
        footprint, no_footprint = _footprint(session, user.principal, ref)
    except QuaysideError as error:
        return error_page(request, user, error)
    return render_page(
        request,
        user,
        "pages/footprint.html",
        title=f"Footprint of container {ref}",
        current="containers",
        reference=ref,
        container_href=f"/portal/containers/{quote(ref, safe='')}",
        footprint=footprint,
        no_footprint=no_footprint,
    )


@router.get("/portal/containers/{ref}/timeline.csv")
def timeline_csv(request: Request, session: SessionDep, user: User, now: Now, ref: str) -> Response:
    """The container's event timeline (every page of it) as CSV; 404 as the container page."""
    try:
        status = _status(session, user, ref, now)
    except QuaysideError as error:
        return error_page(request, user, error)
    rows = [TimelineRow(event) for event in status.history]
    return csv_response(
        rows, TIMELINE, _timeline_query(request), filename=f"{quote(ref, safe='')}-timeline.csv"
    )
