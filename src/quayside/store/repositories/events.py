"""Storing visibility events (idempotently) and reading them back through the access rules.

Reads follow DCSA Track & Trace 2.2 ``GET /v2/events``: filters named as its query parameters, newest
insertion last, keyset pagination on ``(created_at, seq)`` with an opaque cursor.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from quayside import json_codec
from quayside.errors import NotFoundError
from quayside.store.access import Principal, event_visibility
from quayside.store.authority import authorise_events, claim, event_carriers, event_claims
from quayside.store.models import Equipment, Event, EventDocumentRef
from quayside.store.models.base import utcnow
from quayside.store.repositories.parties import LinkTarget, add_parties, chunks, insert_rows, link_events
from quayside.store.types import DocumentRefType, OrgRole, PartyRelation
from quayside.visibility import iso6346
from quayside.visibility.model import EventType, NormalizedEvent
from quayside.visibility.rejects import Reject

_EVENTS = cast(Table, Event.__table__)
_REFS = cast(Table, EventDocumentRef.__table__)
_EQUIPMENT = cast(Table, Equipment.__table__)


@dataclass(frozen=True)
class InsertResult:
    """What happened to each event of a batch: ``stored`` and ``duplicates`` as ``(index, eventID)``;
    ``refused`` the events the poster may not assert (:mod:`quayside.store.authority`), each naming the rule.
    """

    stored: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    refused: list[Reject] = field(default_factory=list)


def insert_events(session: Session, events: Sequence[NormalizedEvent], owner: Principal) -> InsertResult:
    """Store ``events`` posted by ``owner``; an event whose idempotency key exists is stored once.

    Each event is first checked against the write policy (:func:`quayside.store.authority.authorise_events`):
    one ``owner`` may not assert is refused, and its neighbours are stored. A duplicate still records
    ``owner`` as a poster, so that every organisation that reported the event sees it. A carrier's events
    claim the references, containers and voyages they name (the first carrier to assert a value holds it).
    The caller commits.

    An event that carries its publisher's ``eventID`` keeps it as its own and is stored once per publisher
    and ID (:func:`publisher_key`); an ``eventID`` another organisation's event already has is refused.

    The batch costs a fixed number of multi-row statements (look up the keys, insert the new events,
    their references, containers and parties) rather than several per event. A key that a concurrent
    writer stores between the look-up and the insert is skipped by the insert and reported as a duplicate.
    """
    # Pending ORM objects (a facility or booking just added) must be visible to the Core statements below.
    session.flush()
    events = [_publisher_keyed(item, owner.org_id) for item in events]
    allowed, refused = authorise_events(session, owner, events)
    allowed, taken = _unclaimed_ids(session, owner, allowed, events)
    if taken:
        refused = sorted([*refused, *taken], key=lambda reject: reject.index)
    if len(allowed) < len(events):
        keep = {id(item) for item in allowed}
        index_of = [i for i, item in enumerate(events) if id(item) in keep]
        inner = insert_events_authorised(session, allowed, owner)
        return InsertResult(
            stored=[(index_of[i], event_id) for i, event_id in inner.stored],
            duplicates=[(index_of[i], event_id) for i, event_id in inner.duplicates],
            refused=refused,
        )
    return insert_events_authorised(session, events, owner)


def publisher_key(owner_org_id: int, event_id: str) -> str:
    """The idempotency key of an event its publisher gave an ``eventID``: the publisher and the ID, not the
    content, so that re-publishing an event (even corrected) is idempotent, and no other organisation's
    event can take the key first. The prefix keeps these apart from content hashes."""
    return "eventID:" + hashlib.sha256(f"{owner_org_id}\0{event_id}".encode()).hexdigest()


def _publisher_keyed(item: NormalizedEvent, owner_org_id: int) -> NormalizedEvent:
    if item.publisher_event_id is None:
        return item
    return dataclasses.replace(item, idempotency_key=publisher_key(owner_org_id, item.publisher_event_id))


def _unclaimed_ids(
    session: Session,
    owner: Principal,
    allowed: list[NormalizedEvent],
    events: Sequence[NormalizedEvent],
) -> tuple[list[NormalizedEvent], list[Reject]]:
    """``allowed`` without the events whose publisher ``eventID`` another organisation's event has."""
    wanted = sorted({item.publisher_event_id for item in allowed if item.publisher_event_id is not None})
    if not wanted:
        return allowed, []
    others: set[str] = set()
    for part in chunks(wanted):
        statement = select(Event.event_id).where(Event.event_id.in_(part), Event.owner_org_id != owner.org_id)
        others.update(session.scalars(statement))
    if not others:
        return allowed, []
    position = {id(item): i for i, item in enumerate(events)}
    kept: list[NormalizedEvent] = []
    taken: list[Reject] = []
    for item in allowed:
        if item.publisher_event_id in others:
            index = position[id(item)]
            taken.append(
                Reject(
                    item.record if item.record is not None else index,
                    "eventID",
                    "another organisation's event already has this eventID; send a new UUID",
                    item.publisher_event_id,
                    item.source,
                )
            )
        else:
            kept.append(item)
    return kept, taken


