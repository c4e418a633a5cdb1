"""The group of base units an equipment measure replaces, and how much of it each year.

A measure names one kind and one or more ``from`` power sources; its group is the base's groups of that kind on
those sources, summed. Its activity is the group's operating hours, or for drayage trucks its miles (from diesel
litres / litres per mile when the base gives no miles, ``planner_parameters.csv``, U) and its hours on the
terminals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from quayside.emissions.types import Pollutant
from quayside.equipment.types import EquipmentKind
from quayside.programs.planner.base import PlanBase
from quayside.programs.planner.scenarios import EquipmentMeasure, Scenario
from quayside.programs.planner.tables import PlannerTables

__all__ = ["MeasureGroup", "activity", "fraction", "group_of"]

_TOL = 1e-9


@dataclass(frozen=True)
class MeasureGroup:
    """The base groups a measure replaces (one kind, the ``from`` power sources), summed."""

    kind: EquipmentKind
    powers: tuple[str, ...]
    units: float
    hours: float | None
    miles: float | None
    fuel_l: float | None
    ttw_g: Mapping[str, float]
    wtw_co2e_g: float


def group_of(base: PlanBase, scenario: Scenario, measure: EquipmentMeasure) -> MeasureGroup:
    """The measure's group; an error naming the measure's key when the base holds none of it."""
    found = [base.group(measure.kind, p) for p in measure.from_power]
    members = [m for m in found if m is not None]
    if not members:
        raise scenario.error(
            f"the base ({base.source}) has no {measure.kind.value} on {' or '.join(measure.from_power)}",
            f"{measure.key}.kind",
            measure.kind.value,
        )
    ttw: dict[str, float] = defaultdict(float)
    for member in members:
        for p, g in member.ttw_g.items():
            ttw[p] += g
    return MeasureGroup(
        kind=measure.kind,
        powers=tuple(m.power for m in members),
        units=sum(m.units for m in members),
        hours=_sum_known([m.hours for m in members]),
        miles=_sum_known([m.miles for m in members]),
        fuel_l=_sum_known([m.fuel_l for m in members]),
        ttw_g=dict(ttw),
        wtw_co2e_g=sum(m.wtw_co2e_g for m in members),
    )


def _sum_known(values: list[float | None]) -> float | None:
    """The sum, or None when any member lacks the quantity (a partial sum would understate it)."""
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def fraction(
    measure: EquipmentMeasure,
    group: MeasureGroup,
    year: int,
    base_year: int,
    growth: float,
    scenario: Scenario,
) -> float:
    """The share of the group's activity the measure has moved in ``year``: its share, or the units replaced
    over the group's units (grown); more units than the group holds is an error naming the key."""
    if measure.share is not None:
        return measure.share.at(year, base_year, 0.0)
    assert measure.units is not None  # the reader requires one of the two
    replaced = measure.units.at(year, base_year, 0.0)
    held = group.units * growth
    if replaced > held + _TOL:
        raise scenario.error(
            f"{replaced:g} units replaced in {year}, but the group holds {held:g}",
            measure.units.key,
            replaced,
        )
    return replaced / held if held > 0 else 0.0


def activity(
    group: MeasureGroup, measure: EquipmentMeasure, base: PlanBase, tables: PlannerTables, scenario: Scenario
) -> tuple[float, float]:
    """(hours, miles) of the group in the base year. Trucks: miles, else diesel litres / litres per mile (U),
    and their hours on the terminal (0 when unknown); other kinds: operating hours, required."""
    if group.kind is EquipmentKind.DRAYAGE_TRUCK:
        miles = group.miles
        if miles is None and group.fuel_l is not None:
            miles = group.fuel_l / tables.parameter(base.port, "drayage_diesel_l_per_mile").value
        if miles is None or (miles == 0 and _emits(group)):
            raise scenario.error(
                f"the base ({base.source}) gives neither miles nor fuel_l for these trucks", measure.key
            )
        return group.hours or 0.0, miles
    if group.hours is None or (group.hours == 0 and _emits(group)):
        raise scenario.error(f"the base ({base.source}) gives no hours for {group.kind.value}", measure.key)
    return group.hours, 0.0


def _emits(group: MeasureGroup) -> bool:
    """Grams without activity: the activity was not logged, and zero would hide the energy to add."""
    return group.ttw_g.get(Pollutant.CO2.value, 0.0) > 0
