"""What the register and activity readers share: the header, the rows with their line numbers, cell parsers.

Column names are matched case-insensitively; cells are stripped. A row the csv module cannot read (a field
over its limit, a bare carriage return) or with more values than the header has columns is a reject of its
own line, and reading goes on with the next line. Line numbers count the header as line 1.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Sequence
from datetime import date
from enum import StrEnum
from typing import TypeVar

from quayside.errors import InputError
from quayside.visibility.rejects import Reject

E = TypeVar("E", bound=StrEnum)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CellError(Exception):
    """A bad cell: its column, why, and the text found."""

    def __init__(self, column: str, reason: str, value: str) -> None:
        super().__init__(reason)
        self.column, self.reason, self.value = column, reason, value


def header(text: str, source: str) -> list[str]:
    """The column names of the CSV ``text``, stripped and lower-cased.

    Raises
    ------
    InputError
        When the text is empty or its first line cannot be read as CSV.
    """
    try:
        first = next(csv.reader(io.StringIO(text)), None)
    except csv.Error as exc:
        raise InputError(f"the header cannot be read as CSV: {exc}", source=source, record=1) from None
    names = [name.strip().lower() for name in first or []]
    if not any(names):
        raise InputError("the file is empty: no header line", source=source, record=1)
    return names


def require_columns(names: Sequence[str], required: Sequence[str], source: str, what: str) -> None:
    """Raise :class:`InputError` naming the columns of ``required`` that ``names`` lacks."""
    missing = [c for c in required if c not in names]
    if missing:
        raise InputError(
            f"{what} without its required columns", source=source, record=1, field=", ".join(missing)
        )


def rows(text: str, source: str, rejects: list[Reject]) -> Iterator[tuple[int, dict[str, str]]]:
    """The data rows of ``text`` (header skipped, blank lines left out) as ``(line, {column: cell})``.

    A row the csv module refuses, or one with a non-empty value beyond the last column, is added to
    ``rejects`` (field ``row``) instead.
    """
    reader = csv.reader(io.StringIO(text))
    names: list[str] | None = None
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            rejects.append(Reject(reader.line_num, "row", _csv_reason(exc), None, source))
            continue
        if names is None:
            names = [name.strip().lower() for name in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        extra = [cell for cell in record[len(names) :] if cell.strip()]
        if extra:
            rejects.append(
                Reject(reader.line_num, "row", "more values than the header has columns", extra[0], source)
            )
            continue
        yield reader.line_num, {name: cell.strip() for name, cell in zip(names, record, strict=False)}


def _csv_reason(error: csv.Error) -> str:
    """What a :class:`csv.Error` means for the row, in plain words."""
    text = str(error)
    if "field larger than field limit" in text:
        return f"a field is longer than the CSV limit of {csv.field_size_limit():,} characters"
    if "new-line character seen in unquoted field" in text:
        return "carriage return inside an unquoted field; quote the field, or end lines with LF or CR LF"
    return f"cannot be read as CSV: {text}"


def required_text(row: dict[str, str], column: str, max_length: int) -> str:
    """The text of a required ``column``."""
    value = optional_text(row, column, max_length)
    if value is None:
        raise CellError(column, "required value is empty", "")
    return value


def optional_text(row: dict[str, str], column: str, max_length: int) -> str | None:
    """The text of ``column``, ``None`` when empty."""
    value = row.get(column, "")
    if not value:
        return None
    if len(value) > max_length:
        raise CellError(column, f"longer than {max_length} characters", value[:40])
    return value


def enum_cell(enum: type[E], row: dict[str, str], column: str) -> E:
    """A required enum value; case, spaces and hyphens are forgiven (``RTG crane`` is ``rtg_crane``)."""
    value = row.get(column, "")
    if not value:
        raise CellError(column, "required value is empty", value)
    wanted = re.sub(r"[\s-]+", "_", value.lower())
    for member in enum:
        if member.value == wanted:
            return member
    raise CellError(column, f"unknown value; use one of {', '.join(m.value for m in enum)}", value)


def quantity(row: dict[str, str], column: str) -> float | None:
    """A number ≥ 0, or ``None`` for an empty cell (not logged)."""
    value = row.get(column, "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise CellError(column, "not a number", value) from None
    if not math.isfinite(number):
        raise CellError(column, "not a finite number", value)
    if number < 0:
        raise CellError(column, "must not be negative", value)
    return number


def whole(row: dict[str, str], column: str, low: int, high: int) -> int | None:
    """A whole number in ``[low, high]``, or ``None`` for an empty cell."""
    value = row.get(column, "")
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise CellError(column, "not a whole number", value) from None
    if not low <= number <= high:
        raise CellError(column, f"must be between {low:,} and {high:,}", value)
    return number


def iso_date(row: dict[str, str], column: str) -> date:
    """A required ISO 8601 calendar date, ``YYYY-MM-DD``."""
    value = row.get(column, "")
    if not value:
        raise CellError(column, "required value is empty", value)
    if not _ISO_DATE.match(value):
        raise CellError(column, "not a date as YYYY-MM-DD", value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(column, "no such date", value) from None