def insert_events_authorised(
    session: Session, events: Sequence[NormalizedEvent], owner: Principal
) -> InsertResult:
    """:func:`insert_events` for events already checked against the write policy."""
    carriers = event_carriers(session, owner, events)
    if owner.role is OrgRole.CARRIER:
        claim(session, owner.org_id, (value for item in events for value in event_claims(item)))
    carrier_of = {item.idempotency_key: carrier for item, carrier in zip(events, carriers, strict=True)}
    known = _existing(session, list(dict.fromkeys(item.idempotency_key for item in events)))
    first_index: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(events):
        key = item.idempotency_key
        if key not in known and key not in first_index:
            first_index[key] = index
            event_id = item.publisher_event_id or str(uuid.uuid4())
            rows.append(_row(item, event_id, owner.org_id, carrier_of[key]))
    inserted: dict[str, tuple[int, str]] = {}
    if rows:
        event_ids = {row["idempotency_key"]: row["event_id"] for row in rows}
        returned = insert_rows(
            session, _EVENTS, ["idempotency_key"], rows, returning=("seq", "idempotency_key")
        )
        for seq, key in returned:
            inserted[key] = (seq, event_ids[key])
        raced = [key for key in first_index if key not in inserted]
        if raced:
            known.update(_existing(session, raced))
    result = InsertResult()
    new: list[tuple[int, NormalizedEvent]] = []
    parties: list[tuple[int, int, PartyRelation]] = []
    for index, item in enumerate(events):
        key = item.idempotency_key
        if key in inserted and first_index[key] == index:
            seq, event_id = inserted[key]
            result.stored.append((index, event_id))
            new.append((seq, item))
        else:
            seq, event_id = known[key] if key in known else inserted[key]
            result.duplicates.append((index, event_id))
        parties.append((seq, owner.org_id, PartyRelation.POSTER))
    _store_details(session, new)
    add_parties(session, parties)
    link_events(
        session,
        [
            LinkTarget(
                seq,
                item.un_location_code,
                item.facility_code,
                item.equipment_reference,
                tuple(_refs(item)),
                carrier_of[item.idempotency_key],
            )
            for seq, item in new
        ],
    )
    return result


def _existing(session: Session, keys: Sequence[str]) -> dict[str, tuple[int, str]]:
    """``(seq, event_id)`` of the stored events among idempotency ``keys``."""
    out: dict[str, tuple[int, str]] = {}
    for part in chunks(keys):
        statement = select(Event.idempotency_key, Event.seq, Event.event_id).where(
            Event.idempotency_key.in_(part)
        )
        for key, seq, event_id in session.execute(statement):
            out[key] = (seq, event_id)
    return out


def _store_details(session: Session, new: Sequence[tuple[int, NormalizedEvent]]) -> None:
    """The searchable document references and the container rows of newly stored events."""
    refs = [
        {"event_seq": seq, "ref_type": kind.value, "ref_value": value}
        for seq, item in new
        for kind, value in _refs(item)
    ]
    insert_rows(session, _REFS, ["event_seq", "ref_type", "ref_value"], refs)
    # The first event naming a container decides its ISO type code, as when events come one at a time.
    containers: dict[str, dict[str, Any]] = {}
    for _, item in new:
        reference = item.equipment_reference
        if reference and reference not in containers:
            containers[reference] = {
                "equipment_reference": reference,
                "iso_equipment_code": item.iso_equipment_code,
                "iso6346_valid": iso6346.is_valid(reference),
            }
    rows = [containers[reference] for reference in sorted(containers)]
    insert_rows(session, _EQUIPMENT, ["equipment_reference"], rows)


def _refs(item: NormalizedEvent) -> list[tuple[DocumentRefType, str]]:
    refs = [(DocumentRefType.BKG, value) for value in item.carrier_booking_references]
    refs += [(DocumentRefType.TRD, value) for value in item.transport_document_references]
    return list(dict.fromkeys(refs))


