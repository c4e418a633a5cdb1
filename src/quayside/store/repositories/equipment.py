"""The carbon side of the store: equipment units and activity, ship emissions per call, port throughput, and
the annual reads.

Writes (used by :mod:`quayside.hub.equipment`, which decides who may load what) are idempotent upserts by
natural key: a record stored again with the same values is ``unchanged``, with other values ``updated``.

Reads, all for one port profile key (or the UN/LOCODEs of its ports) and one calendar year in the port's
local time:

=====================  ==========================================================================================
read                   what
=====================  ==========================================================================================
``equipment_units``    the register of the port
``equipment_activity`` the activity records of its units whose period overlaps the year (not clipped)
``ship_emissions``     grams per category (``ogv``, ``harbor_craft``) and pollutant of the calls arriving that year
``truck_visits``       the truck visits gated in that year, each physical visit once
``teu_moved``          TEU loaded and discharged, from BAPLIE move counts or COARRI (DISC/LOAD) events
``teu_handled``        TEU of the port: its loaded throughput where there is one, else ``teu_moved``; says which
``ship_arrival_span``  the first and last arrival of the port's ship calls of the year
``truck_visit_span``   the first and last gate-in of the year's truck visits
``years_held``         the years with ship emissions or equipment activity of the port
=====================  ==========================================================================================
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.orm import Session

from quayside.emissions.landside.trucks import TruckVisitActivity
from quayside.emissions.types import Pollutant
from quayside.equipment.defaults import equipment_defaults
from quayside.equipment.throughput import PortThroughput
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.store.models import (
    EquipmentActivityRow,
    EquipmentUnitRow,
    Event,
    MoveCountRow,
    PortCall,
    PortCallTimestamp,
    ShipCallEmissionRow,
    TruckVisitRow,
    Vessel,
)
from quayside.store.models.base import utcnow
from quayside.store.models.equipment import PortThroughputRow
from quayside.store.repositories._dialect import insert_ignore
from quayside.store.repositories._upsert import Keyed, Upserted, upsert_keyed
from quayside.store.repositories.parties import chunks
from quayside.visibility.codes import EquipmentEventTypeCode, JitEventType, JitServiceType
from quayside.visibility.lookahead import container_size
from quayside.visibility.model import Classifier, EventType
from quayside.visibility.timezones import port_zone

__all__ = [
    "ShipCallEmissions",
    "ShipCallsStored",
    "StoredUnit",
    "TeuBasis",
    "TeuHandled",
    "Upserted",
    "equipment_activity",
    "equipment_units",
    "find_units",
    "gram_column",
    "port_throughput",
    "replace_ship_calls",
    "ship_arrival_span",
    "ship_emissions",
    "teu_handled",
    "teu_moved",
    "truck_visit_span",
    "truck_visits",
    "upsert_activity",
    "upsert_throughput",
    "upsert_units",
    "years_held",
]

_UNIT_FIELDS = ("unlocode", "operator", "kind", "power_source", "rated_kw", "model_year", "tier")
_ACTIVITY_FIELDS = ("hours", "fuel_l", "fuel_kg", "kwh", "kg_h2", "miles", "moves")
_THROUGHPUT_FIELDS = ("teu", "source")
#: ``port_throughput.unlocode`` of a figure for the whole port (not NULL: see :class:`PortThroughputRow`).
WHOLE_PORT = ""


def gram_column(pollutant: Pollutant) -> str:
    """The column of ``ship_call_emissions`` holding ``pollutant`` in grams (``co2e_g``, ``pm2_5_g``)."""
    return f"{pollutant.column}_g"


def _changed(row: Any, values: Mapping[str, Any]) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


# --- equipment register ----------------------------------------------------------------------------------


def _unit_values(unit: EquipmentUnit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in _UNIT_FIELDS}


def upsert_units(session: Session, units: Sequence[EquipmentUnit]) -> Upserted:
    """Store ``units`` by (port, unit_id): new ones inserted, changed ones updated, the rest left alone."""
    existing: dict[tuple[str, str], EquipmentUnitRow] = {}
    for port in sorted({u.port for u in units}):
        ids = sorted({u.unit_id for u in units if u.port == port})
        for part in chunks(ids):
            query = select(EquipmentUnitRow).where(
                EquipmentUnitRow.port == port, EquipmentUnitRow.unit_id.in_(part)
            )
            existing.update({(row.port, row.unit_id): row for row in session.scalars(query)})
    items = [Keyed((u.port, u.unit_id), _unit_values(u), {"source": u.source, "line": u.line}) for u in units]
    return upsert_keyed(session, EquipmentUnitRow.__table__, ["port", "unit_id"], items, existing)


@dataclass(frozen=True)
class StoredUnit:
    """A registered unit as activity records refer to it: its port, row id and UN/LOCODE."""

    port: str
    pk: int
    unlocode: str | None


def find_units(session: Session, unit_ids: Iterable[str]) -> dict[str, list[StoredUnit]]:
    """The registered units of each id in ``unit_ids`` (one per port that registers it), by id."""
    found: dict[str, list[StoredUnit]] = {}
    for part in chunks(sorted(set(unit_ids))):
        query = (
            select(
                EquipmentUnitRow.unit_id,
                EquipmentUnitRow.port,
                EquipmentUnitRow.id,
                EquipmentUnitRow.unlocode,
            )
            .where(EquipmentUnitRow.unit_id.in_(part))
            .order_by(EquipmentUnitRow.port)
        )
        for unit_id, port, pk, unlocode in session.execute(query):
            found.setdefault(unit_id, []).append(StoredUnit(port, pk, unlocode))
    return found


def equipment_units(session: Session, port: str) -> list[EquipmentUnit]:
    """The register of ``port`` (a port profile key), by ``unit_id``."""
    u = EquipmentUnitRow
    query = (
        select(
            u.unit_id, u.port, u.unlocode, u.operator, u.kind, u.power_source, u.rated_kw, u.model_year, u.tier,
            u.source, u.line,
        )
        .where(u.port == port)
        .order_by(u.unit_id)
    )  # fmt: skip
    return [
        EquipmentUnit(
            unit_id=unit_id,
            port=port_key,
            unlocode=unlocode,
            operator=operator,
            kind=EquipmentKind(kind),
            power_source=PowerSource(power),
            rated_kw=rated_kw,
            model_year=model_year,
            tier=tier,
            source=source,
            line=line,
        )
        for unit_id, port_key, unlocode, operator, kind, power, rated_kw, model_year, tier, source, line in (
            session.execute(query)
        )
    ]


# --- activity ----------------------------------------------------------------------------------------------


class _UnitPeriods:
    """The periods of one unit, stored or stored by this load: by exact period, and sorted for overlaps."""

    def __init__(self) -> None:
        self.exact: dict[tuple[date, date], EquipmentActivityRow | dict[str, Any]] = {}
        self._sorted: list[tuple[date, date]] = []

    def add(self, start: date, end: date, item: EquipmentActivityRow | dict[str, Any]) -> None:
        self.exact[(start, end)] = item
        bisect.insort(self._sorted, (start, end))

    def overlap(self, start: date, end: date) -> tuple[date, date] | None:
        """A period that ``[start, end]`` overlaps; the periods never overlap each other, so the one
        starting just before and the one starting at or after ``start`` are the only candidates."""
        at = bisect.bisect_left(self._sorted, (start,))
        for first, last in self._sorted[max(at - 1, 0) : at + 1]:
            if first <= end and start <= last:
                return first, last
        return None


def upsert_activity(
    session: Session, items: Sequence[tuple[int, ActivityRecord]]
) -> tuple[Upserted, dict[int, str]]:
    """Store activity records of registered units (``(unit row id, record)``) by unit and period.

    Returns what was stored, and the records refused (by index, with the reason) because their period
    overlaps another stored period of the same unit: both would count the same days.
    """
    out, refused = Upserted(), {}
    by_unit: dict[int, _UnitPeriods] = {}
    for part in chunks(sorted({pk for pk, _ in items})):
        for row in session.scalars(
            select(EquipmentActivityRow).where(EquipmentActivityRow.unit_pk.in_(part))
        ):
            by_unit.setdefault(row.unit_pk, _UnitPeriods()).add(row.period_start, row.period_end, row)
    pending: list[dict[str, Any]] = []
    now = utcnow()
    for index, (pk, record) in enumerate(items):
        values = {name: getattr(record, name) for name in _ACTIVITY_FIELDS}
        start, end = record.period_start, record.period_end
        periods = by_unit.setdefault(pk, _UnitPeriods())
        same = periods.exact.get((start, end))
        if isinstance(same, dict):
            changed = any(same[name] != value for name, value in values.items())
            (out.updated if changed else out.unchanged).append(index)
            same.update(values, source=record.source, line=record.line)
            continue
        if same is not None:
            if not _changed(same, values):
                out.unchanged.append(index)
                continue
            for name, value in {**values, "source": record.source, "line": record.line}.items():
                setattr(same, name, value)
            same.updated_at = now
            out.updated.append(index)
            continue
        clash = periods.overlap(start, end)
        if clash is not None:
            refused[index] = (
                f"the period overlaps the stored period {clash[0].isoformat()}..{clash[1].isoformat()} of "
                "this unit; periods of one unit must not overlap"
            )
            continue
        new = {"unit_pk": pk, "period_start": start, "period_end": end, **values}
        new |= {"source": record.source, "line": record.line, "created_at": now, "updated_at": now}
        pending.append(new)
        periods.add(start, end, new)  # later records of this load are checked against it as if stored
        out.stored.append(index)
    if pending:
        table = EquipmentActivityRow.__table__
        session.execute(insert_ignore(session, table, ["unit_pk", "period_start", "period_end"]), pending)
    session.flush()
    return out, refused


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def equipment_activity(session: Session, port: str, year: int) -> list[ActivityRecord]:
    """The activity records of ``port``'s units whose period overlaps calendar ``year`` (whole records)."""
    first, last = _year_bounds(year)
    a = EquipmentActivityRow
    # Columns, not ORM objects: a year of a large port's logs is tens of thousands of rows, and building
    # mapped instances cost most of the read (benchmarks/bench_annual.py).
    query = (
        select(
            EquipmentUnitRow.unit_id,
            a.period_start,
            a.period_end,
            *(getattr(a, name) for name in _ACTIVITY_FIELDS),
            a.source,
            a.line,
        )
        .join(EquipmentUnitRow, EquipmentUnitRow.id == a.unit_pk)
        .where(EquipmentUnitRow.port == port, a.period_start <= last, a.period_end >= first)
        .order_by(EquipmentUnitRow.unit_id, a.period_start, a.id)
    )
    n = len(_ACTIVITY_FIELDS)
    return [
        ActivityRecord(
            unit_id=row[0],
            period_start=row[1],
            period_end=row[2],
            **dict(zip(_ACTIVITY_FIELDS, row[3 : 3 + n], strict=True)),
            source=row[3 + n],
            line=row[4 + n],
        )
        for row in session.execute(query)
    ]


