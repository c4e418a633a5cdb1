"""Reading the land-side CSV files row by row, with errors that name the file, the line and the field.

Every table has ``status`` (C or U), ``source``, ``valid_from`` and ``valid_to`` columns; the header is line 1.
The files live in the package (``tables/``) or, for tests and local overrides, in a directory given to
:func:`quayside.emissions.landside.tables.load_landside_tables`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable

from quayside.emissions._factor_csv import check_allowed, parse_float, valid_on
from quayside.emissions.landside._records import STATUSES, Sourced
from quayside.errors import ConfigError


def package_tables() -> Traversable:
    """The directory of the packaged tables."""
    return resources.files("quayside.emissions.landside") / "tables"


class TableFile:
    """One CSV table: its rows valid on ``as_of`` (current rows when None), and typed field readers."""

    def __init__(
        self, directory: Traversable, name: str, columns: tuple[str, ...], as_of: date | None
    ) -> None:
        self.name = name
        self.path = directory / name
        self.columns = columns
        self.as_of = as_of

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield ``(line, row)`` for each row valid on the date; the first data row is line 2."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ConfigError("table file missing", source=str(self.path)) from exc
        # io.StringIO keeps csv's newline handling exact whatever the resource backend
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in (*self.columns, "status", "source") if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError("missing columns", source=self.name, record=1, value=missing)
        for line, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise ConfigError("wrong number of fields", source=self.name, record=line)
            if valid_on(self.name, line, row, self.as_of):
                self.status(row, line)
                yield line, row

    def status(self, row: dict[str, str], line: int) -> str:
        """The row's ``status``: C or U."""
        return check_allowed(row["status"], STATUSES, self.name, line, "status")

    def number(self, row: dict[str, str], line: int, column: str, *, minimum: float = 0.0) -> float:
        """A number of ``column``, at least ``minimum`` (factors are never negative)."""
        value = parse_float(row[column], self.name, line, column)
        if not value >= minimum:  # also catches NaN
            raise ConfigError(
                f"must be at least {minimum:g}", source=self.name, record=line, field=column, value=value
            )
        return value

    def fraction(self, row: dict[str, str], line: int, column: str) -> float:
        """A number in [0, 1]."""
        value = self.number(row, line, column)
        if value > 1.0:
            raise ConfigError("must be at most 1", source=self.name, record=line, field=column, value=value)
        return value

    def year(self, row: dict[str, str], line: int, column: str, *, empty: int | None = None) -> int | None:
        """A whole year; an empty cell gives ``empty``."""
        text = row[column].strip()
        if not text:
            return empty
        if not text.isdigit():
            raise ConfigError("not a year", source=self.name, record=line, field=column, value=text)
        return int(text)

    def required_year(self, row: dict[str, str], line: int, column: str) -> int:
        """A whole year that must be given."""
        value = self.year(row, line, column)
        if value is None:
            raise ConfigError("empty year", source=self.name, record=line, field=column)
        return value

    def allowed(self, row: dict[str, str], line: int, column: str, allowed: tuple[str, ...]) -> str:
        """The value of ``column`` if it is one of ``allowed``."""
        return check_allowed(row[column], allowed, self.name, line, column)

    def sourced(self, row: dict[str, str], line: int, column: str, unit: str) -> Sourced:
        """The number of ``column`` with the row's status and source."""
        return Sourced(self.number(row, line, column), unit, row["status"], row["source"])

    def error(
        self, message: str, line: int | None = None, field: str | None = None, value: object = None
    ) -> ConfigError:
        """A :class:`ConfigError` about this table."""
        return ConfigError(message, source=self.name, record=line, field=field, value=value)
