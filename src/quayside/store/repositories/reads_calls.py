"""Vessel calls as operational data: schedule vs actual, anchorage wait, berth time, moves, productivity.

Times come from the call's DCSA JIT 2.0 timestamps (``port_call_timestamps``): for each service and event
type the newest timestamp of each classifier counts. Berth arrival (BERTH ARRI ACT) is taken as first line
and berth departure (BERTH DEPA ACT) as last line. Moves come from the call's move count (BAPLIE/COARRI);
without one, from its actual LOAD and DISC equipment events (distinct containers).

Who sees a call: the port authority of its port, the operator of its terminal, the organisation that
opened it or posted one of its timestamps, and the carrier that holds the call's voyage (the first carrier
to assert that vessel and voyage, :mod:`quayside.store.authority`: posting an event about it, opening a
call for it). A later carrier's event naming the same vessel and voyage grants it nothing. Everybody else
is told it does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, distinct, false, func, or_, select
from sqlalchemy.orm import Session

from quayside.errors import NotFoundError
from quayside.store.access import Principal
from quayside.store.models import (
    Claim,
    Event,
    Facility,
    MoveCountRow,
    PortCall,
    PortCallTimestamp,
    Vessel,
)
from quayside.store.types import ClaimKind, OrgRole
from quayside.visibility import kpis
from quayside.visibility.codes import EquipmentEventTypeCode, JitEventType, JitServiceType
from quayside.visibility.model import Classifier, MoveCount

SECONDS_PER_HOUR = 3600.0

#: The (service, event) pairs a call's schedule is made of, with the name the API gives them.
SCHEDULE_POINTS: dict[str, tuple[JitServiceType, JitEventType]] = {
    "pilotBoardingPlaceArrival": (JitServiceType.PILOT_BOARDING_PLACE, JitEventType.ARRI),
    "anchorageArrival": (JitServiceType.ANCHORAGE, JitEventType.ARRI),
    "berthArrival": (JitServiceType.BERTH, JitEventType.ARRI),
    "berthDeparture": (JitServiceType.BERTH, JitEventType.DEPA),
}


def call_visibility(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on :class:`PortCall` rows that ``principal`` may read."""
    if principal.role is OrgRole.PARTNER_PORT:
        return false()
    rules: list[ColumnElement[bool]] = [
        PortCall.owner_org_id == principal.org_id,
        PortCall.id.in_(
            select(PortCallTimestamp.port_call_id).where(PortCallTimestamp.owner_org_id == principal.org_id)
        ),
    ]
    if principal.role is OrgRole.PORT_AUTHORITY and principal.port_unlocode:
        rules.append(PortCall.un_location_code == principal.port_unlocode)
    if principal.role is OrgRole.TERMINAL_OPERATOR:
        rules.append(
            PortCall.facility_id.in_(select(Facility.id).where(Facility.operator_org_id == principal.org_id))
        )
    if principal.role is OrgRole.CARRIER:
        held = (
            select(Claim.id)
            .join(Vessel, Vessel.id == PortCall.vessel_id)
            .where(
                Claim.kind == ClaimKind.VOYAGE,
                Claim.value == Vessel.imo + "/" + PortCall.carrier_voyage_number,
                Claim.org_id == principal.org_id,
            )
        )
        rules.append(held.exists())
    return or_(*rules)


@dataclass(frozen=True)
class ScheduleTimes:
    """Newest time per classifier (PLN, EST, REQ, ACT) of one schedule point."""

    times: dict[Classifier, datetime]

    @property
    def actual(self) -> datetime | None:
        """The actual time, once there is one."""
        return self.times.get(Classifier.ACT)

    def deviation_h(self) -> float | None:
        """Actual minus planned, hours (positive = late); None until both are known."""
        planned = self.times.get(Classifier.PLN)
        if planned is None or self.actual is None:
            return None
        return (self.actual - planned).total_seconds() / SECONDS_PER_HOUR


@dataclass(frozen=True)
class VesselCall:
    """One port call with its derived figures (hours; moves per hour)."""

    call: PortCall
    vessel_imo: str
    vessel_name: str | None
    facility_code: str | None
    schedule: dict[str, ScheduleTimes]
    moves: MoveCount | None
    moves_source: str | None  # "moveCount" | "events"

    def _actual(self, point: str) -> datetime | None:
        return self.schedule[point].actual

    @property
    def anchorage_wait_h(self) -> float | None:
        """Anchorage arrival to berth arrival (actuals)."""
        anchored, berthed = self._actual("anchorageArrival"), self._actual("berthArrival")
        return None if anchored is None or berthed is None else kpis.anchorage_wait_h(anchored, berthed)

    @property
    def berth_time_h(self) -> float | None:
        """Berth arrival to berth departure (actuals)."""
        berthed, left = self._actual("berthArrival"), self._actual("berthDeparture")
        return (
            None if berthed is None or left is None else (left - berthed).total_seconds() / SECONDS_PER_HOUR
        )

    @property
    def time_in_port_h(self) -> float | None:
        """Pilot boarding place arrival to berth departure (actuals)."""
        arrived, left = self._actual("pilotBoardingPlaceArrival"), self._actual("berthDeparture")
        return None if arrived is None or left is None else kpis.time_in_port_h(arrived, left)

    @property
    def gross_berth_productivity(self) -> float | None:
        """(loads + discharges + restows) ÷ hours from first line (berth arrival) to last line (departure)."""
        berthed, left = self._actual("berthArrival"), self._actual("berthDeparture")
        if self.moves is None or berthed is None or left is None or left <= berthed:
            return None
        return kpis.gross_berth_productivity(self.moves, berthed, left)


