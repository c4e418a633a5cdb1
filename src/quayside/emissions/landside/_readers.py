"""One reader per land-side table (see :mod:`quayside.emissions.landside.tables` for what each holds)."""

from __future__ import annotations

from datetime import date
from importlib.resources.abc import Traversable

from quayside.emissions._factor_csv import put_once
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
from quayside.emissions.landside._rows import TableFile
from quayside.equipment.types import EquipmentKind, PowerSource

KINDS = tuple(k.value for k in EquipmentKind)
POWERS = tuple(p.value for p in PowerSource)
ENGINES = ("ci", "si")  # compression ignition (diesel), spark ignition (gasoline, propane, natural gas)
POLLUTANTS = ("nox", "pm10", "hc", "co")
FUELS = ("diesel", "gasoline", "propane", "natural_gas")
FUEL_PROPERTIES = (
    "co2_g_per_unit",
    "ch4_g_per_unit",
    "n2o_g_per_unit",
    "density_kg_per_unit",
    "sulfur_ppm",
    "bsfc_g_per_kwh",
    "lhv_mj_per_unit",
    "wtt_g_co2e_per_mj",
    "pm25_pm10_ratio",
)
DUTIES = ("line_haul", "switch")
ZEV_QUANTITIES = (
    "kwh_per_hour",
    "kg_h2_per_hour",
    "kwh_per_mile",
    "kg_h2_per_mile",
    "kwh_per_idle_hour",
    "kg_h2_per_idle_hour",
)
_OPEN_END = 9999


def load_factors(where: Traversable, as_of: date | None) -> dict[EquipmentKind, Sourced]:
    """``load_factors.csv``."""
    table = TableFile(where, "load_factors.csv", ("kind", "load_factor"), as_of)
    out: dict[EquipmentKind, Sourced] = {}
    for line, row in table.rows():
        kind = EquipmentKind(table.allowed(row, line, "kind", KINDS))
        table.fraction(row, line, "load_factor")
        put_once(out, kind, table.sourced(row, line, "load_factor", "fraction"), table.name, line)
    return out


def equipment_defaults(where: Traversable, as_of: date | None) -> dict[EquipmentKind, EquipmentDefaults]:
    """``equipment_defaults.csv``."""
    table = TableFile(
        where, "equipment_defaults.csv", ("kind", "rated_kw", "model_year", "annual_hours"), as_of
    )
    out: dict[EquipmentKind, EquipmentDefaults] = {}
    for line, row in table.rows():
        kind = EquipmentKind(table.allowed(row, line, "kind", KINDS))
        hours = table.sourced(row, line, "annual_hours", "h")
        if hours.value > 8784:
            raise table.error("more hours than a year has", line, "annual_hours", hours.value)
        value = EquipmentDefaults(
            rated_kw=table.sourced(row, line, "rated_kw", "kW"),
            model_year=table.required_year(row, line, "model_year"),
            annual_hours=hours,
        )
        put_once(out, kind, value, table.name, line)
    return out


def engine_tiers(where: Traversable, as_of: date | None) -> tuple[TierRow, ...]:
    """``engine_tiers.csv``."""
    cols = ("engine", "kw_min", "kw_max", "model_year_from", "model_year_to", "tier")
    table = TableFile(where, "engine_tiers.csv", cols, as_of)
    out = []
    for line, row in table.rows():
        out.append(
            TierRow(
                engine=table.allowed(row, line, "engine", ENGINES),
                kw_min=table.number(row, line, "kw_min"),
                kw_max=table.number(row, line, "kw_max"),
                year_from=table.required_year(row, line, "model_year_from"),
                year_to=table.required_year(row, line, "model_year_to"),
                tier=row["tier"],
                source=row["source"],
            )
        )
    return tuple(out)


