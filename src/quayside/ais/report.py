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
"""How many rejects are shown as examples in the summary (spread over the reasons)."""

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
    SHIFTED_FIELDS = "shifted_fields"
    POSITION_SPIKE = "position_spike"
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


def _key(reject: Reject) -> tuple[str, int, str, str, str]:
    return (reject.source, reject.record, reject.field, reject.reason, reject.raw)


@dataclass
class IngestReport:
    """Counts of an ingestion (see the module docstring for the rule they obey).

    The rejects kept as records, and the examples drawn from them, do not depend on the order in which
    files, buckets or vessel groups were processed: the report keeps the :data:`MAX_KEPT_REJECTS`
    smallest by ``(source, record, field)``, so that two runs over the same inputs say the same.
    """

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    untimed: int = 0
    outside_boundary: int = 0
    static: int = 0
    ignored: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    _rejects: list[Reject] = field(default_factory=list, repr=False)
    _sorted: bool = field(default=True, repr=False)

    @property
    def rejects(self) -> list[Reject]:
        """Rejects kept as records (at most :data:`MAX_KEPT_REJECTS`), by source, record and field."""
        if not self._sorted:
            self._rejects.sort(key=_key)
            del self._rejects[MAX_KEPT_REJECTS:]
            self._sorted = True
        return self._rejects

    @property
    def examples(self) -> list[Reject]:
        """Up to :data:`MAX_EXAMPLES` rejects for the summary: the first of each reason in turn."""
        by_reason: dict[str, list[Reject]] = {}
        for r in self.rejects:
            bucket = by_reason.setdefault(r.reason, [])
            if len(bucket) < MAX_EXAMPLES:
                bucket.append(r)
        picked: list[Reject] = []
        queues = [by_reason[k] for k in sorted(by_reason)]
        depth = 0
        while len(picked) < MAX_EXAMPLES and any(depth < len(q) for q in queues):
            picked.extend(q[depth] for q in queues if depth < len(q))
            depth += 1
        return sorted(picked[:MAX_EXAMPLES], key=_key)

    def _keep(self, rejects: list[Reject]) -> None:
        self._rejects.extend(rejects)
        self._sorted = False
        if len(self._rejects) > 2 * MAX_KEPT_REJECTS:
            _ = self.rejects  # sorts and trims

    def reject(self, reject: Reject) -> None:
        """Count one rejected record and keep it."""
        self.rejected += 1
        self.rejected_by_reason[reject.reason] = self.rejected_by_reason.get(reject.reason, 0) + 1
        self._keep([reject])

    def count_rejects(self, reason: str, n: int, kept: list[Reject]) -> None:
        """Count ``n`` rejects of one reason at once; ``kept`` holds (some of) them as records."""
        if n == 0:
            return
        self.rejected += n
        self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + n
        self._keep(kept)

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
        )
        for reason, n in other.rejected_by_reason.items():
            out.rejected_by_reason[reason] = out.rejected_by_reason.get(reason, 0) + n
        out._keep([*self._rejects, *other._rejects])
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
