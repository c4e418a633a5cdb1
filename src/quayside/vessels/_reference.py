"""Reference tables of the vessels package, loaded from ``vessels/data/*.csv`` into typed rows.

Every table carries a ``source`` column; values that are assumptions say ``U:`` there (or name the assumed
fields in ``assumed_fields``). The tables are read once per process and cached.

| file | what |
|---|---|
| ``defaults.csv`` | MCR, max and service speed, engine type, keel-laid year by ship type and size bin |
| ``size_from_length.csv`` | size (TEU, DWT or GT) by ship type and overall-length bin, when size is unknown |
| ``teu_dwt.csv`` | container DWT from TEU (Kristensen regressions) |
| ``ais_ship_types.csv`` | AIS ship-type code (ITU-R M.1371) to :class:`ShipType`, category and subtype |
| ``ship_type_aliases.csv`` | ship-type names users write, to :class:`ShipType` |
| ``ship_type_categories.csv`` | :class:`ShipType` to source category and harbour-craft subtype |
| ``terminal_ship_types.csv`` | the terminal a ship berths at to its :class:`ShipType` |
| ``harbor_craft_defaults.csv`` | installed power, speed and engine model year by harbour-craft subtype |
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Literal, TypeVar

from quayside.errors import ConfigError
from quayside.vessels.types import Category, EngineType, HarborCraftType, ShipType, TerminalType

SizeUnit = Literal["teu", "dwt", "gt"]
_SIZE_UNITS: tuple[SizeUnit, ...] = ("teu", "dwt", "gt")


@dataclass(frozen=True, slots=True)
class DefaultRow:
    """One ship type and size bin of ``defaults.csv``, holding sizes ``size_min < s <= size_max``."""

    ship_type: ShipType
    size_unit: SizeUnit
    size_min: float
    size_max: float
    size_typical: float
    mcr_kw: float
    max_speed_kn: float
    service_speed_kn: float
    engine: EngineType
    keel_laid_year: int
    default_bin: bool
    assumed_fields: frozenset[str]
    source: str

    def contains(self, size: float) -> bool:
        """Whether ``size`` falls in this bin (the first bin also takes a size of 0)."""
        return (self.size_min < size or (self.size_min == 0 and size == 0)) and size <= self.size_max


@dataclass(frozen=True, slots=True)
class LengthRow:
    """One overall-length bin of ``size_from_length.csv`` (``length_min_m <= L < length_max_m``)."""

    ship_type: ShipType
    size_unit: SizeUnit
    length_min_m: float
    length_max_m: float
    size: float
    source: str


@dataclass(frozen=True, slots=True)
class TeuDwtRow:
    """One regime of DWT = coefficient x TEU^exponent, valid for ``dwt_min < DWT <= dwt_max``."""

    dwt_min: float
    dwt_max: float
    coefficient: float
    exponent: float
    source: str


@dataclass(frozen=True, slots=True)
class AisTypeRow:
    """AIS ship-type codes ``code_min..code_max``; ``large_ship_type`` applies from ``large_length_m`` up."""

    code_min: int
    code_max: int
    ship_type: ShipType
    large_ship_type: ShipType | None
    large_length_m: float | None
    category: Category | None
    subtype: HarborCraftType | None
    large_category: Category | None
    assumed: bool
    source: str


@dataclass(frozen=True, slots=True)
class ShipTypeCategoryRow:
    """The source category (and harbour-craft subtype) of a registry ship type."""

    ship_type: ShipType
    category: Category
    subtype: HarborCraftType | None
    assumed: bool
    source: str


@dataclass(frozen=True, slots=True)
class HarborCraftDefaultRow:
    """Default particulars of one harbour-craft subtype (kW, kn, engine model year)."""

    subtype: HarborCraftType
    main_kw: float
    aux_kw: float
    service_speed_kn: float
    model_year: int
    assumed_fields: frozenset[str]
    source: str


_E = TypeVar("_E", bound=StrEnum)
_R = TypeVar("_R")


def _complete(rows: dict[_E, _R], members: type[_E], name: str) -> dict[_E, _R]:
    """``rows`` when it has a row for every member of the enum, else an error naming the table."""
    missing = [m.value for m in members if m not in rows]
    if missing:
        raise ConfigError(f"quayside/vessels/data/{name} lacks rows", field=members.__name__, value=missing)
    return rows


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("quayside.vessels").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _where(name: str, index: int) -> str:
    return f"quayside/vessels/data/{name} line {index + 2}"


def _unit(name: str, index: int, value: str) -> SizeUnit:
    for unit in _SIZE_UNITS:
        if unit == value:
            return unit
    raise ConfigError(f"{_where(name, index)}: size_unit must be one of {_SIZE_UNITS}", value=value)


@cache
def default_rows() -> tuple[DefaultRow, ...]:
    """Rows of ``defaults.csv``, in file order."""
    name = "defaults.csv"
    rows = []
    for i, r in enumerate(_read(name)):
        try:
            rows.append(
                DefaultRow(
                    ship_type=ShipType(r["ship_type"]),
                    size_unit=_unit(name, i, r["size_unit"]),
                    size_min=float(r["size_min"]),
                    size_max=float(r["size_max"]),
                    size_typical=float(r["size_typical"]),
                    mcr_kw=float(r["mcr_kw"]),
                    max_speed_kn=float(r["max_speed_kn"]),
                    service_speed_kn=float(r["service_speed_kn"]),
                    engine=EngineType(r["engine"]),
                    keel_laid_year=int(r["keel_laid_year"]),
                    default_bin=r["default_bin"] == "true",
                    assumed_fields=frozenset(f for f in r["assumed_fields"].split(";") if f),
                    source=r["source"],
                )
            )
        except ValueError as exc:
            raise ConfigError(f"{_where(name, i)}: {exc}") from exc
    return tuple(rows)


@cache
def length_rows() -> tuple[LengthRow, ...]:
    """Rows of ``size_from_length.csv``."""
    name = "size_from_length.csv"
    return tuple(
        LengthRow(
            ship_type=ShipType(r["ship_type"]),
            size_unit=_unit(name, i, r["size_unit"]),
            length_min_m=float(r["length_min_m"]),
            length_max_m=float(r["length_max_m"]),
            size=float(r["size"]),
            source=r["source"],
        )
        for i, r in enumerate(_read(name))
    )


@cache
def teu_dwt_rows() -> tuple[TeuDwtRow, ...]:
    """Regimes of ``teu_dwt.csv``, smallest first."""
    return tuple(
        TeuDwtRow(
            dwt_min=float(r["dwt_min"]),
            dwt_max=float(r["dwt_max"]),
            coefficient=float(r["coefficient"]),
            exponent=float(r["exponent"]),
            source=r["source"],
        )
        for r in _read("teu_dwt.csv")
    )


@cache
def ais_type_rows() -> tuple[AisTypeRow, ...]:
    """Rows of ``ais_ship_types.csv``."""
    return tuple(
        AisTypeRow(
            code_min=int(r["code_min"]),
            code_max=int(r["code_max"]),
            ship_type=ShipType(r["ship_type"]),
            large_ship_type=ShipType(r["large_ship_type"]) if r["large_ship_type"] else None,
            large_length_m=float(r["large_length_m"]) if r["large_length_m"] else None,
            category=Category(r["category"]) if r["category"] else None,
            subtype=HarborCraftType(r["subtype"]) if r["subtype"] else None,
            large_category=Category(r["large_category"]) if r["large_category"] else None,
            assumed=r["assumed"] == "true",
            source=r["source"],
        )
        for r in _read("ais_ship_types.csv")
    )


@cache
def ship_type_categories() -> dict[ShipType, ShipTypeCategoryRow]:
    """Rows of ``ship_type_categories.csv`` by ship type (every :class:`ShipType` has one)."""
    rows = {
        ShipType(r["ship_type"]): ShipTypeCategoryRow(
            ship_type=ShipType(r["ship_type"]),
            category=Category(r["category"]),
            subtype=HarborCraftType(r["subtype"]) if r["subtype"] else None,
            assumed=r["assumed"] == "true",
            source=r["source"],
        )
        for r in _read("ship_type_categories.csv")
    }
    return _complete(rows, ShipType, "ship_type_categories.csv")


@cache
def terminal_ship_types() -> dict[TerminalType, ShipType]:
    """Rows of ``terminal_ship_types.csv``: what a ship berthing at each kind of terminal is."""
    return {
        TerminalType(r["terminal_type"]): ShipType(r["ship_type"]) for r in _read("terminal_ship_types.csv")
    }


@cache
def harbor_craft_defaults() -> dict[HarborCraftType, HarborCraftDefaultRow]:
    """Rows of ``harbor_craft_defaults.csv`` by subtype (every :class:`HarborCraftType` has one)."""
    rows = {
        HarborCraftType(r["subtype"]): HarborCraftDefaultRow(
            subtype=HarborCraftType(r["subtype"]),
            main_kw=float(r["main_kw"]),
            aux_kw=float(r["aux_kw"]),
            service_speed_kn=float(r["service_speed_kn"]),
            model_year=int(r["model_year"]),
            assumed_fields=frozenset(f for f in r["assumed_fields"].split(";") if f),
            source=r["source"],
        )
        for r in _read("harbor_craft_defaults.csv")
    }
    return _complete(rows, HarborCraftType, "harbor_craft_defaults.csv")


def normalise_name(text: str) -> str:
    """Lower case, single spaces, underscores kept: the key aliases are matched on."""
    return " ".join(text.strip().lower().split())


@cache
def ship_type_aliases() -> dict[str, ShipType]:
    """Alias (normalised) to ship type, including every enum value and its spaced form."""
    table: dict[str, ShipType] = {}
    for member in ShipType:
        table[member.value] = member
        table[member.value.replace("_", " ")] = member
    for r in _read("ship_type_aliases.csv"):
        table[normalise_name(r["alias"])] = ShipType(r["ship_type"])
    return table


def is_finite(value: float | None) -> bool:
    """True for a real, finite number."""
    return value is not None and math.isfinite(value)
