"""Defaults of the equipment side, read from ``data/defaults.csv`` (one sourced row per value).

Columns: ``name, value, unit, source, status`` (status ``C`` confirmed in the source, ``U`` an assumption).

| name | unit | used by |
|---|---|---|
| ``teu_per_container`` | TEU per container | ``store.repositories.equipment.teu_moved``, boxes without a size |

A container's ISO 6346 size-type gives its TEU where it is known (``visibility/data/iso_size_teu.csv``); the
default stands in for the containers of a BAPLIE move count, which carries no sizes, when the call's own
events give none either.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from quayside.errors import ConfigError

__all__ = ["DEFAULTS_FILE", "EquipmentDefaults", "equipment_defaults"]

DEFAULTS_FILE = "data/defaults.csv"
_COLUMNS = ("name", "value", "unit", "source", "status")
_NAMES = ("teu_per_container",)


@dataclass(frozen=True)
class DefaultValue:
    """One row of ``defaults.csv``."""

    value: float
    unit: str
    source: str
    confirmed: bool  # status C


@dataclass(frozen=True)
class EquipmentDefaults:
    """The values of ``defaults.csv``, by name."""

    teu_per_container: DefaultValue


@cache
def equipment_defaults() -> EquipmentDefaults:
    """The bundled defaults, checked: every name once, a positive finite value, a source and a status.

    Raises
    ------
    ConfigError
        When the file lacks a column or a name, or a row has a bad value (naming the line and field).
    """
    src = f"quayside.equipment/{DEFAULTS_FILE}"
    text = files("quayside.equipment").joinpath(DEFAULTS_FILE).read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError("missing columns", source=src, record="line 1", field=", ".join(missing))
    found: dict[str, DefaultValue] = {}
    for row in reader:
        line = f"line {reader.line_num}"
        name = (row["name"] or "").strip()
        if name not in _NAMES or name in found:
            raise ConfigError("unknown or repeated name", source=src, record=line, field="name", value=name)
        try:
            value = float(row["value"])
        except ValueError:
            raise ConfigError(
                "not a number", source=src, record=line, field="value", value=row["value"]
            ) from None
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(
                "must be a positive number", source=src, record=line, field="value", value=value
            )
        status = (row["status"] or "").strip()
        if status not in ("C", "U") or not (row["source"] or "").strip():
            raise ConfigError("needs a source and a status C or U", source=src, record=line, field="status")
        found[name] = DefaultValue(value, row["unit"].strip(), row["source"].strip(), status == "C")
    absent = [n for n in _NAMES if n not in found]
    if absent:
        raise ConfigError("missing rows", source=src, field="name", value=absent)
    return EquipmentDefaults(teu_per_container=found["teu_per_container"])