def engine_ef(where: Traversable, as_of: date | None) -> tuple[EngineEf, ...]:
    """``engine_ef.csv``."""
    table = TableFile(
        where, "engine_ef.csv", ("engine", "tier", "kw_min", "kw_max", "pollutant", "g_per_kwh"), as_of
    )
    out: dict[tuple[str, str, float, str], EngineEf] = {}
    for line, row in table.rows():
        ef = EngineEf(
            engine=table.allowed(row, line, "engine", ENGINES),
            tier=row["tier"],
            kw_min=table.number(row, line, "kw_min"),
            kw_max=table.number(row, line, "kw_max"),
            pollutant=table.allowed(row, line, "pollutant", POLLUTANTS),
            g_per_kwh=table.sourced(row, line, "g_per_kwh", "g/kWh"),
        )
        put_once(out, (ef.engine, ef.tier, ef.kw_min, ef.pollutant), ef, table.name, line)
    return tuple(out.values())


def fuel_properties(where: Traversable, as_of: date | None) -> dict[tuple[str, str], Sourced]:
    """``fuel_properties.csv``; every fuel must have every property."""
    table = TableFile(where, "fuel_properties.csv", ("fuel", "property", "value", "unit"), as_of)
    out: dict[tuple[str, str], Sourced] = {}
    for line, row in table.rows():
        key = (table.allowed(row, line, "fuel", FUELS), table.allowed(row, line, "property", FUEL_PROPERTIES))
        put_once(out, key, table.sourced(row, line, "value", row["unit"]), table.name, line)
    missing = [(f, p) for f in FUELS for p in FUEL_PROPERTIES if (f, p) not in out]
    if missing:
        raise table.error("fuels without a property", value=missing)
    return out


def locomotive_tiers(where: Traversable, as_of: date | None) -> tuple[YearTier, ...]:
    """``locomotive_tiers.csv``."""
    table = TableFile(where, "locomotive_tiers.csv", ("model_year_from", "model_year_to", "tier"), as_of)
    return tuple(
        YearTier(
            table.required_year(row, line, "model_year_from"),
            table.required_year(row, line, "model_year_to"),
            row["tier"],
            row["source"],
        )
        for line, row in table.rows()
    )


def locomotive_ef(where: Traversable, as_of: date | None) -> dict[tuple[str, str, str], Sourced]:
    """``locomotive_ef.csv``; every tier must have every pollutant for both duty cycles."""
    table = TableFile(where, "locomotive_ef.csv", ("duty", "tier", "pollutant", "g_per_bhp_hr"), as_of)
    out: dict[tuple[str, str, str], Sourced] = {}
    for line, row in table.rows():
        key = (
            table.allowed(row, line, "duty", DUTIES),
            row["tier"],
            table.allowed(row, line, "pollutant", POLLUTANTS),
        )
        put_once(out, key, table.sourced(row, line, "g_per_bhp_hr", "g/bhp-hr"), table.name, line)
    tiers = {tier for _, tier, _ in out}
    missing = [(d, t, p) for d in DUTIES for t in sorted(tiers) for p in POLLUTANTS if (d, t, p) not in out]
    if missing:
        raise table.error("tiers without a factor", value=missing)
    return out


def truck_rates(where: Traversable, as_of: date | None) -> tuple[TruckRate, ...]:
    """``truck_ef.csv``."""
    cols = ("power_source", "model_year_from", "model_year_to", "mode", "quantity", "value", "unit")
    table = TableFile(where, "truck_ef.csv", cols, as_of)
    out = []
    for line, row in table.rows():
        out.append(
            TruckRate(
                power_source=table.allowed(row, line, "power_source", ("diesel", "natural_gas")),
                year_from=table.required_year(row, line, "model_year_from"),
                year_to=table.required_year(row, line, "model_year_to"),
                mode=table.allowed(row, line, "mode", ("running", "idle")),
                quantity=table.allowed(row, line, "quantity", (*POLLUTANTS, "fuel")),
                rate=table.sourced(row, line, "value", row["unit"]),
            )
        )
    return tuple(out)


