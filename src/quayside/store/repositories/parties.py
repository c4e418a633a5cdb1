"""Maintaining ``event_parties``: which organisations each event concerns.

Written when an event is stored (poster, terminal of its facility, carrier and cargo owner of the bookings,
bills of lading or containers it names) and again when a facility or booking link is added, so that the
access rule is a lookup, not a computation at read time.

A booking reaches only the events of its own carrier, or events of no carrier whose matching value (reference
or container) its carrier holds (:mod:`quayside.store.authority`, "Claims"): another carrier's claim on the
same value is kept apart. Known limit: claims have no time window, so a container reused under a later
booking of the same carrier links the earlier booking's parties to its later events too. Carriers should
give the booking or transport document reference on events wherever they can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Column, ColumnElement, Dialect, Table, and_, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from quayside.store.models import (
    Booking,
    BookingEquipment,
    Claim,
    Event,
    EventDocumentRef,
    EventParty,
    Facility,
)
from quayside.store.types import ClaimKind, DocumentRefType, PartyRelation

_T = TypeVar("_T")


# Rows per IN list: far below SQLite's bound-parameter limit, and keeps PostgreSQL plans on the indexes.
IN_CHUNK = 500

_PARTIES = cast(Table, EventParty.__table__)


@dataclass(frozen=True)
class LinkTarget:
    """What decides the parties of one newly stored event: its place, container and document references."""

    seq: int
    un_location_code: str | None
    facility_code: str | None
    equipment_reference: str | None
    refs: tuple[tuple[DocumentRefType, str], ...] = ()
    carrier: int | None = None  # the carrier the event is about (events.carrier_org_id)


def chunks(values: Sequence[_T], size: int = IN_CHUNK) -> Iterator[Sequence[_T]]:
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def insert_rows(
    session: Session,
    table: Table,
    conflict_columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` into ``table``, skipping those clashing on ``conflict_columns`` (a unique key).

    Every row has the same keys. Returns the ``returning`` columns of the rows actually inserted (in no
    particular order), or nothing when ``returning`` is empty. See :func:`insert_columns`.
    """
    if not rows:
        return []
    names = list(rows[0])
    columns = [[row[name] for row in rows] for name in names]
    return insert_columns(session, table, conflict_columns, names, columns, returning=returning)


