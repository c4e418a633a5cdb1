"""What a demo load did: the counts per loaded file and the lines ``quayside demo-load`` prints.

:class:`DemoSummary` is filled in as :func:`quayside.hub.demo.load_demo` goes: organisations created or
reused, facilities and bookings registered, one :class:`FeedCounts` per loaded file, and the API key issued
to each organisation (written to ``keys.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quayside.store import db


@dataclass
class FeedCounts:
    """Counts of one loaded file."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    truck_visits: int = 0

    def add(self, stored: int, duplicates: int, rejected: int, visits: int = 0) -> None:
        self.stored += stored
        self.duplicates += duplicates
        self.rejected += rejected
        self.truck_visits += visits


@dataclass
class DemoSummary:
    """What :func:`quayside.hub.demo.load_demo` did."""

    database: str
    keys_path: Path
    organisations_created: int = 0
    organisations_existing: int = 0
    facilities: int = 0
    bookings: int = 0
    feeds: dict[str, FeedCounts] = field(default_factory=dict)
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)

    def text(self) -> str:
        """A few lines for the CLI."""
        lines = [
            f"demo hub at {db.resolve_url(self.database).split('?')[0]}",
            f"  organisations: {self.organisations_created} created, {self.organisations_existing} existing; "
            f"{self.facilities} facilities and {self.bookings} bookings registered",
        ]
        for name, c in self.feeds.items():
            visits = f", truck visits {c.truck_visits}" if c.truck_visits else ""
            lines.append(
                f"  {name}: stored {c.stored}, duplicates {c.duplicates}, rejected {c.rejected}{visits}"
            )
        lines.append(f"  API keys of {len(self.keys)} organisations -> {self.keys_path}")
        return "\n".join(lines)
