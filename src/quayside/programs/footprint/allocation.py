"""The port's emissions of a year in pools, each shared among the containers it served, by TEU.

ISO 14083:2023 and the GLEC Framework v3 treat a port as a hub: its emissions over a period are divided by
the activity it handled (here TEU) and each consignment takes its share. Three kinds of pool:

- a **ship call** (``ship_call_emissions``, ocean-going calls): its CO2e to the containers discharged or
  loaded in that call, by TEU. A DISC or LOAD event belongs to the call of the same vessel (IMO -> MMSI
  through the hub's vessels) that arrived last before it, at most ``call_match_window_h`` hours before
  (``data/allocation.csv``, U), at the event's UN/LOCODE when the call has one. A call without any matched
  move keeps its emissions unallocated (:attr:`PortYearAllocation.unallocated_calls`);
- a **terminal** (SMDG code): the year's emissions of the cargo-handling equipment whose register operator is
  that code (``equipment_emissions``, as the annual report) to each move at that terminal in the year
  (DISC, LOAD, GTIN, GTOT; a transhipped box is discharged and loaded: two moves), by TEU, a reefer's TEU
  weighted by ``reefer_terminal_factor`` (U);
- a **truck visit**: its own emissions (``truck_visit_emissions`` of that one visit) to the boxes it
  dropped or picked, by TEU.

Full and empty boxes count alike by TEU (ISO 14083 allows TEU or mass; the hub knows no masses). Ship
well-to-wheel CO2e = ``co2e_g`` + ``co2_g`` x the fuel's upstream ratio (``programs/annual/well_to_tank``).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from quayside.emissions.landside import (
    LandsideTables,
    TruckVisitActivity,
    equipment_emissions,
    landside_tables,
    truck_visit_emissions,
)
from quayside.emissions.types import Pollutant
from quayside.equipment.types import EquipmentKind, SourceCategory
from quayside.geo.profiles import PortProfile
from quayside.programs.annual.well_to_tank import ship_well_to_tank
from quayside.programs.footprint.parameters import (
    AllocationParameters,
    allocation_parameters,
    box_teu,
    is_reefer,
)
from quayside.programs.footprint.reads import (
    VESSEL_CODES,
    GateVisit,
    Handling,
    ShipCall,
    gate_visits,
    handlings,
    ship_calls,
    vessel_mmsi,
)
from quayside.store.repositories.equipment import equipment_activity, equipment_units

__all__ = ["CallPool", "Co2e", "PortYearAllocation", "TerminalPool", "VisitPool", "allocate", "year_bounds"]

CO2E = Pollutant.CO2E.value


@dataclass(frozen=True, slots=True)
class Co2e:
    """Grams CO2e, well-to-wheel and tank-to-wheel."""

    wtw_g: float = 0.0
    ttw_g: float = 0.0

    def __add__(self, other: Co2e) -> Co2e:
        return Co2e(self.wtw_g + other.wtw_g, self.ttw_g + other.ttw_g)

    def share(self, part: float, whole: float) -> Co2e:
        """``part / whole`` of these grams (nothing when ``whole`` is zero)."""
        if whole <= 0:
            return Co2e()
        return Co2e(self.wtw_g * part / whole, self.ttw_g * part / whole)


@dataclass(slots=True)
class CallPool:
    """A ship call's CO2e and the TEU (and boxes) of the moves matched to it."""

    call: ShipCall
    co2e: Co2e
    teu: float = 0.0
    moves: int = 0


@dataclass(slots=True)
class TerminalPool:
    """A terminal's equipment CO2e of the year and the weighted TEU of its moves."""

    facility_code: str
    co2e: Co2e = field(default_factory=Co2e)
    units: int = 0
    weighted_teu: float = 0.0
    moves: int = 0


@dataclass(slots=True)
class VisitPool:
    """A truck visit's CO2e and the TEU of the boxes it carried."""

    visit: GateVisit
    co2e: Co2e
    teu: float


