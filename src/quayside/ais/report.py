"""Ingestion counts and rejected records.

Counting rule (every count is a number of *records*; a record is one AIS message, however many NMEA
lines it spans, or one CSV/Parquet row)::

    read == accepted + rejected + duplicates + static + ignored

- ``accepted``: position rows kept (those with ``ts`` null are also counted in ``untimed``);
- ``rejected``: records that cannot be used, by reason in ``rejected_by_reason``;
- ``duplicates``: repeated ``(mmsi, ts)`` removed by cleaning;
- ``outside_boundary``: the part of ``accepted`` that lies outside the port's inventory boundary, set by
  the engine: those reports are kept and stored but add nothing to the port's totals;
- ``static``: static-only records (AIS types 5 and 24) that go to the static table, not positions;
- ``ignored``: valid records that carry no vessel position or particulars (other AIS types, non-AIS
  NMEA sentences such as ``$GPGGA``).

Cleaning and the engine return *deltas* (``read == 0``, a negative ``accepted``) so that
``ingest.merge(delta)`` still satisfies the rule.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

MAX_EXAMPLES = 20
"""How many rejects are kept as examples in the summary."""

MAX_KEPT_REJECTS = 100_000
"""How many rejects are kept for :func:`write_rejects`; beyond it they are only counted."""


class RejectReason(StrEnum):
    """Why a record was rejected (the keys of ``IngestReport.rejected_by_reason``)."""

    NOT_NMEA = "not_nmea"
    BAD_CHECKSUM = "bad_checksum"
    INCOMPLETE_MESSAGE = "incomplete_message"
    EMPTY_PAYLOAD = "empty_payload"
    UNDECODABLE = "undecodable"
    WRONG_COLUMN_COUNT = "wrong_column_count"
    MISSING_VALUE = "missing_value"
    BAD_VALUE = "bad_value"
    BAD_MMSI = "bad_mmsi"
    LAT_NOT_AVAILABLE = "lat_not_available"
    LON_NOT_AVAILABLE = "lon_not_available"
    LAT_OUT_OF_RANGE = "lat_out_of_range"
    LON_OUT_OF_RANGE = "lon_out_of_range"
    SOG_IMPOSSIBLE = "sog_impossible"
    SPEED_JUMP = "speed_jump"


@dataclass(frozen=True, slots=True)
class Reject:
    """One rejected record.

    Parameters
    ----------
    source
        The file (``archive.zip!member.csv`` for a zip member).
    record
        1-based line number in the file (the first line of a multi-line NMEA message), or 1-based row
        number in a Parquet file.
    field
        The field that holds the bad value (``"sentence"`` for a whole NMEA sentence).
    reason
        A :class:`RejectReason` value.
    raw
        The raw text of the record (the NMEA lines, the CSV line, or the row rendered as text).
    """

    source: str
    record: int
    field: str
    reason: str
    raw: str

    def __str__(self) -> str:
        raw = self.raw if len(self.raw) <= 80 else self.raw[:77] + "..."
        return f"{self.source}, line {self.record}, field '{self.field}': {self.reason} ({raw!r})"


@dataclass
class IngestReport:
    """Counts of an ingestion (see the module docstring for the rule they obey)."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    untimed: int = 0
    outside_boundary: int = 0
    static: int = 0
    ignored: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    examples: list[Reject] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list, repr=False)
    """Every reject up to :data:`MAX_KEPT_REJECTS`, for :func:`write_rejects`."""

    def reject(self, reject: Reject) -> None:
        """Count one rejected record and keep it as an example while there is room."""
        self.rejected += 1
        self.rejected_by_reason[reject.reason] = self.rejected_by_reason.get(reject.reason, 0) + 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(reject)
        if len(self.rejects) < MAX_KEPT_REJECTS:
            self.rejects.append(reject)

    def count_rejects(self, reason: str, n: int, kept: list[Reject]) -> None:
        """Count ``n`` rejects of one reason at once; ``kept`` holds (some of) them as records."""
        if n == 0:
            return
        self.rejected += n
        self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + n
        room = MAX_EXAMPLES - len(self.examples)
        self.examples.extend(kept[: max(room, 0)])
        room = MAX_KEPT_REJECTS - len(self.rejects)
        self.rejects.extend(kept[: max(room, 0)])

    @property
    def balanced(self) -> bool:
        """True when the counts obey the rule of the module docstring."""
        return self.read == (self.accepted + self.rejected + self.duplicates + self.static + self.ignored)

    def merge(self, other: IngestReport) -> IngestReport:
        """A new report with the counts of both (per-file reports, or a report and a delta)."""
        out = IngestReport(
            read=self.read + other.read,
            accepted=self.accepted + other.accepted,
            rejected=self.rejected + other.rejected,
            duplicates=self.duplicates + other.duplicates,
            untimed=self.untimed + other.untimed,
            outside_boundary=self.outside_boundary + other.outside_boundary,
            static=self.static + other.static,
            ignored=self.ignored + other.ignored,
            rejected_by_reason=dict(self.rejected_by_reason),
            examples=(self.examples + other.examples)[:MAX_EXAMPLES],
            rejects=(self.rejects + other.rejects)[:MAX_KEPT_REJECTS],
        )
        for reason, n in other.rejected_by_reason.items():
            out.rejected_by_reason[reason] = out.rejected_by_reason.get(reason, 0) + n
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary (counts and the examples, not every reject)."""
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "untimed": self.untimed,
            "outside_boundary": self.outside_boundary,
            "static": self.static,
            "ignored": self.ignored,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "examples": [
                {"source": r.source, "record": r.record, "field": r.field, "reason": r.reason, "raw": r.raw}
                for r in self.examples
            ],
        }


REJECT_COLUMNS = ("source", "record", "field", "reason", "raw")


def write_rejects(rejects: list[Reject], path: str | Path) -> int:
    """Write rejects as CSV with the columns of :class:`Reject`; return the number of rows written."""
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_COLUMNS)
        for r in rejects:
            writer.writerow((r.source, r.record, r.field, r.reason, r.raw))
    return len(rejects)
