"""Stored visibility events, their document references and the organisations they concern."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow
from quayside.store.types import DocumentRefType, PartyRelation
from quayside.visibility.model import Classifier, EventType

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class Event(Base):
    """One :class:`~quayside.visibility.model.NormalizedEvent` as stored.

    ``seq`` increases with every insert and never repeats: it is the keyset of pagination (with
    ``created_at``) and of subscription delivery cursors. ``event_id`` is the public DCSA ``eventID``: the
    publisher's own when it sent one, else assigned by the hub. ``created_at`` is when the hub received the
    event (the order of pages, filters and deliveries); ``publisher_created_at`` the publisher's
    ``eventCreatedDateTime``, when sent, which the event's documents show instead.
    ``idempotency_key`` is unique, so the same event loaded twice is stored once.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_created_at_seq", "created_at", "seq"),
        Index("ix_events_location_facility", "un_location_code", "facility_code"),
        Index("ix_events_transport_call_id", "transport_call_id"),
        Index("ix_events_vessel_voyage", "vessel_imo", "carrier_voyage_number"),
    )

    seq: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    event_type: Mapped[EventType] = mapped_column(enum_column(EventType, 16))
    event_type_code: Mapped[str] = mapped_column(String(4))
    classifier: Mapped[Classifier] = mapped_column(enum_column(Classifier, 3))
    event_datetime: Mapped[datetime] = mapped_column(UTCDateTime())
    equipment_reference: Mapped[str | None] = mapped_column(String(15), index=True)
    iso_equipment_code: Mapped[str | None] = mapped_column(String(4))
    empty_indicator: Mapped[str | None] = mapped_column(String(5))
    un_location_code: Mapped[str | None] = mapped_column(String(5))
    facility_code: Mapped[str | None] = mapped_column(String(6))
    facility_type_code: Mapped[str | None] = mapped_column(String(4))
    transport_call_id: Mapped[str | None] = mapped_column(String(100))
    carrier_voyage_number: Mapped[str | None] = mapped_column(String(50))
    vessel_imo: Mapped[str | None] = mapped_column(String(7))
    mode_of_transport: Mapped[str | None] = mapped_column(String(10))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The carrier whose shipment the event is about, when known: the poster if it is a carrier, else the
    #: carrier the event names as vessel operator (quayside.store.authority). Decides which booking links
    #: may reach the event.
    carrier_org_id: Mapped[int | None] = mapped_column(Integer)
    publisher_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Bytes of ``document`` as compact JSON: a page of events ends before it grows past a limit
    #: (quayside.hub.limits.Limits.page_bytes) without encoding the documents to find out.
    document_bytes: Mapped[int | None] = mapped_column(Integer)


class EventDocumentRef(Base):
    """A booking or transport document reference an event names (searchable, and the key to party links)."""

    __tablename__ = "event_document_refs"
    __table_args__ = (Index("ix_event_document_refs_type_value", "ref_type", "ref_value"),)

    event_seq: Mapped[int] = mapped_column(ForeignKey("events.seq", ondelete="CASCADE"), primary_key=True)
    ref_type: Mapped[DocumentRefType] = mapped_column(enum_column(DocumentRefType, 3), primary_key=True)
    ref_value: Mapped[str] = mapped_column(String(100), primary_key=True)


class EventParty(Base):
    """An organisation an event concerns, and why; the access rule reads this table.

    No foreign keys: the rows are derived, written only by ``quayside.store.repositories.parties`` for
    stored events and existing organisations, and the key checks were most of the cost of ingesting an
    event on PostgreSQL (migration ``0006_party_rows_without_fk``).
    """

    __tablename__ = "event_parties"
    __table_args__ = (Index("ix_event_parties_org_event", "org_id", "event_seq"),)

    event_seq: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True)
    org_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relation: Mapped[PartyRelation] = mapped_column(enum_column(PartyRelation, 16), primary_key=True)
