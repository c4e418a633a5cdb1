"""Reading the reference CSV files of ``programs/data/`` (or a user's replacement) row by row.

Every row carries ``source`` (non-empty) and ``status`` (``C`` confirmed in a public source, ``U``
unconfirmed: a configurable assumption). Every error is a :class:`~quayside.errors.ConfigError` naming the
file, the line (the header is line 1) and the field.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from quayside.errors import ConfigError

#: ``status`` values: confirmed in a public source, or unconfirmed (an assumption to configure).
STATUSES = ("C", "U")


def bundled_text(name: str) -> str:
    """The text of ``programs/data/<name>``."""
    return (resources.files("quayside.programs") / "data" / name).read_text(encoding="utf-8")


def read_text(path: Path) -> str:
    """The text of a user's file; a missing or unreadable file is a ConfigError naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("no such file", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text at byte {exc.start}", source=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", source=str(path)) from None


def rows(text: str, name: str, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each data row (the first data row is line 2), values stripped.

    The header must hold every column of ``columns``; ``source`` and ``status`` are checked on every row.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    for column in columns:
        if column not in header:
            raise ConfigError(
                "missing column",
                source=name,
                record=1,
                field=column,
                hint=f"the header needs {', '.join(columns)}",
            )
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            raise ConfigError("more cells than columns in the header", source=name, record=line)
        row = {k: (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        if "source" in columns and not row["source"]:
            raise ConfigError("empty source", source=name, record=line, field="source")
        if "status" in columns and row["status"] not in STATUSES:
            raise ConfigError(
                "status must be C (confirmed) or U (unconfirmed)",
                source=name,
                record=line,
                field="status",
                value=row["status"],
            )
        yield line, row


def number(text: str, name: str, line: int, field: str) -> float:
    """A finite number."""
    try:
        value = float(text)
    except ValueError:
        raise ConfigError("not a number", source=name, record=line, field=field, value=text) from None
    if not math.isfinite(value):
        raise ConfigError("not a finite number", source=name, record=line, field=field, value=text)
    return value


def year(text: str, name: str, line: int, field: str) -> int:
    """A calendar year (1900 to 2200)."""
    try:
        value = int(text)
    except ValueError:
        raise ConfigError("not a year", source=name, record=line, field=field, value=text) from None
    if not 1900 <= value <= 2200:
        raise ConfigError("year out of range 1900-2200", source=name, record=line, field=field, value=text)
    return value
