"""Locomotives: EPA's locomotive emission factors by tier and duty cycle, from fuel or from hours.

EPA-420-F-09-025 (Emission Factors for Locomotives, April 2009) gives g/bhp-hr by tier for the line-haul and
the switch duty cycle (Table 1) and the work per gallon of each (Table 3: 20.8 bhp-hr/gal line-haul, 15.2
switch)::

    bhp-hr = gallons × bhp-hr/gal                       (fuel logged)
    bhp-hr = rated hp × duty-cycle load factor × hours   (hours only; gallons = bhp-hr / bhp-hr/gal)
    E (g)  = EF (g/bhp-hr) × bhp-hr

The tier is the register's when it names a row of ``locomotive_ef.csv`` (the remanufactured ``Tier 2+``),
else the tier of the original model year (``locomotive_tiers.csv``). CO2, CH4, N2O and SO2 come from the
diesel burned (``fuel_properties.csv``); PM2.5 is ``locomotive_pm25_pm10_ratio`` × PM10.
"""

from __future__ import annotations

from quayside.emissions.landside._tally import EXHAUST, Tally
from quayside.emissions.landside._unit import model_year, rated_kw
from quayside.emissions.landside.tables import LandsideTables
from quayside.equipment.types import EquipmentKind, EquipmentUnit
from quayside.errors import ConfigError

__all__ = ["locomotive_tier", "locomotive_usage"]


def duty_of(kind: EquipmentKind) -> str:
    """``line_haul`` or ``switch``: the duty cycle whose factors apply."""
    return "line_haul" if kind is EquipmentKind.LOCOMOTIVE_LINE_HAUL else "switch"


def locomotive_tier(unit: EquipmentUnit, tables: LandsideTables, tally: Tally) -> str:
    """The register's tier when the factors know it, else the tier of the original model year."""
    tiers = {tier for _, tier, _ in tables.locomotive_ef}
    if unit.tier:
        for tier in tiers:
            if tier.lower() == unit.tier.strip().lower():
                return tier
    year = model_year(unit, tables, tally)
    for row in tables.locomotive_tiers:
        if row.year_from <= year <= row.year_to:
            return row.tier
    raise ConfigError("locomotive_tiers.csv has no row for this model year", field="model_year", value=year)


def locomotive_usage(
    unit: EquipmentUnit, hours: float | None, fuel_l: float | None, tables: LandsideTables, tally: Tally
) -> None:
    """Add one record of a locomotive: ``fuel_l`` litres of diesel when logged, else ``hours``."""
    duty = duty_of(unit.kind)
    per_gal = tables.constant(f"locomotive_bhp_hr_per_gal_{duty}")
    l_per_gal = tables.constant("l_per_gal")
    if fuel_l is not None:
        bhp_hr = fuel_l / l_per_gal * per_gal
    else:
        hp = rated_kw(unit, tables, tally) / tables.constant("kw_per_hp")
        bhp_hr = hp * tables.load_factors[unit.kind].value * (hours or 0.0)
        fuel_l = bhp_hr / per_gal * l_per_gal
    tally.burn("diesel", fuel_l)
    tier = locomotive_tier(unit, tables, tally)
    ratio = tables.constant("locomotive_pm25_pm10_ratio")
    for pollutant in EXHAUST:
        grams = bhp_hr * tables.locomotive_ef[(duty, tier, pollutant)].value
        tally.exhaust(pollutant, grams, fuel="diesel", pm25_ratio=ratio)
