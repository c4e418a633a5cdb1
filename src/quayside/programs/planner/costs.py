"""Costs of a scenario against its baseline, when the scenario has a ``[costs]`` table.

A year's extra cost = for each equipment measure, units in service x extra capital cost per unit x capital
recovery factor CRF(r, n) = r / (1 - (1 + r)^-n) (1/n when r = 0), plus kWh added x electricity price, plus kg H2
added x hydrogen price, minus diesel litres saved x diesel price, plus the measure's ``annual_cost`` once it
has started; for the ship measures, shore-power kWh x electricity price minus marine fuel saved x its price,
plus their ``annual_cost``. Prices the scenario leaves out come from ``planner_costs.csv`` (U), and so do
capital costs and lifetimes a measure leaves out. Grid decarbonisation is taken as given, at no cost to the port.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quayside.errors import ConfigError
from quayside.programs.planner.scenarios import EquipmentMeasure, Scenario
from quayside.programs.planner.ships import ShipEffect
from quayside.programs.planner.tables import PlannerTables

__all__ = ["CostBook", "capital_recovery_factor"]


def capital_recovery_factor(rate: float, years: float) -> float:
    """The share of a capital cost paid each year over ``years`` at discount ``rate``."""
    if rate == 0:
        return 1.0 / years
    return float(rate / (1.0 - (1.0 + rate) ** -years))


@dataclass(frozen=True)
class _Capital:
    per_unit: float
    lifetime_years: float


@dataclass(frozen=True)
class CostBook:
    """The prices and capital costs one scenario is costed with, each with its origin."""

    currency: str
    prices: Mapping[str, float]
    capital: Mapping[str, _Capital]  # measure key -> capital cost
    discount_rate: float
    origins: Mapping[str, str]  # what -> "scenario" or the table row's source and status

    @classmethod
    def for_scenario(cls, scenario: Scenario, port: str, tables: PlannerTables) -> CostBook:
        """Raises :class:`ConfigError` when a price or capital cost is neither in the scenario nor the table."""
        assert scenario.costs is not None
        prices: dict[str, float] = {}
        origins: dict[str, str] = {}
        for item, given in scenario.costs.prices.items():
            if given is not None:
                prices[item], origins[item] = given, "scenario"
                continue
            row = tables.prices.get((port, item))
            if row is None:
                raise scenario.error(
                    f"no price for {item}, and no default for port '{port}'", f"costs.{item}"
                )
            prices[item], origins[item] = row.value, f"planner_costs.csv ({row.status}): {row.source}"
        capital: dict[str, _Capital] = {}
        for m in scenario.equipment:
            per_unit = m.capex_per_unit
            life = m.lifetime_years
            for name, value in (("capex_per_unit", per_unit), ("lifetime_years", life)):
                if value is None:
                    row = tables.capex.get((name, m.kind.value, m.to_power.value))
                    if row is None:
                        raise scenario.error(
                            f"no {name} for {m.kind.value} on {m.to_power.value} in the scenario or planner_costs.csv",
                            f"{m.key}.{name}",
                        )
                    origins[f"{m.key}.{name}"] = f"planner_costs.csv ({row.status}): {row.source}"
                    per_unit = row.value if name == "capex_per_unit" else per_unit
                    life = row.value if name == "lifetime_years" else life
                else:
                    origins[f"{m.key}.{name}"] = "scenario"
            assert per_unit is not None
            assert life is not None
            capital[m.key] = _Capital(per_unit, life)
        currency = scenario.costs.currency or "USD"
        return cls(currency, prices, capital, scenario.costs.discount_rate, origins)

    def equipment_cost(
        self,
        measure: EquipmentMeasure,
        units: float,
        kwh: float,
        kg_h2: float,
        diesel_l: float,
        started: bool,
    ) -> float:
        """The year's extra cost of one equipment measure (see the module docstring)."""
        capital = self.capital.get(measure.key)
        if capital is None:
            raise ConfigError("measure without a capital cost", field=measure.key)
        crf = capital_recovery_factor(self.discount_rate, capital.lifetime_years)
        cost = units * capital.per_unit * crf
        cost += kwh * self.prices["electricity_per_kwh"] + kg_h2 * self.prices["hydrogen_per_kg"]
        cost -= diesel_l * self.prices["diesel_per_l"]
        if started and measure.annual_cost:
            cost += measure.annual_cost
        return cost

    def ship_cost(self, effect: ShipEffect) -> float:
        """The year's extra cost of the ship measures."""
        cost = effect.shore_kwh * self.prices["electricity_per_kwh"]
        cost -= effect.marine_fuel_t * self.prices["marine_fuel_per_t"]
        return cost + sum(m.annual_cost or 0.0 for m in effect.active)