def year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """``[start, end)`` of the local calendar ``year``, in UTC."""
    return (
        datetime(year, 1, 1, tzinfo=zone).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC),
    )


@dataclass
class PortYearAllocation:
    """The pools of a port and year, and what each container move takes from them."""

    port: str
    year: int
    unlocodes: tuple[str, ...]
    lo: datetime
    hi: datetime
    parameters: AllocationParameters
    wtt_g_co2e_per_g_co2: float
    moves: list[Handling]  # every move of the year
    calls: dict[int, CallPool]
    terminals: dict[str, TerminalPool]
    visits: list[VisitPool]
    _by_mmsi: dict[int, list[ShipCall]]
    _mmsi: dict[str, int]
    _carried: dict[str, list[VisitPool]] | None = None

    def visits_of(self, reference: str) -> list[VisitPool]:
        """The truck visits of the year that dropped or picked the box."""
        if self._carried is None:
            self._carried = defaultdict(list)
            for pool in self.visits:
                for ref in pool.visit.boxes:
                    self._carried[ref].append(pool)
        return list(self._carried.get(reference, []))

    def call_of(self, move: Handling) -> CallPool | None:
        """The ship call a DISC or LOAD belongs to (see the module doc), or None."""
        if not move.across_quay or move.vessel_imo is None:
            return None
        mmsi = self._mmsi.get(move.vessel_imo)
        calls = self._by_mmsi.get(mmsi, []) if mmsi is not None else []
        window = timedelta(hours=self.parameters.call_match_window_h.value)
        at = bisect.bisect_right([c.arrival for c in calls], move.at)
        for call in reversed(calls[:at]):
            if move.at - call.arrival > window:
                return None
            if call.unlocode is None or call.unlocode == move.unlocode:
                return self.calls[call.call_id]
        return None

    def terminal_weight(self, move: Handling) -> float:
        """The move's weighted TEU in its terminal's pool."""
        teu, _ = box_teu(move.iso_code)
        reefer = is_reefer(move.iso_code, self.parameters)
        return teu * (self.parameters.reefer_terminal_factor.value if reefer else 1.0)

    @property
    def unallocated_calls(self) -> list[CallPool]:
        """Calls of the year with no matched move: their emissions stay with no container."""
        return [p for p in self.calls.values() if p.moves == 0 and p.call.year == self.year]


def _terminals(
    session: Session, port: str, year: int, tables: LandsideTables, hydrogen_pathway: str
) -> dict[str, TerminalPool]:
    """Equipment CO2e of each terminal (by register operator), as the annual report counts the units."""
    units = [
        u
        for u in equipment_units(session, port)
        if u.operator and u.kind.category is SourceCategory.CARGO_HANDLING_EQUIPMENT
    ]
    activity = equipment_activity(session, port, year)
    by_unit = defaultdict(list)
    for record in activity:
        by_unit[record.unit_id].append(record)
    pools: dict[str, TerminalPool] = {}
    for unit in units:
        records = by_unit.get(unit.unit_id, [])
        # As the annual report: without any log in the year, every unit counts at its default hours.
        if activity and not records:
            continue
        result = equipment_emissions(
            unit, records, port=port, year=year, tables=tables, hydrogen_pathway=hydrogen_pathway
        )
        pool = pools.setdefault(str(unit.operator), TerminalPool(str(unit.operator)))
        pool.co2e = pool.co2e + Co2e(result.wtw_co2e_g, float(result.ttw_g.get(CO2E, 0.0)))
        pool.units += 1
    return pools


