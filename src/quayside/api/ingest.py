"""Loading DCSA events, shared by ``POST /v2/events`` and ``quayside load events``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from quayside.store.access import Principal
from quayside.store.repositories.events import insert_events
from quayside.store.types import Scope
from quayside.visibility.dcsa import parse_events


@dataclass(frozen=True)
class IngestOutcome:
    """One load: eventIDs stored, duplicates ``{index, eventID}``, rejects ``{index, field, reason}``."""

    stored: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The response body of ``POST /v2/events``."""
        return {"stored": self.stored, "duplicates": self.duplicates, "rejected": self.rejected}


def ingest_events(session: Session, principal: Principal, payload: Any, *, source: str) -> IngestOutcome:
    """Validate ``payload`` (one DCSA event or a list), store the good events, report the rest; commits.

    Good events are stored even when their neighbours are rejected.
    """
    principal.require(Scope.EVENTS_WRITE)
    events, rejects = parse_events(payload, source=source)
    result = insert_events(session, events, principal)
    session.commit()
    # Store results are indexed within the good events; report indexes of the original payload.
    original = [event.record if event.record is not None else i for i, event in enumerate(events)]
    return IngestOutcome(
        stored=[event_id for _, event_id in result.stored],
        duplicates=[{"index": original[i], "eventID": event_id} for i, event_id in result.duplicates],
        rejected=[{"index": r.index, "field": r.field, "reason": r.reason} for r in rejects],
    )