def insert_columns(
    session: Session,
    table: Table,
    conflict_columns: Sequence[str],
    names: Sequence[str],
    columns: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert rows given column by column (``columns[i]`` holds the values of ``names[i]``).

    ``INSERT ... ON CONFLICT (conflict_columns) DO NOTHING`` on both dialects, in input order, so that
    an identity column numbers the rows as they come. Values go through the columns' own SQLAlchemy bind
    processors (time zones, enums, JSON), so what is stored is what an ORM insert would store; the
    statement itself is sent to the driver directly, because building a Core statement's parameters cost
    more per row than running it:

    - PostgreSQL gets one statement with one array per column (``INSERT ... SELECT * FROM unnest(...)``),
      so the driver adapts a few arrays instead of thousands of placeholders;
    - SQLite gets one prepared statement run over all rows (``executemany``), or multi-row ``VALUES``
      when rows must be returned (SQLite cannot return rows from ``executemany``).
    """
    count = len(columns[0]) if columns else 0
    if count == 0:
        return []
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    target = [table.c[name] for name in names]
    values = [_bound(column, data, dialect) for column, data in zip(target, columns, strict=True)]
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
    tail = f" ON CONFLICT ({', '.join(quote(name) for name in conflict_columns)}) DO NOTHING"
    if returning:
        tail += f" RETURNING {', '.join(quote(name) for name in returning)}"
    if dialect.name == "postgresql":
        casts = ", ".join(f"%b::{_array_type(column, dialect)}[]" for column in target)
        result = connection.exec_driver_sql(f"{head}SELECT * FROM unnest({casts}){tail}", tuple(values))
        return [tuple(row) for row in result] if returning else []
    rows = list(zip(*values, strict=True))
    if not returning:
        connection.exec_driver_sql(f"{head}VALUES ({', '.join('?' * len(names))}){tail}", rows)
        return []
    out: list[tuple[Any, ...]] = []
    per_statement = max(1, dialect.insertmanyvalues_max_parameters // len(names))
    one = f"({', '.join('?' * len(names))})"
    for part in chunks(rows, per_statement):
        flat = tuple(value for row in part for value in row)
        sql = f"{head}VALUES {', '.join([one] * len(part))}{tail}"
        out.extend(tuple(row) for row in connection.exec_driver_sql(sql, flat))
    return out


def _bound(column: Column[Any], data: Sequence[Any], dialect: Dialect) -> list[Any]:
    """``data`` as the driver receives it for ``column`` (after the type's bind processor, if any)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return list(data) if process is None else [process(value) for value in data]


def _array_type(column: Column[Any], dialect: Dialect) -> str:
    # Without the length: an explicit cast to varchar(n) would truncate silently, whereas the insert
    # itself rejects an over-long value, as an ordinary INSERT does.
    return re.sub(r"\(.*?\)", "", column.type.compile(dialect=dialect)).strip()


def add_parties(session: Session, rows: Iterable[tuple[int, int, PartyRelation]]) -> None:
    """Insert ``(event_seq, org_id, relation)`` rows, skipping those already there.

    Rows go in key order, so that concurrent batches lock them in the same order (no deadlock on
    PostgreSQL), as one multi-row statement rather than one per row.
    """
    ordered = sorted({(seq, org, rel.value) for seq, org, rel in rows})
    if ordered:
        names = ("event_seq", "org_id", "relation")
        insert_columns(
            session, _PARTIES, names, names, [list(values) for values in zip(*ordered, strict=True)]
        )


def link_event(session: Session, event: Event, refs: Iterable[tuple[DocumentRefType, str]]) -> None:
    """Add the parties of a newly stored ``event`` (besides its poster)."""
    target = LinkTarget(
        event.seq,
        event.un_location_code,
        event.facility_code,
        event.equipment_reference,
        tuple(refs),
        event.carrier_org_id,
    )
    link_events(session, [target])


def link_events(session: Session, targets: Sequence[LinkTarget]) -> None:
    """Add the parties of newly stored events (besides their posters), with a few queries per batch.

    The terminal operating the event's facility; the carrier and cargo owner of every booking the event
    names by booking or transport document reference, or through its container — when the booking's
    carrier is the event's, or, for an event of no carrier, holds the value that matched.
    """
    operators = _operators(session, {(t.un_location_code, t.facility_code) for t in targets})
    held = claim_holders(
        session,
        [(_CLAIM_OF[kind], value) for t in targets if t.carrier is None for kind, value in t.refs]
        + [
            (ClaimKind.EQUIPMENT, t.equipment_reference)
            for t in targets
            if t.carrier is None and t.equipment_reference
        ],
    )
    by_booking = _booking_parties(
        session,
        Booking.carrier_booking_reference,
        {v for t in targets for k, v in t.refs if k is DocumentRefType.BKG},
    )
    by_document = _booking_parties(
        session,
        Booking.transport_document_reference,
        {v for t in targets for k, v in t.refs if k is DocumentRefType.TRD},
    )
    by_container = _container_parties(session, {t.equipment_reference for t in targets})
    rows: list[tuple[int, int, PartyRelation]] = []
    for target in targets:
        operator = operators.get((target.un_location_code, target.facility_code))
        if operator is not None:
            rows.append((target.seq, operator, PartyRelation.TERMINAL))
        bookings: set[tuple[int, int, int | None]] = set()
        for kind, value in target.refs:
            source = by_booking if kind is DocumentRefType.BKG else by_document
            bookings.update(
                _reaching(source.get(value, ()), target.carrier, held.get((_CLAIM_OF[kind], value)))
            )
        if target.equipment_reference:
            found = by_container.get(target.equipment_reference, ())
            holder = held.get((ClaimKind.EQUIPMENT, target.equipment_reference))
            bookings.update(_reaching(found, target.carrier, holder))
        for _, carrier, owner in bookings:
            rows.append((target.seq, carrier, PartyRelation.CARRIER))
            if owner is not None:
                rows.append((target.seq, owner, PartyRelation.CARGO_OWNER))
    add_parties(session, rows)


_CLAIM_OF = {DocumentRefType.BKG: ClaimKind.BKG, DocumentRefType.TRD: ClaimKind.TRD}


def _reaching(
    bookings: Iterable[tuple[int, int, int | None]], carrier: int | None, holder: int | None
) -> set[tuple[int, int, int | None]]:
    """The bookings an event reaches: its carrier's, or for an event of no carrier, the value's holder's."""
    wanted = carrier if carrier is not None else holder
    return {b for b in bookings if wanted is not None and b[1] == wanted}


def claim_holders(
    session: Session, values: Iterable[tuple[ClaimKind, str | None]]
) -> dict[tuple[ClaimKind, str], int]:
    """The holder of each value that has one (table ``claims``, see :mod:`quayside.store.authority`)."""
    by_kind: dict[ClaimKind, set[str]] = {}
    for kind, value in values:
        if value:
            by_kind.setdefault(kind, set()).add(value)
    out: dict[tuple[ClaimKind, str], int] = {}
    # One plain IN per kind: SQLAlchemy expands a tuple IN slowly (a third of a batch's insert time).
    for kind, kind_values in sorted(by_kind.items()):
        for part in chunks(sorted(kind_values)):
            statement = select(Claim.value, Claim.org_id).where(
                Claim.kind == kind.value, Claim.value.in_(part)
            )
            for value, org_id in session.execute(statement):
                out[(kind, value)] = org_id
    return out


def _operators(
    session: Session, places: set[tuple[str | None, str | None]]
) -> dict[tuple[str | None, str | None], int]:
    wanted = sorted((loc, code) for loc, code in places if loc and code)
    out: dict[tuple[str | None, str | None], int] = {}
    for part in chunks(wanted):
        statement = select(Facility.un_location_code, Facility.facility_code, Facility.operator_org_id).where(
            tuple_(Facility.un_location_code, Facility.facility_code).in_(part)
        )
        for loc, code, operator in session.execute(statement):
            out[(loc, code)] = operator
    return out


# A booking as (id, carrier_org_id, cargo_owner_org_id), grouped by the value that found it.
_BookingsBy = dict[str | None, set[tuple[int, int, int | None]]]


def _booking_parties(
    session: Session, column: InstrumentedAttribute[str | None], values: set[str]
) -> _BookingsBy:
    out: _BookingsBy = {}
    for part in chunks(sorted(values)):
        statement = select(column, Booking.id, Booking.carrier_org_id, Booking.cargo_owner_org_id).where(
            column.in_(part)
        )
        for value, booking_id, carrier, owner in session.execute(statement):
            out.setdefault(value, set()).add((booking_id, carrier, owner))
    return out


def _container_parties(session: Session, references: set[str | None]) -> _BookingsBy:
    out: _BookingsBy = {}
    for part in chunks(sorted(ref for ref in references if ref)):
        statement = (
            select(
                BookingEquipment.equipment_reference,
                Booking.id,
                Booking.carrier_org_id,
                Booking.cargo_owner_org_id,
            )
            .join(Booking, Booking.id == BookingEquipment.booking_id)
            .where(BookingEquipment.equipment_reference.in_(part))
        )
        for value, booking_id, carrier, owner in session.execute(statement):
            out.setdefault(value, set()).add((booking_id, carrier, owner))
    return out


def link_booking(session: Session, booking: Booking, equipment: Iterable[str]) -> int:
    """Link the already stored events that ``booking`` concerns to its carrier and cargo owner.

    Returns the number of events linked.
    """
    conditions: list[ColumnElement[bool]] = []
    if booking.carrier_booking_reference:
        conditions.append(
            and_(
                EventDocumentRef.ref_type == DocumentRefType.BKG,
                EventDocumentRef.ref_value == booking.carrier_booking_reference,
            )
        )
    if booking.transport_document_reference:
        conditions.append(
            and_(
                EventDocumentRef.ref_type == DocumentRefType.TRD,
                EventDocumentRef.ref_value == booking.transport_document_reference,
            )
        )
    # The booking reaches its carrier's events, and events of no carrier whose value its carrier holds.
    carrier = booking.carrier_org_id
    held_refs = {
        (kind, value)
        for (kind, value), org in claim_holders(
            session,
            [
                (ClaimKind.BKG, booking.carrier_booking_reference),
                (ClaimKind.TRD, booking.transport_document_reference),
            ],
        ).items()
        if org == carrier
    }
    seqs: set[int] = set()
    if conditions:
        statement = (
            select(
                EventDocumentRef.event_seq,
                EventDocumentRef.ref_type,
                EventDocumentRef.ref_value,
                Event.carrier_org_id,
            )
            .join(Event, Event.seq == EventDocumentRef.event_seq)
            .where(or_(*conditions))
        )
        for seq, kind, value, event_carrier in session.execute(statement):
            if event_carrier == carrier or (
                event_carrier is None and (_CLAIM_OF[DocumentRefType(kind)], value) in held_refs
            ):
                seqs.add(seq)
    containers = list(equipment)
    if containers:
        held = {
            v
            for (_, v), org in claim_holders(session, [(ClaimKind.EQUIPMENT, c) for c in containers]).items()
            if org == carrier
        }
        for part in chunks(containers):
            by_container = select(Event.seq, Event.equipment_reference, Event.carrier_org_id).where(
                Event.equipment_reference.in_(part)
            )
            for seq, reference, event_carrier in session.execute(by_container):
                if event_carrier == carrier or (event_carrier is None and reference in held):
                    seqs.add(seq)
    rows: list[tuple[int, int, PartyRelation]] = []
    for seq in seqs:
        rows.append((seq, booking.carrier_org_id, PartyRelation.CARRIER))
        if booking.cargo_owner_org_id is not None:
            rows.append((seq, booking.cargo_owner_org_id, PartyRelation.CARGO_OWNER))
    add_parties(session, rows)
    return len(seqs)


def link_facility(session: Session, facility: Facility) -> int:
    """Link the already stored events at ``facility`` to its operator; returns the number linked."""
    seqs = list(
        session.scalars(
            select(Event.seq).where(
                Event.un_location_code == facility.un_location_code,
                Event.facility_code == facility.facility_code,
            )
        )
    )
    add_parties(session, [(seq, facility.operator_org_id, PartyRelation.TERMINAL) for seq in seqs])
    return len(seqs)
