"""Drayage trucks: on-terminal idle and creep time plus on-road miles inside the inventory boundary.

Per truck visit of the hub (gate-in to gate-out at a terminal), as the San Pedro Bay inventories split
heavy-duty vehicle activity::

    idle/creep hours = gate_out − gate_in (a visit without gate-out: the port's default turn time)
    running miles    = the port's on-road miles per visit inside the inventory boundary
    E (g) = hours × g/hour idle + miles × g/mile running   (``truck_ef.csv``, by power source and model year)

Fuel (litres of diesel, kg of natural gas) follows the same form and gives CO2, CH4, N2O, SO2 and the
upstream CO2e (``fuel_properties.csv``). The truck is the fleet register's unit of kind ``drayage_truck``
with the visit's plate (its power source and model year); a plate not in the register, or a truck whose
power source has no drayage rates, counts as the port's default fleet mix (``truck_fleet_mix.csv``).
Battery trucks use kWh per mile and per idle hour, fuel-cell trucks kg H2 (``zev_energy.csv``). Visits are
counted in the calendar year of their gate-in. Port parameters: ``port_parameters.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from quayside.emissions.landside._tally import EXHAUST, Tally
from quayside.emissions.landside._unit import model_year
from quayside.emissions.landside.energy import (
    SourceEmissions,
    grid_factor,
    hydrogen_intensity,
    zero_emission_energy,
)
from quayside.emissions.landside.tables import LandsideTables
from quayside.equipment.types import EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.errors import ConfigError

__all__ = ["TruckVisit", "TruckVisitActivity", "register_truck_usage", "truck_visit_emissions"]

_RATED = {
    PowerSource.DIESEL: "diesel",
    PowerSource.DIESEL_HYBRID: "diesel",
    PowerSource.NATURAL_GAS: "natural_gas",
}


@dataclass(frozen=True, slots=True)
class TruckVisitActivity:
    """One truck visit of the hub: gate-in and (when it has happened) gate-out at a terminal."""

    visit_id: str
    unlocode: str
    facility_code: str
    trucking_company: str | None
    plate: str | None
    gate_in: datetime
    gate_out: datetime | None


class TruckVisit(Protocol):
    """What :func:`truck_visit_emissions` reads of a visit: :class:`TruckVisitActivity` or any record with these
    attributes (such as the store's own visit rows)."""

    @property
    def visit_id(self) -> str: ...

    @property
    def plate(self) -> str | None: ...

    @property
    def gate_in(self) -> datetime: ...

    @property
    def gate_out(self) -> datetime | None: ...


def supported(power: PowerSource) -> bool:
    """Power sources with drayage rates: diesel (and hybrids, as diesel), natural gas, battery, fuel cell."""
    return power in _RATED or power.zero_emission


def _rate(tables: LandsideTables, fuel: str, year: int, mode: str, quantity: str) -> float:
    for row in tables.truck_rates:
        if (row.power_source, row.mode, row.quantity) == (
            fuel,
            mode,
            quantity,
        ) and row.year_from <= year <= row.year_to:
            return row.rate.value
    raise ConfigError(
        "truck_ef.csv has no row for this truck", field="model_year", value=(fuel, year, mode, quantity)
    )


def add_truck(
    tally: Tally, power: PowerSource, year: int, hours: float, miles: float, weight: float = 1.0
) -> None:
    """Add ``hours`` idling and ``miles`` running of one truck profile, scaled by ``weight``."""
    tables = tally.tables
    if power.zero_emission:
        zev = zero_emission_energy(EquipmentKind.DRAYAGE_TRUCK, power, tables)
        if power is PowerSource.ELECTRIC:
            tally.electricity(
                weight * (miles * (zev.kwh_per_mile or 0.0) + hours * (zev.kwh_per_idle_hour or 0.0))
            )
        else:
            tally.hydrogen(
                weight * (miles * (zev.kg_h2_per_mile or 0.0) + hours * (zev.kg_h2_per_idle_hour or 0.0))
            )
        return
    fuel = _RATED[power]

    def amount(quantity: str) -> float:
        running = _rate(tables, fuel, year, "running", quantity)
        return weight * (miles * running + hours * _rate(tables, fuel, year, "idle", quantity))

    tally.burn(fuel, amount("fuel"))
    for pollutant in EXHAUST:
        tally.exhaust(pollutant, amount(pollutant), fuel=fuel)


def truck_visit_emissions(
    visits: Sequence[TruckVisit],
    fleet: Mapping[str, EquipmentUnit],
    *,
    port: str,
    year: int,
    tables: LandsideTables,
    hydrogen_pathway: str = "grey",
    grid_region: str | None = None,
    timezone: str | None = None,
) -> SourceEmissions:
    """Tank-to-wheel grams and well-to-wheel CO2e of a port's truck visits in calendar ``year`` (see module doc).

    Parameters
    ----------
    visits
        Truck visits; those whose gate-in is in another year are ignored.
    timezone
        The port's time zone: the year of a gate-in is the port's calendar year (a visit at 22:00 on
        31 December in Los Angeles is of that year, though 06:00 on 1 January UTC). Default: UTC.
    fleet
        The fleet register by plate (units of kind ``drayage_truck``).
    port
        Port profile key: miles per visit, default turn time, fleet mix and grid region.
    """
    params = tables.port(port)
    region = grid_region or params.grid_region
    tally = Tally(
        SourceCategory.TRUCKS,
        tables,
        grid_factor(region, year, tables).lifecycle_g_per_kwh,
        hydrogen_intensity(hydrogen_pathway, tables),
    )
    known: dict[tuple[PowerSource, int], list[float]] = {}
    unknown = [0.0, 0.0]  # hours, miles of trucks counted as the default fleet mix
    zone = ZoneInfo(timezone) if timezone else UTC
    for visit in visits:
        if visit.gate_in.astimezone(zone).year != year:
            continue
        if visit.gate_out is not None and visit.gate_out >= visit.gate_in:
            hours = (visit.gate_out - visit.gate_in).total_seconds() / 3600.0
        else:
            if visit.gate_out is not None:
                tally.notes.append(f"visit {visit.visit_id}: gate-out before gate-in; default turn time used")
            tally.defaulted.add("turn_time")
            hours = params.default_turn_time_h
        unit = fleet.get(visit.plate) if visit.plate else None
        if unit is not None and unit.kind is EquipmentKind.DRAYAGE_TRUCK and supported(unit.power_source):
            slot = known.setdefault((unit.power_source, model_year(unit, tables, tally)), [0.0, 0.0])
        else:
            if unit is not None:
                tally.notes.append(
                    f"visit {visit.visit_id}: truck {unit.unit_id} has no drayage rates; fleet mix used"
                )
            tally.defaulted.add("fleet_mix")
            slot = unknown
        slot[0] += hours
        slot[1] += params.miles_per_visit
    for (power, truck_year), (hours, miles) in known.items():
        add_truck(tally, power, truck_year, hours, miles)
    if unknown != [0.0, 0.0]:
        for share in tables.fleet_mixes[params.fleet_mix]:
            power = PowerSource(share.power_source)
            add_truck(tally, power, share.model_year, unknown[0], unknown[1], weight=share.share.value)
    return tally.result()


def register_truck_usage(
    unit: EquipmentUnit, miles: float | None, fuel: float | None, tables: LandsideTables, tally: Tally
) -> None:
    """One activity record of a register drayage truck: logged ``miles`` running; logged fuel wins for CO2.

    A truck's logged hours are engine hours, not gate time, so they are not counted as idling.
    """
    if not supported(unit.power_source):
        raise ConfigError(
            "no drayage rates for this power source",
            source=unit.source,
            record=unit.line,
            field="power_source",
            value=unit.power_source.value,
        )
    year = model_year(unit, tables, tally)
    if fuel is None or unit.power_source.zero_emission:
        add_truck(tally, unit.power_source, year, 0.0, miles or 0.0)
        return
    # logged fuel replaces the per-mile fuel for CO2; exhaust still follows the miles
    name = _RATED[unit.power_source]
    tally.burn(name, fuel)  # litres, or kg of natural gas
    for pollutant in EXHAUST:
        tally.exhaust(pollutant, (miles or 0.0) * _rate(tables, name, year, "running", pollutant), fuel=name)