# --- ship emissions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShipCallEmissions:
    """The emissions of one ship call in a port's totals, as stored in ``ship_call_emissions``."""

    port: str
    mmsi: int
    arrival: datetime
    year: int
    category: SourceCategory
    unlocode: str | None
    terminal_code: str | None
    grams: Mapping[Pollutant, float]
    source: str | None = None

    def values(self) -> dict[str, Any]:
        """The columns that are not the key."""
        grams = {gram_column(p): float(self.grams[p]) for p in Pollutant}
        return {
            "year": self.year,
            "category": self.category,
            "unlocode": self.unlocode,
            "terminal_code": self.terminal_code,
            **grams,
        }


@dataclass(frozen=True)
class ShipCallsStored:
    """What :func:`replace_ship_calls` did: the upsert by index, and how many stored calls it removed."""

    upserted: Upserted
    removed: int


def replace_ship_calls(
    session: Session,
    port: str,
    calls: Sequence[ShipCallEmissions],
    *,
    span: tuple[datetime, datetime] | None,
    keep: Iterable[tuple[int, datetime]] = (),
    only_unlocode: str | None = None,
) -> ShipCallsStored:
    """Store ``calls`` by (port, mmsi, arrival) and remove the port's stored calls that the inventory replaces.

    An inventory is the port's account of the period it covers: a stored call of ``port`` arriving inside
    ``span`` (the first and last arrival of the inventory's calls) that is neither among ``calls`` nor in
    ``keep`` (calls of the file that could not be read or stored this time) is removed. So an inventory run
    again with other settings, whose calls start at other times or no longer count, leaves no stale call
    behind. With ``only_unlocode``, only stored calls at that UN/LOCODE may be removed (a port authority
    replaces its own port's calls, not its neighbour's).
    """
    out = Upserted()
    existing: dict[tuple[int, datetime], ShipCallEmissionRow] = {}
    if span is not None:
        query = select(ShipCallEmissionRow).where(
            ShipCallEmissionRow.port == port,
            ShipCallEmissionRow.arrival >= span[0],
            ShipCallEmissionRow.arrival <= span[1],
        )
        existing = {(row.mmsi, row.arrival): row for row in session.scalars(query)}
    outside = [c for c in calls if (c.mmsi, c.arrival) not in existing]
    for part in chunks(sorted({c.mmsi for c in outside})):
        query = select(ShipCallEmissionRow).where(
            ShipCallEmissionRow.port == port, ShipCallEmissionRow.mmsi.in_(part)
        )
        for row in session.scalars(query):
            existing.setdefault((row.mmsi, row.arrival), row)
    pending: dict[tuple[int, datetime], dict[str, Any]] = {}
    now = utcnow()
    for index, call in enumerate(calls):
        key, values = (call.mmsi, call.arrival), call.values()
        found = existing.get(key)
        if found is not None:
            if not _changed(found, values):
                out.unchanged.append(index)
                continue
            for name, value in {**values, "source": call.source}.items():
                setattr(found, name, value)
            found.updated_at = now
            out.updated.append(index)
        elif key in pending:
            out.unchanged.append(index)
        else:
            pending[key] = {"port": port, "mmsi": call.mmsi, "arrival": call.arrival, **values}
            pending[key] |= {"source": call.source, "created_at": now, "updated_at": now}
            out.stored.append(index)
    removed = 0
    if span is not None:
        wanted = {(c.mmsi, c.arrival) for c in calls} | set(keep)
        stale = [
            row.id
            for key, row in existing.items()
            if key not in wanted
            and span[0] <= row.arrival <= span[1]
            and (only_unlocode is None or row.unlocode == only_unlocode)
        ]
        for part in chunks(stale):
            session.execute(delete(ShipCallEmissionRow).where(ShipCallEmissionRow.id.in_(part)))
        removed = len(stale)
    if pending:
        table = ShipCallEmissionRow.__table__
        session.execute(insert_ignore(session, table, ["port", "mmsi", "arrival"]), list(pending.values()))
    session.flush()
    return ShipCallsStored(out, removed)


