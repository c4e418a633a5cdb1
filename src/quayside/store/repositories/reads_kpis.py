"""Community KPIs by terminal and local day, with the guards of ``access.py`` against isolating a party.

Every figure is computed over all records of the port (not only the caller's), so a group is shown only
when at least ``min_group_size`` distinct parties stand behind it (``access_policy.toml``); otherwise it is
returned with ``suppressed`` set and no figures. The party behind a record is:

================================  ==============================================================
KPI                               party
================================  ==============================================================
truck turn time, dual share       trucking company of the visit
import dwell, street dwell        carrier linked to the container (``event_parties``); without
                                  one, the ISO 6346 owner code (first three letters)
anchorage wait, time in port,     vessel (IMO number), standing for its operator
berth occupancy
================================  ==============================================================

Days are local days of the port (``visibility/data/unlocode_timezones.csv``; UTC when unknown). A partner
port reads a KPI only when the port authority has shared it (``aggregate_shares``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.errors import InputError, PermissionDeniedError
from quayside.store.access import Principal, group_is_large_enough, guard_party_filter
from quayside.store.models import (
    AggregateShare,
    Event,
    EventParty,
    Facility,
    GateTransactionRow,
    KpiName,
    PortCall,
    TruckVisitRow,
    Vessel,
)
from quayside.store.repositories.reads_calls import schedule_times
from quayside.store.types import OrgRole, PartyRelation
from quayside.visibility import kpis
from quayside.visibility.codes import EmptyIndicator, EquipmentEventTypeCode
from quayside.visibility.model import (
    Classifier,
    EventType,
    GateTransaction,
    NormalizedEvent,
    TruckVisit,
)
from quayside.visibility.timezones import port_zone

#: ISO 6346: the owner code is the first three letters of the container number.
OWNER_CODE_LENGTH = 3
#: Percentiles of every duration distribution (numpy ``linear`` interpolation, as ``visibility/kpis.py``).
PERCENTILES = (50, 90, 95)

#: One-line definitions, from ``/work/shared/reference/visibility-standards.md`` (KPI table).
DEFINITIONS: dict[KpiName, str] = {
    KpiName.TRUCK_TURN_TIME: "gate-in to gate-out of one truck visit, minutes (completed visits, by gate-in day)",
    KpiName.DUAL_TRANSACTION_SHARE: "visits that both drop and pick up a container ÷ all visits (by gate-in day)",
    KpiName.IMPORT_DWELL: "discharge (DISC) to gate-out laden (GTOT), hours, per container (by gate-out day)",
    KpiName.STREET_DWELL: "gate-out laden to gate-in empty, hours, per container (by empty gate-in day; "
    "terminal of the gate-out)",
    KpiName.BERTH_OCCUPANCY: "hours with a vessel alongside ÷ hours of the day; a terminal counts as one berth",
    KpiName.ANCHORAGE_WAIT: "anchorage arrival to berth arrival, hours (calls that anchored, by berth arrival day)",
    KpiName.TIME_IN_PORT: "pilot boarding place arrival to berth departure, hours (by berth departure day)",
    KpiName.IMPORT_LOOKAHEAD: "expected import containers and TEU per terminal and ISO week, next weeks",
}


@dataclass(frozen=True)
class KpiQuery:
    """Which port, terminal and local days (inclusive) a KPI is asked for."""

    un_location_code: str
    first_day: date
    last_day: date
    facility_code: str | None = None
    trucking_company: str | None = None
    bin_min: float = 15.0

    @property
    def zone(self) -> tzinfo:
        """The port's time zone (UTC when unknown)."""
        return port_zone(self.un_location_code) or UTC

    def bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` of the query's days, as aware datetimes."""
        start = datetime.combine(self.first_day, time(), self.zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), self.zone)
        return start, end

    def day(self, moment: datetime) -> date:
        """Local day of ``moment`` at the port."""
        return moment.astimezone(self.zone).date()


@dataclass(frozen=True)
class KpiGroup:
    """One terminal and day: ``values`` is empty when ``suppressed``."""

    facility_code: str | None
    day: date
    suppressed: bool
    parties: int | None
    values: dict[str, Any] = field(default_factory=dict)


Collected = dict[tuple[str | None, date], tuple[set[str], list[Any]]]


def ensure_readable(session: Session, principal: Principal, kpi: KpiName, un_location_code: str) -> None:
    """Refuse a partner port a KPI that the port authority has not shared with it.

    Raises
    ------
    PermissionDeniedError
        If ``principal`` is a partner port without a share of ``kpi`` at ``un_location_code``.
    """
    if principal.role is not OrgRole.PARTNER_PORT:
        return
    shared = session.scalar(
        select(AggregateShare.id).where(
            AggregateShare.port_unlocode == un_location_code,
            AggregateShare.kpi == kpi,
            AggregateShare.partner_org_id == principal.org_id,
        )
    )
    if shared is None:
        raise PermissionDeniedError(
            "this aggregate is not shared with your organisation",
            field="kpi",
            value=kpi.value,
            hint=f"ask the port authority of {un_location_code} to share it",
        )


def _summary(values: list[float], unit: str) -> dict[str, Any]:
    array = np.array(values, dtype=float)
    p50, p90, p95 = (float(v) for v in np.percentile(array, PERCENTILES))
    return {
        "count": int(array.size),
        f"mean_{unit}": float(array.mean()),
        f"p50_{unit}": p50,
        f"p90_{unit}": p90,
        f"p95_{unit}": p95,
        f"max_{unit}": float(array.max()),
    }


def _groups(
    collected: Collected, compute: Callable[[list[Any]], dict[str, Any]], *, own_only: bool = False
) -> list[KpiGroup]:
    out: list[KpiGroup] = []
    for (facility, day), (parties, items) in sorted(
        collected.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])
    ):
        if group_is_large_enough(len(parties), own_only=own_only):
            out.append(KpiGroup(facility, day, False, len(parties), compute(items)))
        else:
            out.append(KpiGroup(facility, day, True, None))
    return out


# --- truck visits -----------------------------------------------------------------------------------------
def _visits(session: Session, query: KpiQuery, *, completed: bool) -> Collected:
    start, end = query.bounds()
    conditions = [
        TruckVisitRow.un_location_code == query.un_location_code,
        TruckVisitRow.gate_in >= start,
        TruckVisitRow.gate_in < end,
    ]
    if completed:
        conditions.append(TruckVisitRow.gate_out.is_not(None))
    if query.facility_code is not None:
        conditions.append(TruckVisitRow.facility_code == query.facility_code)
    if query.trucking_company is not None:
        conditions.append(TruckVisitRow.trucking_company == query.trucking_company)
    rows = list(session.scalars(select(TruckVisitRow).where(*conditions)))
    transactions: dict[int, list[GateTransaction]] = defaultdict(list)
    if rows:
        for tx in session.scalars(
            select(GateTransactionRow).where(GateTransactionRow.truck_visit_id.in_([r.id for r in rows]))
        ):
            transactions[tx.truck_visit_id].append(
                GateTransaction(tx.equipment_reference, tx.kind, tx.empty_indicator)
            )
    collected: Collected = {}
    for row in rows:
        visit = TruckVisit(
            visit_id=row.visit_id,
            facility_code=row.facility_code,
            un_location_code=row.un_location_code,
            trucking_company=row.trucking_company,
            truck_license_plate=None,
            gate_in=row.gate_in,
            gate_out=row.gate_out,
            transactions=tuple(transactions[row.id]),
        )
        parties, items = collected.setdefault((row.facility_code, query.day(row.gate_in)), (set(), []))
        parties.add(row.trucking_company)
        items.append(visit)
    return collected


def _turn_time(items: list[TruckVisit], bin_min: float) -> dict[str, Any]:
    stats = kpis.truck_turn_time(items, bin_min=bin_min)
    return {
        "count": stats.count,
        "mean_min": stats.mean_min,
        "p50_min": stats.p50_min,
        "p90_min": stats.p90_min,
        "p95_min": stats.p95_min,
        "max_min": stats.max_min,
        "histogram": [{"from_min": lo, "to_min": hi, "visits": n} for lo, hi, n in stats.histogram],
    }


# --- container dwell --------------------------------------------------------------------------------------
def normalized_event(row: Event) -> NormalizedEvent:
    """A stored event back as the :class:`NormalizedEvent` the pure KPI functions take."""
    return NormalizedEvent(
        event_type=row.event_type,
        event_type_code=row.event_type_code,
        classifier=row.classifier,
        event_datetime=row.event_datetime,
        document=row.document,
        idempotency_key=row.idempotency_key,
        equipment_reference=row.equipment_reference,
        empty_indicator=row.empty_indicator,
        un_location_code=row.un_location_code,
        facility_code=row.facility_code,
        iso_equipment_code=row.iso_equipment_code,
        transport_call_id=row.transport_call_id,
        carrier_voyage_number=row.carrier_voyage_number,
        vessel_imo=row.vessel_imo,
        mode_of_transport=row.mode_of_transport,
    )


def _dwell(
    session: Session, query: KpiQuery, end_code: str, end_empty: str, pair: Callable[..., Any]
) -> Collected:
    start, end = query.bounds()
    ended = select(Event.equipment_reference).where(
        Event.un_location_code == query.un_location_code,
        Event.event_type == EventType.EQUIPMENT,
        Event.classifier == Classifier.ACT,
        Event.event_type_code == end_code,
        Event.empty_indicator == end_empty,
        Event.event_datetime >= start,
        Event.event_datetime < end,
    )
    rows = list(
        session.scalars(
            select(Event).where(
                Event.un_location_code == query.un_location_code,
                Event.event_type == EventType.EQUIPMENT,
                Event.equipment_reference.in_(ended),
                Event.event_datetime < end,
            )
        )
    )
    carriers: dict[str, set[str]] = defaultdict(set)
    for reference, org in session.execute(
        select(Event.equipment_reference, EventParty.org_id)
        .join(EventParty, EventParty.event_seq == Event.seq)
        .where(EventParty.relation == PartyRelation.CARRIER, Event.seq.in_([r.seq for r in rows]))
    ):
        if reference is not None:
            carriers[reference].add(f"org:{org}")
    frame = pair([normalized_event(r) for r in rows])
    collected: Collected = {}
    for item in frame.iter_rows(named=True):
        if item["end"] < start or (
            query.facility_code is not None and item["facility_code"] != query.facility_code
        ):
            continue
        reference = item["equipment_reference"]
        parties, values = collected.setdefault((item["facility_code"], query.day(item["end"])), (set(), []))
        parties.update(carriers.get(reference) or {f"bic:{reference[:OWNER_CODE_LENGTH]}"})
        values.append(item["dwell_h"])
    return collected


# --- vessel calls -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Call:
    facility_code: str | None
    vessel_imo: str
    anchored: datetime | None
    pilot: datetime | None
    berthed: datetime | None
    left: datetime | None


def _calls(session: Session, query: KpiQuery) -> list[_Call]:
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
        _Call(
            facility_code=facility,
            vessel_imo=imo,
            anchored=times[call_id]["anchorageArrival"].actual,
            pilot=times[call_id]["pilotBoardingPlaceArrival"].actual,
            berthed=times[call_id]["berthArrival"].actual,
            left=times[call_id]["berthDeparture"].actual,
        )
        for call_id, facility, imo in rows
    ]


def _per_call(
    query: KpiQuery, calls: Iterable[_Call], measure: Callable[[_Call], tuple[datetime, float] | None]
) -> Collected:
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


def _anchorage(call: _Call) -> tuple[datetime, float] | None:
    if call.anchored is None or call.berthed is None:
        return None
    return call.berthed, kpis.anchorage_wait_h(call.anchored, call.berthed)


def _in_port(call: _Call) -> tuple[datetime, float] | None:
    if call.pilot is None or call.left is None:
        return None
    return call.left, kpis.time_in_port_h(call.pilot, call.left)


def _occupancy(query: KpiQuery, calls: list[_Call]) -> Collected:
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


def _occupancy_value(items: list[tuple[kpis.BerthVisit, datetime, datetime]]) -> dict[str, Any]:
    visits = [visit for visit, _, _ in items]
    _, lo, hi = items[0]
    share = kpis.berth_occupancy(visits, lo, hi)[visits[0].berth_id]
    return {"vessels": len({(v.arrival, v.departure) for v in visits}), "occupancy": share}


# --- entry point ------------------------------------------------------------------------------------------
def compute_kpi(session: Session, principal: Principal, kpi: KpiName, query: KpiQuery) -> list[KpiGroup]:
    """The groups of ``kpi`` for ``query``, suppressed where too few parties stand behind them.

    Raises
    ------
    PermissionDeniedError
        For a partner port without a share, or a ``trucking_company`` filter naming another organisation.
    InputError
        For a filter the KPI does not take.
    """
    ensure_readable(session, principal, kpi, query.un_location_code)
    truck_kpis = (KpiName.TRUCK_TURN_TIME, KpiName.DUAL_TRANSACTION_SHARE)
    if query.trucking_company is not None and kpi not in truck_kpis:
        raise InputError(
            "this KPI has no trucking company filter", field="truckingCompany", value=query.trucking_company
        )
    guard_party_filter(principal, query.trucking_company, field="truckingCompany")
    # Suppression keeps a small group's figures from those who may not see the records behind them. The
    # caller's own records, and the port authority's own port (it may read all of that port's operational
    # data), need no such protection.
    own_port = principal.role is OrgRole.PORT_AUTHORITY and principal.port_unlocode == query.un_location_code
    own_only = query.trucking_company is not None or own_port
    if kpi is KpiName.TRUCK_TURN_TIME:
        return _groups(
            _visits(session, query, completed=True), lambda v: _turn_time(v, query.bin_min), own_only=own_only
        )
    if kpi is KpiName.DUAL_TRANSACTION_SHARE:
        return _groups(
            _visits(session, query, completed=False),
            lambda v: {"count": len(v), "dual_share": kpis.dual_transaction_share(v)},
            own_only=own_only,
        )
    if kpi is KpiName.IMPORT_DWELL:
        collected = _dwell(
            session, query, EquipmentEventTypeCode.GTOT.value, EmptyIndicator.LADEN.value, kpis.import_dwell
        )
        return _groups(collected, lambda v: _summary(v, "h"), own_only=own_only)
    if kpi is KpiName.STREET_DWELL:
        collected = _dwell(
            session, query, EquipmentEventTypeCode.GTIN.value, EmptyIndicator.EMPTY.value, kpis.street_dwell
        )
        return _groups(collected, lambda v: _summary(v, "h"), own_only=own_only)
    calls = _calls(session, query)
    if kpi is KpiName.ANCHORAGE_WAIT:
        return _groups(_per_call(query, calls, _anchorage), lambda v: _summary(v, "h"), own_only=own_only)
    if kpi is KpiName.TIME_IN_PORT:
        return _groups(_per_call(query, calls, _in_port), lambda v: _summary(v, "h"), own_only=own_only)
    if kpi is KpiName.BERTH_OCCUPANCY:
        return _groups(_occupancy(query, calls), _occupancy_value, own_only=own_only)
    raise InputError(
        "not a KPI of this endpoint", field="kpi", value=kpi.value, hint="see GET /lookahead/imports"
    )


__all__ = ["DEFINITIONS", "KpiGroup", "KpiQuery", "compute_kpi", "ensure_readable", "normalized_event"]
