"""What a land-side source consumed and emitted, and the energy carriers' carbon: grid and hydrogen.

Electricity and hydrogen are zero at the machine (tank-to-wheel) and count well-to-wheel: kWh × the grid's
lifecycle g CO2e/kWh of the port's region and year (``grid_factors.csv``), kg H2 × the production pathway's
kg CO2e/kg (``hydrogen_pathways.csv``). Liquid and gaseous fuels count well-to-wheel as their tank-to-wheel
CO2e plus the upstream (well-to-tank) g CO2e/MJ of ``fuel_properties.csv`` × their energy.

:func:`grid_factor`, :func:`hydrogen_intensity` and :func:`zero_emission_energy` are also what the transition
planner calls to replace combustion units by electric or hydrogen ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from quayside.emissions.landside.tables import LandsideTables
from quayside.equipment.types import EquipmentKind, PowerSource, SourceCategory
from quayside.errors import ConfigError

__all__ = [
    "EnergyUse",
    "GridFactor",
    "SourceEmissions",
    "ZevEnergy",
    "grid_factor",
    "hydrogen_intensity",
    "zero_emission_energy",
]


@dataclass(frozen=True)
class EnergyUse:
    """What a source consumed over the period."""

    fuel_l: dict[str, float]  # PowerSource value of the fuel (diesel, gasoline, propane) -> litres
    fuel_kg: dict[str, float]  # natural_gas -> kg
    kwh: float  # grid electricity drawn
    kg_h2: float


@dataclass(frozen=True)
class SourceEmissions:
    """The emissions of one unit (or one group, such as a year of truck visits) over a period.

    ``ttw_g`` holds every :class:`~quayside.emissions.types.Pollutant` value as a key (grams at the machine;
    zeros for zero-emission units); ``wtw_co2e_g`` adds the upstream of fuels, electricity and hydrogen;
    ``defaulted`` names the inputs taken from default tables (``rated_kw``, ``model_year``, ``hours``,
    ``turn_time``, ``fleet_mix``); ``notes`` says which records were skipped and why.
    """

    category: SourceCategory
    ttw_g: dict[str, float]
    wtw_co2e_g: float
    energy: EnergyUse
    defaulted: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GridFactor:
    """Grid electricity of a region in a year: g CO2e per kWh at the power plants and over the life cycle."""

    region: str
    year: int
    operational_g_per_kwh: float
    lifecycle_g_per_kwh: float
    status: str  # U if either value is U
    source: str


@dataclass(frozen=True, slots=True)
class ZevEnergy:
    """Energy of a zero-emission unit: per operating hour (equipment) or per mile and idle hour (trucks)."""

    kind: EquipmentKind
    power: PowerSource
    kwh_per_hour: float | None
    kg_h2_per_hour: float | None
    kwh_per_mile: float | None
    kg_h2_per_mile: float | None
    kwh_per_idle_hour: float | None
    kg_h2_per_idle_hour: float | None
    status: str
    source: str


def grid_factor(region: str, year: int, tables: LandsideTables) -> GridFactor:
    """The operational and lifecycle g CO2e/kWh of ``region`` (``california``, ``chubu``, ``guangdong``) in ``year``.

    Raises
    ------
    ConfigError
        An unknown region, or a year no row of ``grid_factors.csv`` covers.
    """
    found = {}
    for row in tables.grid:
        if row.region == region and (row.year_from or year) <= year <= (row.year_to or year):
            found[row.basis] = row.g_co2e_per_kwh
    if not any(row.region == region for row in tables.grid):
        regions = sorted({row.region for row in tables.grid})
        raise ConfigError(
            "unknown grid region", field="grid_region", value=region, hint=f"use one of {regions}"
        )
    if set(found) != {"operational", "lifecycle"}:
        raise ConfigError("grid_factors.csv does not cover this year", field="year", value=(region, year))
    op, life = found["operational"], found["lifecycle"]
    status = "C" if op.status == life.status == "C" else "U"
    return GridFactor(
        region, year, op.value, life.value, status, f"operational: {op.source}; lifecycle: {life.source}"
    )


def hydrogen_intensity(pathway: str, tables: LandsideTables) -> float:
    """kg CO2e per kg H2 of a production pathway (``grey``, ``blue``, ``green`` ...)."""
    if pathway not in tables.hydrogen:
        raise ConfigError(
            "unknown hydrogen pathway",
            field="hydrogen_pathway",
            value=pathway,
            hint=f"use one of {sorted(tables.hydrogen)}",
        )
    return tables.hydrogen[pathway].value


def zero_emission_energy(kind: EquipmentKind, power: PowerSource, tables: LandsideTables) -> ZevEnergy:
    """kWh or kg H2 per operating hour (cargo-handling equipment, TRUs) or per mile and idle hour (drayage trucks).

    Raises
    ------
    ConfigError
        ``power`` is not electric or hydrogen, or ``zev_energy.csv`` has no row for the kind.
    """
    if not power.zero_emission:
        raise ConfigError("not a zero-emission power source", field="power_source", value=power.value)
    rows = {q: s for (k, p, q), s in tables.zev_energy.items() if k == kind.value and p == power.value}
    if not rows:
        raise ConfigError(
            "zev_energy.csv has no row for this kind and power source", value=(kind.value, power.value)
        )

    def get(quantity: str) -> float | None:
        return rows[quantity].value if quantity in rows else None

    status = "C" if all(s.status == "C" for s in rows.values()) else "U"
    return ZevEnergy(
        kind=kind,
        power=power,
        kwh_per_hour=get("kwh_per_hour"),
        kg_h2_per_hour=get("kg_h2_per_hour"),
        kwh_per_mile=get("kwh_per_mile"),
        kg_h2_per_mile=get("kg_h2_per_mile"),
        kwh_per_idle_hour=get("kwh_per_idle_hour"),
        kg_h2_per_idle_hour=get("kg_h2_per_idle_hour"),
        status=status,
        source="; ".join(f"{q}: {s.source}" for q, s in sorted(rows.items())),
    )
