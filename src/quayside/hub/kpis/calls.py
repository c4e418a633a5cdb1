"""Vessel-call KPIs: anchorage wait, time in port and berth occupancy, per terminal and local day.

Each port call of the port is read with the actual times of its schedule (``reads_calls.schedule_times``)
and measured by the pure functions of ``visibility/kpis.py``. The party behind a call is its vessel (IMO
number), standing for its operator. A call without a terminal is grouped under ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.hub.kpis.groups import Collected, KpiQuery
from quayside.store.models import Facility, PortCall, Vessel
from quayside.store.repositories.reads_calls import schedule_times
from quayside.visibility import kpis


@dataclass(frozen=True)
class CallTimes:
    """The actual times of one port call that the KPIs measure (None when not reported)."""

    facility_code: str | None
    vessel_imo: str
    anchored: datetime | None
    pilot: datetime | None
    berthed: datetime | None
    left: datetime | None


#: The time of a call a KPI groups it by and its measured value, or None when the call does not count.
Measure = Callable[[CallTimes], tuple[datetime, float] | None]


def call_times(session: Session, query: KpiQuery) -> list[CallTimes]:
    """Every port call of the query's port (and terminal, when given), whatever its days."""
    statement = (
        select(PortCall.id, Facility.facility_code, Vessel.imo)
        .join(Vessel, Vessel.id == PortCall.vessel_id)
        .outerjoin(Facility, Facility.id == PortCall.facility_id)
        .where(PortCall.un_location_code == query.un_location_code)
    )
    if query.facility_code is not None:
        statement = statement.where(Facility.facility_code == query.facility_code)
    rows = session.execute(statement).all()
    times = schedule_times(session, [row[0] for row in rows])
    return [
        CallTimes(
            facility_code=facility,
            vessel_imo=imo,
            anchored=times[call_id]["anchorageArrival"].actual,
            pilot=times[call_id]["pilotBoardingPlaceArrival"].actual,
            berthed=times[call_id]["berthArrival"].actual,
            left=times[call_id]["berthDeparture"].actual,
        )
        for call_id, facility, imo in rows
    ]


def per_call(query: KpiQuery, calls: Iterable[CallTimes], measure: Measure) -> Collected:
    """The values of ``measure`` by (terminal, local day of the measured time), within the query's days."""
    start, end = query.bounds()
    collected: Collected = {}
    for call in calls:
        measured = measure(call)
        if measured is None or not start <= measured[0] < end:
            continue
        parties, values = collected.setdefault((call.facility_code, query.day(measured[0])), (set(), []))
        parties.add(call.vessel_imo)
        values.append(measured[1])
    return collected


def anchorage_wait(call: CallTimes) -> tuple[datetime, float] | None:
    """Berth arrival and anchorage wait in hours, for a call that anchored and berthed."""
    if call.anchored is None or call.berthed is None:
        return None
    return call.berthed, kpis.anchorage_wait_h(call.anchored, call.berthed)


def time_in_port(call: CallTimes) -> tuple[datetime, float] | None:
    """Berth departure and time in port in hours, for a call with a pilot boarding and a departure."""
    if call.pilot is None or call.left is None:
        return None
    return call.left, kpis.time_in_port_h(call.pilot, call.left)


def berth_visits(query: KpiQuery, calls: list[CallTimes]) -> Collected:
    """Per (terminal, local day): the berth visits that overlap the day, each with the day's bounds."""
    collected: Collected = {}
    day = query.first_day
    while day <= query.last_day:
        lo = datetime.combine(day, time(), query.zone)
        hi = datetime.combine(day + timedelta(days=1), time(), query.zone)
        for call in calls:
            if call.berthed is None or call.left is None or call.left <= lo or call.berthed >= hi:
                continue
            parties, visits = collected.setdefault((call.facility_code, day), (set(), []))
            parties.add(call.vessel_imo)
            visits.append((kpis.BerthVisit(call.facility_code or "", call.berthed, call.left), lo, hi))
        day += timedelta(days=1)
    return collected


def occupancy_values(items: list[tuple[kpis.BerthVisit, datetime, datetime]]) -> dict[str, Any]:
    """Berth occupancy of one terminal and day (one berth) and its count of distinct berth visits."""
    visits = [visit for visit, _, _ in items]
    _, lo, hi = items[0]
    share = kpis.berth_occupancy(visits, lo, hi)[visits[0].berth_id]
    return {"vessels": len({(v.arrival, v.departure) for v in visits}), "occupancy": share}


__all__ = [
    "CallTimes",
    "Measure",
    "anchorage_wait",
    "berth_visits",
    "call_times",
    "occupancy_values",
    "per_call",
    "time_in_port",
]