def ship_emissions(session: Session, port: str, year: int) -> dict[str, dict[str, float]]:
    """Grams per category and pollutant of ``port``'s ship calls arriving in ``year`` (local time).

    Only the categories with calls are keys (``ogv``, ``harbor_craft``); every pollutant of
    :class:`~quayside.emissions.types.Pollutant` is given for each, by its value (``CO2e``, ``PM2_5``).
    """
    sums = [func.sum(getattr(ShipCallEmissionRow, gram_column(p))) for p in Pollutant]
    query = (
        select(ShipCallEmissionRow.category, *sums)
        .where(ShipCallEmissionRow.port == port, ShipCallEmissionRow.year == year)
        .group_by(ShipCallEmissionRow.category)
        .order_by(ShipCallEmissionRow.category)
    )
    return {
        SourceCategory(category).value: {
            p.value: float(total) for p, total in zip(Pollutant, totals, strict=True)
        }
        for category, *totals in session.execute(query)
    }


def ship_arrival_span(session: Session, port: str, year: int) -> tuple[datetime, datetime] | None:
    """The first and last ``arrival`` (UTC) of ``port``'s ship calls of ``year``; ``None`` without any."""
    query = select(func.min(ShipCallEmissionRow.arrival), func.max(ShipCallEmissionRow.arrival)).where(
        ShipCallEmissionRow.port == port, ShipCallEmissionRow.year == year
    )
    first, last = session.execute(query).one()
    return (first, last) if first is not None and last is not None else None


