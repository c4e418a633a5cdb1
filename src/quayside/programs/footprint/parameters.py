"""The allocation's parameters, read from ``footprint/data/`` (sourced rows, status C/U).

``allocation.csv`` (``name, value, unit, source, status``):

==========================  =====================================================================
name                        used for
==========================  =====================================================================
``reefer_terminal_factor``  a reefer's weight in its terminal's allocation, per TEU (dry = 1)
``call_match_window_h``     how long after a ship call's arrival its DISC/LOAD events may come
==========================  =====================================================================

``type_groups.csv`` (``type_group, reefer, description, source, status``): which ISO 6346 type groups (the
third character of the size-type code, ``45R1`` -> ``R``) are reefers. A box's TEU come from the length
code (the first character) through ``visibility/data/iso_size_teu.csv``; a box without a known size takes
``teu_per_container`` of ``equipment/data/defaults.csv`` (U).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from quayside.equipment.defaults import equipment_defaults
from quayside.errors import ConfigError
from quayside.visibility.lookahead import container_size

__all__ = ["AllocationParameters", "Parameter", "allocation_parameters", "box_teu", "is_reefer"]

ALLOCATION_FILE = "allocation.csv"
TYPE_GROUP_FILE = "type_groups.csv"
_ALLOCATION_COLUMNS = ("name", "value", "unit", "source", "status")
_TYPE_GROUP_COLUMNS = ("type_group", "reefer", "description", "source", "status")
_NAMES = ("reefer_terminal_factor", "call_match_window_h")
_STATUSES = ("C", "U")
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True, slots=True)
class Parameter:
    """One sourced value."""

    name: str
    value: float
    unit: str
    source: str
    status: str

    def rule(self) -> dict[str, object]:
        """As listed in an answer's ``rules``."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class AllocationParameters:
    """The values of ``allocation.csv`` and the reefer type groups of ``type_groups.csv``."""

    reefer_terminal_factor: Parameter
    call_match_window_h: Parameter
    reefer_groups: frozenset[str]


def _text(name: str) -> str:
    return files("quayside.programs.footprint").joinpath("data", name).read_text(encoding="utf-8")


def _source(name: str) -> str:
    return f"quayside.programs.footprint/data/{name}"


def _rows(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(_text(name), newline=""))
    name = _source(name)
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError("missing column", source=name, record=1, field=missing[0])
    out = []
    for line, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not row.get("source"):
            raise ConfigError("empty source", source=name, record=line, field="source")
        if row.get("status") not in _STATUSES:
            raise ConfigError(
                "status must be C or U", source=name, record=line, field="status", value=row.get("status")
            )
        out.append((line, row))
    return out


def _parameters(src: str) -> dict[str, Parameter]:
    found: dict[str, Parameter] = {}
    for line, row in _rows(ALLOCATION_FILE, _ALLOCATION_COLUMNS):
        name = row["name"]
        if name not in _NAMES:
            raise ConfigError(
                f"unknown name; expected one of {list(_NAMES)}",
                source=src,
                record=line,
                field="name",
                value=name,
            )
        if name in found:
            raise ConfigError("duplicate name", source=src, record=line, field="name", value=name)
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
        found[name] = Parameter(name, value, row["unit"], row["source"], row["status"])
    for name in _NAMES:
        if name not in found:
            raise ConfigError("missing row", source=src, field="name", value=name)
    return found


@cache
def allocation_parameters() -> AllocationParameters:
    """The bundled parameters, checked.

    Raises
    ------
    ConfigError
        A missing column or row, an unknown or duplicate name, a value that is not a positive number, an
        empty source or a status other than C/U (naming the file, line and field).
    """
    values = _parameters(_source(ALLOCATION_FILE))
    groups: set[str] = set()
    src = _source(TYPE_GROUP_FILE)
    for line, row in _rows(TYPE_GROUP_FILE, _TYPE_GROUP_COLUMNS):
        flag = _BOOLEANS.get(row["reefer"].lower())
        if flag is None:
            raise ConfigError(
                "must be true or false", source=src, record=line, field="reefer", value=row["reefer"]
            )
        if len(row["type_group"]) != 1:
            raise ConfigError(
                "one letter expected", source=src, record=line, field="type_group", value=row["type_group"]
            )
        if flag:
            groups.add(row["type_group"].upper())
    return AllocationParameters(
        reefer_terminal_factor=values["reefer_terminal_factor"],
        call_match_window_h=values["call_match_window_h"],
        reefer_groups=frozenset(groups),
    )


def is_reefer(iso_equipment_code: str | None, parameters: AllocationParameters) -> bool:
    """Whether the ISO 6346 size-type code (``45R1``) is of a reefer type group."""
    return (
        bool(iso_equipment_code)
        and len(iso_equipment_code or "") >= 3
        and ((iso_equipment_code or "")[2].upper() in parameters.reefer_groups)
    )


def box_teu(iso_equipment_code: str | None) -> tuple[float, bool]:
    """TEU of a box from its size-type code, and whether the default stood in for an unknown size."""
    size = container_size(iso_equipment_code)
    if size is not None:
        return size[1], False
    return equipment_defaults().teu_per_container.value, True
