"""Container visibility: ``GET /containers/{equipmentReference}``.

Answers the questions a cargo owner, trucker or carrier asks of one box: where is it, what happened last,
is it on hold, how long has it been on terminal, and when does the vessel carrying it arrive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from quayside.api.auth import BearerDep, run_authorized
from quayside.api.responses import FastJSONResponse
from quayside.store.access import Principal
from quayside.store.repositories.reads_containers import ContainerStatus, container_status
from quayside.store.types import Scope

router = APIRouter(tags=["containers"])


async def current_time() -> datetime:
    """Now, UTC: the dependency every "so far" figure is computed against (tests replace it).

    ``async``, so FastAPI calls it on the event loop rather than in a worker thread.
    """
    return datetime.now(UTC)


Now = Annotated[datetime, Depends(current_time)]


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _body(status: ContainerStatus) -> dict[str, Any]:
    last = status.last_event
    dwell = status.dwell
    eta = status.eta
    return {
        "equipmentReference": status.equipment_reference,
        "status": status.status,
        "lastEvent": None
        if last is None
        else {
            "eventID": last.event_id,
            "equipmentEventTypeCode": last.event_type_code,
            "eventClassifierCode": last.classifier.value,
            "eventDateTime": last.event_datetime.isoformat(),
            "emptyIndicatorCode": last.empty_indicator,
        },
        "location": None
        if last is None
        else {"UNLocationCode": last.un_location_code, "facilityCode": last.facility_code},
        "holds": [
            {
                "documentReferenceType": hold.document_type.value,
                "documentReferenceValue": hold.document_reference,
                "onHold": hold.on_hold,
                "since": hold.since.isoformat(),
                "reason": hold.reason,
                "eventID": hold.event_id,
            }
            for hold in status.holds
        ],
        "onHold": any(hold.on_hold for hold in status.holds),
        "dwell": None
        if dwell is None
        else {
            "since": dwell.since.isoformat(),
            "until": dwell.until.isoformat(),
            "hours": round(dwell.hours, 3),
            "ended": dwell.ended,
        },
        "vesselArrival": None
        if eta is None
        else {
            "vesselIMONumber": eta.vessel_imo,
            "carrierVoyageNumber": eta.carrier_voyage_number,
            "transportCallID": eta.transport_call_id,
            "estimatedArrival": _time(eta.estimated_arrival),
            "estimatedClassifierCode": None
            if eta.estimated_classifier is None
            else eta.estimated_classifier.value,
            "actualArrival": _time(eta.actual_arrival),
        },
        "history": status.history_documents(),
    }


@router.get(
    "/containers/{equipmentReference}",
    summary="Status, location, holds, dwell, history and vessel arrival of one container",
    response_model=dict[str, Any],
)
async def get_container(
    request: Request,
    credentials: BearerDep,
    now: Now,
    equipment_reference: Annotated[str, Path(alias="equipmentReference", min_length=1, max_length=15)],
) -> JSONResponse:
    """The container as the caller may see it; 404 when none of its events is visible to the caller.

    - ``status`` / ``lastEvent`` / ``location``: the last *actual* equipment event (planned and estimated
      events are in ``history`` only).
    - ``holds``: per booking or bill of lading of the container, the latest HOLD or RELS shipment event
      naming it; ``onHold`` is true while any of them is a HOLD.
    - ``dwell``: hours since the last actual discharge (DISC), up to now or to the gate-out (GTOT) that
      followed it (``ended``).
    - ``vesselArrival``: the latest planned or estimated (PLN/EST) ARRI transport event of the transport
      call of the container's latest vessel event, and the actual arrival once there is one.
    - ``history``: every visible event of the container and of its holds, oldest first (TNT 2.2 objects).
    """

    def work(session: Session, principal: Principal) -> dict[str, Any]:
        return _body(container_status(session, principal, equipment_reference, now=now))

    # One call for authentication, the queries and the body (see quayside.api.auth.run_authorized).
    body = await run_authorized(request, credentials, Scope.EVENTS_READ, work)
    return FastJSONResponse(body)
