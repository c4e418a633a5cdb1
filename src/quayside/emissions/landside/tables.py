"""The land-side factor tables: loaded from the sourced CSV files of ``tables/`` and checked.

Every row carries ``status`` (C: confirmed in the cited source; U: unconfirmed, with what it is based on),
``source``, and ``valid_from`` / ``valid_to`` (ISO dates, empty = open). :func:`landside_tables` keeps the
rows valid on ``as_of`` (default: the current rows) and checks that each key has one row and that the
tables cover each other (every kind has a load factor and defaults, every port's grid region and fleet mix
exist, fleet shares add up to 1). Every error is a :class:`~quayside.errors.ConfigError` naming the file,
the line (the header is line 1) and the field.

| table | what |
|---|---|
| ``load_factors.csv`` | average load factor per equipment kind |
| ``equipment_defaults.csv`` | rated kW, model year, annual hours per kind when the register or the logs lack them |
| ``engine_tiers.csv`` | tier of nonroad diesel (``ci``) and large spark-ignition (``si``) engines by kW and year |
| ``engine_ef.csv`` | NOx, PM10, HC, CO g/kWh per engine family, tier and power bin |
| ``fuel_properties.csv`` | per fuel: CO2, CH4, N2O per litre (kg of gas), density, sulfur, BSFC, LHV, upstream |
| ``locomotive_tiers.csv``, ``locomotive_ef.csv`` | EPA locomotive tiers and g/bhp-hr (line-haul, switch) |
| ``truck_ef.csv``, ``truck_fleet_mix.csv`` | drayage g/mile running and g/hour idling; default fleets |
| ``zev_energy.csv`` | kWh and kg H2 per hour (equipment) or per mile and idle hour (trucks) of zero-emission units |
| ``grid_factors.csv``, ``hydrogen_pathways.csv`` | g CO2e/kWh by region and year; kg CO2e/kg H2 by pathway |
| ``port_parameters.csv``, ``constants.csv`` | per port profile; unit conversions and method constants |

CO2e uses the GWP set of ``emissions/tables/gwp.csv`` (AR5 by default), the table the ship inventory uses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from importlib.resources.abc import Traversable

from quayside.emissions._factor_tables import read_gwp
from quayside.emissions.landside import _readers as read
from quayside.emissions.landside._records import (
    EngineEf,
    EquipmentDefaults,
    FleetShare,
    GridRow,
    PortParameters,
    Sourced,
    TierRow,
    TruckRate,
    YearTier,
)
from quayside.emissions.landside._rows import package_tables
from quayside.equipment.types import EquipmentKind
from quayside.errors import ConfigError

__all__ = ["LandsideTables", "landside_tables", "load_landside_tables"]


@dataclass(frozen=True)
class LandsideTables:
    """All land-side tables of one run, validated; build with :func:`landside_tables`."""

    load_factors: dict[EquipmentKind, Sourced]
    defaults: dict[EquipmentKind, EquipmentDefaults]
    engine_tiers: tuple[TierRow, ...]
    engine_ef: tuple[EngineEf, ...]
    fuel: dict[tuple[str, str], Sourced]  # (fuel, property)
    locomotive_tiers: tuple[YearTier, ...]
    locomotive_ef: dict[tuple[str, str, str], Sourced]  # (duty, tier, pollutant)
    truck_rates: tuple[TruckRate, ...]
    fleet_mixes: dict[str, tuple[FleetShare, ...]]
    zev_energy: dict[tuple[str, str, str], Sourced]  # (kind, power source, quantity)
    grid: tuple[GridRow, ...]
    hydrogen: dict[str, Sourced]
    ports: dict[str, PortParameters]
    constants: dict[str, Sourced]
    gwp_set: str
    gwp: dict[str, float]  # "CH4", "N2O" -> g CO2e per g

    def constant(self, name: str) -> float:
        """The value of a method constant of ``constants.csv``."""
        if name not in self.constants:
            raise ConfigError("no such constant in constants.csv", field="name", value=name)
        return self.constants[name].value

    def fuel_property(self, fuel: str, prop: str) -> float:
        """One property of a fuel (``co2_g_per_unit``, ``lhv_mj_per_unit`` ...) of ``fuel_properties.csv``."""
        if (fuel, prop) not in self.fuel:
            raise ConfigError("fuel_properties.csv has no row for this fuel and property", value=(fuel, prop))
        return self.fuel[(fuel, prop)].value

    def port(self, port: str) -> PortParameters:
        """The parameters of a port profile key (``san-pedro-bay``)."""
        if port not in self.ports:
            raise ConfigError(
                "unknown port profile", field="port", value=port, hint=f"use one of {sorted(self.ports)}"
            )
        return self.ports[port]

    @cached_property
    def _tiers_by_engine(self) -> dict[str, list[TierRow]]:
        # Looked up once per activity record and machine: a scan of the whole table each time was most of
        # an annual report's time (benchmarks/bench_annual.py).
        out: dict[str, list[TierRow]] = defaultdict(list)
        for row in self.engine_tiers:
            out[row.engine].append(row)
        return dict(out)

    @cached_property
    def _ef_by_key(self) -> dict[tuple[str, str, str], list[EngineEf]]:
        out: dict[tuple[str, str, str], list[EngineEf]] = defaultdict(list)
        for row in self.engine_ef:
            out[(row.engine, row.tier, row.pollutant)].append(row)
        return dict(out)

    def tier(self, engine: str, kw: float, model_year: int) -> TierRow:
        """The tier row of an engine family, rated power and model year."""
        for row in self._tiers_by_engine.get(engine, ()):
            if row.kw_min <= kw < row.kw_max and row.year_from <= model_year <= row.year_to:
                return row
        raise ConfigError(
            "engine_tiers.csv has no row for this engine", field="model_year", value=(engine, kw, model_year)
        )

    def engine_factor(self, engine: str, tier: str, kw: float, pollutant: str) -> Sourced:
        """g/kWh of ``pollutant`` for an engine family, tier and rated power."""
        for row in self._ef_by_key.get((engine, tier, pollutant), ()):
            if row.kw_min <= kw < row.kw_max:
                return row.g_per_kwh
        raise ConfigError(
            "engine_ef.csv has no row for this engine", field="tier", value=(engine, tier, kw, pollutant)
        )


def _check(tables: LandsideTables) -> None:
    """Cross-table coverage: what one table names must exist in the other."""
    for kind in EquipmentKind:
        if kind not in tables.defaults:
            raise ConfigError("kind without defaults", source="equipment_defaults.csv", value=kind.value)
        if kind is not EquipmentKind.DRAYAGE_TRUCK and kind not in tables.load_factors:
            raise ConfigError("kind without a load factor", source="load_factors.csv", value=kind.value)
    regions = {row.region for row in tables.grid}
    for params in tables.ports.values():
        if params.grid_region not in regions:
            raise ConfigError(
                "grid region not in grid_factors.csv", source="port_parameters.csv", value=params.grid_region
            )
        if params.fleet_mix not in tables.fleet_mixes:
            raise ConfigError(
                "fleet mix not in truck_fleet_mix.csv", source="port_parameters.csv", value=params.fleet_mix
            )
    for name, shares in tables.fleet_mixes.items():
        total = sum(s.share.value for s in shares)
        if abs(total - 1.0) > 1e-6:
            raise ConfigError(
                "shares do not add up to 1", source="truck_fleet_mix.csv", field="share", value=(name, total)
            )
    used = {(row.engine, row.tier) for row in tables.engine_tiers}
    have = {(row.engine, row.tier) for row in tables.engine_ef}
    if used - have:
        raise ConfigError("tiers without emission factors", source="engine_ef.csv", value=sorted(used - have))


def load_landside_tables(
    directory: Traversable | None = None, *, as_of: date | None = None, gwp_set: str = "AR5"
) -> LandsideTables:
    """Read and check the land-side tables of ``directory`` (default: the packaged ``tables/``).

    Parameters
    ----------
    directory
        A directory holding every table; tests pass a temporary copy with one file changed.
    as_of
        Keep the rows valid on this date; None keeps the current rows (empty ``valid_to``).
    gwp_set
        The GWP set of ``emissions/tables/gwp.csv`` (``AR5`` or ``AR6``).

    Raises
    ------
    ConfigError
        A table that fails validation; the message names the file, the line and the field.
    """
    where = package_tables() if directory is None else directory
    gwp = read_gwp(gwp_set, as_of)
    tables = LandsideTables(
        load_factors=read.load_factors(where, as_of),
        defaults=read.equipment_defaults(where, as_of),
        engine_tiers=read.engine_tiers(where, as_of),
        engine_ef=read.engine_ef(where, as_of),
        fuel=read.fuel_properties(where, as_of),
        locomotive_tiers=read.locomotive_tiers(where, as_of),
        locomotive_ef=read.locomotive_ef(where, as_of),
        truck_rates=read.truck_rates(where, as_of),
        fleet_mixes=read.fleet_mixes(where, as_of),
        zev_energy=read.zev_energy(where, as_of),
        grid=read.grid(where, as_of),
        hydrogen=read.hydrogen(where, as_of),
        ports=read.ports(where, as_of),
        constants=read.constants(where, as_of),
        gwp_set=gwp_set,
        gwp={"CH4": gwp["CH4"].value, "N2O": gwp["N2O"].value},
    )
    _check(tables)
    return tables


@lru_cache(maxsize=8)
def landside_tables(as_of: date | None = None, gwp_set: str = "AR5") -> LandsideTables:
    """The packaged land-side tables valid on ``as_of`` (cached); see :func:`load_landside_tables`."""
    return load_landside_tables(as_of=as_of, gwp_set=gwp_set)
