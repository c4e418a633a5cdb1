"""Terminals of a port profile: ``terminals.csv`` beside ``profile.toml``.

Columns (all required; one row per terminal):

| column | meaning |
|---|---|
| ``code`` | SMDG terminal code where the terminal has one (``smdg`` true), else a code local to the profile |
| ``name``, ``operator`` | as published |
| ``unlocode`` | UN/LOCODE of the port the terminal belongs to |
| ``terminal_type`` | container, tanker, dry_bulk, ro_ro, cruise, break_bulk (:class:`TerminalType`) |
| ``lon``, ``lat`` | position, decimal degrees (WGS 84) |
| ``smdg`` | ``true`` when ``code`` is an SMDG terminal code |
| ``source`` | where the row comes from (SMDG Terminal Code List, CC BY 4.0; or an approximation, marked U) |

A vessel stationary inside the profile's harbour zone but outside every berth polygon is at the berth of
the nearest terminal (:class:`quayside.geo.zones.ZoneIndex`).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from quayside.errors import InputError
from quayside.vessels.types import TerminalType

TERMINALS_FILE = "terminals.csv"
COLUMNS = ("code", "name", "operator", "unlocode", "terminal_type", "lon", "lat", "smdg", "source")


@dataclass(frozen=True)
class Terminal:
    """One terminal of a port profile (see the module docstring)."""

    code: str
    name: str
    operator: str
    unlocode: str
    terminal_type: TerminalType
    lon: float
    lat: float
    smdg: bool
    source: str

    @property
    def smdg_code(self) -> str:
        """The SMDG code, or ``""`` for a terminal without one."""
        return self.code if self.smdg else ""


def _cell(row: dict[str, str], name: str, src: str, line: int) -> str:
    value = (row.get(name) or "").strip()
    if not value and name not in ("operator",):
        raise InputError("required value is empty", source=src, record=f"line {line}", field=name)
    return value


def _coordinate(row: dict[str, str], name: str, src: str, line: int, limit: float) -> float:
    text = _cell(row, name, src, line)
    try:
        value = float(text)
    except ValueError:
        raise InputError("not a number", source=src, record=f"line {line}", field=name, value=text) from None
    if not math.isfinite(value) or abs(value) > limit:
        raise InputError(
            f"must be within ±{limit:g} degrees", source=src, record=f"line {line}", field=name, value=text
        )
    return value


def load_terminals(path: Path) -> tuple[Terminal, ...]:
    """Read a profile's ``terminals.csv``; an absent file means no terminals.

    Raises
    ------
    InputError
        A missing column, an empty required value, an unknown terminal type, a bad coordinate or flag, or
        a code given twice (the message names the file, line and field).
    """
    if not path.is_file():
        return ()
    src = str(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError("missing columns", source=src, record="line 1", field=", ".join(missing))
        terminals: list[Terminal] = []
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            code = _cell(row, "code", src, line)
            if code in seen:
                raise InputError(
                    "terminal code given twice", source=src, record=f"line {line}", field="code", value=code
                )
            seen.add(code)
            kind = _cell(row, "terminal_type", src, line)
            try:
                terminal_type = TerminalType(kind)
            except ValueError:
                raise InputError(
                    "unknown terminal type",
                    source=src,
                    record=f"line {line}",
                    field="terminal_type",
                    value=kind,
                    hint=f"use one of {', '.join(t.value for t in TerminalType)}",
                ) from None
            flag = _cell(row, "smdg", src, line).lower()
            if flag not in ("true", "false"):
                raise InputError(
                    "must be true or false", source=src, record=f"line {line}", field="smdg", value=flag
                )
            terminals.append(
                Terminal(
                    code=code,
                    name=_cell(row, "name", src, line),
                    operator=_cell(row, "operator", src, line),
                    unlocode=_cell(row, "unlocode", src, line),
                    terminal_type=terminal_type,
                    lon=_coordinate(row, "lon", src, line, 180.0),
                    lat=_coordinate(row, "lat", src, line, 90.0),
                    smdg=flag == "true",
                    source=_cell(row, "source", src, line),
                )
            )
    return tuple(terminals)