def _visits(
    session: Session, profile: PortProfile, lo: datetime, hi: datetime, tables: LandsideTables, pathway: str
) -> list[VisitPool]:
    fleet = {
        u.unit_id: u for u in equipment_units(session, profile.key) if u.kind is EquipmentKind.DRAYAGE_TRUCK
    }
    pools = []
    # A visit's emissions depend only on its truck, its gate time and its year: visits alike are computed
    # once (the method costs about a millisecond a call, and a port's year holds hundreds of thousands).
    done: dict[tuple[str | None, float | None, int], Co2e] = {}
    for visit in gate_visits(session, profile.unlocodes, lo, hi):
        truck = visit.plate if visit.plate in fleet else None
        span = (visit.gate_out - visit.gate_in).total_seconds() if visit.gate_out is not None else None
        key = (truck, span, visit.gate_in.year)
        if key not in done:
            activity = TruckVisitActivity(
                visit_id=visit.visit_id,
                unlocode=visit.unlocode,
                facility_code=visit.facility_code,
                trucking_company=None,
                plate=visit.plate,
                gate_in=visit.gate_in,
                gate_out=visit.gate_out,
            )
            # The method keeps visits of its year by the UTC year of the gate-in: give it that year.
            result = truck_visit_emissions(
                [activity],
                fleet,
                port=profile.key,
                year=visit.gate_in.year,
                tables=tables,
                hydrogen_pathway=pathway,
            )
            done[key] = Co2e(result.wtw_co2e_g, float(result.ttw_g.get(CO2E, 0.0)))
        teu = sum(box_teu(code)[0] for code in visit.boxes.values())
        pools.append(VisitPool(visit, done[key], teu))
    return pools


def allocate(
    session: Session,
    profile: PortProfile,
    year: int,
    *,
    tables: LandsideTables | None = None,
    hydrogen_pathway: str = "grey",
) -> PortYearAllocation:
    """The pools of ``profile``'s port in local calendar ``year`` and the TEU each is shared among.

    Raises
    ------
    ConfigError
        The port has no ship fuel row (``ship_fuel_by_port.csv``) or a bad allocation parameter.
    """
    parameters = allocation_parameters()
    tables = tables or landside_tables()
    lo, hi = year_bounds(year, ZoneInfo(profile.timezone))
    window = timedelta(hours=parameters.call_match_window_h.value)
    ratio = ship_well_to_tank(profile.key, SourceCategory.OGV.value).g_co2e_per_g_co2
    # Calls arriving up to a window before the year still own the year's first moves, and a call of the
    # year owns its moves of the next year's first days: its whole emissions go to its whole set of moves.
    calls = ship_calls(session, profile.key, lo - window, hi)
    quay = handlings(session, profile.unlocodes, lo - window, hi + window, codes=VESSEL_CODES)
    by_mmsi: dict[int, list[ShipCall]] = defaultdict(list)
    for call in calls:
        by_mmsi[call.mmsi].append(call)
    pools = {c.call_id: CallPool(c, Co2e(c.co2e_g + c.co2_g * ratio, c.co2e_g)) for c in calls}
    allocation = PortYearAllocation(
        port=profile.key,
        year=year,
        unlocodes=tuple(profile.unlocodes),
        lo=lo,
        hi=hi,
        parameters=parameters,
        wtt_g_co2e_per_g_co2=ratio,
        moves=handlings(session, profile.unlocodes, lo, hi),
        calls=pools,
        terminals=_terminals(session, profile.key, year, tables, hydrogen_pathway),
        visits=_visits(session, profile, lo, hi, tables, hydrogen_pathway),
        _by_mmsi=dict(by_mmsi),
        _mmsi=vessel_mmsi(session, {m.vessel_imo for m in quay if m.vessel_imo}),
    )
    for move in quay:
        pool = allocation.call_of(move)
        if pool is not None:
            pool.teu += box_teu(move.iso_code)[0]
            pool.moves += 1
    for move in allocation.moves:
        if move.facility_code is None:
            continue
        terminal = allocation.terminals.setdefault(move.facility_code, TerminalPool(move.facility_code))
        terminal.weighted_teu += allocation.terminal_weight(move)
        terminal.moves += 1
    return allocation
