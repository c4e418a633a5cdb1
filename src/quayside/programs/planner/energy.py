"""What the planner asks of the land-side methods: zero-emission energy rates, grid and hydrogen intensities.

The planner reaches :mod:`quayside.emissions.landside` only through :class:`EnergyMethods`, three questions:

- ``zev_rate(kind, power)``: kWh and kg H2 a zero-emission unit uses per operating hour and, for trucks, per
  mile (then the hourly rate is per hour idling on the terminal) — ``landside.zero_emission_energy``;
- ``grid(port, year)``: operational and lifecycle g CO2e per kWh of the port's grid region —
  ``landside.grid_factor``;
- ``hydrogen_kg_co2e_per_kg(pathway)``: production intensity of a hydrogen pathway —
  ``landside.hydrogen_intensity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from quayside.emissions.landside import (
    LandsideTables,
    grid_factor,
    hydrogen_intensity,
    landside_tables,
    zero_emission_energy,
)
from quayside.equipment.types import EquipmentKind, PowerSource

__all__ = ["EnergyMethods", "GridIntensity", "LandsideMethods", "ZevRate"]


@dataclass(frozen=True)
class ZevRate:
    """Energy of one zero-emission unit per operating (or, for trucks, idle) hour and per mile."""

    kwh_per_hour: float = 0.0
    kg_h2_per_hour: float = 0.0
    kwh_per_mile: float = 0.0
    kg_h2_per_mile: float = 0.0


@dataclass(frozen=True)
class GridIntensity:
    """g CO2e per kWh: ``operational`` (combustion at the power plants; scope 2) and ``lifecycle``
    (well-to-wheel, with the fuels' upstream)."""

    operational: float
    lifecycle: float


class EnergyMethods(Protocol):
    def zev_rate(self, kind: EquipmentKind, power: PowerSource) -> ZevRate: ...

    def grid(self, port: str, year: int) -> GridIntensity: ...

    def hydrogen_kg_co2e_per_kg(self, pathway: str) -> float: ...


class LandsideMethods:
    """:class:`EnergyMethods` answered by :mod:`quayside.emissions.landside` and its tables."""

    def __init__(self, tables: LandsideTables | None = None) -> None:
        self._tables = tables if tables is not None else landside_tables()

    def zev_rate(self, kind: EquipmentKind, power: PowerSource) -> ZevRate:
        """A truck's hourly rate is its rate idling on the terminal (``kwh_per_idle_hour``)."""
        energy = zero_emission_energy(kind, power, self._tables)
        return ZevRate(
            kwh_per_hour=_first(energy.kwh_per_hour, energy.kwh_per_idle_hour),
            kg_h2_per_hour=_first(energy.kg_h2_per_hour, energy.kg_h2_per_idle_hour),
            kwh_per_mile=energy.kwh_per_mile or 0.0,
            kg_h2_per_mile=energy.kg_h2_per_mile or 0.0,
        )

    def grid(self, port: str, year: int) -> GridIntensity:
        factor = grid_factor(self._tables.port(port).grid_region, year, self._tables)
        return GridIntensity(operational=factor.operational_g_per_kwh, lifecycle=factor.lifecycle_g_per_kwh)

    def hydrogen_kg_co2e_per_kg(self, pathway: str) -> float:
        return hydrogen_intensity(pathway, self._tables)


def _first(*values: float | None) -> float:
    return next((v for v in values if v is not None), 0.0)