# --- truck visits and TEU ----------------------------------------------------------------------------------


def _zone(unlocode: str) -> ZoneInfo:
    return port_zone(unlocode) or ZoneInfo("UTC")


def _local_year(moment: datetime, unlocode: str) -> int:
    return moment.astimezone(_zone(unlocode)).year


def truck_visits(session: Session, unlocodes: Sequence[str], year: int) -> list[TruckVisitActivity]:
    """The truck visits at ``unlocodes`` whose gate-in falls in ``year`` (each port's local time), by gate-in.

    A visit recorded by two organisations (the terminal and the trucker, or a gate file loaded by two
    posters) is one physical visit: rows with the same port, facility, visit reference, plate and gate-in
    time are returned once.
    """
    found: dict[tuple[str, str, str, str | None, datetime], TruckVisitActivity] = {}
    for unlocode in sorted(set(unlocodes)):
        zone = _zone(unlocode)
        lo = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
        hi = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
        query = (
            select(TruckVisitRow)
            .where(
                TruckVisitRow.un_location_code == unlocode,
                TruckVisitRow.gate_in >= lo,
                TruckVisitRow.gate_in < hi,
            )
            .order_by(TruckVisitRow.gate_in, TruckVisitRow.id)
        )
        for row in session.scalars(query):
            key = (
                row.un_location_code,
                row.facility_code,
                row.visit_id,
                row.truck_license_plate,
                row.gate_in,
            )
            found.setdefault(
                key,
                TruckVisitActivity(
                    visit_id=row.visit_id,
                    unlocode=row.un_location_code,
                    facility_code=row.facility_code,
                    trucking_company=row.trucking_company,
                    plate=row.truck_license_plate,
                    gate_in=row.gate_in,
                    gate_out=row.gate_out,
                ),
            )
    return sorted(found.values(), key=lambda v: (v.gate_in, v.unlocode, v.facility_code, v.visit_id))


