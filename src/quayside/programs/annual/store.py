"""The annual report from what the store holds: :func:`annual_from_store`.

For each year held for the port (``years_held``) up to the report year, the inputs of
:func:`~quayside.programs.annual.build_annual` are read and computed:

- ships: ``ship_emissions`` (the AIS inventory loaded with ``quayside load inventory``);
- equipment: ``equipment_units`` and ``equipment_activity``; each unit with activity in the year goes through
  the land-side method ``equipment_emissions``. A port whose store holds no activity at all (a register
  without logs) has every unit counted in every year held at its kind's default hours (the method's
  defaults, listed as defaulted);
- drayage trucks: the hub's ``truck_visits`` at the port's UN/LOCODEs through ``truck_visit_emissions``,
  grouped by the power source of the registered truck of each plate (``unregistered`` when the plate is
  not in the register, or missing: each such visit counts as one truck). Register drayage trucks' own
  activity logs are used only in a year without truck visits, so that a truck is not counted twice;
- TEU: ``teu_handled``: the port's loaded throughput (``quayside load equipment`` of a throughput file)
  where there is one, else the hub's BAPLIE/COARRI moves; ``sources.teu`` says which;
- the grid's operational factor of the port's region and year and the hydrogen pathway's intensity, for
  the terminals' scope 1+2.

The report year's ``coverage`` (:mod:`quayside.programs.annual.coverage`) says what part of it each category's
data cover.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from quayside.emissions.landside import (
    LandsideTables,
    SourceEmissions,
    TruckVisit,
    equipment_emissions,
    grid_factor,
    hydrogen_intensity,
    landside_tables,
    truck_visit_emissions,
)
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit
from quayside.errors import ConfigError
from quayside.geo.profiles import load_profile
from quayside.programs.annual.coverage import coverage_from_store
from quayside.programs.annual.report import AnnualReport, build_annual
from quayside.programs.annual.totals import (
    GRAMS_PER_KG,
    POLLUTANTS,
    UNREGISTERED,
    AnnualInputs,
    EquipmentGroup,
    year_totals,
)
from quayside.programs.targets import Target, load_targets
from quayside.store.repositories.equipment import (
    equipment_activity,
    equipment_units,
    ship_emissions,
    teu_handled,
    truck_visits,
    years_held,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_HYDROGEN_PATHWAY = "grey"


def _year_share(start: date, end: date, year: int) -> float:
    """The share of the inclusive period ``start..end`` that falls in ``year`` (by days)."""
    first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    days = (end - start).days + 1
    return max(0, (last - first).days + 1) / days if days > 0 else 0.0


class _Groups:
    """Sums of units, hours, energy and grams per (kind, power source)."""

    def __init__(self) -> None:
        self.units: dict[tuple[str, str], int] = defaultdict(int)
        self.hours: dict[tuple[str, str], float] = defaultdict(float)
        self.results: dict[tuple[str, str], list[SourceEmissions]] = defaultdict(list)

    def add(self, key: tuple[str, str], units: int, hours: float, result: SourceEmissions) -> None:
        self.units[key] += units
        self.hours[key] += hours
        self.results[key].append(result)

    def groups(self) -> list[EquipmentGroup]:
        out = []
        for key in sorted(self.results):
            results = self.results[key]
            ttw = {p: sum(float(r.ttw_g.get(p, 0.0)) for r in results) for p in POLLUTANTS}
            out.append(
                EquipmentGroup(
                    kind=key[0],
                    power_source=key[1],
                    units=self.units[key],
                    hours=self.hours[key],
                    kwh=sum(r.energy.kwh for r in results),
                    kg_h2=sum(r.energy.kg_h2 for r in results),
                    fuel_l=sum(sum(r.energy.fuel_l.values()) for r in results),
                    fuel_kg=sum(sum(r.energy.fuel_kg.values()) for r in results),
                    ttw_g=ttw,
                    wtw_co2e_g=sum(r.wtw_co2e_g for r in results),
                )
            )
        return out


def _equipment(
    units: Sequence[EquipmentUnit],
    activity: Sequence[ActivityRecord],
    *,
    port: str,
    year: int,
    tables: LandsideTables,
    hydrogen_pathway: str,
    with_trucks: bool,
    all_units: bool,
    groups: _Groups,
    notes: list[str],
) -> list[SourceEmissions]:
    by_unit: dict[str, list[ActivityRecord]] = defaultdict(list)
    for record in activity:
        by_unit[record.unit_id].append(record)
    known = {u.unit_id for u in units}
    orphans = sorted(set(by_unit) - known)
    if orphans:
        notes.append(
            f"{year}: activity of {len(orphans)} unit(s) not in the register ignored: {', '.join(orphans[:5])}"
        )
    results = []
    for unit in units:
        records = by_unit.get(unit.unit_id, [])
        if unit.kind is EquipmentKind.DRAYAGE_TRUCK and not with_trucks:
            continue
        if not records and not all_units:
            continue
        result = equipment_emissions(
            unit, records, port=port, year=year, tables=tables, hydrogen_pathway=hydrogen_pathway
        )
        if records:
            hours = sum((r.hours or 0.0) * _year_share(r.period_start, r.period_end, year) for r in records)
        else:  # counted without logs: the method used the kind's default annual hours
            hours = tables.defaults[unit.kind].annual_hours.value
        groups.add((unit.kind.value, unit.power_source.value), 1, hours, result)
        results.append(result)
    return results


def _trucks(
    visits: Sequence[TruckVisit],
    units: Sequence[EquipmentUnit],
    *,
    port: str,
    year: int,
    tables: LandsideTables,
    hydrogen_pathway: str,
    groups: _Groups,
    timezone: str,
) -> list[SourceEmissions]:
    fleet = {u.unit_id: u for u in units if u.kind is EquipmentKind.DRAYAGE_TRUCK}
    by_power: dict[str, list[TruckVisit]] = defaultdict(list)
    for visit in visits:
        unit = fleet.get(visit.plate) if visit.plate else None
        by_power[unit.power_source.value if unit is not None else UNREGISTERED].append(visit)
    results = []
    for power, batch in sorted(by_power.items()):
        result = truck_visit_emissions(
            batch,
            fleet,
            port=port,
            year=year,
            tables=tables,
            hydrogen_pathway=hydrogen_pathway,
            timezone=timezone,
        )
        plates = {v.plate for v in batch if v.plate}
        trucks = len(plates) + sum(1 for v in batch if not v.plate)
        hours = sum(
            (v.gate_out - v.gate_in).total_seconds() / 3600
            for v in batch
            if v.gate_out is not None and v.gate_out >= v.gate_in
        )
        groups.add((EquipmentKind.DRAYAGE_TRUCK.value, power), trucks, hours, result)
        results.append(result)
    return results


def _inputs(
    session: Session,
    port: str,
    unlocodes: Sequence[str],
    year: int,
    units: Sequence[EquipmentUnit],
    activity: Sequence[ActivityRecord],
    *,
    any_logs: bool,
    tables: LandsideTables,
    hydrogen_pathway: str,
    timezone: str,
) -> AnnualInputs:
    groups = _Groups()
    notes: list[str] = []
    visits = truck_visits(session, unlocodes, year)
    landside = _equipment(
        units,
        activity,
        port=port,
        year=year,
        tables=tables,
        hydrogen_pathway=hydrogen_pathway,
        with_trucks=not visits,
        all_units=not any_logs,
        groups=groups,
        notes=notes,
    )
    landside += _trucks(
        visits,
        units,
        port=port,
        year=year,
        tables=tables,
        hydrogen_pathway=hydrogen_pathway,
        groups=groups,
        timezone=timezone,
    )
    region = tables.port(port).grid_region
    grid = grid_factor(region, year, tables)
    kg_co2e_per_kg_h2 = hydrogen_intensity(hydrogen_pathway, tables)
    for result in landside:
        notes.extend(f"{year}: {n}" for n in result.notes)
    teu = teu_handled(session, port, unlocodes, year)
    sources: dict[str, Any] = {
        "store": "ship_call_emissions, equipment units and activity, truck visits, port throughput or move counts",
        "grid": {
            "region": grid.region,
            "operational_g_co2e_per_kwh": grid.operational_g_per_kwh,
            "status": grid.status,
            "source": grid.source,
        },
        "hydrogen": {"pathway": hydrogen_pathway, "kg_co2e_per_kg_h2": kg_co2e_per_kg_h2},
        "equipment_without_logs": "default hours" if not any_logs and units else None,
        "truck_visits": len(visits),
        "teu": teu.to_dict(),
        "notes": notes,
    }
    return AnnualInputs(
        port=port,
        year=year,
        ship_g=ship_emissions(session, port, year),
        landside=landside,
        teu=teu.teu,
        by_equipment=groups.groups(),
        grid_g_co2e_per_kwh=grid.operational_g_per_kwh,
        hydrogen_g_co2e_per_kg=kg_co2e_per_kg_h2 * GRAMS_PER_KG,
        sources=sources,
    )


def annual_from_store(
    session: Session,
    port: str,
    year: int,
    *,
    baseline_year: int | None = None,
    targets: Sequence[Target] | None = None,
    hydrogen_pathway: str = DEFAULT_HYDROGEN_PATHWAY,
) -> AnnualReport:
    """The annual report of ``port`` (a profile key or directory) for ``year`` from the store.

    Parameters
    ----------
    session
        An open store session.
    port
        Port profile: its key names the store's rows, its UN/LOCODEs the hub's truck visits and moves.
    year
        The report year; it must be held.
    baseline_year
        The year changes are measured from; default the first year held.
    targets
        Targets (default: the bundled ``targets.csv``).
    hydrogen_pathway
        The production pathway of the hydrogen the port's machines use (``hydrogen_pathways.csv``).

    Raises
    ------
    ConfigError
        Nothing held for the port in ``year``, or ``baseline_year`` not held (the message lists the years
        held); an unknown port profile or hydrogen pathway.
    """
    profile = load_profile(port)
    key = profile.key
    held = sorted(years_held(session, key))
    if year not in held:
        raise ConfigError(
            f"the store holds nothing for {key} in {year}",
            field="year",
            value=year,
            hint=f"years held: {', '.join(map(str, held))}"
            if held
            else "load data first (quayside load ...)",
        )
    years = [y for y in held if y <= year]
    tables = landside_tables()
    units = equipment_units(session, key)
    activity = {y: equipment_activity(session, key, y) for y in years}
    any_logs = any(activity.values())
    inputs = {
        y: _inputs(
            session,
            key,
            profile.unlocodes,
            y,
            units,
            activity[y],
            any_logs=any_logs,
            tables=tables,
            hydrogen_pathway=hydrogen_pathway,
            timezone=profile.timezone,
        )
        for y in years
    }
    history = [year_totals(inputs[y]) for y in years if y != year]
    tz = ZoneInfo(profile.timezone)
    coverage = coverage_from_store(session, key, profile.unlocodes, year, tz=tz, activity=activity[year])
    return build_annual(
        inputs[year],
        targets=load_targets() if targets is None else targets,
        history=history,
        baseline_year=baseline_year,
        coverage=coverage,
    )
