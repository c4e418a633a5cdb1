"""IMO Carbon Intensity Indicator (CII): attained, required, rating A-E (MARPOL Annex VI regulation 28).

Method (every factor from ``compliance/data/``, see :mod:`quayside.programs.compliance._cii_tables`):

- attained (MEPC.352(78), the AER form): ``sum(fuel_t x Cf) / (capacity x distance_nm)`` in g CO2 per
  capacity-nm, capacity = DWT or GT as MEPC.353(78) Table 1 gives for the ship type;
- required: ``a x Capacity^-c x (1 - Z/100)``, ``a``, ``c`` and the capacity rule (floor or cap) of the
  ship's size band (MEPC.353(78) Table 1), Z of the year (MEPC.338(76) and later amendments);
- boundaries: ``required x exp(d_i)`` (MEPC.354(78) Table 1 gives exp(d1)..exp(d4) already, so the
  container ship's 0.83, 0.94, 1.07, 1.19 are the attained/required ratios of the band limits);
- rating: A below the superior boundary, B from it to below the lower, C to below the upper, D to below the
  inferior, E from the inferior boundary up: a ship exactly at a boundary gets the worse band (U: read as
  MEPC.354(78) section 4 is reproduced in secondary copies). Values within 1e-9 (relative) of a boundary
  count as on it, so float rounding does not decide a band.

No correction factors or voyage adjustments (MEPC.355(78), G5) are applied.

Calculator input (``quayside programs cii``)::

    {"ship_type": "container", "dwt": 80000, "year": 2026,
     "fuel_t": {"HFO": 21000, "MGO": 1200}, "distance_nm": 98000, "gt"?: ..., "estimate"?: false}

``ship_type`` is a CII ship type (:class:`CiiShipType`) or a Quayside ship type mapped to one; ``dwt`` or
``gt`` as the ship type's capacity unit needs.

For the runner: :func:`cii_for_ship` ``(ship_type, capacity, year, fuel_t, distance_nm, *, estimate)
-> CiiResult``, with :func:`capacity_unit` ``(ship_type) -> "dwt" | "gt"`` to pick the capacity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quayside.errors import InputError
from quayside.programs.compliance import _json
from quayside.programs.compliance._cii_tables import (
    CiiShipType,
    RatingVector,
    ReferenceLine,
    cii_tables,
)
from quayside.programs.compliance._json import Rule

RATINGS = ("A", "B", "C", "D", "E")
BOUNDARY_NAMES = ("superior", "lower", "upper", "inferior")
_EDGE_TOLERANCE = 1e-9
_KEYS = frozenset({"ship_type", "dwt", "gt", "year", "fuel_t", "distance_nm", "estimate"})
_SOURCE = "cii"


@dataclass(frozen=True, slots=True)
class NextBand:
    """How far the attained CII is above the limit of the next better band."""

    rating: str
    boundary: float  # g CO2 per capacity-nm: the attained CII must fall below this
    reduction: float  # attained - boundary, g CO2 per capacity-nm
    reduction_pct: float  # of the attained CII


@dataclass(frozen=True, slots=True)
class CiiResult:
    """The CII of one ship for one year. ``estimate`` is True when fuel and distance come from AIS."""

    ship_type: CiiShipType
    capacity_unit: str
    capacity: float
    capacity_used: float
    year: int
    co2_t: float
    distance_nm: float
    attained: float
    reference: float
    required: float
    z_pct: float
    boundaries: tuple[float, float, float, float]
    rating: str
    next_band: NextBand | None
    estimate: bool
    rules: list[Rule] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        unit = f"g CO2 per {self.capacity_unit}-nm"
        return {
            "ship_type": self.ship_type.value,
            "year": self.year,
            "capacity_unit": self.capacity_unit,
            "capacity": self.capacity,
            "distance_nm": self.distance_nm,
            "z_pct": self.z_pct,
            "attained": self.attained,
            "required": self.required,
            "reference": self.reference,
            "unit": unit,
            "rating": self.rating,
            "ratio": self.attained / self.required,
            "boundaries": dict(zip(BOUNDARY_NAMES, self.boundaries, strict=True)),
            "next_band": None
            if self.next_band is None
            else {
                "rating": self.next_band.rating,
                "boundary": self.next_band.boundary,
                "reduction": self.next_band.reduction,
                "reduction_pct": self.next_band.reduction_pct,
            },
            "co2_t": self.co2_t,
            "capacity_used": self.capacity_used,
            "estimate": self.estimate,
        }


def resolve_ship_type(ship_type: str, *, source: str = _SOURCE, field: str = "ship_type") -> CiiShipType:
    """A CII ship type from its own name or from a Quayside ship type (``cii_ship_types.csv``)."""
    try:
        return CiiShipType(ship_type)
    except ValueError:
        pass
    mapped = cii_tables().ship_types.get(ship_type)
    if mapped is None:
        names = sorted({*(t.value for t in CiiShipType), *cii_tables().ship_types})
        raise InputError(
            "no CII reference line for this ship type",
            source=source,
            field=field,
            value=ship_type,
            hint=f"use one of {', '.join(names)}",
        )
    return mapped[0]


def capacity_unit(ship_type: str) -> str:
    """``dwt`` or ``gt``: the capacity the ship type's CII is counted in (MEPC.353(78) Table 1)."""
    cii_type = resolve_ship_type(ship_type)
    return next(r.capacity_unit for r in cii_tables().reference_lines if r.ship_type is cii_type)


def _in_band(capacity: float, low: float, high: float | None) -> bool:
    return low <= capacity and (high is None or capacity < high)


