"""Facilities, vessels, equipment and port calls with their DCSA JIT timestamps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow
from quayside.visibility.codes import JitEventType, JitFacilityType, JitServiceType
from quayside.visibility.model import Classifier


class Facility(Base):
    """A terminal (or depot) identified by UN/LOCODE + SMDG terminal code, run by an operator organisation."""

    __tablename__ = "facilities"
    __table_args__ = (UniqueConstraint("un_location_code", "facility_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    un_location_code: Mapped[str] = mapped_column(String(5))
    facility_code: Mapped[str] = mapped_column(String(6))
    name: Mapped[str | None] = mapped_column(String(200))
    operator_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Vessel(Base):
    """A vessel by IMO number (7 digits), with name and MMSI where known."""

    __tablename__ = "vessels"

    id: Mapped[int] = mapped_column(primary_key=True)
    imo: Mapped[str] = mapped_column(String(7), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    mmsi: Mapped[int | None] = mapped_column(Integer)


class Equipment(Base):
    """A container by its ISO 6346 reference; ``iso6346_valid`` says whether the check digit is right.

    Non-ISO references are kept (SMDG Recommendation #2 allows them) but flagged.
    """

    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_reference: Mapped[str] = mapped_column(String(15), unique=True)
    iso_equipment_code: Mapped[str | None] = mapped_column(String(4))
    iso6346_valid: Mapped[bool] = mapped_column(Boolean)


class PortCall(Base):
    """One call of a vessel at a port (and optionally a terminal), the subject of JIT timestamps.

    ``jit_port_call_id`` is the DCSA JIT 2.0 ``portCallID`` (a UUID chosen by whoever opened the call) and
    ``terminal_call_id`` its ``terminalCallID``; both are empty for calls opened without JIT identifiers.
    """

    __tablename__ = "port_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    jit_port_call_id: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    terminal_call_id: Mapped[str | None] = mapped_column(String(36))
    vessel_id: Mapped[int] = mapped_column(ForeignKey("vessels.id"), index=True)
    un_location_code: Mapped[str] = mapped_column(String(5), index=True)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"))
    carrier_voyage_number: Mapped[str | None] = mapped_column(String(50))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PortCallTimestamp(Base):
    """A DCSA JIT 2.0 timestamp: an EST/REQ/PLN/ACT time of one service (BERTH, ANCHORAGE, ...) of a call.

    ``reply_to_id`` links a REQ to the EST it answers and a PLN to the REQ, which is the exchange that lets a
    ship slow down and arrive just in time. ``timestamp_id`` and ``port_call_service_id`` are the JIT 2.0
    ``timestampID`` and ``portCallServiceID`` (UUIDs), ``phase_type_code`` its ``portCallPhaseTypeCode``.
    """

    __tablename__ = "port_call_timestamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    timestamp_id: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    port_call_service_id: Mapped[str | None] = mapped_column(String(36))
    port_call_id: Mapped[int] = mapped_column(ForeignKey("port_calls.id", ondelete="CASCADE"), index=True)
    service_type: Mapped[JitServiceType] = mapped_column(enum_column(JitServiceType))
    event_type: Mapped[JitEventType] = mapped_column(enum_column(JitEventType))
    classifier: Mapped[Classifier] = mapped_column(enum_column(Classifier))
    date_time: Mapped[datetime] = mapped_column(UTCDateTime())
    facility_type_code: Mapped[JitFacilityType | None] = mapped_column(enum_column(JitFacilityType))
    phase_type_code: Mapped[str | None] = mapped_column(String(4))
    remark: Mapped[str | None] = mapped_column(String(500))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("port_call_timestamps.id"))
    delay_reason_code: Mapped[str | None] = mapped_column(String(3))
    is_fyi: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
