"""Typed rows of the land-side tables: every number keeps its unit, status (C or U) and source.

The records are built by :mod:`quayside.emissions.landside.tables`, which validates the CSV files of
``tables/``; the methods read them through :class:`~quayside.emissions.landside.tables.LandsideTables`.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("C", "U")
"""C: confirmed in a cited public source; U: unconfirmed (an assumption, a recall or a derivation, said so)."""


@dataclass(frozen=True, slots=True)
class Sourced:
    """One number of a table, with its unit, status and source."""

    value: float
    unit: str
    status: str
    source: str


@dataclass(frozen=True, slots=True)
class EquipmentDefaults:
    """What a unit of a kind is assumed to be when the register or the logs leave it out."""

    rated_kw: Sourced
    model_year: int
    annual_hours: Sourced


@dataclass(frozen=True, slots=True)
class TierRow:
    """Engines of family ``engine`` (``ci``/``si``), ``kw_min <= P < kw_max``, model years ``year_from..year_to``."""

    engine: str
    kw_min: float
    kw_max: float
    year_from: int
    year_to: int
    tier: str
    source: str


@dataclass(frozen=True, slots=True)
class EngineEf:
    """g/kWh of one pollutant for an engine family, tier and power bin ``kw_min <= P < kw_max``."""

    engine: str
    tier: str
    kw_min: float
    kw_max: float
    pollutant: str
    g_per_kwh: Sourced


@dataclass(frozen=True, slots=True)
class YearTier:
    """Locomotives originally built in ``year_from..year_to`` meet ``tier``."""

    year_from: int
    year_to: int
    tier: str
    source: str


@dataclass(frozen=True, slots=True)
class TruckRate:
    """One drayage rate: ``quantity`` (``nox``, ``pm10``, ``hc``, ``co``, ``fuel``) per mile running or idle hour."""

    power_source: str
    year_from: int
    year_to: int
    mode: str  # "running" (per mile) or "idle" (per hour)
    quantity: str
    rate: Sourced


@dataclass(frozen=True, slots=True)
class FleetShare:
    """A share of a port's default drayage fleet: power source and a representative model year."""

    power_source: str
    model_year: int
    share: Sourced


@dataclass(frozen=True, slots=True)
class GridRow:
    """Grid electricity of ``region`` in the years ``year_from..year_to`` (None = open), on one basis."""

    region: str
    year_from: int | None
    year_to: int | None
    basis: str  # "operational" (combustion at the power plants) or "lifecycle" (well-to-wheel)
    g_co2e_per_kwh: Sourced


@dataclass(frozen=True, slots=True)
class PortParameters:
    """What the land-side methods need to know of a port profile."""

    port: str
    grid_region: str
    miles_per_visit: float
    default_turn_time_h: float
    fleet_mix: str
    status: str
    source: str
