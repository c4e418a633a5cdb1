"""Transition scenarios: the TOML files a planner writes, read into typed, checked objects.

A scenario is a set of measures, each a change of activity or energy carrier for a group of sources, year by
year to :data:`HORIZON`. The keys are documented in ``docs/planner.md``; the bundled scenarios (two per seed
port) live in ``programs/scenarios/``. A value that changes over the years is a
:class:`~quayside.programs.planner.toml_values.Ramp`: a number (from the first planned year, or from ``from_year``) or a
table ``{2030 = 0.5, 2035 = 1.0}`` read as straight lines between the years given, starting from the base
year's value and held after the last year.

Every error is one :class:`~quayside.errors.InputError` naming the file, the key path (``equipment[2].share``)
and what is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import ConfigError, InputError
from quayside.programs.annual.report import UNREGISTERED
from quayside.programs.planner.toml_values import EARLIEST_YEAR, HORIZON, Ramp, TomlReader

__all__ = [
    "EARLIEST_YEAR",
    "HORIZON",
    "PRICE_KEYS",
    "Costs",
    "EquipmentMeasure",
    "HydrogenSupply",
    "Ramp",
    "Scenario",
    "ShipMeasure",
    "bundled_scenarios",
    "read_scenario",
]

_SCENARIO_DIR = "scenarios"
#: The prices of ``[costs]``.
PRICE_KEYS = ("electricity_per_kwh", "hydrogen_per_kg", "diesel_per_l", "marine_fuel_per_t")
#: What a measure may replace: a power source, or the trucks whose plate is not in the register.
_FROM_VALUES = (*(p.value for p in PowerSource if not p.zero_emission), UNREGISTERED)


@dataclass(frozen=True)
class EquipmentMeasure:
    """Replace units of one group (a kind, on one or more power sources) by zero-emission ones: ``units``
    (cumulative units replaced) or ``share`` (share of the group's activity), one of the two."""

    key: str  # "equipment[1]"
    kind: EquipmentKind
    from_power: tuple[str, ...]  # PowerSource values, or "unregistered"
    to_power: PowerSource
    units: Ramp | None
    share: Ramp | None
    capex_per_unit: float | None  # extra cost of one zero-emission unit over the one it replaces
    lifetime_years: float | None
    annual_cost: float | None  # any yearly cost of the measure (programme, maintenance), once started


@dataclass(frozen=True)
class ShipMeasure:
    """A measure on the ocean-going vessels: ``value`` is the shore-power share of container calls, the share
    of anchorage hours cut (JIT) or the speed-reduction participation; ``base`` the base year's value
    (``None``: the port's row of ``planner_parameters.csv``)."""

    key: str  # "shore_power", "jit", "speed_reduction"
    value: Ramp
    base: float | None
    annual_cost: float | None


@dataclass(frozen=True)
class HydrogenSupply:
    """Where the hydrogen comes from: the green share over the years, the rest from ``other_pathway``
    (pathway names of the land-side ``hydrogen_pathways.csv``)."""

    green_share: Ramp | None = None
    base_green_share: float = 0.0
    green_pathway: str = "green"
    other_pathway: str = "grey"


@dataclass(frozen=True)
class Costs:
    """Prices (``None``: the port's default in ``planner_costs.csv``) in one currency, and the discount rate
    that annualises capital costs (0: straight line over the lifetime)."""

    currency: str | None
    prices: Mapping[str, float | None]
    discount_rate: float


@dataclass(frozen=True)
class Scenario:
    """One scenario file, checked."""

    path: Path
    name: str
    title: str
    port: str
    description: str
    growth_pct_per_year: float = 0.0
    equipment: tuple[EquipmentMeasure, ...] = ()
    shore_power: ShipMeasure | None = None
    jit: ShipMeasure | None = None
    speed_reduction: ShipMeasure | None = None
    grid: Ramp | None = None  # lifecycle g CO2e per kWh
    hydrogen: HydrogenSupply = field(default_factory=HydrogenSupply)
    costs: Costs | None = None

    def error(self, message: str, key: str, value: Any = None, hint: str | None = None) -> InputError:
        """An error about this file's ``key``."""
        return InputError(message, source=str(self.path), field=key, value=value, hint=hint)

    def ramps(self) -> list[Ramp]:
        """Every value over the years the file gives."""
        found = [self.grid, self.hydrogen.green_share]
        found += [r for m in self.equipment for r in (m.units, m.share)]
        found += [m.value for m in (self.shore_power, self.jit, self.speed_reduction) if m is not None]
        return [r for r in found if r is not None]


_TOP = ("scenario", "equipment", "shore_power", "jit", "speed_reduction", "grid", "hydrogen", "costs")
_HEAD = ("name", "title", "port", "description", "growth_pct_per_year")
_EQUIPMENT = (
    "kind", "from", "to", "units", "share", "from_year", "capex_per_unit", "lifetime_years", "annual_cost",
)  # fmt: skip


def read_scenario(path: Path | str) -> Scenario:
    """Read and check one scenario file.

    Raises
    ------
    InputError
        The file is missing or not TOML, or a key is unknown, of the wrong type or out of range (the message
        names the file and the key path).
    """
    path = Path(path)
    reader = TomlReader(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the scenario file: {exc.strerror}", source=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(path)) from None
    reader.table(doc, "", _TOP)
    if "scenario" not in doc:
        raise reader.fail("required table is missing", "scenario")
    head = reader.table(doc["scenario"], "scenario", _HEAD)
    name = reader.text(head, "name", "scenario")
    description = head.get("description", "")
    if not isinstance(description, str):
        raise reader.fail("expected text", "scenario.description", description)
    return Scenario(
        path=path,
        name=name,
        title=reader.text(head, "title", "scenario", default=name),
        port=reader.text(head, "port", "scenario"),
        description=description,
        growth_pct_per_year=reader.number(head, "growth_pct_per_year", "scenario", low=-50.0, high=50.0)
        or 0.0,
        equipment=_equipment(reader, doc.get("equipment", [])),
        shore_power=_ship(reader, doc, "shore_power", "share", "base_share"),
        jit=_ship(reader, doc, "jit", "anchorage_cut", None),
        speed_reduction=_ship(reader, doc, "speed_reduction", "participation", "base_participation"),
        grid=_grid(reader, doc),
        hydrogen=_hydrogen(reader, doc),
        costs=_costs(reader, doc),
    )


def _from(reader: TomlReader, section: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = section.get("from", ["diesel"])
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise reader.fail("expected a power source or a list of them", f"{key}.from", value)
    for v in values:
        if v not in _FROM_VALUES:
            raise reader.fail("unknown from", f"{key}.from", v, hint=f"use one of {', '.join(_FROM_VALUES)}")
    return tuple(dict.fromkeys(values))


def _equipment(reader: TomlReader, items: Any) -> tuple[EquipmentMeasure, ...]:
    if not isinstance(items, list):
        raise reader.fail("expected an array of tables [[equipment]]", "equipment", items)
    measures = []
    for i, item in enumerate(items, start=1):
        key = f"equipment[{i}]"
        section = reader.table(item, key, _EQUIPMENT)
        kind = reader.enum(section, "kind", key, EquipmentKind)
        to_power = reader.enum(section, "to", key, PowerSource)
        if not to_power.zero_emission:
            raise reader.fail(
                "a replacement must be zero-emission",
                f"{key}.to",
                to_power.value,
                hint="use electric or hydrogen_fuel_cell",
            )
        from_year = reader.year(section["from_year"], f"{key}.from_year") if "from_year" in section else None
        units = reader.ramp(section, "units", key, high=None, from_year=from_year)
        share = reader.ramp(section, "share", key, from_year=from_year)
        if (units is None) == (share is None):
            raise reader.fail(
                "give one of units or share", f"{key}.units", hint="units: units replaced; share: 0-1"
            )
        measures.append(
            EquipmentMeasure(
                key=key,
                kind=kind,
                from_power=_from(reader, section, key),
                to_power=to_power,
                units=units,
                share=share,
                capex_per_unit=reader.number(section, "capex_per_unit", key, low=0.0),
                lifetime_years=reader.number(section, "lifetime_years", key, low=1.0, high=60.0),
                annual_cost=reader.number(section, "annual_cost", key),
            )
        )
    return tuple(measures)


def _ship(
    reader: TomlReader, doc: Mapping[str, Any], name: str, value: str, base: str | None
) -> ShipMeasure | None:
    if name not in doc:
        return None
    allowed = (value, "annual_cost", *((base,) if base else ()))
    section = reader.table(doc[name], name, allowed)
    ramp = reader.ramp(section, value, name)
    if ramp is None:
        raise reader.fail("required key is missing", f"{name}.{value}")
    return ShipMeasure(
        key=name,
        value=ramp,
        base=reader.number(section, base, name, low=0.0, high=1.0) if base else None,
        annual_cost=reader.number(section, "annual_cost", name),
    )


def _grid(reader: TomlReader, doc: Mapping[str, Any]) -> Ramp | None:
    if "grid" not in doc:
        return None
    section = reader.table(doc["grid"], "grid", ("co2e_g_per_kwh",))
    ramp = reader.ramp(section, "co2e_g_per_kwh", "grid", high=None)
    if ramp is None:
        raise reader.fail("required key is missing", "grid.co2e_g_per_kwh")
    return ramp


def _hydrogen(reader: TomlReader, doc: Mapping[str, Any]) -> HydrogenSupply:
    allowed = ("green_share", "base_green_share", "green_pathway", "other_pathway")
    section = reader.table(doc.get("hydrogen", {}), "hydrogen", allowed)
    return HydrogenSupply(
        green_share=reader.ramp(section, "green_share", "hydrogen"),
        base_green_share=reader.number(section, "base_green_share", "hydrogen", low=0.0, high=1.0) or 0.0,
        green_pathway=reader.text(section, "green_pathway", "hydrogen", default="green"),
        other_pathway=reader.text(section, "other_pathway", "hydrogen", default="grey"),
    )


def _costs(reader: TomlReader, doc: Mapping[str, Any]) -> Costs | None:
    if "costs" not in doc:
        return None
    section = reader.table(doc["costs"], "costs", ("currency", "discount_rate", *PRICE_KEYS))
    return Costs(
        currency=reader.text(section, "currency", "costs") if "currency" in section else None,
        prices={k: reader.number(section, k, "costs", low=0.0) for k in PRICE_KEYS},
        discount_rate=reader.number(section, "discount_rate", "costs", low=0.0, high=0.5) or 0.0,
    )


def bundled_scenarios(port: str | None = None) -> list[Path]:
    """The bundled scenario files (of one port profile key, if given), sorted by file name.

    Raises
    ------
    ConfigError
        ``port`` has no bundled scenario.
    """
    folder = resources.files("quayside.programs") / _SCENARIO_DIR
    paths = sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))
    if port is None:
        return paths
    chosen = [p for p in paths if read_scenario(p).port == port]
    if not chosen:
        raise ConfigError(f"no bundled scenario for port '{port}'", field="port", value=port)
    return chosen
