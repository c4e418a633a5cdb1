"""The zero-emission transition planner: a scenario's measures applied year by year from a base inventory.

Method (``docs/planner.md`` works examples by hand). For each year ``y`` from the base year ``b`` to
:data:`~quayside.programs.planner.scenarios.HORIZON`:

1. Activity grows by the scenario's ``growth_pct_per_year``: every base quantity x G, G = (1 + g/100)^(y - b).
2. An equipment measure moves a fraction f of its group's activity (a kind on the ``from`` power sources) to
   zero-emission units: f = share(y), or units(y) / (group units x G). Removed: f x the group's tank-to-wheel
   grams (each pollutant), well-to-wheel CO2e and diesel litres, x G. Added: f x G x (hours x kWh and kg H2 per
   hour + miles x kWh and kg H2 per mile), rates from the land-side ``zero_emission_energy`` (a truck's hours
   are its hours idling on the terminal).
3. Ship measures remove a fraction of the OGV grams (:mod:`quayside.programs.planner.ships`); shore power adds
   grid electricity.
4. Electricity and hydrogen are tank-to-wheel zero; well-to-wheel they count kWh x the year's lifecycle grid
   factor (the scenario's ``[grid]`` path, starting from the land-side factor of the base year) and kg H2 x
   the year's pathway mix. The base year's own electricity and hydrogen are repriced the same way. The
   terminals' scope 1+2 uses the operational grid factor, scaled along the same path.
5. Peak MW = sum over electric groups of (kWh / 365) / hours per day x coincidence factor / 1000
   (``planner_peak.csv``); hydrogen kg/day = kg / 365; stations = ceil(kg/day / station size).
6. Costs (:mod:`quayside.programs.planner.costs`) against the baseline: the same growth, no measure, the base
   year's grid factor and hydrogen mix.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from quayside.emissions.types import Pollutant
from quayside.equipment.types import PowerSource, SourceCategory
from quayside.programs.planner.base import PlanBase
from quayside.programs.planner.costs import CostBook
from quayside.programs.planner.energy import EnergyMethods
from quayside.programs.planner.groups import activity, fraction, group_of
from quayside.programs.planner.scenarios import HORIZON, HydrogenSupply, Scenario
from quayside.programs.planner.ships import ship_effects
from quayside.programs.planner.tables import SHORE_POWER, PlannerTables

__all__ = ["DAYS_PER_YEAR", "YearResult", "baseline_of", "plan_years"]

#: kg H2 per day and the daily kWh of the peak rule are annual figures / 365.
DAYS_PER_YEAR = 365.0
_G_PER_KG = 1000.0
_KWH_PER_MWH = 1000.0
_G_PER_T = 1e6
_TOL = 1e-9
_CO2E = Pollutant.CO2E.value
_OGV = SourceCategory.OGV.value
_CHE = SourceCategory.CARGO_HANDLING_EQUIPMENT.value


@dataclass(frozen=True)
class YearResult:
    """One year of one scenario (or of its baseline): grams, kWh, kg; ``cost`` in the scenario's currency."""

    year: int
    ttw_g: Mapping[str, Mapping[str, float]]  # category -> pollutant -> g at the machine
    wtw_co2e_g: Mapping[str, float]  # category -> g CO2e well-to-wheel
    electricity_kwh: Mapping[str, float]  # electric group (kind or "shore_power") -> kWh
    peak_mw: float
    hydrogen_kg: float
    hydrogen_stations: int
    terminal_scope12_co2e_g: float  # cargo-handling equipment at the machine + its electricity and hydrogen
    zero_emission_share: Mapping[str, float | None]  # equipment category -> share of units
    teu: float | None
    cost: float | None = None
    avoided_t_co2e: float = 0.0  # baseline minus scenario, well-to-wheel

    @property
    def electricity_mwh(self) -> float:
        return sum(self.electricity_kwh.values()) / _KWH_PER_MWH

    @property
    def hydrogen_kg_per_day(self) -> float:
        return self.hydrogen_kg / DAYS_PER_YEAR

    @property
    def hydrogen_t_per_year(self) -> float:
        return self.hydrogen_kg / _G_PER_KG

    @property
    def wtw_total_g(self) -> float:
        return sum(self.wtw_co2e_g.values())

    @property
    def cost_per_t_co2e(self) -> float | None:
        """Extra cost per tonne CO2e avoided; None without costs or without tonnes avoided."""
        if self.cost is None or self.avoided_t_co2e <= _TOL:
            return None
        return self.cost / self.avoided_t_co2e