def truck_visit_span(
    session: Session, unlocodes: Sequence[str], year: int
) -> tuple[datetime, datetime] | None:
    """The first and last gate-in (UTC) of the truck visits :func:`truck_visits` returns; ``None`` without any."""
    spans = []
    for unlocode in sorted(set(unlocodes)):
        zone = _zone(unlocode)
        lo = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
        hi = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
        query = select(func.min(TruckVisitRow.gate_in), func.max(TruckVisitRow.gate_in)).where(
            TruckVisitRow.un_location_code == unlocode,
            TruckVisitRow.gate_in >= lo,
            TruckVisitRow.gate_in < hi,
        )
        first, last = session.execute(query).one()
        if first is not None and last is not None:
            spans.append((first, last))
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


_CallKey = tuple[str, str, str]  # vessel IMO, carrier voyage, UN/LOCODE


@dataclass
class _EventCall:
    first: datetime
    by_size: dict[str | None, int] = field(default_factory=dict)  # ISO 6346 length code -> containers


def _event_calls(session: Session, unlocodes: Sequence[str]) -> dict[_CallKey, _EventCall]:
    """Containers discharged or loaded (COARRI: DISC/LOAD ACT events) per call and length code, first time."""
    size = func.substr(Event.iso_equipment_code, 1, 1)
    query = (
        select(
            Event.vessel_imo,
            Event.carrier_voyage_number,
            Event.un_location_code,
            size,
            func.count(distinct(Event.equipment_reference)),
            func.min(Event.event_datetime),
        )
        .where(
            Event.un_location_code.in_(unlocodes),
            Event.event_type == EventType.EQUIPMENT,
            Event.classifier == Classifier.ACT,
            Event.event_type_code.in_([EquipmentEventTypeCode.DISC.value, EquipmentEventTypeCode.LOAD.value]),
            Event.vessel_imo.is_not(None),
            Event.carrier_voyage_number.is_not(None),
            Event.equipment_reference.is_not(None),
        )
        .group_by(Event.vessel_imo, Event.carrier_voyage_number, Event.un_location_code, size)
    )
    calls: dict[_CallKey, _EventCall] = {}
    for imo, voyage, unlocode, code, containers, first in session.execute(query):
        call = calls.setdefault((imo, voyage, unlocode), _EventCall(first))
        call.first = min(call.first, first)
        call.by_size[code] = call.by_size.get(code, 0) + int(containers)
    return calls