def schedule_times(session: Session, call_ids: list[int]) -> dict[int, dict[str, ScheduleTimes]]:
    """The schedule points of each call in ``call_ids`` (newest timestamp per classifier)."""
    rows = session.execute(
        select(
            PortCallTimestamp.port_call_id,
            PortCallTimestamp.service_type,
            PortCallTimestamp.event_type,
            PortCallTimestamp.classifier,
            PortCallTimestamp.date_time,
        )
        .where(PortCallTimestamp.port_call_id.in_(call_ids))
        .order_by(PortCallTimestamp.created_at, PortCallTimestamp.id)
    ).all()
    found: dict[tuple[int, JitServiceType, JitEventType], dict[Classifier, datetime]] = {}
    for call_id, service, event, classifier, when in rows:
        # Later rows overwrite earlier ones: the newest timestamp of each classifier wins.
        found.setdefault((call_id, service, event), {})[classifier] = when
    return {
        call_id: {
            name: ScheduleTimes(dict(found.get((call_id, service, event), {})))
            for name, (service, event) in SCHEDULE_POINTS.items()
        }
        for call_id in call_ids
    }


def _moves(
    session: Session, call: PortCall, imo: str, facility_code: str | None
) -> tuple[MoveCount | None, str | None]:
    if call.carrier_voyage_number is None:
        return None, None
    conditions = [
        MoveCountRow.vessel_imo == imo,
        MoveCountRow.carrier_voyage_number == call.carrier_voyage_number,
        MoveCountRow.un_location_code == call.un_location_code,
    ]
    if facility_code is not None:
        conditions.append(MoveCountRow.facility_code == facility_code)
    row = session.scalar(select(MoveCountRow).where(*conditions).order_by(MoveCountRow.id.desc()).limit(1))
    if row is not None:
        count = MoveCount(
            row.vessel_imo,
            row.carrier_voyage_number,
            row.un_location_code,
            row.facility_code,
            row.discharges,
            row.loads,
            row.restows,
        )
        return count, "moveCount"
    counted: dict[str, int] = {
        code: n
        for code, n in session.execute(
            select(Event.event_type_code, func.count(distinct(Event.equipment_reference)))
            .where(
                Event.vessel_imo == imo,
                Event.carrier_voyage_number == call.carrier_voyage_number,
                Event.un_location_code == call.un_location_code,
                Event.classifier == Classifier.ACT,
                Event.event_type_code.in_(
                    [EquipmentEventTypeCode.LOAD.value, EquipmentEventTypeCode.DISC.value]
                ),
            )
            .group_by(Event.event_type_code)
        )
    }
    if not counted:
        return None, None
    count = MoveCount(
        imo,
        call.carrier_voyage_number,
        call.un_location_code,
        facility_code,
        discharges=counted.get(EquipmentEventTypeCode.DISC.value, 0),
        loads=counted.get(EquipmentEventTypeCode.LOAD.value, 0),
    )
    return count, "events"


@dataclass(frozen=True)
class CallFilter:
    """Filters of ``GET /vessel-calls``; the date range selects calls with a timestamp inside it."""

    un_location_code: str | None = None
    facility_code: str | None = None
    vessel_imo: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def _build(
    session: Session, rows: Sequence[tuple[PortCall, str, str | None, str | None]]
) -> list[VesselCall]:
    schedules = schedule_times(session, [call.id for call, _, _, _ in rows])
    out: list[VesselCall] = []
    for call, imo, name, facility_code in rows:
        moves, source = _moves(session, call, imo, facility_code)
        out.append(VesselCall(call, imo, name, facility_code, schedules[call.id], moves, source))
    return out


def _base(principal: Principal) -> Select[PortCall, str, str | None, str]:
    return (
        select(PortCall, Vessel.imo, Vessel.name, Facility.facility_code)
        .join(Vessel, Vessel.id == PortCall.vessel_id)
        .outerjoin(Facility, Facility.id == PortCall.facility_id)
        .where(call_visibility(principal))
    )


def list_calls(
    session: Session, principal: Principal, filters: CallFilter, *, limit: int
) -> list[VesselCall]:
    """The calls ``principal`` may see matching ``filters``, oldest first."""
    query = _base(principal)
    if filters.un_location_code is not None:
        query = query.where(PortCall.un_location_code == filters.un_location_code)
    if filters.facility_code is not None:
        query = query.where(Facility.facility_code == filters.facility_code)
    if filters.vessel_imo is not None:
        query = query.where(Vessel.imo == filters.vessel_imo)
    if filters.start is not None or filters.end is not None:
        stamps = select(PortCallTimestamp.port_call_id)
        if filters.start is not None:
            stamps = stamps.where(PortCallTimestamp.date_time >= filters.start)
        if filters.end is not None:
            stamps = stamps.where(PortCallTimestamp.date_time < filters.end)
        query = query.where(PortCall.id.in_(stamps))
    rows = session.execute(query.order_by(PortCall.id).limit(limit)).all()
    return _build(session, rows)


def get_call(session: Session, principal: Principal, call_id: int) -> VesselCall:
    """One call, or :class:`NotFoundError` if it does not exist or ``principal`` may not see it."""
    row = session.execute(_base(principal).where(PortCall.id == call_id)).one_or_none()
    if row is None:
        raise NotFoundError("no such vessel call", field="vesselCallID", value=call_id)
    return _build(session, [row])[0]


__all__ = [
    "SCHEDULE_POINTS",
    "CallFilter",
    "ScheduleTimes",
    "VesselCall",
    "call_visibility",
    "get_call",
    "list_calls",
    "schedule_times",
]
