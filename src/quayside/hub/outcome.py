"""What one load did: the one outcome shape of every ingest service of the hub.

DCSA events, EDIFACT and CSV feeds, JIT port calls and timestamps, AIS port calls: each service answers
with an :class:`Outcome` — the identifiers stored, the records already there (:class:`Duplicate`), and the
records not used, each a :class:`~quayside.visibility.rejects.Reject` whatever refused it (a reader, a
limit, or the write policy). The API renders it with :meth:`Outcome.to_dict`, the command line prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quayside.hub.limits import Limits, listed
from quayside.visibility.rejects import Reject

__all__ = ["Duplicate", "Outcome", "Reject", "answer_status"]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A record already stored: where it is in the input, and the identifier it was stored under."""

    index: int
    id: str


@dataclass(frozen=True)
class Outcome:
    """One load: ``stored`` identifiers, ``duplicates`` and ``rejected`` records, in input order.

    ``id_field`` names the identifier in answers: ``eventID``, ``portCallID`` or ``timestampID``.
    """

    id_field: str = "eventID"
    stored: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    rejected: list[Reject] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Whether anything was stored or found already stored."""
        return bool(self.stored or self.duplicates)

    def to_dict(self, limits: Limits | None = None) -> dict[str, Any]:
        """The answer: ``stored``, ``duplicates`` ``{index, <id_field>}`` and ``rejected``
        ``{index, field, reason, value}`` (at most ``limits.rejects_listed`` listed, the rest counted)."""
        return {
            "stored": self.stored,
            "duplicates": [{"index": d.index, self.id_field: d.id} for d in self.duplicates],
            **listed([r.answer() for r in self.rejected], Limits() if limits is None else limits),
        }


def answer_status(outcome: Outcome) -> int:
    """201 when every record was used, 207 when some were rejected and others kept, 422 when none was used."""
    if not outcome.rejected:
        return 201
    return 207 if outcome.accepted else 422
