"""Options and inputs shared by the ``quayside`` commands (see :mod:`quayside.cli`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from quayside.errors import QuaysideError

#: ``--db URL``: every command that touches the store takes it (or reads ``QUAYSIDE_DB_URL``).
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $QUAYSIDE_DB_URL or a SQLite file in the data dir)."),
]

__all__ = ["DbOption", "read_json_argument"]


def read_json_argument(file: str) -> tuple[Any, str]:
    """The JSON document of a one-case calculator's ``FILE`` argument (``-``: standard input), and its name.

    Raises
    ------
    QuaysideError
        When the file does not exist or is not JSON (naming the line).
    """
    if file == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        path = Path(file)
        if not path.is_file():
            raise QuaysideError("no such file", source=file)
        text, source = path.read_text(encoding="utf-8"), file
    try:
        return json.loads(text), source
    except json.JSONDecodeError as exc:
        raise QuaysideError(f"not valid JSON: {exc.msg}", source=source, record=f"line {exc.lineno}") from exc
