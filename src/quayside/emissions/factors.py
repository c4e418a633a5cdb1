"""Emission-factor tables: loaded from the sourced CSV files in ``tables/`` into typed, validated objects.

Every row of every table carries ``source`` and, for factors, ``valid_from`` / ``valid_to`` (empty means
open-ended). ``load_factor_set`` keeps the rows valid on ``as_of`` (default: the current rows, those with an
empty ``valid_to``) and checks that each key then has exactly one row.

Tables (see ``tables/``):

- ``epa_*.csv`` — US EPA ShipEF 0.2 / ShipPowerModel data (USEPA/Marine_Emissions_Tools), EPA's own
  ``Source`` column kept; they implement the Ports Emissions Inventory Guidance EPA-420-B-22-011.
- ``imo4_aux_kw.csv``, ``imo4_boiler_kw.csv`` — IMO Fourth GHG Study 2020 Table 17 in EPA's layout, for the
  ship types transcribed (container, bulk, oil tanker, general cargo, cruise, reefer, tug); other types fall
  back to the EPA table (listed in ``FactorSet.aux_fallback_types``).
- ``ghg_ch4_n2o.csv``, ``gwp.csv``, ``fuel_sulfur.csv``, ``nox_tiers.csv``, ``engines.csv``,
  ``constants.csv``, ``ship_type_map.csv`` — see each row's ``source``; rows marked as assumptions say so.

This module is the public import path. The record types live in ``_factor_records``, the validated CSV row
reading in ``_factor_csv`` and one reader per table in ``_factor_tables``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from quayside.emissions import _factor_tables as tables
from quayside.emissions._factor_records import (
    BOILER,
    FUEL_GROUPS,
    SIZE_UNITS,
    EngineProperties,
    Factor,
    FactorSet,
    LlafCoefficients,
    PowerBin,
    TierRule,
)
from quayside.emissions._factor_tables import AUX_TABLES

__all__ = [
    "AUX_TABLES",
    "BOILER",
    "FUEL_GROUPS",
    "SIZE_UNITS",
    "EngineProperties",
    "Factor",
    "FactorSet",
    "LlafCoefficients",
    "PowerBin",
    "TierRule",
    "load_factor_set",
]


def _load(aux_table: str, gwp_set: str, as_of: date | None) -> FactorSet:
    # One table after the other, in this order, so a broken table set always reports the same first error.
    engine = tables.read_engine_tables(as_of)
    co2_cf = tables.read_co2_conversion(as_of)
    pm_nominal, sulfur_coefficients = tables.read_sulfur_equivalents(as_of)
    pm_fixed = tables.read_pm_fixed(as_of)
    llaf = tables.read_llaf(as_of)
    ch4, n2o = tables.read_ch4_n2o(as_of)
    gwp = tables.read_gwp(gwp_set, as_of)
    sulfur_pct = tables.read_fuel_sulfur(as_of)
    tiers = tables.read_nox_tiers(as_of)
    engines = tables.read_engines(as_of)
    constants = tables.read_constants(as_of)
    ship_types = tables.read_ship_types()
    aux_kw, boiler_kw, fallback = tables.read_power_tables(aux_table, as_of)
    tables.check_power_coverage(ship_types, aux_kw)
    return FactorSet(
        aux_table=aux_table,
        gwp_set=gwp_set,
        nox=engine.nox,
        bsfc=engine.bsfc,
        hc=engine.hc,
        co=engine.co,
        ch4=ch4,
        n2o=n2o,
        co2_cf=co2_cf,
        pm_nominal=pm_nominal,
        sulfur_coefficients=sulfur_coefficients,
        pm_fixed=pm_fixed,
        llaf=llaf,
        fuel_mix=engine.fuel_mix,
        gwp=gwp,
        sulfur_pct=sulfur_pct,
        tiers=tiers,
        engines=engines,
        aux_kw=aux_kw,
        boiler_kw=boiler_kw,
        ship_types=ship_types,
        constants=constants,
        aux_fallback_types=fallback,
    )


@lru_cache(maxsize=16)
def load_factor_set(aux_table: str = "epa", gwp: str = "AR5", as_of: date | None = None) -> FactorSet:
    """Load and validate the factor tables (cached per argument set).

    Parameters
    ----------
    aux_table
        ``"epa"`` (EPA guidance default, IMO Third GHG Study loads) or ``"imo4"`` (IMO Fourth GHG Study
        Table 17; ship types it lacks here fall back to ``"epa"``, see ``FactorSet.aux_fallback_types``).
        ``"epa2022"`` is accepted as an alias of ``"epa"``.
    gwp
        Global-warming-potential set for CO2e: ``"AR5"`` (CH4 28, N2O 265) or ``"AR6"`` (29.8, 273).
    as_of
        Keep the factor rows valid on this date (e.g. the inventory year's mid-point). ``None`` keeps the
        current rows (empty ``valid_to``).

    Raises
    ------
    ConfigError
        Unknown table or GWP name, or a table that fails validation (the message names file and line).
    """
    return _load("epa" if aux_table == "epa2022" else aux_table, gwp, as_of)
