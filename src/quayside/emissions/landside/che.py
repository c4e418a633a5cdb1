"""Cargo-handling equipment, transport refrigeration units and the dispatch of every register unit.

Combustion units (diesel, diesel hybrid, gasoline, propane, natural gas) follow EPA's NONROAD form, as the
cargo-handling equipment section of the Ports Emissions Inventory Guidance (EPA-420-B-22-011) and CARB's
CHE inventory apply it::

    E (g) = rated kW × load factor × hours × EF(engine family, tier by model year and kW bin) (g/kWh)

- Fuel logged is better than hours for CO2: when litres (kg of natural gas) are logged, CO2, CH4, N2O, SO2
  and the upstream CO2e come from the fuel; NOx, PM, HC and CO still come from the hours when hours are
  logged, else from the engine work the fuel stands for (fuel g / BSFC).
- Hours only: fuel = rated kW × load factor × hours × BSFC.
- Hybrids: EF by litres (work = fuel g / BSFC); with hours only, the diesel fuel × ``hybrid_fuel_ratio``.
- Electric: kWh logged, else hours × rated kW × load factor; zero at the machine, kWh × grid lifecycle
  factor well-to-wheel. Hydrogen fuel cell: kg logged, else hours × kg H2 per hour (``zev_energy.csv``).
- Locomotives go to :mod:`~quayside.emissions.landside.rail`, register drayage trucks to
  :mod:`~quayside.emissions.landside.trucks`.

Records are clipped to the calendar year pro rata by days. A unit without any record overlapping the year
is taken to have worked its kind's default annual hours; missing ``rated_kw``, ``model_year`` and hours come
from ``equipment_defaults.csv`` and are listed in ``defaulted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quayside.emissions.landside import rail, trucks
from quayside.emissions.landside._period import days_in_year, year_share
from quayside.emissions.landside._tally import EXHAUST, Tally
from quayside.emissions.landside._unit import fuel_of, model_year, rated_kw
from quayside.emissions.landside.energy import (
    SourceEmissions,
    grid_factor,
    hydrogen_intensity,
    zero_emission_energy,
)
from quayside.emissions.landside.tables import LandsideTables
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource

__all__ = ["equipment_emissions"]

_LOCOMOTIVES = (EquipmentKind.LOCOMOTIVE_LINE_HAUL, EquipmentKind.LOCOMOTIVE_SWITCHER)


@dataclass(frozen=True, slots=True)
class Usage:
    """One record's logged values, clipped to the year (None = not logged)."""

    hours: float | None
    fuel: float | None  # litres, or kg for natural gas
    kwh: float | None
    kg_h2: float | None
    miles: float | None
    year_fraction: float  # share of the calendar year the record covers (for default hours)
    moves: float | None = None


def usages(unit: EquipmentUnit, activity: Sequence[ActivityRecord], year: int, tally: Tally) -> list[Usage]:
    """The unit's records clipped to ``year``; the kind's default hours when no record overlaps it."""
    out = []
    fuel_kg = unit.power_source is PowerSource.NATURAL_GAS

    def scaled(value: float | None, share: float) -> float | None:
        return None if value is None else value * share

    for rec in activity:
        if rec.unit_id != unit.unit_id:
            continue
        if rec.period_end < rec.period_start:
            tally.notes.append(f"record {rec.source}:{rec.line} skipped: period_end before period_start")
            continue
        share = year_share(rec.period_start, rec.period_end, year)
        if share > 0:
            days = ((rec.period_end - rec.period_start).days + 1) * share
            fuel = rec.fuel_kg if fuel_kg else rec.fuel_l
            out.append(
                Usage(
                    scaled(rec.hours, share),
                    scaled(fuel, share),
                    scaled(rec.kwh, share),
                    scaled(rec.kg_h2, share),
                    scaled(rec.miles, share),
                    days / days_in_year(year),
                    scaled(None if rec.moves is None else float(rec.moves), share),
                )
            )
    if not out:
        out.append(Usage(None, None, None, None, None, 1.0))
    return out


def hours_or_default(usage: Usage, unit: EquipmentUnit, tables: LandsideTables, tally: Tally) -> float:
    """Logged hours, else the kind's default annual hours × the share of the year the record covers."""
    if usage.hours is not None:
        return usage.hours
    tally.defaulted.add("hours")
    return tables.defaults[unit.kind].annual_hours.value * usage.year_fraction


def locomotive_hours(usage: Usage, unit: EquipmentUnit, tables: LandsideTables, tally: Tally) -> float:
    """Logged hours; else the trains logged as ``moves`` × the duty's hours per train; else the defaults."""
    if usage.hours is None and usage.moves is not None:
        return usage.moves * tables.constant(f"locomotive_hours_per_move_{rail.duty_of(unit.kind)}")
    return hours_or_default(usage, unit, tables, tally)