def _berth_arrivals(session: Session, unlocodes: Sequence[str]) -> dict[_CallKey, datetime]:
    """The actual berth arrival (JIT BERTH ARRI ACT) of each port call with a voyage, by call."""
    query = (
        select(
            Vessel.imo,
            PortCall.carrier_voyage_number,
            PortCall.un_location_code,
            func.min(PortCallTimestamp.date_time),
        )
        .join(Vessel, Vessel.id == PortCall.vessel_id)
        .join(PortCallTimestamp, PortCallTimestamp.port_call_id == PortCall.id)
        .where(
            PortCall.un_location_code.in_(unlocodes),
            PortCall.carrier_voyage_number.is_not(None),
            PortCallTimestamp.service_type == JitServiceType.BERTH,
            PortCallTimestamp.event_type == JitEventType.ARRI,
            PortCallTimestamp.classifier == Classifier.ACT,
        )
        .group_by(Vessel.imo, PortCall.carrier_voyage_number, PortCall.un_location_code)
    )
    return {
        (imo, voyage, unlocode): when
        for imo, voyage, unlocode, when in session.execute(query)
        if voyage is not None
    }


def _teu_per_container(by_size: Mapping[str | None, int], default: float) -> float:
    known = {code: n for code, n in by_size.items() if container_size(code) is not None}
    boxes = sum(known.values())
    if not boxes:
        return default
    return sum(n * _teu(code) for code, n in known.items()) / boxes


def _teu(code: str | None) -> float:
    size = container_size(code)
    return size[1] if size is not None else 0.0


def teu_moved(session: Session, unlocodes: Sequence[str], year: int) -> float | None:
    """TEU discharged and loaded at ``unlocodes`` in calls of ``year`` (local time); ``None`` without any call.

    A call is a vessel voyage at a port. Its containers are those of its BAPLIE move count (discharges plus
    loads; restows move no cargo through the port) or, without one, the distinct containers of its actual
    DISC and LOAD events (COARRI). TEU follow each container's ISO 6346 length code (``iso_size_teu.csv``);
    the containers of a move count, which carries no sizes, take the TEU per container of the call's own
    events where they give sizes, else the default of ``equipment/data/defaults.csv`` (U). A call belongs to
    the year of its first DISC/LOAD event, else of its actual berth arrival (JIT), else of the day its move
    count was loaded (a BAPLIE is sent as the ship leaves).
    """
    codes = sorted(set(unlocodes))
    if not codes:
        return None
    default = equipment_defaults().teu_per_container.value
    events = _event_calls(session, codes)
    arrivals = _berth_arrivals(session, codes)
    total, calls = 0.0, 0
    counted: set[_CallKey] = set()
    for count in session.scalars(select(MoveCountRow).where(MoveCountRow.un_location_code.in_(codes))):
        key = (count.vessel_imo, count.carrier_voyage_number, count.un_location_code)
        counted.add(key)
        seen = events.get(key)
        when = seen.first if seen is not None else arrivals.get(key, count.created_at)
        if _local_year(when, count.un_location_code) != year:
            continue
        boxes = count.discharges + count.loads
        total += boxes * _teu_per_container(seen.by_size if seen is not None else {}, default)
        calls += 1
    for key, seen in events.items():
        if key in counted or _local_year(seen.first, key[2]) != year:
            continue
        known = sum(n * _teu(code) for code, n in seen.by_size.items())
        unknown = sum(n for code, n in seen.by_size.items() if container_size(code) is None)
        total += known + unknown * default
        calls += 1
    return total if calls else None


# --- port throughput ---------------------------------------------------------------------------------------


def upsert_throughput(session: Session, figures: Sequence[PortThroughput]) -> Upserted:
    """Store ``figures`` by (port, UN/LOCODE, year): new ones inserted, changed ones (TEU or source) updated,
    the rest left alone. A whole-port figure (``unlocode`` ``None``) is stored with the UN/LOCODE ``''``."""
    existing: dict[tuple[str, str, int], PortThroughputRow] = {}
    for port in sorted({f.port for f in figures}):
        years = sorted({f.year for f in figures if f.port == port})
        query = select(PortThroughputRow).where(
            PortThroughputRow.port == port, PortThroughputRow.year.in_(years)
        )
        existing.update({(row.port, row.unlocode, row.year): row for row in session.scalars(query)})
    items = [
        Keyed(
            (f.port, f.unlocode or WHOLE_PORT, f.year),
            {name: getattr(f, name) for name in _THROUGHPUT_FIELDS},
            {"loaded_from": f.loaded_from, "line": f.line},
        )
        for f in figures
    ]
    return upsert_keyed(session, PortThroughputRow.__table__, ["port", "unlocode", "year"], items, existing)