def _row(item: NormalizedEvent, event_id: str, owner_org_id: int, carrier: int | None) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "idempotency_key": item.idempotency_key,
        "owner_org_id": owner_org_id,
        "carrier_org_id": carrier,
        "created_at": utcnow(),
        "publisher_created_at": item.publisher_created,
        "event_type": item.event_type,
        "event_type_code": item.event_type_code,
        "classifier": item.classifier,
        "event_datetime": item.event_datetime,
        "equipment_reference": item.equipment_reference,
        "iso_equipment_code": item.iso_equipment_code,
        "empty_indicator": item.empty_indicator,
        "un_location_code": item.un_location_code,
        "facility_code": item.facility_code,
        "facility_type_code": item.facility_type_code,
        "transport_call_id": item.transport_call_id,
        "carrier_voyage_number": item.carrier_voyage_number,
        "vessel_imo": item.vessel_imo,
        "mode_of_transport": item.mode_of_transport,
        "document": item.document,
        "document_bytes": len(json_codec.dumps_bytes(item.document)),
    }


class EventRow(Protocol):
    """What the reads return of a stored event: an :class:`Event` or a Core row of :data:`READ_COLUMNS`."""

    @property
    def seq(self) -> int: ...

    @property
    def event_id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...

    @property
    def publisher_created_at(self) -> datetime | None: ...

    @property
    def event_type_code(self) -> str: ...

    @property
    def document(self) -> dict[str, Any]: ...


#: The columns of :class:`EventRow`. The reads select these through Core rather than loading :class:`Event`
#: objects: building ORM objects cost more CPU per request than running the SQL (docs/performance.md).
READ_COLUMNS = (
    _EVENTS.c.seq,
    _EVENTS.c.event_id,
    _EVENTS.c.created_at,
    _EVENTS.c.publisher_created_at,
    _EVENTS.c.event_type_code,
    _EVENTS.c.document,
)


def event_document(event: EventRow) -> dict[str, Any]:
    """The DCSA T&T 2.2 event object of a stored event: its document plus ``eventID`` and creation time
    (the publisher's, when it sent one; else when the hub received the event)."""
    when = event.publisher_created_at or event.created_at
    created = when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"eventID": event.event_id, "eventCreatedDateTime": created, **event.document}


#: Principals whose read statements are kept built (:func:`visible_to` and the statements built on it).
#: Any principal works past this number; it only rebuilds its statements.
PRINCIPALS_CACHED = 1024


@lru_cache(maxsize=PRINCIPALS_CACHED)
def visible_to(principal: Principal) -> ColumnElement[bool]:
    """:func:`~quayside.store.access.event_visibility`, built once per principal.

    A principal is an immutable value, so its condition can be reused by any statement; building it again
    for every request cost a noticeable share of the CPU of a read.
    """
    return event_visibility(principal)


@lru_cache(maxsize=PRINCIPALS_CACHED)
def _by_event_id(principal: Principal) -> Select[Any]:
    return select(*READ_COLUMNS).where(_EVENTS.c.event_id == bindparam("event_id"), visible_to(principal))


def get_event(session: Session, principal: Principal, event_id: str) -> EventRow:
    """The event ``event_id`` if ``principal`` may see it; :class:`NotFoundError` otherwise (either way)."""
    row = session.execute(_by_event_id(principal), {"event_id": event_id}).first()
    if row is None:
        raise NotFoundError("no such event", field="eventID", value=event_id)
    return cast(EventRow, row)