def baseline_of(scenario: Scenario) -> Scenario:
    """The scenario's baseline: its growth, no measure, the base year's grid factor and hydrogen mix."""
    supply = scenario.hydrogen
    return dataclasses.replace(
        scenario,
        name=f"{scenario.name} baseline",
        equipment=(),
        shore_power=None,
        jit=None,
        speed_reduction=None,
        grid=None,
        hydrogen=HydrogenSupply(None, supply.base_green_share, supply.green_pathway, supply.other_pathway),
        costs=None,
    )


def plan_years(
    base: PlanBase, scenario: Scenario, methods: EnergyMethods, tables: PlannerTables
) -> tuple[list[YearResult], list[YearResult]]:
    """The scenario's years and its baseline's years, from the base year to the horizon.

    Raises
    ------
    InputError
        A year of the scenario not after the base year, another port, a measure on a group the base does not
        hold (or without the activity it needs), more units than the group holds, shares over 1 in a group.
    ConfigError
        A reference table lacks a row the plan needs.
    """
    _check(base, scenario)
    book = CostBook.for_scenario(scenario, base.port, tables) if scenario.costs is not None else None
    plain = baseline_of(scenario)
    baseline = [_year(base, plain, methods, tables, y, None) for y in range(base.year, HORIZON + 1)]
    years = []
    for before in baseline:
        result = _year(base, scenario, methods, tables, before.year, book)
        avoided = (before.wtw_total_g - result.wtw_total_g) / _G_PER_T
        years.append(dataclasses.replace(result, avoided_t_co2e=avoided))
    return years, baseline


def _check(base: PlanBase, scenario: Scenario) -> None:
    if scenario.port != base.port:
        raise scenario.error(
            f"scenario for another port than the base's ({base.port})", "scenario.port", scenario.port
        )
    for ramp in scenario.ramps():
        for year in ramp.years:
            if year <= base.year:
                raise scenario.error(
                    f"year not after the base year {base.year} of {base.source}", f"{ramp.key}.{year}", year
                )


