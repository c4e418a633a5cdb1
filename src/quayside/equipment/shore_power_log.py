"""Shore-power connection logs: a CSV of connections of ships to shore power or a capture system at berth.

Columns (header names case-insensitive, cells stripped; the header is line 1):

===================  ========  ====================================================================
column               required  meaning
===================  ========  ====================================================================
``port``             yes       port profile key (``san-pedro-bay``)
``imo``              yes       IMO number, 7 digits with a valid check digit (``IMO`` prefix allowed)
``mmsi``             no        MMSI, 9 digits
``terminal``         no        terminal code (``WBCT``), as in the port profile's terminals
``berth``            no        berth id
``connected_at``     yes       ISO 8601 date-time with a UTC offset (``2025-03-01T08:00:00-08:00``)
``disconnected_at``  no        the same; empty: not logged (taken as connected until departure)
``system``           yes       ``shore_power`` or ``capture`` (a CARB-approved capture-and-control system)
``energy_kwh``       no        metered energy drawn from the grid over the connection, kWh
===================  ========  ====================================================================

Any other column is an error of the header. A bad row is a :class:`~quayside.visibility.rejects.Reject`
naming the file, the line and the field; the good rows are kept whatever their neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
from quayside.equipment.shore_power import Connection, ControlSystem
from quayside.errors import InputError
from quayside.vessels.registry import imo_check_digit_ok
from quayside.visibility.rejects import Reject

__all__ = ["LOG_COLUMNS", "REQUIRED_COLUMNS", "ShorePowerLog", "read_shore_power_log"]

REQUIRED_COLUMNS = ("port", "imo", "connected_at", "system")
LOG_COLUMNS = (*REQUIRED_COLUMNS, "mmsi", "terminal", "berth", "disconnected_at", "energy_kwh")


@dataclass(frozen=True)
class ShorePowerLog:
    """A read log: its ``source``, how many data ``records`` it held, the good ``connections`` (each with its
    ``line``) and the ``rejects``."""

    source: str
    records: int
    connections: list[Connection] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def _imo(row: dict[str, str]) -> int:
    text = row.get("imo", "")
    if not text:
        raise CellError("imo", "required value is empty", text)
    digits = text.upper().removeprefix("IMO").strip()
    if len(digits) != 7 or not digits.isdigit():
        raise CellError("imo", "must be 7 digits", text)
    if not imo_check_digit_ok(int(digits)):
        raise CellError("imo", "check digit does not match", text)
    return int(digits)


def _time(row: dict[str, str], column: str) -> datetime | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(column, "not an ISO 8601 date-time", text) from None
    if value.tzinfo is None:
        raise CellError(column, "the time needs a UTC offset (Z or +hh:mm)", text)
    return value


def _connection(row: dict[str, str], source: str, line: int) -> Connection:
    connected = _time(row, "connected_at")
    if connected is None:
        raise CellError("connected_at", "required value is empty", "")
    disconnected = _time(row, "disconnected_at")
    if disconnected is not None and disconnected <= connected:
        raise CellError("disconnected_at", "must be after connected_at", row["disconnected_at"])
    return Connection(
        port=required_text(row, "port", 100),
        imo=_imo(row),
        connected_at=connected,
        disconnected_at=disconnected,
        system=enum_cell(ControlSystem, row, "system"),
        mmsi=whole(row, "mmsi", 100_000_000, 999_999_999),
        terminal=optional_text(row, "terminal", 20),
        berth=optional_text(row, "berth", 50),
        energy_kwh=quantity(row, "energy_kwh"),
        source=source,
        line=line,
    )


def read_shore_power_log(text: str, *, source: str) -> ShorePowerLog:
    """Read a shore-power log; good rows become :class:`Connection` objects, bad ones rejects.

    Raises
    ------
    InputError
        When the header lacks a required column or has an unknown one (the file is not a shore-power log).
    """
    names = header(text, source)
    require_columns(names, REQUIRED_COLUMNS, source, "a shore-power log")
    unknown = [n for n in names if n and n not in LOG_COLUMNS]
    if unknown:
        raise InputError(
            "unknown column",
            source=source,
            record=1,
            field=unknown[0],
            hint=f"the columns are {', '.join(LOG_COLUMNS)}",
        )
    rejects: list[Reject] = []
    connections: list[Connection] = []
    records = 0
    for line, row in rows(text, source, rejects):
        records += 1
        try:
            connections.append(_connection(row, source, line))
        except CellError as bad:
            rejects.append(Reject(line, bad.column, bad.reason, bad.value, source))
    records += sum(1 for r in rejects if r.field == "row")
    rejects.sort(key=lambda r: r.index)
    return ShorePowerLog(source, records, connections, rejects)
