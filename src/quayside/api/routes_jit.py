"""DCSA Just-In-Time Port Call 2.0: ``POST /jit/v2/port-calls``, ``POST`` and ``GET /jit/v2/timestamps``.

The documents are the flattened subset of :mod:`quayside.visibility.jit` (field names and codes as in
``JIT_v2.0.0.yaml``). Posting is partial and idempotent, as ``POST /v2/events``: 201 when every record was
stored or already there, 207 when some were rejected, 422 when none could be used; each reject names its
index and field (a ``dateTime`` out of the range of :mod:`quayside.visibility.timeparse` too). A declared
charset that is not a text encoding answers 415 (:mod:`quayside.api.bodies`). Reading: the timestamps of
a call are shown to whoever may see the call (the port authority of the port, the terminal operator, the
carrier of the voyage, and whoever opened it or posted one of its timestamps); to everybody else the call
does not exist.

Loading is :mod:`quayside.hub.jit` (shared with ``quayside load port-calls`` and the demo loader).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from quayside.api.auth import SessionDep, require
from quayside.api.bodies import require_text_charset
from quayside.errors import NotFoundError
from quayside.hub.jit import ingest_port_calls, ingest_timestamps
from quayside.hub.limits import Limits
from quayside.hub.outcome import Outcome, answer_status
from quayside.store.access import Principal
from quayside.store.models import Facility, PortCall, PortCallTimestamp, Vessel
from quayside.store.repositories.portcalls import (
    call_timestamps,
)
from quayside.store.types import Scope
from quayside.visibility.codes import JitServiceType
from quayside.visibility.jit_ais import local_datetime
from quayside.visibility.model import Classifier

API_VERSION = "2.0.0"
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _answer(outcome: Outcome, limits: Limits) -> JSONResponse:
    status = answer_status(outcome)
    return JSONResponse(outcome.to_dict(limits), status_code=status, headers={"API-Version": API_VERSION})


def timestamp_document(call: PortCall, stamp: PortCallTimestamp, replies_to: str | None) -> dict[str, Any]:
    """A stored timestamp as a JIT document (``dateTime`` in the port's local time)."""
    body: dict[str, Any] = {
        "timestampID": stamp.timestamp_id,
        "portCallID": call.jit_port_call_id,
        "portCallServiceID": stamp.port_call_service_id,
        "portCallServiceTypeCode": stamp.service_type.value,
        "portCallServiceEventTypeCode": stamp.event_type.value,
        "portCallPhaseTypeCode": stamp.phase_type_code,
        "facilityTypeCode": stamp.facility_type_code.value if stamp.facility_type_code is not None else None,
        "classifierCode": stamp.classifier.value,
        "dateTime": local_datetime(stamp.date_time, call.un_location_code),
        "replyToTimestampID": replies_to,
        "delayReasonCode": stamp.delay_reason_code,
        "remark": stamp.remark,
    }
    return {key: value for key, value in body.items() if value is not None}


router = APIRouter(prefix="/jit/v2", tags=["JIT port calls"])
Writer = Annotated[Principal, Depends(require(Scope.EVENTS_WRITE))]
Reader = Annotated[Principal, Depends(require(Scope.EVENTS_READ))]
_PAYLOAD = Body(description="One JIT document or an array of them (see docs/data-hub.md)")


@router.post(
    "/port-calls",
    status_code=201,
    summary="Open port calls (JIT PortCall + TerminalCall)",
    dependencies=[Depends(require_text_charset)],
)
def post_port_calls(
    request: Request, session: SessionDep, principal: Writer, payload: Annotated[Any, _PAYLOAD]
) -> JSONResponse:
    """Open calls by ``portCallID``; a call posted again with the same content is a duplicate."""
    limits = request.app.state.limits
    outcome = ingest_port_calls(session, principal, payload, source="POST /jit/v2/port-calls", limits=limits)
    return _answer(outcome, limits)


@router.post(
    "/timestamps",
    status_code=201,
    summary="Post EST / REQ / PLN / ACT timestamps of port calls",
    dependencies=[Depends(require_text_charset)],
)
def post_timestamps(
    request: Request, session: SessionDep, principal: Writer, payload: Annotated[Any, _PAYLOAD]
) -> JSONResponse:
    """Record timestamps by ``timestampID``; a timestamp posted again with the same content is a duplicate."""
    limits = request.app.state.limits
    outcome = ingest_timestamps(session, principal, payload, source="POST /jit/v2/timestamps", limits=limits)
    return _answer(outcome, limits)


@router.get("/timestamps", summary="Timestamps of one port call")
def get_timestamps(
    session: SessionDep,
    principal: Reader,
    port_call_id: Annotated[str, Query(alias="portCallID", pattern=_UUID)],
    classifier: Annotated[Classifier | None, Query(alias="classifierCode")] = None,
    service: Annotated[JitServiceType | None, Query(alias="portCallServiceTypeCode")] = None,
) -> list[dict[str, Any]]:
    """The call's timestamps in the order recorded; an empty list for a call the caller may not see."""
    try:
        call, stamps = call_timestamps(session, principal, port_call_id.lower())
    except NotFoundError:
        return []
    ids = {stamp.id: stamp.timestamp_id for stamp in stamps}
    return [
        timestamp_document(call, stamp, ids.get(stamp.reply_to_id) if stamp.reply_to_id else None)
        for stamp in stamps
        if (classifier is None or stamp.classifier is classifier)
        and (service is None or stamp.service_type is service)
    ]


@router.get("/port-calls/{portCallID}", summary="One port call")
def get_port_call(
    session: SessionDep,
    principal: Reader,
    port_call_id: Annotated[str, Path(alias="portCallID", pattern=_UUID)],
) -> dict[str, Any]:
    """The call as a JIT document, or 404 if it does not exist or the caller may not see it."""
    call, _ = call_timestamps(session, principal, port_call_id.lower())
    vessel = session.get(Vessel, call.vessel_id)
    facility = session.get(Facility, call.facility_id) if call.facility_id is not None else None
    body: dict[str, Any] = {
        "portCallID": call.jit_port_call_id,
        "UNLocationCode": call.un_location_code,
        "vessel": {
            key: value
            for key, value in (
                ("vesselIMONumber", vessel.imo if vessel else None),
                ("MMSINumber", str(vessel.mmsi) if vessel and vessel.mmsi else None),
                ("name", vessel.name if vessel else None),
            )
            if value is not None
        },
    }
    if call.terminal_call_id is not None:
        body["terminalCallID"] = call.terminal_call_id
    if facility is not None:
        body["facility"] = {"facilityCode": facility.facility_code, "facilityCodeListProvider": "SMDG"}
    if call.carrier_voyage_number is not None:
        body["carrierImportVoyageNumber"] = call.carrier_voyage_number
    return body


# --- port calls seen by AIS (quayside load port-calls, demo) -----------------------------------------------
