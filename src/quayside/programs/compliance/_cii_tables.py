"""The IMO CII tables of ``compliance/data/``, loaded into typed rows.

- ``cii_reference_lines.csv`` — MEPC.353(78) Table 1: per ship type and size band, the capacity unit
  (``dwt`` or ``gt``), the band ``[capacity_from, capacity_to)``, a capacity floor or cap the band uses in
  place of the ship's own, and the parameters ``a`` and ``c`` of ``CII_ref = a x Capacity^-c``;
- ``cii_rating_vectors.csv`` — MEPC.354(78) Table 1: ``exp(d1)..exp(d4)`` per ship type and band;
- ``cii_reduction_factors.csv`` — MEPC.338(76) (and later amendments): Z (%) per year;
- ``imo_fuel_cf.csv`` — MEPC.364(79): the carbon factor Cf (t CO2 per t fuel) per fuel;
- ``cii_ship_types.csv`` — Quayside's ship types (:class:`~quayside.vessels.types.ShipType`) mapped to the
  IMO CII ship types.

Every error is a :class:`~quayside.errors.ConfigError` naming the file, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from quayside.errors import ConfigError
from quayside.programs import _csv
from quayside.programs.compliance._json import Rule


class CiiShipType(StrEnum):
    """The ship types of MEPC.353(78) Table 1."""

    BULK_CARRIER = "bulk_carrier"
    GAS_CARRIER = "gas_carrier"
    TANKER = "tanker"
    CONTAINER = "container"
    GENERAL_CARGO = "general_cargo"
    REFRIGERATED_CARGO = "refrigerated_cargo"
    COMBINATION_CARRIER = "combination_carrier"
    LNG_CARRIER = "lng_carrier"
    RO_RO_VEHICLE = "ro_ro_vehicle"
    RO_RO_CARGO = "ro_ro_cargo"
    RO_RO_PASSENGER = "ro_ro_passenger"
    RO_RO_PASSENGER_HSC = "ro_ro_passenger_hsc"
    CRUISE_PASSENGER = "cruise_passenger"


CAPACITY_UNITS = ("dwt", "gt")


@dataclass(frozen=True, slots=True)
class ReferenceLine:
    """One row of MEPC.353(78) Table 1."""

    ship_type: CiiShipType
    capacity_unit: str
    capacity_from: float
    capacity_to: float | None
    capacity_floor: float | None
    capacity_cap: float | None
    a: float
    c: float
    source: str
    status: str

    def capacity_used(self, capacity: float) -> float:
        """The capacity the reference line takes: the ship's own, or the band's floor or cap."""
        if self.capacity_floor is not None:
            capacity = max(capacity, self.capacity_floor)
        if self.capacity_cap is not None:
            capacity = min(capacity, self.capacity_cap)
        return capacity


@dataclass(frozen=True, slots=True)
class RatingVector:
    """One row of MEPC.354(78) Table 1: the four ratios exp(d1)..exp(d4) of boundary to required CII."""

    ship_type: CiiShipType
    capacity_from: float
    capacity_to: float | None
    exp_d: tuple[float, float, float, float]
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class CiiTables:
    reference_lines: tuple[ReferenceLine, ...]
    rating_vectors: tuple[RatingVector, ...]
    reduction_pct: dict[int, Rule]
    cf: dict[str, Rule]
    ship_types: dict[str, tuple[CiiShipType, Rule]]


def _text(name: str) -> str:
    return (resources.files("quayside.programs.compliance") / "data" / name).read_text(encoding="utf-8")


def _optional(text: str, name: str, line: int, field: str) -> float | None:
    return None if not text else _csv.number(text, name, line, field)


def _ship_type(text: str, name: str, line: int, field: str) -> CiiShipType:
    try:
        return CiiShipType(text)
    except ValueError:
        raise ConfigError(
            "unknown CII ship type",
            source=name,
            record=line,
            field=field,
            value=text,
            hint=f"use one of {', '.join(t.value for t in CiiShipType)}",
        ) from None


def _reference_lines(name: str = "cii_reference_lines.csv") -> tuple[ReferenceLine, ...]:
    columns = (
        "ship_type",
        "capacity_unit",
        "capacity_from",
        "capacity_to",
        "capacity_floor",
        "capacity_cap",
        "a",
        "c",
        "source",
        "status",
    )
    out = []
    for line, row in _csv.rows(_text(name), name, columns):
        if row["capacity_unit"] not in CAPACITY_UNITS:
            raise ConfigError(
                "capacity_unit must be dwt or gt",
                source=name,
                record=line,
                field="capacity_unit",
                value=row["capacity_unit"],
            )
        out.append(
            ReferenceLine(
                ship_type=_ship_type(row["ship_type"], name, line, "ship_type"),
                capacity_unit=row["capacity_unit"],
                capacity_from=_csv.number(row["capacity_from"], name, line, "capacity_from"),
                capacity_to=_optional(row["capacity_to"], name, line, "capacity_to"),
                capacity_floor=_optional(row["capacity_floor"], name, line, "capacity_floor"),
                capacity_cap=_optional(row["capacity_cap"], name, line, "capacity_cap"),
                a=_csv.number(row["a"], name, line, "a"),
                c=_csv.number(row["c"], name, line, "c"),
                source=row["source"],
                status=row["status"],
            )
        )
    return tuple(out)


def _rating_vectors(name: str = "cii_rating_vectors.csv") -> tuple[RatingVector, ...]:
    columns = (
        "ship_type",
        "capacity_from",
        "capacity_to",
        "exp_d1",
        "exp_d2",
        "exp_d3",
        "exp_d4",
        "source",
        "status",
    )
    out = []
    for line, row in _csv.rows(_text(name), name, columns):
        d = tuple(_csv.number(row[f"exp_d{i}"], name, line, f"exp_d{i}") for i in range(1, 5))
        if not (0 < d[0] < d[1] < d[2] < d[3]):
            raise ConfigError(
                "exp_d1 < exp_d2 < exp_d3 < exp_d4 must rise from above 0",
                source=name,
                record=line,
                field="exp_d1",
                value=d,
            )
        out.append(
            RatingVector(
                ship_type=_ship_type(row["ship_type"], name, line, "ship_type"),
                capacity_from=_csv.number(row["capacity_from"], name, line, "capacity_from"),
                capacity_to=_optional(row["capacity_to"], name, line, "capacity_to"),
                exp_d=(d[0], d[1], d[2], d[3]),
                source=row["source"],
                status=row["status"],
            )
        )
    return tuple(out)


def _reduction(name: str = "cii_reduction_factors.csv") -> dict[int, Rule]:
    out = {}
    for line, row in _csv.rows(_text(name), name, ("year", "z_pct", "source", "status")):
        year = _csv.year(row["year"], name, line, "year")
        z = _csv.number(row["z_pct"], name, line, "z_pct")
        out[year] = Rule(f"cii_reduction_factor_{year}", z, "%", row["source"], row["status"])
    return out


def _cf(name: str = "imo_fuel_cf.csv") -> dict[str, Rule]:
    out = {}
    for line, row in _csv.rows(_text(name), name, ("fuel", "cf_t_co2_per_t", "source", "status")):
        cf = _csv.number(row["cf_t_co2_per_t"], name, line, "cf_t_co2_per_t")
        out[row["fuel"]] = Rule(f"cf_{row['fuel']}", cf, "t CO2 per t fuel", row["source"], row["status"])
    return out


def _ship_types(name: str = "cii_ship_types.csv") -> dict[str, tuple[CiiShipType, Rule]]:
    out = {}
    for line, row in _csv.rows(_text(name), name, ("quayside_type", "cii_type", "source", "status")):
        cii = _ship_type(row["cii_type"], name, line, "cii_type")
        rule = Rule(f"cii_ship_type_{row['quayside_type']}", cii.value, "", row["source"], row["status"])
        out[row["quayside_type"]] = (cii, rule)
    return out


@cache
def cii_tables() -> CiiTables:
    """The bundled CII tables (read once)."""
    return CiiTables(_reference_lines(), _rating_vectors(), _reduction(), _cf(), _ship_types())
