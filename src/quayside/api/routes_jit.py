"""DCSA Just-In-Time Port Call 2.0: ``POST /jit/v2/port-calls``, ``POST`` and ``GET /jit/v2/timestamps``.

The documents are the flattened subset of :mod:`quayside.visibility.jit` (field names and codes as in
``JIT_v2.0.0.yaml``). Posting is partial and idempotent, as ``POST /v2/events``: 201 when every record was
stored or already there, 207 when some were rejected, 422 when none could be used; each reject names its
index and field (a ``dateTime`` out of the range of :mod:`quayside.visibility.timeparse` too). A declared
charset that is not a text encoding answers 415 (:mod:`quayside.api.bodies`). Reading: the timestamps of
a call are shown to whoever may see the call (the port authority of the port, the terminal operator, the
carrier of the voyage, and whoever opened it or posted one of its timestamps); to everybody else the call
does not exist.

:func:`ingest_port_calls` and :func:`ingest_timestamps` are shared with ``quayside load port-calls`` and
the demo loader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.api.auth import SessionDep, require
from quayside.api.bodies import require_text_charset
from quayside.errors import InputError, NotFoundError
from quayside.geo.profiles import PortProfile
from quayside.hub.limits import Limits, check_items, document_rejects, listed
from quayside.store.access import Principal
from quayside.store.models import Facility, PortCall, PortCallTimestamp, Vessel
from quayside.store.repositories.portcalls import (
    JitStored,
    call_timestamps,
    store_port_calls,
    store_timestamps,
)
from quayside.store.types import JitServiceType, OrgRole, Scope
from quayside.visibility.jit import parse_port_calls, parse_timestamps
from quayside.visibility.jit_ais import ais_port_calls, local_datetime
from quayside.visibility.model import Classifier
from quayside.visibility.rejects import Reject

API_VERSION = "2.0.0"
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


@dataclass(frozen=True)
class JitOutcome:
    """One JIT load: identifiers stored, duplicates ``{index, id}``, rejects ``{index, field, reason, value}``."""

    id_field: str
    stored: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Whether anything was stored or found already stored."""
        return bool(self.stored or self.duplicates)

    def to_dict(self, limits: Limits | None = None) -> dict[str, Any]:
        """The response body of the POST routes (at most ``limits.rejects_listed`` rejects listed)."""
        shown = listed(self.rejected, Limits() if limits is None else limits)
        return {"stored": self.stored, "duplicates": self.duplicates, **shown}


def _outcome(id_field: str, result: JitStored, parse_rejects: list[Reject]) -> JitOutcome:
    rejects = sorted([*parse_rejects, *result.rejected], key=lambda r: r.index)
    return JitOutcome(
        id_field=id_field,
        stored=[jit_id for _, jit_id in result.stored],
        duplicates=[{"index": index, id_field: jit_id} for index, jit_id in result.duplicates],
        rejected=[
            {"index": r.index, "field": r.field, "reason": r.reason, "value": r.to_dict()["value"]}
            for r in rejects
        ],
    )


def ingest_port_calls(
    session: Session, principal: Principal, payload: Any, *, source: str, limits: Limits | None = None
) -> JitOutcome:
    """Validate and store JIT port call documents (one or a list) as ``principal``; commits.

    Raises
    ------
    PermissionDeniedError
        If the principal lacks the ``events:write`` scope.
    InputError
        If ``payload`` is neither an object nor an array.
    """
    return _ingest(
        session, principal, payload, source, parse_port_calls, store_port_calls, "portCallID", limits
    )


def ingest_timestamps(
    session: Session, principal: Principal, payload: Any, *, source: str, limits: Limits | None = None
) -> JitOutcome:
    """Validate and store JIT timestamp documents (one or a list) as ``principal``; commits (raises as
    :func:`ingest_port_calls`)."""
    return _ingest(
        session, principal, payload, source, parse_timestamps, store_timestamps, "timestampID", limits
    )


