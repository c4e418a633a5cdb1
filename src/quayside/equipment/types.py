"""The vocabulary of a port's land-side sources: source categories, equipment kinds, power sources, records.

A port's whole inventory (issue 9) adds to the ships of the AIS inventory the cargo-handling equipment of its
terminals, the drayage trucks of the hub's truck visits, locomotives and refrigeration units. Equipment is
described by a register (one :class:`EquipmentUnit` per machine) and activity logs (one
:class:`ActivityRecord` per machine and period); the emission methods (:mod:`quayside.emissions.landside`)
turn them into tank-to-wheel grams and well-to-wheel CO2e.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "ActivityRecord",
    "EquipmentKind",
    "EquipmentUnit",
    "PowerSource",
    "SourceCategory",
]


class SourceCategory(StrEnum):
    """The source categories of a port's annual inventory (the keys of ``by_category_g``)."""

    OGV = "ogv"
    HARBOR_CRAFT = "harbor_craft"
    CARGO_HANDLING_EQUIPMENT = "cargo_handling_equipment"
    TRUCKS = "trucks"
    RAIL = "rail"
    OTHER = "other"  # transport refrigeration units and anything logged that fits none of the above


class EquipmentKind(StrEnum):
    """What a machine of the equipment register is."""

    STS_CRANE = "sts_crane"  # ship-to-shore (quay) crane
    RTG_CRANE = "rtg_crane"  # rubber-tyred gantry
    RMG_CRANE = "rmg_crane"  # rail-mounted gantry
    YARD_TRACTOR = "yard_tractor"
    STRADDLE_CARRIER = "straddle_carrier"
    TOP_HANDLER = "top_handler"
    SIDE_HANDLER = "side_handler"
    FORKLIFT = "forklift"
    REACH_STACKER = "reach_stacker"
    DRAYAGE_TRUCK = "drayage_truck"
    LOCOMOTIVE_LINE_HAUL = "locomotive_line_haul"
    LOCOMOTIVE_SWITCHER = "locomotive_switcher"
    TRU = "tru"  # transport refrigeration unit

    @property
    def category(self) -> SourceCategory:
        """The inventory category the kind belongs to."""
        if self is EquipmentKind.DRAYAGE_TRUCK:
            return SourceCategory.TRUCKS
        if self in (EquipmentKind.LOCOMOTIVE_LINE_HAUL, EquipmentKind.LOCOMOTIVE_SWITCHER):
            return SourceCategory.RAIL
        if self is EquipmentKind.TRU:
            return SourceCategory.OTHER
        return SourceCategory.CARGO_HANDLING_EQUIPMENT


class PowerSource(StrEnum):
    """What a machine runs on."""

    DIESEL = "diesel"
    DIESEL_HYBRID = "diesel_hybrid"  # diesel-electric with storage: diesel litres logged, fewer of them
    NATURAL_GAS = "natural_gas"
    PROPANE = "propane"  # LPG forklifts
    GASOLINE = "gasoline"
    ELECTRIC = "electric"  # grid electricity, by cable or battery
    HYDROGEN_FUEL_CELL = "hydrogen_fuel_cell"

    @property
    def zero_emission(self) -> bool:
        """No exhaust at the machine (tank-to-wheel zero): battery or cable electric, hydrogen fuel cell."""
        return self in (PowerSource.ELECTRIC, PowerSource.HYDROGEN_FUEL_CELL)


@dataclass(frozen=True, slots=True)
class EquipmentUnit:
    """One machine of a port's equipment register.

    ``port`` is the port profile key (``san-pedro-bay``), ``unlocode`` the port within it where the machine
    works (``USLAX``), ``operator`` the terminal or company (an SMDG terminal code where there is one).
    ``rated_kw``, ``model_year`` and ``tier`` may be unknown: the methods then use the defaults of their
    tables and say so.
    """

    unit_id: str
    port: str
    unlocode: str | None
    operator: str | None
    kind: EquipmentKind
    power_source: PowerSource
    rated_kw: float | None = None
    model_year: int | None = None
    tier: str | None = None  # emission standard tier as certified (e.g. "Tier 4 Final"), when known
    source: str | None = None  # file the row came from
    line: int | None = None  # its line in that file


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """What one machine did over a period (inclusive dates): any of hours, fuel, electricity, hydrogen,
    miles and moves that were logged (``None`` when not logged, which is not zero)."""

    unit_id: str
    period_start: date
    period_end: date
    hours: float | None = None
    fuel_l: float | None = None  # litres of the unit's liquid fuel (diesel, gasoline, propane)
    fuel_kg: float | None = None  # kilograms of natural gas
    kwh: float | None = None  # grid electricity drawn (at the charger or the cable)
    kg_h2: float | None = None
    miles: float | None = None
    moves: int | None = None  # container moves (cranes, handlers) or rail moves
    source: str | None = None
    line: int | None = None