@dataclass(frozen=True)
class EventFilter:
    """Filters of ``GET /v2/events``; tuples are OR-ed values, fields are AND-ed.

    A type-code filter narrows only the events of its own type: ``equipment_event_type_codes=("GTIN",)``
    keeps transport and shipment events unless ``event_types`` excludes them.
    """

    event_types: tuple[EventType, ...] = ()
    equipment_event_type_codes: tuple[str, ...] = ()
    transport_event_type_codes: tuple[str, ...] = ()
    shipment_event_type_codes: tuple[str, ...] = ()
    carrier_booking_reference: str | None = None
    transport_document_reference: str | None = None
    equipment_reference: str | None = None
    un_location_code: str | None = None
    transport_call_id: str | None = None
    vessel_imo: str | None = None
    carrier_voyage_number: str | None = None
    created_gte: datetime | None = None
    created_gt: datetime | None = None
    created_lte: datetime | None = None
    created_lt: datetime | None = None
    created_eq: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The SQL conditions on :class:`Event`."""
        out: list[ColumnElement[bool]] = []
        if self.event_types:
            out.append(Event.event_type.in_(self.event_types))
        for kind, codes in (
            (EventType.EQUIPMENT, self.equipment_event_type_codes),
            (EventType.TRANSPORT, self.transport_event_type_codes),
            (EventType.SHIPMENT, self.shipment_event_type_codes),
        ):
            if codes:
                out.append(or_(Event.event_type != kind, Event.event_type_code.in_(codes)))
        for ref_type, value in (
            (DocumentRefType.BKG, self.carrier_booking_reference),
            (DocumentRefType.TRD, self.transport_document_reference),
        ):
            if value is not None:
                out.append(
                    Event.seq.in_(
                        select(EventDocumentRef.event_seq).where(
                            EventDocumentRef.ref_type == ref_type, EventDocumentRef.ref_value == value
                        )
                    )
                )
        for column, value in (
            (Event.equipment_reference, self.equipment_reference),
            (Event.un_location_code, self.un_location_code),
            (Event.transport_call_id, self.transport_call_id),
            (Event.vessel_imo, self.vessel_imo),
            (Event.carrier_voyage_number, self.carrier_voyage_number),
        ):
            if value is not None:
                out.append(column == value)
        for bound, compare in (
            (self.created_gte, Event.created_at.__ge__),
            (self.created_gt, Event.created_at.__gt__),
            (self.created_lte, Event.created_at.__le__),
            (self.created_lt, Event.created_at.__lt__),
            (self.created_eq, Event.created_at.__eq__),
        ):
            if bound is not None:
                out.append(compare(bound))
        return out


@dataclass(frozen=True)
class PageKey:
    """A position in the ``(created_at, seq)`` order."""

    created_at: datetime
    seq: int


@dataclass(frozen=True)
class EventPage:
    """One page of events, with the keys of the neighbouring pages (None when there is none)."""

    events: list[Event]
    next_after: PageKey | None
    prev_before: PageKey | None


def _after(key: PageKey) -> ColumnElement[bool]:
    return or_(
        Event.created_at > key.created_at, and_(Event.created_at == key.created_at, Event.seq > key.seq)
    )


def _before(key: PageKey) -> ColumnElement[bool]:
    return or_(
        Event.created_at < key.created_at, and_(Event.created_at == key.created_at, Event.seq < key.seq)
    )


def _key(event: EventRow) -> PageKey:
    return PageKey(event.created_at, event.seq)


#: Bytes a document gains in a page besides itself: its eventID, eventCreatedDateTime and separators.
_PAGE_OVERHEAD = 100


def _within(rows: Sequence[Event], max_bytes: int | None) -> int:
    """How many of ``rows``, from the first, fit in ``max_bytes`` (always at least one)."""
    if max_bytes is None:
        return len(rows)
    total = 0
    for count, row in enumerate(rows):
        total += (row.document_bytes or 0) + _PAGE_OVERHEAD
        if total > max_bytes and count > 0:
            return count
    return len(rows)


def list_events(
    session: Session,
    principal: Principal,
    filters: EventFilter,
    *,
    limit: int,
    after: PageKey | None = None,
    before: PageKey | None = None,
    max_bytes: int | None = None,
) -> EventPage:
    """A page of the events ``principal`` may see that match ``filters``, oldest first.

    ``after`` gives the page that follows a key, ``before`` the page that precedes one (at most one of
    them). The access rule is part of the SQL, so a page is always full when more visible rows exist,
    unless its documents would pass ``max_bytes``: the page then ends early (with at least one event), and
    the next page starts where it ended.
    """
    base: Select[Event] = select(Event).where(event_visibility(principal), *filters.conditions())
    if before is not None:
        rows = list(
            session.scalars(
                base.where(_before(before))
                .order_by(Event.created_at.desc(), Event.seq.desc())
                .limit(limit + 1)
            )
        )
        has_prev = len(rows) > limit
        rows = rows[:limit]
        kept = _within(rows, max_bytes)
        has_prev = has_prev or kept < len(rows)
        rows = list(reversed(rows[:kept]))
        has_next = True
    else:
        query = base if after is None else base.where(_after(after))
        rows = list(session.scalars(query.order_by(Event.created_at, Event.seq).limit(limit + 1)))
        has_next = len(rows) > limit
        rows = rows[:limit]
        kept = _within(rows, max_bytes)
        has_next = has_next or kept < len(rows)
        rows = rows[:kept]
        has_prev = after is not None and bool(rows) and _exists(session, base.where(_before(_key(rows[0]))))
    return EventPage(
        events=rows,
        next_after=_key(rows[-1]) if rows and has_next else None,
        prev_before=_key(rows[0]) if rows and has_prev else None,
    )


def _exists(session: Session, query: Select[Event]) -> bool:
    return session.scalar(query.with_only_columns(Event.seq).limit(1)) is not None
