"""Versioned CSV rows: reading a factor table of ``tables/`` row by row and validating its fields.

A row carries ``source`` and, for factors, ``valid_from`` / ``valid_to`` (ISO dates, empty = open-ended).
Every error is a ``ConfigError`` that names the file, the line (the header is line 1) and the field.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from datetime import date
from importlib import resources
from typing import TypeVar

from quayside.emissions._factor_records import Factor
from quayside.errors import ConfigError

_K = TypeVar("_K")
_V = TypeVar("_V")


def read_rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each data row of ``tables/<name>``; the first data row is line 2."""
    path = resources.files("quayside.emissions") / "tables" / name
    # io.StringIO keeps csv's newline handling exact whatever the resource backend
    text = path.read_text(encoding="utf-8")
    yield from enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2)


def parse_date(text: str, name: str, line: int, column: str) -> date | None:
    """An ISO date, or None for an empty cell."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError("not an ISO date", source=name, record=line, field=column, value=text) from exc


def parse_float(text: str, name: str, line: int, column: str) -> float:
    """A number; ``Inf`` / ``inf`` (EPA's open upper size bound) is infinity."""
    if text in ("Inf", "inf"):
        return math.inf
    try:
        return float(text)
    except ValueError as exc:
        raise ConfigError("not a number", source=name, record=line, field=column, value=text) from exc


def valid_on(name: str, line: int, row: dict[str, str], as_of: date | None) -> bool:
    """Check the row's source and validity period; True if the row applies on ``as_of``.

    ``as_of`` None selects the current rows, those with an empty ``valid_to``.
    """
    source = row.get("source", "")
    if not source.strip():
        raise ConfigError("empty source", source=name, record=line, field="source")
    start = parse_date(row.get("valid_from", ""), name, line, "valid_from")
    end = parse_date(row.get("valid_to", ""), name, line, "valid_to")
    if start and end and start > end:
        raise ConfigError(
            "valid_from after valid_to", source=name, record=line, field="valid_from", value=start
        )
    if as_of is None:
        return end is None
    return (start is None or start <= as_of) and (end is None or as_of <= end)


def to_factor(row: dict[str, str], column: str, unit: str, name: str, line: int) -> Factor:
    """The :class:`Factor` in ``column``; EPA's own ``Source`` label, if any, is appended to ``source``."""
    label = row.get("Source")
    source = row["source"] if not label else f"{row['source']} [EPA Source: {label}]"
    return Factor(
        value=parse_float(row[column], name, line, column),
        unit=unit,
        source=source,
        valid_from=parse_date(row.get("valid_from", ""), name, line, "valid_from"),
        valid_to=parse_date(row.get("valid_to", ""), name, line, "valid_to"),
        assumption=row.get("assumption", "no") == "yes",
    )


def put_once(table: dict[_K, _V], key: _K, value: _V, name: str, line: int) -> None:
    """Add ``key`` to ``table``; a second row for the same key (valid on the same date) is an error."""
    if key in table:
        raise ConfigError("duplicate row for the same key and date", source=name, record=line, value=key)
    table[key] = value


def check_allowed(
    value: str, allowed: tuple[str, ...] | frozenset[str], name: str, line: int, column: str
) -> str:
    """Return ``value`` if it is one of ``allowed``."""
    if value not in allowed:
        raise ConfigError(
            f"unknown value; expected one of {sorted(allowed)}",
            source=name,
            record=line,
            field=column,
            value=value,
        )
    return value