def _ingest(
    session: Session,
    principal: Principal,
    payload: Any,
    source: str,
    parse: Callable[..., tuple[list[Any], list[Reject]]],
    store: Callable[..., Any],
    id_field: str,
    limits: Limits | None,
) -> JitOutcome:
    principal.require(Scope.EVENTS_WRITE)
    limits = Limits() if limits is None else limits
    too_large: dict[int, Reject] = {}
    if isinstance(payload, list):
        check_items(len(payload), limits, source=source, field="body")
        too_large = document_rejects(payload, limits, source=source)
        payload = [None if i in too_large else item for i, item in enumerate(payload)]
    elif isinstance(payload, dict):
        too_large = document_rejects([payload], limits, source=source)
        if too_large:
            payload = [None]
    documents, rejects = parse(payload, source=source)
    rejects = [r for r in rejects if r.index not in too_large] + list(too_large.values())
    result = store(session, principal, documents, source=source)
    session.commit()
    return _outcome(id_field, result, rejects)


def _answer(outcome: JitOutcome, limits: Limits) -> JSONResponse:
    status = 201 if not outcome.rejected else (207 if outcome.accepted else 422)
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


@dataclass(frozen=True)
class AisOutcome:
    """One load of an inventory's calls: JIT outcomes of the calls and timestamps, and the rows not used.

    ``rejected`` are rows of ``calls.parquet`` (0-based) that could not be placed; ``skipped`` counts
    anchorage-only and pass-through calls, ``other_port`` berth calls at another port than the poster's.
    """

    calls: JitOutcome
    timestamps: JitOutcome
    rejected: list[dict[str, Any]]
    skipped: int
    other_port: int


def ingest_ais_port_calls(
    session: Session,
    principal: Principal,
    calls: pl.DataFrame,
    profile: PortProfile,
    *,
    source: str,
    voyages: Mapping[int, str] | None = None,
) -> AisOutcome:
    """Post the berth calls of ``calls`` at ``principal``'s port as JIT port calls with ACT timestamps.

    ``voyages`` gives a carrier voyage number to calls by row (the demo matches them from the schedule).

    Raises
    ------
    InputError
        If ``principal`` is not a port authority with a port, or ``calls`` is not an inventory call table
        (a column missing, or a row with values such a table never holds).
    """
    if principal.role is not OrgRole.PORT_AUTHORITY or principal.port_unlocode is None:
        raise InputError(
            "port calls seen by AIS are posted by the port authority of the port",
            source=principal.org_name,
            field="--as",
        )
    registered = session.execute(
        select(Facility.facility_code, Facility.un_location_code).where(
            Facility.un_location_code.in_(profile.unlocodes)
        )
    ).all()
    try:
        mapped = ais_port_calls(calls, profile, facility_ports=dict(registered), source=source)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        # A value of a type or range the call table never holds (a berth call without arrival time, ...).
        raise InputError(f"not an inventory call table: a row cannot be read ({exc})", source=source) from exc
    mine = [call for call in mapped.calls if call.un_location_code == principal.port_unlocode]
    documents = []
    for call in mine:
        voyage = (voyages or {}).get(call.row)
        documents.append(
            {**call.port_call, "carrierImportVoyageNumber": voyage} if voyage else call.port_call
        )
    opened = ingest_port_calls(session, principal, documents, source=source)
    refused = {mine[r["index"]].port_call["portCallID"] for r in opened.rejected}
    stamps = [stamp for call in mine for stamp in call.timestamps if stamp["portCallID"] not in refused]
    posted = ingest_timestamps(session, principal, stamps, source=source)
    rows = [{**r.to_dict(), "index": r.index} for r in mapped.rejects]
    rows += [{**r, "index": mine[r["index"]].row} for r in opened.rejected]
    return AisOutcome(opened, posted, rows, mapped.skipped, len(mapped.calls) - len(mine))
