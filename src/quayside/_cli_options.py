"""Options shared by the ``quayside`` commands (see :mod:`quayside.cli`)."""

from __future__ import annotations

from typing import Annotated

import typer

#: ``--db URL``: every command that touches the store takes it (or reads ``QUAYSIDE_DB_URL``).
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $QUAYSIDE_DB_URL or a SQLite file in the data dir)."),
]

__all__ = ["DbOption"]