def _year(
    base: PlanBase,
    scenario: Scenario,
    methods: EnergyMethods,
    tables: PlannerTables,
    year: int,
    book: CostBook | None,
) -> YearResult:
    growth = (1.0 + scenario.growth_pct_per_year / 100.0) ** (year - base.year)
    ttw = {c: {p: g * growth for p, g in by_p.items()} for c, by_p in base.ttw_g.items()}
    wtw = {c: g * growth for c, g in base.wtw_co2e_g.items()}
    kwh: dict[str, float] = defaultdict(float)
    grid_b = methods.grid(base.port, base.year)
    grid = scenario.grid.at(year, base.year, grid_b.lifecycle) if scenario.grid else grid_b.lifecycle
    operational = grid_b.operational * (grid / grid_b.lifecycle if grid_b.lifecycle else 1.0)
    # g CO2e per kg H2 of the base year's and this year's mix
    h2_b = _h2_intensity(scenario.hydrogen, methods, base.year, base.year) * _G_PER_KG
    h2 = _h2_intensity(scenario.hydrogen, methods, year, base.year) * _G_PER_KG
    hydrogen_kg = 0.0
    che_kwh = che_kg = 0.0
    units: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # category -> [all, zero-emission]

    for group in base.groups:  # the base year's own electricity and hydrogen, repriced
        cat = group.kind.category.value
        group_kwh, group_kg = group.kwh * growth, group.kg_h2 * growth
        if group_kwh:
            kwh[group.kind.value] += group_kwh
        hydrogen_kg += group_kg
        wtw[cat] += group_kwh * (grid - grid_b.lifecycle) + group_kg * (h2 - h2_b)
        if cat == _CHE:
            che_kwh, che_kg = che_kwh + group_kwh, che_kg + group_kg
        units[cat][0] += group.units
        units[cat][1] += group.units if _zero_emission(group.power) else 0.0

    cost = 0.0
    moved: dict[tuple[str, str], float] = defaultdict(float)
    for measure in scenario.equipment:
        merged = group_of(base, scenario, measure)
        f = fraction(measure, merged, year, base.year, growth, scenario)
        for power in merged.powers:
            moved[(merged.kind.value, power)] += f
            if moved[(merged.kind.value, power)] > 1.0 + _TOL:
                raise scenario.error(f"the measures replace more than the whole group in {year}", measure.key)
        cat = merged.kind.category.value
        for p, g in merged.ttw_g.items():
            ttw[cat][p] -= f * g * growth
        wtw[cat] -= f * merged.wtw_co2e_g * growth
        hours, miles = activity(merged, measure, base, tables, scenario)
        rate = methods.zev_rate(measure.kind, measure.to_power)
        added_kwh = f * growth * (hours * rate.kwh_per_hour + miles * rate.kwh_per_mile)
        added_kg = f * growth * (hours * rate.kg_h2_per_hour + miles * rate.kg_h2_per_mile)
        if added_kwh:
            kwh[measure.kind.value] += added_kwh
        hydrogen_kg += added_kg
        wtw[cat] += added_kwh * grid + added_kg * h2
        if cat == _CHE:
            che_kwh, che_kg = che_kwh + added_kwh, che_kg + added_kg
        units[cat][1] += f * merged.units
        if book is not None:
            diesel_l = f * (merged.fuel_l or 0.0) * growth
            cost += book.equipment_cost(
                measure, f * merged.units * growth, added_kwh, added_kg, diesel_l, f > 0
            )

    ships = ship_effects(base, scenario, tables, year, growth)
    for p in ttw[_OGV]:
        ttw[_OGV][p] -= ships.fraction[p] * base.ttw_g[_OGV][p] * growth
    wtw[_OGV] += ships.shore_kwh * grid - ships.fraction[_CO2E] * base.wtw_co2e_g[_OGV] * growth
    if ships.shore_kwh:
        kwh[SHORE_POWER] += ships.shore_kwh
    if book is not None:
        cost += book.ship_cost(ships)

    peak_kw = 0.0
    for name, group_kwh in kwh.items():
        rule = tables.peak_rule(name)
        peak_kw += group_kwh / DAYS_PER_YEAR / rule.hours_per_day * rule.coincidence_factor
    station = tables.parameter(base.port, "hydrogen_station_kg_per_day").value
    per_day = hydrogen_kg / DAYS_PER_YEAR
    return YearResult(
        year=year,
        ttw_g=ttw,
        wtw_co2e_g=wtw,
        electricity_kwh=dict(kwh),
        peak_mw=peak_kw / _KWH_PER_MWH,
        hydrogen_kg=hydrogen_kg,
        hydrogen_stations=math.ceil(per_day / station - _TOL) if per_day > 0 else 0,
        terminal_scope12_co2e_g=ttw[_CHE][_CO2E] + che_kwh * operational + che_kg * h2,
        zero_emission_share={c: (ze / n if n else None) for c, (n, ze) in units.items()},
        teu=None if base.teu is None else base.teu * growth,
        cost=cost if book is not None else None,
    )


def _zero_emission(power: str) -> bool:
    return power in {p.value for p in PowerSource} and PowerSource(power).zero_emission


def _h2_intensity(supply: HydrogenSupply, methods: EnergyMethods, year: int, base_year: int) -> float:
    """kg CO2e per kg H2 of the year's mix: green share x green pathway + the rest x the other pathway."""
    share = (
        supply.green_share.at(year, base_year, supply.base_green_share)
        if supply.green_share
        else supply.base_green_share
    )
    green = methods.hydrogen_kg_co2e_per_kg(supply.green_pathway) if share > 0 else 0.0
    other = methods.hydrogen_kg_co2e_per_kg(supply.other_pathway) if share < 1 else 0.0
    return share * green + (1.0 - share) * other