def _tier(unit: EquipmentUnit, engine: str, kw: float, tables: LandsideTables, tally: Tally) -> str:
    """The certified tier when the register names one of the table's tiers, else the tier of the model year."""
    if unit.tier:
        wanted = unit.tier.strip().lower()
        for row in tables.engine_tiers:
            if row.engine == engine and row.tier.lower() == wanted and row.kw_min <= kw < row.kw_max:
                return row.tier
    return tables.tier(engine, kw, model_year(unit, tables, tally)).tier


def _combustion(unit: EquipmentUnit, usage: Usage, tables: LandsideTables, tally: Tally) -> None:
    fuel = fuel_of(unit.power_source)
    engine = "ci" if fuel == "diesel" else "si"
    kw = rated_kw(unit, tables, tally)
    lf = tables.load_factors[unit.kind].value
    bsfc = tables.fuel_property(fuel, "bsfc_g_per_kwh")
    unit_g = 1000.0 * tables.fuel_property(
        fuel, "density_kg_per_unit"
    )  # grams of fuel per litre (per kg: 1000)
    hybrid = unit.power_source is PowerSource.DIESEL_HYBRID
    if usage.fuel is not None:
        amount = usage.fuel
        fuel_work = amount * unit_g / bsfc
        work = fuel_work if hybrid or usage.hours is None else kw * lf * usage.hours
    else:
        shaft = kw * lf * hours_or_default(usage, unit, tables, tally)
        work = shaft * (tables.constant("hybrid_fuel_ratio") if hybrid else 1.0)
        amount = work * bsfc / unit_g
    tally.burn(fuel, amount)
    tier = _tier(unit, engine, kw, tables, tally)
    for pollutant in EXHAUST:
        tally.exhaust(pollutant, work * tables.engine_factor(engine, tier, kw, pollutant).value, fuel=fuel)


def _zero_emission(unit: EquipmentUnit, usage: Usage, tables: LandsideTables, tally: Tally) -> None:
    if unit.power_source is PowerSource.ELECTRIC:
        if usage.kwh is not None:
            tally.electricity(usage.kwh)
        else:
            hours = hours_or_default(usage, unit, tables, tally)
            tally.electricity(hours * rated_kw(unit, tables, tally) * tables.load_factors[unit.kind].value)
    elif usage.kg_h2 is not None:
        tally.hydrogen(usage.kg_h2)
    else:
        per_hour = zero_emission_energy(unit.kind, unit.power_source, tables).kg_h2_per_hour
        tally.hydrogen(hours_or_default(usage, unit, tables, tally) * (per_hour or 0.0))


def equipment_emissions(
    unit: EquipmentUnit,
    activity: Sequence[ActivityRecord],
    *,
    port: str,
    year: int,
    tables: LandsideTables,
    grid_region: str | None = None,
    hydrogen_pathway: str = "grey",
) -> SourceEmissions:
    """Tank-to-wheel grams and well-to-wheel CO2e of one register unit over calendar ``year``.

    Parameters
    ----------
    unit
        The machine (any kind: cargo-handling equipment, locomotive, TRU, drayage truck).
    activity
        Its activity records; records of other units are ignored, periods are clipped to ``year``.
    port
        Port profile key (``san-pedro-bay``): gives the grid region (``port_parameters.csv``).
    year
        Calendar year.
    tables
        :func:`~quayside.emissions.landside.tables.landside_tables`.
    grid_region
        Overrides the port's grid region.
    hydrogen_pathway
        Row of ``hydrogen_pathways.csv`` for hydrogen units (``grey``, ``blue``, ``green``...).
    """
    region = grid_region or tables.port(port).grid_region
    tally = Tally(
        unit.kind.category,
        tables,
        grid_factor(region, year, tables).lifecycle_g_per_kwh,
        hydrogen_intensity(hydrogen_pathway, tables),
    )
    for usage in usages(unit, activity, year, tally):
        if unit.power_source.zero_emission and unit.kind is not EquipmentKind.DRAYAGE_TRUCK:
            _zero_emission(unit, usage, tables, tally)
        elif unit.kind in _LOCOMOTIVES:
            rail.locomotive_usage(
                unit,
                locomotive_hours(usage, unit, tables, tally) if usage.fuel is None else usage.hours,
                usage.fuel,
                tables,
                tally,
            )
        elif unit.kind is EquipmentKind.DRAYAGE_TRUCK:
            trucks.register_truck_usage(unit, usage.miles, usage.fuel, tables, tally)
        else:
            _combustion(unit, usage, tables, tally)
    return tally.result()