def _band(ship_type: CiiShipType, capacity: float) -> tuple[ReferenceLine, RatingVector]:
    tables = cii_tables()
    line = next(
        r
        for r in tables.reference_lines
        if r.ship_type is ship_type and _in_band(capacity, r.capacity_from, r.capacity_to)
    )
    vector = next(
        v
        for v in tables.rating_vectors
        if v.ship_type is ship_type and _in_band(capacity, v.capacity_from, v.capacity_to)
    )
    return line, vector


def _rating(attained: float, boundaries: tuple[float, ...]) -> int:
    for index, boundary in enumerate(boundaries):
        if attained < boundary and not math.isclose(attained, boundary, rel_tol=_EDGE_TOLERANCE):
            return index
    return len(boundaries)


def cii_for_ship(
    ship_type: str,
    capacity: float,
    year: int,
    fuel_t: Mapping[str, float],
    distance_nm: float,
    *,
    estimate: bool,
    source: str = _SOURCE,
) -> CiiResult:
    """The CII of one ship in ``year`` (``capacity`` in the unit :func:`capacity_unit` names)."""
    tables = cii_tables()
    cii_type = resolve_ship_type(ship_type, source=source)
    unit = capacity_unit(cii_type)
    if capacity <= 0:
        raise InputError("must be greater than 0", source=source, field=unit, value=capacity)
    if distance_nm <= 0:
        raise InputError("must be greater than 0", source=source, field="distance_nm", value=distance_nm)
    z = tables.reduction_pct.get(year)
    if z is None:
        raise InputError(
            "no CII reduction factor for this year",
            source=source,
            field="year",
            value=year,
            hint=f"years with a factor: {min(tables.reduction_pct)}-{max(tables.reduction_pct)}",
        )
    rules: list[Rule] = []
    co2_t = 0.0
    for fuel, tonnes in fuel_t.items():
        cf = tables.cf.get(fuel)
        if cf is None:
            raise InputError(
                "unknown fuel",
                source=source,
                field=f"fuel_t.{fuel}",
                hint=f"use one of {', '.join(tables.cf)}",
            )
        co2_t += tonnes * float(cf.value)
        rules.append(cf)
    line, vector = _band(cii_type, capacity)
    capacity_used = line.capacity_used(capacity)
    attained = co2_t * 1e6 / (capacity * distance_nm)
    reference = line.a * capacity_used ** (-line.c)
    required = reference * (1.0 - float(z.value) / 100.0)
    boundaries = (
        required * vector.exp_d[0],
        required * vector.exp_d[1],
        required * vector.exp_d[2],
        required * vector.exp_d[3],
    )
    index = _rating(attained, boundaries)
    next_band = None
    if index > 0:
        limit = boundaries[index - 1]
        next_band = NextBand(
            RATINGS[index - 1], limit, attained - limit, 100.0 * (attained - limit) / attained
        )
    band = f"{cii_type.value} {line.capacity_unit} from {line.capacity_from:g}"
    rules += [
        Rule(f"cii_reference_a_{cii_type.value}", line.a, f"({band})", line.source, line.status),
        Rule(f"cii_reference_c_{cii_type.value}", line.c, f"({band})", line.source, line.status),
        z,
        Rule(
            f"cii_exp_d_{cii_type.value}",
            ", ".join(f"{d:g}" for d in vector.exp_d),
            "boundary / required CII",
            vector.source,
            vector.status,
        ),
        Rule(
            "cii_band_edge",
            "a ship exactly at a boundary takes the worse band",
            "",
            "IMO MEPC.354(78) section 4 as reproduced in secondary copies (attained < superior boundary = A)",
            "U",
        ),
    ]
    return CiiResult(
        ship_type=cii_type,
        capacity_unit=unit,
        capacity=capacity,
        capacity_used=capacity_used,
        year=year,
        co2_t=co2_t,
        distance_nm=distance_nm,
        attained=attained,
        reference=reference,
        required=required,
        z_pct=float(z.value),
        boundaries=boundaries,
        rating=RATINGS[index],
        next_band=next_band,
        estimate=estimate,
        rules=rules,
    )


def calculate(document: Any, *, source: str) -> dict[str, Any]:
    """The ``quayside programs cii`` calculator (input and answer in the module docstring)."""
    doc = _json.obj(document, source, "", _KEYS)
    ship_type = _json.text(_json.required(doc, "ship_type", source, ""), source, "ship_type")
    cii_type = resolve_ship_type(ship_type, source=source)
    unit = capacity_unit(cii_type)
    capacity = _json.number(_json.required(doc, unit, source, ""), source, unit, positive=True)
    other = "gt" if unit == "dwt" else "dwt"
    if other in doc:
        _json.number(doc[other], source, other, positive=True)
    year = _json.integer(_json.required(doc, "year", source, ""), source, "year", 1900, 2200)
    fuels = _json.obj(_json.required(doc, "fuel_t", source, ""), source, "fuel_t", frozenset(cii_tables().cf))
    if not fuels:
        raise InputError("at least one fuel is required", source=source, field="fuel_t")
    fuel_t = {k: _json.number(v, source, f"fuel_t.{k}") for k, v in fuels.items()}
    distance = _json.number(
        _json.required(doc, "distance_nm", source, ""), source, "distance_nm", positive=True
    )
    estimate = _json.flag(doc.get("estimate", False), source, "estimate")
    result = cii_for_ship(cii_type, capacity, year, fuel_t, distance, estimate=estimate, source=source)
    inputs: dict[str, Any] = {
        "ship_type": cii_type.value,
        unit: capacity,
        "year": year,
        "fuel_t": fuel_t,
        "distance_nm": distance,
        "estimate": estimate,
    }
    if other in doc:
        inputs[other] = doc[other]
    return {
        "programme": "cii",
        "inputs": inputs,
        "result": result.to_dict(),
        "rules": _json.rules_list(result.rules),
    }