def port_throughput(session: Session, port: str, year: int) -> list[PortThroughput]:
    """The throughput figures stored for ``port`` and ``year``: the whole port's first, then by UN/LOCODE."""
    query = (
        select(PortThroughputRow)
        .where(PortThroughputRow.port == port, PortThroughputRow.year == year)
        .order_by(PortThroughputRow.unlocode)
    )
    return [
        PortThroughput(
            port=row.port,
            unlocode=row.unlocode or None,
            year=row.year,
            teu=row.teu,
            source=row.source,
            loaded_from=row.loaded_from,
            line=row.line,
        )
        for row in session.scalars(query)
    ]


class TeuBasis(StrEnum):
    """What a port's TEU were counted from."""

    THROUGHPUT = "throughput"  # a loaded throughput file (the port's or terminal's own statistics)
    HUB_MOVES = "hub_moves"  # the hub's BAPLIE move counts and DISC/LOAD events (:func:`teu_moved`)


@dataclass(frozen=True)
class TeuHandled:
    """The TEU a port handled in a year (``None``: nothing known) and what they were counted from.

    ``throughput`` holds the figures used: the whole port's, or one per UN/LOCODE that has one;
    ``hub_unlocodes`` the UN/LOCODEs counted from the hub's moves instead, which gave ``hub_teu``.
    """

    teu: float | None
    throughput: tuple[PortThroughput, ...] = ()
    hub_unlocodes: tuple[str, ...] = ()
    hub_teu: float | None = None

    @property
    def basis(self) -> tuple[TeuBasis, ...]:
        """Throughput, hub moves, both (throughput for some UN/LOCODEs), or neither."""
        used = [TeuBasis.THROUGHPUT] if self.throughput else []
        return (*used, *([TeuBasis.HUB_MOVES] if self.hub_teu is not None else []))

    def to_dict(self) -> dict[str, Any]:
        """What the annual report's ``sources.teu`` shows."""
        return {
            "teu": self.teu,
            "basis": [b.value for b in self.basis],
            "throughput": [
                {"unlocode": f.unlocode, "teu": f.teu, "source": f.source, "file": f.loaded_from}
                for f in self.throughput
            ],
            "hub_moves": (
                {"unlocodes": list(self.hub_unlocodes), "teu": self.hub_teu}
                if self.hub_teu is not None
                else None
            ),
        }


def teu_handled(session: Session, port: str, port_unlocodes: Sequence[str], year: int) -> TeuHandled:
    """The TEU ``port`` handled in ``year``: its loaded throughput where there is one, else the hub's moves.

    ``port_unlocodes`` are all the UN/LOCODEs of the port (the annual report asks for the whole port). A
    whole-port throughput figure stands for all of them. Without one, each UN/LOCODE with its own figure
    takes it, and the others are counted from the hub's moves (:func:`teu_moved`), which only know the
    calls whose BAPLIE or DISC/LOAD events reached the hub.
    """
    figures = port_throughput(session, port, year)
    whole = [f for f in figures if f.unlocode is None]
    if whole:
        return TeuHandled(whole[0].teu, throughput=(whole[0],))
    codes = sorted(set(port_unlocodes))
    own = tuple(f for f in figures if f.unlocode in codes)
    rest = tuple(c for c in codes if c not in {f.unlocode for f in own})
    hub = teu_moved(session, rest, year) if rest else None
    if not own and hub is None:
        return TeuHandled(None, hub_unlocodes=rest)
    return TeuHandled(sum(f.teu for f in own) + (hub or 0.0), own, rest, hub)


# --- years -------------------------------------------------------------------------------------------------


def years_held(session: Session, port: str) -> list[int]:
    """The calendar years with ship emissions or equipment activity of ``port``, ascending.

    Truck visits and move counts are kept per UN/LOCODE, not per port profile, and a year of gate data alone
    is not a year of the port's inventory: they do not count.
    """
    years = set(
        session.scalars(select(ShipCallEmissionRow.year).where(ShipCallEmissionRow.port == port).distinct())
    )
    periods = session.execute(
        select(EquipmentActivityRow.period_start, EquipmentActivityRow.period_end)
        .join(EquipmentUnitRow, EquipmentUnitRow.id == EquipmentActivityRow.unit_pk)
        .where(EquipmentUnitRow.port == port)
        .distinct()
    )
    for start, end in periods:
        years.update(range(start.year, end.year + 1))
    return sorted(years)
