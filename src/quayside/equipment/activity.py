"""The equipment activity CSV: what each machine did over a period (an
:class:`~quayside.equipment.types.ActivityRecord`).

| column | required | values |
|---|---|---|
| ``unit_id`` | yes | a unit of the register (loaded before, or in an earlier file) |
| ``period_start``, ``period_end`` | yes | ISO dates ``YYYY-MM-DD``, both inclusive, local to the port; end ≥ start |
| ``hours`` | no | operating hours, ≥ 0 and at most 24 per day of the period |
| ``fuel_l`` | no | litres of the unit's liquid fuel (diesel, gasoline, propane), ≥ 0 |
| ``fuel_kg`` | no | kilograms of natural gas, ≥ 0 |
| ``kwh`` | no | grid electricity drawn (at the charger or the cable), ≥ 0 |
| ``kg_h2`` | no | kilograms of hydrogen, ≥ 0 |
| ``miles`` | no | miles driven, ≥ 0 |
| ``moves`` | no | container (or rail) moves, a whole number ≥ 0 |
| ``port`` | no | the port profile key of the unit, needed only when two ports register the same ``unit_id`` |

An empty cell is *not logged*, which is not zero; a row must log at least one quantity. Each bad value is a
:class:`~quayside.visibility.rejects.Reject` naming the line (header = line 1), the column and the value;
the other rows are kept. Two rows of one unit whose periods overlap would count the same days twice: the
later row is rejected. Whether the unit is registered is checked when the file is stored
(:mod:`quayside.hub.equipment`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date

from quayside.equipment._csv import (
    CellError,
    header,
    iso_date,
    optional_text,
    quantity,
    require_columns,
    required_text,
    rows,
    whole,
)
from quayside.equipment.register import MAX_LENGTH
from quayside.equipment.types import ActivityRecord
from quayside.visibility.rejects import Reject

__all__ = [
    "ACTIVITY_COLUMNS",
    "ACTIVITY_REQUIRED",
    "QUANTITIES",
    "ActivityFile",
    "LoggedActivity",
    "read_activity",
]

#: What a row may log, in file order; ``moves`` is a count, the others quantities in their units.
QUANTITIES = ("hours", "fuel_l", "fuel_kg", "kwh", "kg_h2", "miles", "moves")
ACTIVITY_COLUMNS = ("unit_id", "period_start", "period_end", *QUANTITIES)
ACTIVITY_REQUIRED = ("unit_id", "period_start", "period_end")
MAX_MOVES = 10_000_000
HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class LoggedActivity:
    """One row read: the record, and the port named in the optional ``port`` column."""

    record: ActivityRecord
    port: str | None = None


@dataclass
class ActivityFile:
    """The activity rows read from a CSV, the rows rejected, and how many data rows the file held."""

    source: str
    rows: list[LoggedActivity] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    records: int = 0


def _record(row: dict[str, str], line: int, source: str) -> LoggedActivity:
    unit_id = required_text(row, "unit_id", MAX_LENGTH["unit_id"])
    start = iso_date(row, "period_start")
    end = iso_date(row, "period_end")
    if end < start:
        raise CellError("period_end", f"before period_start {start.isoformat()}", row["period_end"])
    values = {name: quantity(row, name) for name in QUANTITIES if name != "moves"}
    moves = whole(row, "moves", 0, MAX_MOVES)
    if moves is None and all(v is None for v in values.values()):
        raise CellError(", ".join(QUANTITIES), "nothing logged: give at least one of these", "")
    hours = values["hours"]
    days = (end - start).days + 1
    if hours is not None and hours > days * HOURS_PER_DAY:
        raise CellError(
            "hours", f"more than the {days * HOURS_PER_DAY:,.0f} hours of the period", row["hours"]
        )
    record = ActivityRecord(
        unit_id=unit_id,
        period_start=start,
        period_end=end,
        hours=hours,
        fuel_l=values["fuel_l"],
        fuel_kg=values["fuel_kg"],
        kwh=values["kwh"],
        kg_h2=values["kg_h2"],
        miles=values["miles"],
        moves=moves,
        source=source,
        line=line,
    )
    return LoggedActivity(record, optional_text(row, "port", 100))


class _Periods:
    """The periods accepted so far per unit, sorted by start and never overlapping."""

    def __init__(self) -> None:
        self._by_unit: dict[tuple[str | None, str], list[tuple[date, date, int]]] = {}

    def clash(self, key: tuple[str | None, str], start: date, end: date) -> tuple[date, date, int] | None:
        """The accepted period of ``key`` that ``[start, end]`` overlaps, if any."""
        periods = self._by_unit.get(key, [])
        at = bisect.bisect_left(periods, (start,))
        for neighbour in periods[max(at - 1, 0) : at + 1]:
            if neighbour[0] <= end and start <= neighbour[1]:
                return neighbour
        return None

    def add(self, key: tuple[str | None, str], start: date, end: date, line: int) -> None:
        bisect.insort(self._by_unit.setdefault(key, []), (start, end, line))


def read_activity(text: str, *, source: str) -> ActivityFile:
    """Read an equipment activity CSV (columns in the module docstring).

    Raises
    ------
    InputError
        When the text has no header or lacks a required column (nothing is read then).
    """
    require_columns(header(text, source), ACTIVITY_REQUIRED, source, "an equipment activity log")
    out = ActivityFile(source)
    periods = _Periods()
    for line, row in rows(text, source, out.rejects):
        out.records += 1
        try:
            logged = _record(row, line, source)
        except CellError as bad:
            out.rejects.append(Reject(line, bad.column, bad.reason, bad.value, source))
            continue
        record = logged.record
        key = (logged.port, record.unit_id)
        clash = periods.clash(key, record.period_start, record.period_end)
        if clash is not None:
            out.rejects.append(
                Reject(
                    line,
                    "period_start",
                    f"the period overlaps {clash[0].isoformat()}..{clash[1].isoformat()} of the same unit "
                    f"at line {clash[2]}",
                    row.get("period_start"),
                    source,
                )
            )
            continue
        periods.add(key, record.period_start, record.period_end, line)
        out.rows.append(logged)
    out.records += sum(1 for r in out.rejects if r.field == "row")
    out.rejects.sort(key=lambda r: r.index)
    return out
