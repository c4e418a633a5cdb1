"""Vessels, port calls and their DCSA JIT 2.0 timestamps (estimated → requested → planned → actual)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError, NotFoundError
from quayside.store.access import Principal
from quayside.store.models import PortCall, PortCallTimestamp, Vessel
from quayside.store.models.base import utcnow
from quayside.store.types import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.model import Classifier

_IMO = re.compile(r"^[0-9]{7}$")


def imo_check_digit_ok(imo: str) -> bool:
    """IMO number check: digits 1-6 weighted 7..2, sum modulo 10 equals digit 7 (IMO Res. A.1117(30))."""
    if not _IMO.match(imo):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(imo[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(imo[6])


def upsert_vessel(session: Session, imo: str, *, name: str | None = None, mmsi: int | None = None) -> Vessel:
    """The vessel with IMO number ``imo``, created (or its name and MMSI filled in) as needed."""
    if not imo_check_digit_ok(imo):
        raise InputError(
            "not a valid IMO number (7 digits with check digit)", field="vesselIMONumber", value=imo
        )
    vessel = session.scalar(select(Vessel).where(Vessel.imo == imo))
    if vessel is None:
        vessel = Vessel(imo=imo, name=name, mmsi=mmsi)
        session.add(vessel)
    else:
        vessel.name = name or vessel.name
        vessel.mmsi = mmsi or vessel.mmsi
    session.flush()
    return vessel


def add_port_call(
    session: Session,
    owner: Principal,
    *,
    vessel_imo: str,
    un_location_code: str,
    carrier_voyage_number: str | None = None,
    facility_id: int | None = None,
) -> PortCall:
    """Open a port call of a vessel."""
    vessel = upsert_vessel(session, vessel_imo)
    call = PortCall(
        vessel_id=vessel.id,
        un_location_code=un_location_code,
        facility_id=facility_id,
        carrier_voyage_number=carrier_voyage_number,
        owner_org_id=owner.org_id,
        created_at=utcnow(),
    )
    session.add(call)
    session.flush()
    return call


def add_timestamp(
    session: Session,
    owner: Principal,
    port_call_id: int,
    *,
    service_type: JitServiceType,
    event_type: JitEventType,
    classifier: Classifier,
    date_time: datetime,
    facility_type_code: JitFacilityType | None = None,
    reply_to_id: int | None = None,
    delay_reason_code: str | None = None,
    is_fyi: bool = False,
) -> PortCallTimestamp:
    """Record one JIT timestamp; a reply must answer a timestamp of the same call."""
    if session.get(PortCall, port_call_id) is None:
        raise NotFoundError("no such port call", field="portCallID", value=port_call_id)
    if reply_to_id is not None:
        answered = session.get(PortCallTimestamp, reply_to_id)
        if answered is None or answered.port_call_id != port_call_id:
            raise InputError(
                "replyToTimestampID must name a timestamp of the same port call",
                field="replyToTimestampID",
                value=reply_to_id,
            )
    stamp = PortCallTimestamp(
        port_call_id=port_call_id,
        service_type=service_type,
        event_type=event_type,
        classifier=classifier,
        date_time=date_time,
        facility_type_code=facility_type_code,
        reply_to_id=reply_to_id,
        delay_reason_code=delay_reason_code,
        is_fyi=is_fyi,
        owner_org_id=owner.org_id,
        created_at=utcnow(),
    )
    session.add(stamp)
    session.flush()
    return stamp


def latest_times(
    session: Session, port_call_id: int, service_type: JitServiceType
) -> dict[Classifier, datetime]:
    """The newest time of each classifier (EST, REQ, PLN, ACT) recorded for one service of a call."""
    rows = session.execute(
        select(PortCallTimestamp.classifier, PortCallTimestamp.date_time)
        .where(PortCallTimestamp.port_call_id == port_call_id, PortCallTimestamp.service_type == service_type)
        .order_by(PortCallTimestamp.created_at, PortCallTimestamp.id)
    ).all()
    return {classifier: when for classifier, when in rows}
