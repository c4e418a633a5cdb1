"""A record that could not be used, with where and why, shared by every visibility reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reject:
    """One rejected record.

    Parameters
    ----------
    index
        Where the record is inside ``source``: list index for JSON batches (0-based), line number for CSV
        (1-based, header is line 1), message number for EDIFACT (1-based, in interchange order).
    field
        The bad field: a JSON path (``[3].equipmentReference``), a CSV column or an EDIFACT position
        (``EQD segment 5 element 2``).
    reason
        What is wrong, in plain words.
    value
        The bad value, when there is one.
    source
        The file or request the record came from.
    """

    index: int
    field: str
    reason: str
    value: Any = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, with its source."""
        return {**self.answer(), "source": self.source}

    def answer(self) -> dict[str, Any]:
        """JSON-able form, as an answer of the hub lists it (the request is the source)."""
        value = (
            self.value
            if self.value is None or isinstance(self.value, str | int | float)
            else repr(self.value)
        )
        return {"index": self.index, "field": self.field, "reason": self.reason, "value": value}