def fleet_mixes(where: Traversable, as_of: date | None) -> dict[str, tuple[FleetShare, ...]]:
    """``truck_fleet_mix.csv``, grouped by fleet mix name."""
    table = TableFile(
        where, "truck_fleet_mix.csv", ("fleet_mix", "power_source", "model_year", "share"), as_of
    )
    out: dict[str, list[FleetShare]] = {}
    for line, row in table.rows():
        table.fraction(row, line, "share")
        share = FleetShare(
            power_source=table.allowed(row, line, "power_source", POWERS),
            model_year=table.required_year(row, line, "model_year"),
            share=table.sourced(row, line, "share", "fraction"),
        )
        out.setdefault(row["fleet_mix"], []).append(share)
    return {name: tuple(shares) for name, shares in out.items()}


def zev_energy(where: Traversable, as_of: date | None) -> dict[tuple[str, str, str], Sourced]:
    """``zev_energy.csv``."""
    table = TableFile(where, "zev_energy.csv", ("kind", "power_source", "quantity", "value", "unit"), as_of)
    out: dict[tuple[str, str, str], Sourced] = {}
    for line, row in table.rows():
        key = (
            table.allowed(row, line, "kind", KINDS),
            table.allowed(row, line, "power_source", ("electric", "hydrogen_fuel_cell")),
            table.allowed(row, line, "quantity", ZEV_QUANTITIES),
        )
        put_once(out, key, table.sourced(row, line, "value", row["unit"]), table.name, line)
    return out


def grid(where: Traversable, as_of: date | None) -> tuple[GridRow, ...]:
    """``grid_factors.csv``; the years of one region and basis must not overlap."""
    table = TableFile(
        where, "grid_factors.csv", ("region", "year_from", "year_to", "basis", "g_co2e_per_kwh"), as_of
    )
    out: list[GridRow] = []
    for line, row in table.rows():
        new = GridRow(
            region=row["region"],
            year_from=table.year(row, line, "year_from"),
            year_to=table.year(row, line, "year_to"),
            basis=table.allowed(row, line, "basis", ("operational", "lifecycle")),
            g_co2e_per_kwh=table.sourced(row, line, "g_co2e_per_kwh", "g CO2e/kWh"),
        )
        lo, hi = new.year_from or 0, new.year_to or _OPEN_END
        if lo > hi:
            raise table.error("year_from after year_to", line, "year_from", lo)
        for old in out:
            if (
                (old.region, old.basis) == (new.region, new.basis)
                and (old.year_from or 0) <= hi
                and lo <= (old.year_to or _OPEN_END)
            ):
                raise table.error("years overlap another row of this region and basis", line, "year_from", lo)
        out.append(new)
    return tuple(out)


def hydrogen(where: Traversable, as_of: date | None) -> dict[str, Sourced]:
    """``hydrogen_pathways.csv``."""
    table = TableFile(where, "hydrogen_pathways.csv", ("pathway", "kg_co2e_per_kg_h2"), as_of)
    out: dict[str, Sourced] = {}
    for line, row in table.rows():
        put_once(
            out,
            row["pathway"],
            table.sourced(row, line, "kg_co2e_per_kg_h2", "kg CO2e/kg H2"),
            table.name,
            line,
        )
    return out


def ports(where: Traversable, as_of: date | None) -> dict[str, PortParameters]:
    """``port_parameters.csv``."""
    cols = ("port", "grid_region", "miles_per_visit", "default_turn_time_h", "fleet_mix")
    table = TableFile(where, "port_parameters.csv", cols, as_of)
    out: dict[str, PortParameters] = {}
    for line, row in table.rows():
        params = PortParameters(
            port=row["port"],
            grid_region=row["grid_region"],
            miles_per_visit=table.number(row, line, "miles_per_visit"),
            default_turn_time_h=table.number(row, line, "default_turn_time_h"),
            fleet_mix=row["fleet_mix"],
            status=row["status"],
            source=row["source"],
        )
        put_once(out, params.port, params, table.name, line)
    return out


def constants(where: Traversable, as_of: date | None) -> dict[str, Sourced]:
    """``constants.csv``."""
    table = TableFile(where, "constants.csv", ("name", "value", "unit"), as_of)
    out: dict[str, Sourced] = {}
    for line, row in table.rows():
        put_once(out, row["name"], table.sourced(row, line, "value", row["unit"]), table.name, line)
    return out
