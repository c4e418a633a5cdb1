"""One year of a port's whole inventory: grams by source category, intensities and equipment (pure).

Input (:class:`AnnualInputs`, one port and calendar year):

- ``ship_g``: ship category (``ogv``, ``harbor_craft``) -> pollutant -> grams, tank-to-wheel (the AIS
  inventory loaded into the store);
- ``landside``: the land-side methods' results (:class:`LandsideEmissions`, one per unit or per group),
  summed here by their ``category``;
- ``teu``: TEU handled (BAPLIE/COARRI move counts), or None when unknown;
- ``by_equipment``: per equipment kind and power source, units, hours, energy and grams
  (:class:`EquipmentGroup`);
- ``grid_g_co2e_per_kwh`` (the port grid's operational factor, combustion at the power plants only) and
  ``hydrogen_g_co2e_per_kg`` (production intensity of the hydrogen bought) for the terminals' scope 1+2.

Output (:class:`YearTotals`): per category and for the whole port, tank-to-wheel grams of every pollutant and
well-to-wheel grams CO2e; the terminals' scope 1+2 CO2e and kg CO2e per TEU; tonnes per 10,000 TEU; the
share of units that are zero-emission per equipment category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from quayside.emissions.types import Pollutant
from quayside.equipment.types import EquipmentKind, PowerSource, SourceCategory
from quayside.errors import ConfigError, InputError
from quayside.programs.annual.well_to_tank import SHIP_CATEGORIES, ShipWellToTank, ship_well_to_tank

#: Pollutant keys, in the order of :class:`Pollutant` (the ship inventory's ``totals_g`` keys).
POLLUTANTS: tuple[str, ...] = tuple(p.value for p in Pollutant)
CO2E = Pollutant.CO2E.value
#: The categories every report lists, used or not; ``other`` is listed only when something is in it.
REPORTED_CATEGORIES: tuple[str, ...] = (
    SourceCategory.OGV,
    SourceCategory.HARBOR_CRAFT,
    SourceCategory.CARGO_HANDLING_EQUIPMENT,
    SourceCategory.TRUCKS,
    SourceCategory.RAIL,
)
ALL_CATEGORIES: tuple[str, ...] = tuple(c.value for c in SourceCategory)
WELL_TO_WHEEL = "well_to_wheel"
#: ``by_equipment`` power source of drayage trucks seen at the gate whose plate is not in the register:
#: their power is unknown (the land-side method gives them the port's default fleet mix).
UNREGISTERED = "unregistered"
GRAMS_PER_TONNE = 1_000_000.0
GRAMS_PER_KG = 1_000.0
TEU_PER_UNIT = 10_000.0  # the "per 10,000 TEU" of the ports' efficiency metric


class EnergyLike(Protocol):
    """What a land-side source consumed (``quayside.emissions.landside.EnergyUse``)."""

    @property
    def kwh(self) -> float: ...

    @property
    def kg_h2(self) -> float: ...


class LandsideEmissions(Protocol):
    """A land-side method's result (``quayside.emissions.landside.SourceEmissions``)."""

    @property
    def category(self) -> str: ...

    @property
    def ttw_g(self) -> Mapping[str, float]: ...

    @property
    def wtw_co2e_g(self) -> float: ...

    @property
    def energy(self) -> EnergyLike: ...

    @property
    def defaulted(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class EquipmentGroup:
    """The units of one equipment kind and power source over the year, and what they used and emitted.

    ``power_source`` is a :class:`PowerSource` value, or :data:`UNREGISTERED` for drayage trucks whose
    plate is not in the register. ``units`` counts the units active in the year (with activity logged, or
    seen at a gate).
    """

    kind: str
    power_source: str
    units: int
    hours: float = 0.0
    kwh: float = 0.0
    kg_h2: float = 0.0
    fuel_l: float = 0.0
    fuel_kg: float = 0.0
    ttw_g: Mapping[str, float] = field(default_factory=dict)
    wtw_co2e_g: float = 0.0

    @property
    def category(self) -> str:
        """The inventory category of the kind."""
        return EquipmentKind(self.kind).category.value

    @property
    def zero_emission(self) -> bool:
        """Electric or hydrogen (an unregistered truck is not counted as zero-emission)."""
        return self.power_source in set(PowerSource) and PowerSource(self.power_source).zero_emission

    def to_dict(self) -> dict[str, Any]:
        """The ``by_equipment`` row of ``annual.json``."""
        return {
            "kind": self.kind,
            "power_source": self.power_source,
            "category": self.category,
            "units": self.units,
            "hours": self.hours,
            "kwh": self.kwh,
            "kg_h2": self.kg_h2,
            "fuel_l": self.fuel_l,
            "fuel_kg": self.fuel_kg,
            "ttw_g": {p: float(self.ttw_g.get(p, 0.0)) for p in POLLUTANTS},
            "wtw_co2e_g": self.wtw_co2e_g,
        }


@dataclass(frozen=True, slots=True)
class AnnualInputs:
    """What the store holds for one port and calendar year (see the module docstring)."""

    port: str
    year: int
    ship_g: Mapping[str, Mapping[str, float]]
    landside: Sequence[LandsideEmissions] = ()
    teu: float | None = None
    by_equipment: Sequence[EquipmentGroup] = ()
    grid_g_co2e_per_kwh: float | None = None
    hydrogen_g_co2e_per_kg: float | None = None
    #: ship category -> upstream factors; None: the bundled ``ship_fuel_by_port.csv`` for ``port``
    ship_wtt: Mapping[str, ShipWellToTank] | None = None
    sources: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CategoryTotals:
    """Tank-to-wheel grams per pollutant and well-to-wheel grams CO2e."""

    ttw_g: Mapping[str, float]
    wtw_co2e_g: float

    def to_dict(self) -> dict[str, Any]:
        """``{"CO2": g, ..., "CO2e": g, "well_to_wheel": {"CO2e": g}}``, every pollutant present."""
        out: dict[str, Any] = {p: float(self.ttw_g.get(p, 0.0)) for p in POLLUTANTS}
        out[WELL_TO_WHEEL] = {CO2E: self.wtw_co2e_g}
        return out


@dataclass(frozen=True, slots=True)
class YearTotals:
    """One year of the port's inventory (see the module docstring); grams unless the name says otherwise."""

    port: str
    year: int
    by_category: Mapping[str, CategoryTotals]
    totals: CategoryTotals
    teu: float | None
    terminal_scope12_co2e_g: float
    kg_co2e_per_teu: float | None
    t_per_10000_teu: Mapping[str, float] | None
    zero_emission_share: Mapping[str, float | None]
    by_equipment: tuple[EquipmentGroup, ...]
    sources: Mapping[str, Any]

    def category(self, name: str) -> CategoryTotals:
        """The category's totals; zeros for a category with nothing in it."""
        return self.by_category.get(name) or CategoryTotals({p: 0.0 for p in POLLUTANTS}, 0.0)


def _add(into: dict[str, float], grams: Mapping[str, float], where: str) -> None:
    for key, value in grams.items():
        if key not in POLLUTANTS:
            raise InputError(
                f"unknown pollutant; expected one of {list(POLLUTANTS)}", source=where, value=key
            )
        into[key] = into.get(key, 0.0) + float(value)


def _ship_totals(inputs: AnnualInputs) -> tuple[dict[str, CategoryTotals], dict[str, Any]]:
    out: dict[str, CategoryTotals] = {}
    used: dict[str, Any] = {}
    for category, grams in inputs.ship_g.items():
        if category not in SHIP_CATEGORIES:
            raise InputError(
                f"unknown ship category; expected one of {list(SHIP_CATEGORIES)}",
                source="ship emissions",
                field="category",
                value=category,
            )
        ttw: dict[str, float] = {}
        _add(ttw, grams, f"ship emissions, {category}")
        given = inputs.ship_wtt.get(category) if inputs.ship_wtt is not None else None
        wtt = given or ship_well_to_tank(inputs.port, category)
        out[category] = CategoryTotals(
            ttw, ttw.get(CO2E, 0.0) + ttw.get(Pollutant.CO2.value, 0.0) * wtt.g_co2e_per_g_co2
        )
        used[category] = {
            "fuel": wtt.fuel,
            "wtt_g_co2e_per_g_co2": wtt.g_co2e_per_g_co2,
            "source": wtt.source,
            "status": wtt.status,
        }
    return out, used


def _terminal_scope12(inputs: AnnualInputs) -> float:
    """Cargo-handling equipment: CO2e at the machine + kWh x grid operational factor + kg H2 x intensity."""
    che = [s for s in inputs.landside if s.category == SourceCategory.CARGO_HANDLING_EQUIPMENT]
    grams = sum(float(s.ttw_g.get(CO2E, 0.0)) for s in che)
    kwh = sum(s.energy.kwh for s in che)
    kg_h2 = sum(s.energy.kg_h2 for s in che)
    if kwh > 0:
        if inputs.grid_g_co2e_per_kwh is None:
            raise ConfigError(
                "cargo-handling equipment drew electricity but no grid factor was given",
                source=inputs.port,
                field="grid_g_co2e_per_kwh",
            )
        grams += kwh * inputs.grid_g_co2e_per_kwh
    if kg_h2 > 0:
        if inputs.hydrogen_g_co2e_per_kg is None:
            raise ConfigError(
                "cargo-handling equipment used hydrogen but no hydrogen intensity was given",
                source=inputs.port,
                field="hydrogen_g_co2e_per_kg",
            )
        grams += kg_h2 * inputs.hydrogen_g_co2e_per_kg
    return grams


def year_totals(inputs: AnnualInputs) -> YearTotals:
    """Sum one year's sources by category and compute the intensities (see the module docstring).

    Raises
    ------
    InputError
        An unknown category or pollutant key.
    ConfigError
        No ship fuel row for the port, or electricity/hydrogen without its factor.
    """
    by_category, ship_wtt = _ship_totals(inputs)
    landside_ttw: dict[str, dict[str, float]] = {}
    landside_wtw: dict[str, float] = {}
    defaulted: dict[str, dict[str, int]] = {}
    for source in inputs.landside:
        category = str(source.category)
        if category not in ALL_CATEGORIES or category in SHIP_CATEGORIES:
            raise InputError(
                "unknown land-side category", source="land-side emissions", field="category", value=category
            )
        _add(landside_ttw.setdefault(category, {}), source.ttw_g, f"land-side emissions, {category}")
        landside_wtw[category] = landside_wtw.get(category, 0.0) + float(source.wtw_co2e_g)
        counts = defaulted.setdefault(category, {})
        for name in source.defaulted:
            counts[name] = counts.get(name, 0) + 1
    for category, ttw in landside_ttw.items():
        by_category[category] = CategoryTotals(ttw, landside_wtw[category])

    listed = [*REPORTED_CATEGORIES, *([SourceCategory.OTHER] if SourceCategory.OTHER in by_category else [])]
    zeros = CategoryTotals({p: 0.0 for p in POLLUTANTS}, 0.0)
    ordered = {str(c): by_category.get(c, zeros) for c in listed}
    total_ttw: dict[str, float] = {p: 0.0 for p in POLLUTANTS}
    for values in ordered.values():
        _add(total_ttw, values.ttw_g, "totals")
    totals = CategoryTotals(total_ttw, sum(v.wtw_co2e_g for v in ordered.values()))

    teu = inputs.teu if inputs.teu is not None and inputs.teu > 0 else None
    scope12 = _terminal_scope12(inputs)
    units: dict[str, list[int]] = {}
    for group in inputs.by_equipment:
        counts_ = units.setdefault(group.category, [0, 0])
        counts_[0] += group.units
        counts_[1] += group.units if group.zero_emission else 0
    shares = {c: (ze / n if n else None) for c, (n, ze) in units.items()}
    sources: dict[str, Any] = {
        "ship_well_to_tank": ship_wtt,
        "grid_g_co2e_per_kwh": inputs.grid_g_co2e_per_kwh,
        "hydrogen_g_co2e_per_kg": inputs.hydrogen_g_co2e_per_kg,
        "defaulted": defaulted,
        "categories_without_data": [str(c) for c in listed if c not in by_category],
        **inputs.sources,
    }
    return YearTotals(
        port=inputs.port,
        year=inputs.year,
        by_category=ordered,
        totals=totals,
        teu=teu,
        terminal_scope12_co2e_g=scope12,
        kg_co2e_per_teu=scope12 / GRAMS_PER_KG / teu if teu else None,
        t_per_10000_teu=(
            {p: total_ttw[p] / GRAMS_PER_TONNE / teu * TEU_PER_UNIT for p in POLLUTANTS} if teu else None
        ),
        zero_emission_share=shares,
        by_equipment=tuple(inputs.by_equipment),
        sources=sources,
    )
