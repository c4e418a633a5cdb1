"""Emissions avoided by shore power over one visit (method in ``docs/programs.md``).

For the hours a visit was on shore power, ``h`` of its ``H`` hours at berth:

- the ship avoids its auxiliary engines' grams of those hours: ``aux_g × h / H`` per pollutant, where
  ``aux_g`` is what the auxiliary engines make over the whole berth stay without shore power (the visit's
  :class:`~quayside.programs.incentives.at_berth_types.BerthLoad`); the boiler is left out: shore power
  replaces the electrical load, the boiler still fires (as the inventory kernel assumes, and as 17 CCR
  93130.7(b) controls auxiliary engines; tanker boilers are 93130.7(c), not modelled);
- the grid supplies the energy: the metered kWh of the connections when every one is metered, else the
  auxiliary kWh pro rata ``aux_kwh × h / H`` (no transmission losses: U);
- that energy emits the grid's well-to-wheel (lifecycle) CO2e, ``kWh × g CO2e/kWh`` of the port's grid
  region in the visit's year (``emissions/landside/tables/grid_factors.csv``);
- ``net_co2e_g`` = the ship's CO2e avoided − the grid's CO2e. The ship side is tank-to-wake (the inventory's
  grams), so the net saving is understated by the marine fuel's upstream emissions (U, conservative).

Hours on a capture system avoid no CO2 and their NOx/PM capture rate is not known here: they count for
compliance only.
"""

from __future__ import annotations

from datetime import datetime

from quayside.emissions.landside.energy import GridFactor
from quayside.emissions.types import Pollutant
from quayside.programs.incentives.at_berth_types import Avoided, BerthVisit

__all__ = ["avoided_emissions"]


def avoided_emissions(
    visit: BerthVisit,
    shore_power: list[tuple[datetime, datetime]],
    grid: GridFactor,
    *,
    metered_kwh: float | None = None,
) -> Avoided | None:
    """The emissions avoided by the shore-power ``intervals`` of ``visit`` (non-overlapping, clipped to the
    berth stay); ``None`` when the visit has no :class:`BerthLoad`, no berth time, or no shore-power hour.

    ``metered_kwh``: the grid energy of those connections as logged (used instead of the pro-rata kWh).
    """
    load, berth_h = visit.load, visit.berth_h
    connected_h = sum((end - start).total_seconds() for start, end in shore_power) / 3600.0
    if load is None or berth_h <= 0 or connected_h <= 0:
        return None
    share = connected_h / berth_h
    ship_g = {p: load.aux_g.get(p, 0.0) * share for p in Pollutant if p in load.aux_g}
    grid_kwh = metered_kwh if metered_kwh is not None else load.aux_kwh * share
    grid_co2e_g = grid_kwh * grid.lifecycle_g_per_kwh
    return Avoided(
        connected_h=connected_h,
        berth_h=berth_h,
        ship_g=ship_g,
        grid_kwh=grid_kwh,
        grid_kwh_metered=metered_kwh is not None,
        grid_region=grid.region,
        grid_g_co2e_per_kwh=grid.lifecycle_g_per_kwh,
        grid_co2e_g=grid_co2e_g,
        net_co2e_g=ship_g.get(Pollutant.CO2E, 0.0) - grid_co2e_g,
    )
