"""Ship measures of a plan: shore power, just-in-time arrival and speed reduction, as shares of OGV grams.

The base inventory's OGV grams have no split by operating mode, so each measure acts on the share of OGV grams
in its mode: the base's own ``ogv_by_mode_g`` when ``annual.json`` carries it, else the port's row of
``planner_parameters.csv`` (U; the same share for every pollutant). With s, z, q the year's shore-power share
of container calls, share of anchorage hours cut and speed-reduction participation (s0, q0 their base values):

- shore power: F = share_hotelling x container_share_hotelling x plug x (s - s0) / (1 - s0 x plug), because
  the container grams at berth go with (1 - s x plug) for a plugged share s of calls each on shore power for a
  share ``plug`` of its berth hours;
- JIT: F = share_anchorage x z;
- speed reduction: F = share_transit x (q - q0)(1 - k) / (1 - q0 + q0 k), k = (limit / unrestricted)^2, because
  transit grams go with (1 - q) + q k (energy per distance scales with the square of speed).

Grid electricity for shore power: kWh = F_shore(CO2) x OGV CO2 g / on-board g CO2 per kWh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quayside.emissions.types import Mode, Pollutant
from quayside.programs.planner.base import PlanBase
from quayside.programs.planner.scenarios import Scenario, ShipMeasure
from quayside.programs.planner.tables import PlannerTables

__all__ = ["ShipEffect", "mode_shares", "ship_effects"]

_POLLUTANTS = tuple(p.value for p in Pollutant)
_MODES = tuple(m.value for m in Mode)


@dataclass(frozen=True)
class ShipEffect:
    """What the ship measures do in one year: the fraction of OGV grams removed per pollutant, the grid kWh
    shore power adds, the marine fuel saved and which measures are under way (for their annual cost)."""

    fraction: Mapping[str, float]
    shore_kwh: float
    marine_fuel_t: float
    active: tuple[ShipMeasure, ...]


def mode_shares(base: PlanBase, tables: PlannerTables) -> dict[str, dict[str, float]]:
    """Mode -> pollutant -> share of the OGV grams (from the base if it has them, else the port's table).

    Raises
    ------
    ConfigError
        The port's table shares are missing or do not add up to 1.
    """
    if base.ogv_mode_shares is not None:
        return {m: dict(s) for m, s in base.ogv_mode_shares.items()}
    shares = {m: tables.parameter(base.port, f"ogv_share_{m}").value for m in _MODES}
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        from quayside.errors import ConfigError

        raise ConfigError(
            f"shares of OGV emissions by mode for '{base.port}' add up to {total:g}, not 1",
            source="planner_parameters.csv",
            field="ogv_share_*",
        )
    return {m: dict.fromkeys(_POLLUTANTS, s) for m, s in shares.items()}


def _base_value(measure: ShipMeasure, base: PlanBase, tables: PlannerTables, parameter: str) -> float:
    return measure.base if measure.base is not None else tables.parameter(base.port, parameter).value


def ship_effects(
    base: PlanBase, scenario: Scenario, tables: PlannerTables, year: int, growth: float
) -> ShipEffect:
    """The fractions of the OGV grams the scenario's ship measures remove in ``year``."""
    fraction = dict.fromkeys(_POLLUTANTS, 0.0)
    active: list[ShipMeasure] = []
    if scenario.shore_power is None and scenario.jit is None and scenario.speed_reduction is None:
        return ShipEffect(fraction, 0.0, 0.0, ())
    shares = mode_shares(base, tables)
    shore = dict.fromkeys(_POLLUTANTS, 0.0)
    if (m := scenario.shore_power) is not None:
        s0 = _base_value(m, base, tables, "shore_power_base_share")
        s = m.value.at(year, base.year, s0)
        plug = tables.parameter(base.port, "shore_power_plug_fraction").value
        container = tables.parameter(base.port, "container_share_hotelling").value
        factor = container * plug * (s - s0) / (1.0 - s0 * plug)
        shore = {p: shares[Mode.HOTELLING.value][p] * factor for p in _POLLUTANTS}
        if s != s0:
            active.append(m)
    if (m := scenario.jit) is not None:
        cut = m.value.at(year, base.year, 0.0)
        for p in _POLLUTANTS:
            fraction[p] += shares[Mode.ANCHORAGE.value][p] * cut
        if cut:
            active.append(m)
    if (m := scenario.speed_reduction) is not None:
        q0 = _base_value(m, base, tables, "vsr_base_participation")
        q = m.value.at(year, base.year, q0)
        limit = tables.parameter(base.port, "vsr_speed_kn").value
        k = (limit / tables.parameter(base.port, "unrestricted_speed_kn").value) ** 2
        factor = (q - q0) * (1.0 - k) / (1.0 - q0 + q0 * k)
        for p in _POLLUTANTS:
            fraction[p] += shares[Mode.TRANSIT.value][p] * factor
        if q != q0:
            active.append(m)
    for p in _POLLUTANTS:
        fraction[p] += shore[p]
    co2 = base.ttw_g["ogv"][Pollutant.CO2.value] * growth
    onboard = tables.parameter(base.port, "onboard_co2_g_per_kwh").value
    removed_co2 = fraction[Pollutant.CO2.value] * co2
    cf = tables.parameter(base.port, "marine_fuel_t_co2_per_t").value
    return ShipEffect(
        fraction=fraction,
        shore_kwh=shore[Pollutant.CO2.value] * co2 / onboard,
        marine_fuel_t=removed_co2 / 1e6 / cf,
        active=tuple(active),
    )
