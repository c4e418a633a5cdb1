"""The base year of a plan: the inventory written by the annual report (``annual.json``), read and checked.

Columns and units (the design's ``annual.json`` contract, ``docs/design/whole-port-carbon.md``):

- ``by_category_g``: source category -> pollutant -> grams at the machine (tank-to-wheel), and
  ``well_to_wheel: {"CO2e": g}``; a category that is absent counts as zero.
- ``by_equipment``: per equipment kind and power source ``units, hours, kwh, kg_h2, fuel_l, ttw_g`` (pollutant ->
  g), ``wtw_co2e_g`` and, for trucks, ``miles`` when known. Either a list of objects with ``kind`` and
  ``power_source`` (as ``quayside report annual`` writes it), or a table ``{kind: {power_source: {...}}}``.
  ``power_source`` is a :class:`PowerSource` value or ``unregistered`` (trucks whose plate is not in the
  register). For trucks, ``hours`` are hours on the terminal (idling and creeping).
- ``teu``: TEU handled in the year (for per-TEU targets), may be absent.
- ``targets``: the report's progress entries; their ``baseline_value`` (when known) is the baseline of a
  target whose baseline year is not the base year.
- ``ogv_by_mode_g`` (optional, not in the contract): operating mode -> pollutant -> grams of the ocean-going
  vessels; when present, it replaces the port table's shares of OGV emissions by mode.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quayside.emissions.types import Mode, Pollutant
from quayside.equipment.types import EquipmentKind, PowerSource, SourceCategory
from quayside.errors import InputError
from quayside.programs.annual.report import UNREGISTERED

__all__ = ["BaseGroup", "PlanBase", "base_from_mapping", "read_base"]

_POLLUTANTS = tuple(p.value for p in Pollutant)
_KINDS = tuple(k.value for k in EquipmentKind)
_POWERS = (*(p.value for p in PowerSource), UNREGISTERED)
WTW_KEY = "well_to_wheel"


@dataclass(frozen=True)
class BaseGroup:
    """All units of one kind and power source in the base year (``None``: not logged)."""

    kind: EquipmentKind
    power: str  # a PowerSource value or "unregistered"
    units: float
    hours: float | None
    miles: float | None
    kwh: float
    kg_h2: float
    fuel_l: float | None
    ttw_g: Mapping[str, float]
    wtw_co2e_g: float


@dataclass(frozen=True)
class PlanBase:
    """The base year a plan starts from."""

    source: str
    port: str
    year: int
    ttw_g: Mapping[str, Mapping[str, float]]  # category -> pollutant -> g (every category, zeros if absent)
    wtw_co2e_g: Mapping[str, float]  # category -> g CO2e well-to-wheel
    groups: tuple[BaseGroup, ...]
    teu: float | None
    ogv_mode_shares: Mapping[str, Mapping[str, float]] | None  # mode -> pollutant -> share of OGV grams
    target_baselines: Mapping[str, tuple[int, float]]  # target id -> (baseline year, value) of the report

    def group(self, kind: EquipmentKind, power: str) -> BaseGroup | None:
        return next((g for g in self.groups if g.kind is kind and g.power == power), None)

    def error(self, message: str, key: str, value: Any = None, hint: str | None = None) -> InputError:
        return InputError(message, source=self.source, field=key, value=value, hint=hint)


def read_base(path: Path | str) -> PlanBase:
    """Read an ``annual.json`` written by ``quayside report annual``.

    Raises
    ------
    InputError
        Missing file, not JSON, or a key of the contract missing or of the wrong type (named).
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            "base inventory not found", source=str(path), hint="write it with quayside report annual"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}", source=str(path)) from None
    return base_from_mapping(doc, str(path))


def base_from_mapping(doc: Any, source: str) -> PlanBase:
    """Check an ``annual.json`` document (already parsed) and return the base."""
    if not isinstance(doc, dict):
        raise InputError("expected a JSON object", source=source)
    port = doc.get("port")
    year = doc.get("year")
    if not isinstance(port, str) or not port:
        raise InputError("expected the port profile key", source=source, field="port", value=port)
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError("expected the inventory year", source=source, field="year", value=year)
    by_category = _object(doc.get("by_category_g"), "by_category_g", source)
    ttw: dict[str, dict[str, float]] = {c.value: dict.fromkeys(_POLLUTANTS, 0.0) for c in SourceCategory}
    wtw: dict[str, float] = dict.fromkeys((c.value for c in SourceCategory), 0.0)
    for name, values in by_category.items():
        key = f"by_category_g.{name}"
        if name not in ttw:
            raise InputError("unknown source category", source=source, field=key, value=name)
        values = _object(values, key, source)
        for pollutant, grams in values.items():
            if pollutant == WTW_KEY:
                wtw[name] = _number(
                    _object(grams, f"{key}.{WTW_KEY}", source).get("CO2e", 0.0),
                    f"{key}.{WTW_KEY}.CO2e",
                    source,
                )
            else:
                ttw[name][_pollutant(pollutant, key, source)] = _number(grams, f"{key}.{pollutant}", source)
    teu = doc.get("teu")
    return PlanBase(
        source=source,
        port=port,
        year=year,
        ttw_g=ttw,
        wtw_co2e_g=wtw,
        groups=_groups(doc.get("by_equipment", []), source),
        teu=None if teu is None else _number(teu, "teu", source),
        ogv_mode_shares=_mode_shares(doc.get("ogv_by_mode_g"), source),
        target_baselines=_target_baselines(doc.get("targets", []), source),
    )


