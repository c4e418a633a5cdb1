"""The port throughput CSV: the TEU a port (or one of its UN/LOCODEs) handled in a calendar year.

| column | required | values |
|---|---|---|
| ``port`` | yes | a bundled port profile key (``san-pedro-bay``, ``nagoya``, ``shenzhen``) |
| ``unlocode`` | no | a UN/LOCODE of the profile (``USLAX``); empty for the whole port |
| ``year`` | yes | the calendar year, 1900..2100 |
| ``teu`` | yes | TEU handled that year (loaded plus discharged, as ports report them), ≥ 0 and at most 100 million |
| ``source`` | yes | where the figure comes from (the port's statistics, a terminal's report), at most 500 characters |

The annual report takes a port's TEU from here, when loaded, rather than from the hub's BAPLIE move counts
and DISC/LOAD events, which only cover the containers the hub saw
(:func:`quayside.store.repositories.equipment.teu_handled`). Only the required columns must be in the
header. Each row with a bad value is a :class:`~quayside.visibility.rejects.Reject` naming its line (header
= line 1), column and value; the other rows are kept. A figure given twice (same port, UN/LOCODE and year)
keeps its first row; the later ones are rejects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quayside.equipment._csv import (
    CellError,
    header,
    quantity,
    require_columns,
    required_text,
    rows,
    whole,
)
from quayside.equipment.register import MODEL_YEARS, port_cells
from quayside.visibility.rejects import Reject

__all__ = [
    "THROUGHPUT_COLUMNS",
    "THROUGHPUT_REQUIRED",
    "PortThroughput",
    "ThroughputFile",
    "read_throughput",
]

THROUGHPUT_COLUMNS = ("port", "unlocode", "year", "teu", "source")
THROUGHPUT_REQUIRED = ("port", "year", "teu", "source")
#: More than twice the busiest port's year (Shanghai, about 49 million TEU in 2023): a value in the wrong unit.
MAX_TEU = 100_000_000.0
MAX_SOURCE = 500


@dataclass(frozen=True, slots=True)
class PortThroughput:
    """The TEU ``port`` handled in ``year``: at ``unlocode``, or at the whole port when it is ``None``.

    ``source`` is where the figure comes from (the file's ``source`` column); ``loaded_from`` and ``line``
    where it was read.
    """

    port: str
    unlocode: str | None
    year: int
    teu: float
    source: str
    loaded_from: str | None = None
    line: int | None = None


@dataclass
class ThroughputFile:
    """The figures read from a throughput CSV, the rows rejected, and how many data rows the file held."""

    source: str
    figures: list[PortThroughput] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    records: int = 0


def _figure(row: dict[str, str], line: int, source: str) -> PortThroughput:
    port, unlocode = port_cells(row)
    year = whole(row, "year", *MODEL_YEARS)
    if year is None:
        raise CellError("year", "required value is empty", "")
    teu = quantity(row, "teu")
    if teu is None:
        raise CellError("teu", "required value is empty", "")
    if teu > MAX_TEU:
        raise CellError("teu", f"more than {MAX_TEU:,.0f} TEU; give TEU, not thousands of TEU", row["teu"])
    return PortThroughput(
        port=port,
        unlocode=unlocode,
        year=year,
        teu=teu,
        source=required_text(row, "source", MAX_SOURCE),
        loaded_from=source,
        line=line,
    )


def read_throughput(text: str, *, source: str) -> ThroughputFile:
    """Read a port throughput CSV (columns in the module docstring).

    Raises
    ------
    InputError
        When the text has no header or lacks a required column (nothing is read then).
    """
    require_columns(header(text, source), THROUGHPUT_REQUIRED, source, "a port throughput file")
    out = ThroughputFile(source)
    first: dict[tuple[str, str | None, int], int] = {}
    for line, row in rows(text, source, out.rejects):
        out.records += 1
        try:
            figure = _figure(row, line, source)
        except CellError as bad:
            out.rejects.append(Reject(line, bad.column, bad.reason, bad.value, source))
            continue
        key = (figure.port, figure.unlocode, figure.year)
        if key in first:
            where = figure.unlocode or "the whole port"
            out.rejects.append(
                Reject(
                    line,
                    "year",
                    f"TEU of {figure.port} ({where}) in {figure.year} given twice in this file "
                    f"(first at line {first[key]})",
                    str(figure.year),
                    source,
                )
            )
            continue
        first[key] = line
        out.figures.append(figure)
    out.records += sum(1 for r in out.rejects if r.field == "row")
    out.rejects.sort(key=lambda r: r.index)
    return out
