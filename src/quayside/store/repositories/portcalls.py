"""Vessels, port calls and their DCSA JIT 2.0 timestamps (estimated → requested → planned → actual).

JIT documents (:mod:`quayside.visibility.jit`) are stored by :func:`store_port_calls` and
:func:`store_timestamps`: partial (each bad record is a reject naming its index and field) and idempotent
(a ``portCallID`` or ``timestampID`` posted again with the same content is a duplicate; with other content a
reject). Who may write:

* open a call: the port authority of its port, the operator of its terminal, or a carrier;
* post a timestamp, and read a call's timestamps: whoever may see the call
  (:func:`quayside.store.repositories.reads_calls.call_visibility`: the port authority of the port, the
  terminal operator, the carrier of the voyage, and whoever opened the call or posted one of its
  timestamps). A call the poster may not see is reported as not existing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError, NotFoundError
from quayside.store.access import Principal
from quayside.store.authority import claim, voyage_value
from quayside.store.models import Facility, PortCall, PortCallTimestamp, Vessel
from quayside.store.models.base import utcnow
from quayside.store.repositories.reads_calls import call_visibility
from quayside.store.types import ClaimKind, OrgRole
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.jit import JitPortCall, JitTimestamp
from quayside.visibility.model import Classifier
from quayside.visibility.rejects import Reject

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
    jit_port_call_id: str | None = None,
    terminal_call_id: str | None = None,
    vessel_name: str | None = None,
    mmsi: int | None = None,
) -> PortCall:
    """Open a port call of a vessel (``jit_port_call_id``: its JIT ``portCallID``, unique).

    A carrier opening a call claims its voyage (:mod:`quayside.store.authority`) where nobody holds it.
    """
    vessel = upsert_vessel(session, vessel_imo, name=vessel_name, mmsi=mmsi)
    voyage = voyage_value(vessel_imo, carrier_voyage_number)
    if owner.role is OrgRole.CARRIER and voyage is not None:
        claim(session, owner.org_id, [(ClaimKind.VOYAGE, voyage)])
    call = PortCall(
        jit_port_call_id=jit_port_call_id,
        terminal_call_id=terminal_call_id,
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
    timestamp_id: str | None = None,
    port_call_service_id: str | None = None,
    phase_type_code: str | None = None,
    remark: str | None = None,
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
        timestamp_id=timestamp_id,
        port_call_service_id=port_call_service_id,
        phase_type_code=phase_type_code,
        remark=remark,
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


# --- JIT documents ----------------------------------------------------------------------------------------


@dataclass
class JitStored:
    """One batch: ``stored`` and ``duplicates`` are ``(index, JIT identifier)``; ``rejected`` the rest."""

    stored: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[Reject] = field(default_factory=list)


class _RejectError(Exception):
    def __init__(self, field: str, reason: str, value: object = None) -> None:
        super().__init__(reason)
        self.field, self.reason, self.value = field, reason, value


def _facility(session: Session, item: JitPortCall) -> Facility | None:
    if item.facility_code is None:
        return None
    found = session.scalar(
        select(Facility).where(
            Facility.un_location_code == item.un_location_code, Facility.facility_code == item.facility_code
        )
    )
    if found is None:
        raise _RejectError(
            "facility.facilityCode",
            f"not a registered facility at {item.un_location_code}",
            item.facility_code,
        )
    return found


def _may_open(principal: Principal, item: JitPortCall, facility: Facility | None) -> None:
    if principal.role is OrgRole.CARRIER:
        return
    if principal.role is OrgRole.PORT_AUTHORITY and principal.port_unlocode == item.un_location_code:
        return
    operator = facility.operator_org_id if facility is not None else None
    if principal.role is OrgRole.TERMINAL_OPERATOR and operator == principal.org_id:
        return
    raise _RejectError(
        "UNLocationCode",
        "a call is opened by the port authority of its port, the operator of its terminal or a carrier",
        item.un_location_code,
    )


def _same_call(session: Session, call: PortCall, item: JitPortCall, facility: Facility | None) -> bool:
    """Whether ``item`` restates ``call``; fields the call lacks are filled in."""
    vessel = session.get(Vessel, call.vessel_id)
    if vessel is None or vessel.imo != item.vessel_imo or call.un_location_code != item.un_location_code:
        return False
    pairs = (
        (call.facility_id, facility.id if facility is not None else None),
        (call.carrier_voyage_number, item.carrier_voyage_number),
        (call.terminal_call_id, item.terminal_call_id),
    )
    if any(old is not None and new is not None and old != new for old, new in pairs):
        return False
    call.facility_id = call.facility_id or (facility.id if facility is not None else None)
    call.carrier_voyage_number = call.carrier_voyage_number or item.carrier_voyage_number
    call.terminal_call_id = call.terminal_call_id or item.terminal_call_id
    return True


def _visible_call(session: Session, principal: Principal, jit_id: str) -> PortCall | None:
    return session.scalar(
        select(PortCall).where(PortCall.jit_port_call_id == jit_id, call_visibility(principal))
    )


def store_port_calls(
    session: Session, principal: Principal, items: Sequence[JitPortCall], *, source: str
) -> JitStored:
    """Open the JIT port calls ``items`` as ``principal`` (see the module docstring); does not commit."""
    out = JitStored()
    for item in items:
        try:
            facility = _facility(session, item)
            existing = session.scalar(select(PortCall).where(PortCall.jit_port_call_id == item.port_call_id))
            if existing is not None:
                visible = _visible_call(session, principal, item.port_call_id) is not None
                if not visible or not _same_call(session, existing, item, facility):
                    raise _RejectError("portCallID", "already names another port call", item.port_call_id)
                out.duplicates.append((item.index, item.port_call_id))
                continue
            _may_open(principal, item, facility)
            add_port_call(
                session,
                principal,
                vessel_imo=item.vessel_imo,
                un_location_code=item.un_location_code,
                carrier_voyage_number=item.carrier_voyage_number,
                facility_id=facility.id if facility is not None else None,
                jit_port_call_id=item.port_call_id,
                terminal_call_id=item.terminal_call_id,
                vessel_name=item.vessel_name,
                mmsi=item.mmsi,
            )
            out.stored.append((item.index, item.port_call_id))
        except _RejectError as bad:
            out.rejected.append(
                Reject(item.index, f"[{item.index}].{bad.field}", bad.reason, bad.value, source)
            )
    session.flush()
    return out


def _same_stamp(stamp: PortCallTimestamp, call: PortCall, item: JitTimestamp) -> bool:
    return (
        stamp.port_call_id == call.id
        and stamp.service_type is item.service_type
        and stamp.event_type is item.event_type
        and stamp.classifier is item.classifier
        and stamp.date_time == item.date_time
    )


def _reply_target(session: Session, call: PortCall, item: JitTimestamp) -> int | None:
    if item.reply_to_timestamp_id is None:
        return None
    answered = session.scalar(
        select(PortCallTimestamp).where(PortCallTimestamp.timestamp_id == item.reply_to_timestamp_id)
    )
    if (
        answered is None
        or answered.port_call_id != call.id
        or answered.port_call_service_id != item.port_call_service_id
    ):
        raise _RejectError(
            "replyToTimestampID",
            "must name a timestamp of the same port call service",
            item.reply_to_timestamp_id,
        )
    return answered.id


def store_timestamps(
    session: Session, principal: Principal, items: Sequence[JitTimestamp], *, source: str
) -> JitStored:
    """Record the JIT timestamps ``items`` as ``principal`` (see the module docstring); does not commit."""
    out = JitStored()
    for item in items:
        try:
            call = _visible_call(session, principal, item.port_call_id)
            if call is None:
                raise _RejectError("portCallID", "no such port call", item.port_call_id)
            existing = session.scalar(
                select(PortCallTimestamp).where(PortCallTimestamp.timestamp_id == item.timestamp_id)
            )
            if existing is not None:
                if not _same_stamp(existing, call, item):
                    raise _RejectError("timestampID", "already names another timestamp", item.timestamp_id)
                out.duplicates.append((item.index, item.timestamp_id))
                continue
            add_timestamp(
                session,
                principal,
                call.id,
                service_type=item.service_type,
                event_type=item.event_type,
                classifier=item.classifier,
                date_time=item.date_time,
                facility_type_code=item.facility_type,
                reply_to_id=_reply_target(session, call, item),
                delay_reason_code=item.delay_reason_code,
                is_fyi=item.is_fyi,
                timestamp_id=item.timestamp_id,
                port_call_service_id=item.port_call_service_id,
                phase_type_code=item.phase_type.value if item.phase_type is not None else None,
                remark=item.remark,
            )
            out.stored.append((item.index, item.timestamp_id))
        except _RejectError as bad:
            out.rejected.append(
                Reject(item.index, f"[{item.index}].{bad.field}", bad.reason, bad.value, source)
            )
    return out


def call_timestamps(
    session: Session, principal: Principal, jit_port_call_id: str
) -> tuple[PortCall, list[PortCallTimestamp]]:
    """A call and its timestamps in the order recorded, or :class:`NotFoundError` if ``principal`` may not see it."""
    call = _visible_call(session, principal, jit_port_call_id)
    if call is None:
        raise NotFoundError("no such port call", field="portCallID", value=jit_port_call_id)
    stamps = session.scalars(
        select(PortCallTimestamp)
        .where(PortCallTimestamp.port_call_id == call.id)
        .order_by(PortCallTimestamp.created_at, PortCallTimestamp.id)
    ).all()
    return call, list(stamps)
