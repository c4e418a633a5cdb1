"""The equipment register CSV: one row per machine of a port (an :class:`~quayside.equipment.types.EquipmentUnit`).

| column | required | values |
|---|---|---|
| ``unit_id`` | yes | the operator's id of the machine, at most 50 characters; for a drayage truck, its licence plate |
| ``port`` | yes | a bundled port profile key (``san-pedro-bay``, ``nagoya``, ``shenzhen``) |
| ``unlocode`` | no | the UN/LOCODE of the profile where the machine works; empty for a drayage truck |
| ``operator`` | no | the terminal (SMDG code) or company (a trucking company's code), at most 100 characters |
| ``kind`` | yes | an :class:`~quayside.equipment.types.EquipmentKind` value (``rtg_crane``, ``yard_tractor``, ...) |
| ``power_source`` | yes | a :class:`~quayside.equipment.types.PowerSource` value (``diesel``, ``electric``, ...) |
| ``rated_kw`` | no | rated engine or motor power, kW, > 0 and at most 10,000 |
| ``model_year`` | no | 1900..2100 |
| ``tier`` | no | the emission standard tier as certified (``Tier 4 Final``), at most 32 characters |

Only the required columns must be in the header; a missing optional column is read as empty. Each row with
a bad value is a :class:`~quayside.visibility.rejects.Reject` naming its line (header = line 1), column and
value; the other rows are kept. A unit given twice (same port and ``unit_id``) keeps its first row; the
later ones are rejects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from quayside.equipment._csv import (
    CellError,
    enum_cell,
    header,
    optional_text,
    quantity,
    require_columns,
    required_text,
    rows,
    whole,
)
from quayside.equipment.types import EquipmentKind, EquipmentUnit, PowerSource
from quayside.visibility.rejects import Reject

__all__ = ["REGISTER_COLUMNS", "REGISTER_REQUIRED", "RegisterFile", "port_cells", "read_register"]

REGISTER_COLUMNS = (
    "unit_id",
    "port",
    "unlocode",
    "operator",
    "kind",
    "power_source",
    "rated_kw",
    "model_year",
    "tier",
)
REGISTER_REQUIRED = ("unit_id", "port", "kind", "power_source")
#: Longest text per column; ``unit_id`` fits a terminal's machine number or a licence plate with its state.
MAX_LENGTH = {"unit_id": 50, "operator": 100, "tier": 32}
#: More than any port machine draws (a quay crane's drives are 2-3 MW): a value in W typed as kW.
MAX_RATED_KW = 10_000.0
MODEL_YEARS = (1900, 2100)


@dataclass
class RegisterFile:
    """The units read from a register CSV, the rows rejected, and how many data rows the file held."""

    source: str
    units: list[EquipmentUnit] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    records: int = 0


@cache
def _port_unlocodes(port: str) -> tuple[str, ...] | None:
    """The UN/LOCODEs of bundled profile ``port``; ``None`` when there is no such bundled profile."""
    from quayside.geo.profiles import list_profiles, load_profile

    if port not in list_profiles():
        return None
    return load_profile(port).unlocodes


def port_cells(row: dict[str, str]) -> tuple[str, str | None]:
    """The ``port`` (a bundled profile key, required) and ``unlocode`` (one of its UN/LOCODEs, upper-cased;
    ``None`` when empty) of a row; shared with :mod:`quayside.equipment.throughput`.

    Raises
    ------
    CellError
        An empty or unknown ``port``, or a ``unlocode`` not of that port.
    """
    port = required_text(row, "port", 100)
    unlocodes = _port_unlocodes(port)
    if unlocodes is None:
        from quayside.geo.profiles import list_profiles

        raise CellError("port", f"not a bundled port profile; use one of {', '.join(list_profiles())}", port)
    unlocode = row.get("unlocode", "").upper() or None
    if unlocode is not None and unlocode not in unlocodes:
        raise CellError(
            "unlocode", f"not a UN/LOCODE of port {port} ({', '.join(unlocodes)})", row["unlocode"]
        )
    return port, unlocode


def _unit(row: dict[str, str], line: int, source: str) -> EquipmentUnit:
    unit_id = required_text(row, "unit_id", MAX_LENGTH["unit_id"])
    port, unlocode = port_cells(row)
    kind = enum_cell(EquipmentKind, row, "kind")
    power = enum_cell(PowerSource, row, "power_source")
    rated_kw = quantity(row, "rated_kw")
    if rated_kw is not None and not 0 < rated_kw <= MAX_RATED_KW:
        reason = "must be more than 0" if rated_kw == 0 else f"more than {MAX_RATED_KW:,.0f} kW; is it in kW?"
        raise CellError("rated_kw", reason, row["rated_kw"])
    return EquipmentUnit(
        unit_id=unit_id,
        port=port,
        unlocode=unlocode,
        operator=optional_text(row, "operator", MAX_LENGTH["operator"]),
        kind=kind,
        power_source=power,
        rated_kw=rated_kw,
        model_year=whole(row, "model_year", *MODEL_YEARS),
        tier=optional_text(row, "tier", MAX_LENGTH["tier"]),
        source=source,
        line=line,
    )


def read_register(text: str, *, source: str) -> RegisterFile:
    """Read an equipment register CSV (columns in the module docstring).

    Raises
    ------
    InputError
        When the text has no header or lacks a required column (nothing is read then).
    """
    require_columns(header(text, source), REGISTER_REQUIRED, source, "an equipment register")
    out = RegisterFile(source)
    first: dict[tuple[str, str], int] = {}
    for line, row in rows(text, source, out.rejects):
        out.records += 1
        try:
            unit = _unit(row, line, source)
        except CellError as bad:
            out.rejects.append(Reject(line, bad.column, bad.reason, bad.value, source))
            continue
        key = (unit.port, unit.unit_id)
        if key in first:
            out.rejects.append(
                Reject(
                    line,
                    "unit_id",
                    f"unit given twice in this file (first at line {first[key]})",
                    unit.unit_id,
                    source,
                )
            )
            continue
        first[key] = line
        out.units.append(unit)
    out.records += sum(1 for r in out.rejects if r.field == "row")
    out.rejects.sort(key=lambda r: r.index)
    return out
