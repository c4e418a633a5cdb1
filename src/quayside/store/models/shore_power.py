"""Shore-power connections: one connection of a ship to shore power or a capture system at a berth, from a
shore-power log (``quayside load shore-power FILE``), read by the CARB At-Berth assessment
(:mod:`quayside.programs.incentives.at_berth`).

The rows are a port's compliance inputs, loaded by the hub operator; they reference no organisation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quayside.equipment.shore_power import ControlSystem
from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow


class ShorePowerConnectionRow(Base):
    """One logged connection (a :class:`~quayside.programs.incentives.at_berth_types.Connection`).

    Unique per port profile key, IMO and ``connected_at``; ``disconnected_at`` null is not logged.
    ``source`` and ``line`` say where the stored values were last read from.
    """

    __tablename__ = "shore_power_connections"
    __table_args__ = (
        UniqueConstraint(
            "port", "imo", "connected_at", name="uq_shore_power_connections_port_imo_connected_at"
        ),
        Index("ix_shore_power_connections_port_connected_at", "port", "connected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    port: Mapped[str] = mapped_column(String(100))
    imo: Mapped[int] = mapped_column(Integer)
    mmsi: Mapped[int | None] = mapped_column(BigInteger)
    terminal: Mapped[str | None] = mapped_column(String(20))
    berth: Mapped[str | None] = mapped_column(String(50))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    system: Mapped[ControlSystem] = mapped_column(enum_column(ControlSystem))
    energy_kwh: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(500))
    line: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