def _target_baselines(raw: Any, source: str) -> dict[str, tuple[int, float]]:
    if not isinstance(raw, list):
        raise InputError("expected a list", source=source, field="targets", value=raw)
    found: dict[str, tuple[int, float]] = {}
    for i, entry in enumerate(raw):
        entry = _object(entry, f"targets[{i}]", source)
        year, value = entry.get("baseline_year"), entry.get("baseline_value")
        if isinstance(entry.get("id"), str) and isinstance(year, int) and isinstance(value, int | float):
            found[entry["id"]] = (year, float(value))
    return found


def _groups(raw: Any, source: str) -> tuple[BaseGroup, ...]:
    rows: list[tuple[str, Any, Any, Any]] = []  # key, kind, power, values
    if isinstance(raw, list):
        for i, row in enumerate(raw):
            key = f"by_equipment[{i}]"
            row = _object(row, key, source)
            rows.append((key, row.get("kind"), row.get("power_source"), row))
    elif isinstance(raw, dict):
        for kind, by_power in raw.items():
            for power, row in _object(by_power, f"by_equipment.{kind}", source).items():
                rows.append((f"by_equipment.{kind}.{power}", kind, power, row))
    else:
        raise InputError("expected a list or a table", source=source, field="by_equipment", value=raw)
    groups = []
    seen: set[tuple[str, str]] = set()
    for key, kind, power, values in rows:
        values = _object(values, key, source)
        if kind not in _KINDS or power not in _POWERS:
            raise InputError(
                "unknown equipment kind or power source", source=source, field=key, value=(kind, power)
            )
        if (kind, power) in seen:
            raise InputError("equipment group given twice", source=source, field=key, value=(kind, power))
        seen.add((kind, power))
        ttw = _object(values.get("ttw_g", {}), f"{key}.ttw_g", source)
        groups.append(
            BaseGroup(
                kind=EquipmentKind(kind),
                power=power,
                units=_number(values.get("units", 0), f"{key}.units", source),
                hours=_optional(values.get("hours"), f"{key}.hours", source),
                miles=_optional(values.get("miles"), f"{key}.miles", source),
                kwh=_optional(values.get("kwh"), f"{key}.kwh", source) or 0.0,
                kg_h2=_optional(values.get("kg_h2"), f"{key}.kg_h2", source) or 0.0,
                fuel_l=_optional(values.get("fuel_l"), f"{key}.fuel_l", source),
                ttw_g={
                    _pollutant(p, f"{key}.ttw_g", source): _number(g, f"{key}.ttw_g.{p}", source)
                    for p, g in ttw.items()
                },
                wtw_co2e_g=_number(values.get("wtw_co2e_g", 0), f"{key}.wtw_co2e_g", source),
            )
        )
    return tuple(groups)


def _mode_shares(raw: Any, source: str) -> dict[str, dict[str, float]] | None:
    if raw is None:
        return None
    grams: dict[str, dict[str, float]] = {}
    for mode, values in _object(raw, "ogv_by_mode_g", source).items():
        key = f"ogv_by_mode_g.{mode}"
        if mode not in {m.value for m in Mode}:
            raise InputError("unknown operating mode", source=source, field=key, value=mode)
        grams[mode] = {
            _pollutant(p, key, source): _number(g, f"{key}.{p}", source)
            for p, g in _object(values, key, source).items()
        }
    shares: dict[str, dict[str, float]] = {m.value: {} for m in Mode}
    for pollutant in _POLLUTANTS:
        total = sum(g.get(pollutant, 0.0) for g in grams.values())
        for mode in shares:
            shares[mode][pollutant] = grams.get(mode, {}).get(pollutant, 0.0) / total if total > 0 else 0.0
    return shares


def _object(value: Any, key: str, source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError("expected an object", source=source, field=key, value=value)
    return value


def _number(value: Any, key: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("expected a number", source=source, field=key, value=value)
    if value < 0:
        raise InputError("expected a number of zero or more", source=source, field=key, value=value)
    return float(value)


def _optional(value: Any, key: str, source: str) -> float | None:
    return None if value is None else _number(value, key, source)


def _pollutant(name: str, key: str, source: str) -> str:
    if name not in _POLLUTANTS:
        raise InputError(
            "unknown pollutant",
            source=source,
            field=f"{key}.{name}",
            hint=f"use one of {', '.join(_POLLUTANTS)}",
        )
    return name
