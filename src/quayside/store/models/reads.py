"""Tables behind the read endpoints: terminals' empty-return rules and KPI shares with partner ports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow


class KpiName(StrEnum):
    """A community aggregate served by ``GET /kpis/{kpi}`` (and the import look-ahead), by its URL name."""

    TRUCK_TURN_TIME = "truck-turn-time"
    DUAL_TRANSACTION_SHARE = "dual-transaction-share"
    IMPORT_DWELL = "import-dwell"
    STREET_DWELL = "street-dwell"
    BERTH_OCCUPANCY = "berth-occupancy"
    ANCHORAGE_WAIT = "anchorage-wait"
    TIME_IN_PORT = "time-in-port"
    IMPORT_LOOKAHEAD = "import-lookahead"


class EmptyReturnRuleRow(Base):
    """A terminal's published rule: empties of ``carrier_code`` and length ``size_ft`` accepted (or not).

    The rule is in force over ``[valid_from, valid_to)``; an open ``valid_to`` means until further notice.
    """

    __tablename__ = "empty_return_rules"
    __table_args__ = (Index("ix_empty_return_rules_carrier_size", "carrier_code", "size_ft"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    carrier_code: Mapped[str] = mapped_column(String(20))
    size_ft: Mapped[int] = mapped_column(Integer)
    accepts: Mapped[bool] = mapped_column(Boolean)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AggregateShare(Base):
    """A port authority shares one KPI of its port with a partner port organisation."""

    __tablename__ = "aggregate_shares"
    __table_args__ = (UniqueConstraint("port_unlocode", "kpi", "partner_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    port_unlocode: Mapped[str] = mapped_column(String(5))
    kpi: Mapped[KpiName] = mapped_column(enum_column(KpiName))
    partner_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
