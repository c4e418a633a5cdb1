"""The carbon side of the store: the equipment register, its activity logs, ships' emissions per call, and
the TEU each port handled in a year (its throughput).

Equipment and ship emissions are the port's inventory inputs, loaded by the hub operator (or a port
authority for its own port, :mod:`quayside.hub.equipment`); they reference no organisation. Grams of a
ship call are one column per :class:`~quayside.emissions.types.Pollutant` (``co2_g`` ... ``hc_g``, the
names of the inventory's ``calls.parquet``), so that the annual sums by category are one ``GROUP BY`` in
the database on every dialect, the columns are typed and never null, and a new pollutant is a migration,
as it must be when every source of the inventory has to report it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quayside.equipment.types import EquipmentKind, PowerSource, SourceCategory
from quayside.store.models.base import Base, UTCDateTime, enum_column, utcnow


class EquipmentUnitRow(Base):
    """One machine of a port's equipment register (an :class:`~quayside.equipment.types.EquipmentUnit`).

    Unique per port profile key and ``unit_id``. ``source`` and ``line`` say where the stored values were
    last read from.
    """

    __tablename__ = "equipment_units"
    __table_args__ = (UniqueConstraint("port", "unit_id", name="uq_equipment_units_port_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    port: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[str] = mapped_column(String(50), index=True)
    unlocode: Mapped[str | None] = mapped_column(String(5))
    operator: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[EquipmentKind] = mapped_column(enum_column(EquipmentKind))
    power_source: Mapped[PowerSource] = mapped_column(enum_column(PowerSource))
    rated_kw: Mapped[float | None] = mapped_column(Float)
    model_year: Mapped[int | None] = mapped_column(Integer)
    tier: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(500))
    line: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EquipmentActivityRow(Base):
    """What one unit did over one period (inclusive local dates); ``None`` is not logged, not zero.

    Unique per unit and period; the periods of one unit never overlap (checked when loading).
    """

    __tablename__ = "equipment_activity"
    __table_args__ = (
        UniqueConstraint("unit_pk", "period_start", "period_end", name="uq_equipment_activity_unit_period"),
        Index("ix_equipment_activity_period", "period_start", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_pk: Mapped[int] = mapped_column(ForeignKey("equipment_units.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    hours: Mapped[float | None] = mapped_column(Float)
    fuel_l: Mapped[float | None] = mapped_column(Float)
    fuel_kg: Mapped[float | None] = mapped_column(Float)
    kwh: Mapped[float | None] = mapped_column(Float)
    kg_h2: Mapped[float | None] = mapped_column(Float)
    miles: Mapped[float | None] = mapped_column(Float)
    moves: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(500))
    line: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShipCallEmissionRow(Base):
    """The emissions of one ship call counted in a port's totals, from an inventory's ``calls.parquet``.

    Unique per port profile key, MMSI and ``arrival`` (the call's first report inside the inventory
    boundary). ``year`` is the calendar year of the arrival in the port's local time. ``unlocode`` and
    ``terminal_code`` come from the terminal of the call's main berth when the profile knows it.
    """

    __tablename__ = "ship_call_emissions"
    __table_args__ = (
        UniqueConstraint("port", "mmsi", "arrival", name="uq_ship_call_emissions_port_mmsi_arrival"),
        Index("ix_ship_call_emissions_port_year", "port", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    port: Mapped[str] = mapped_column(String(100))
    mmsi: Mapped[int] = mapped_column(BigInteger)
    arrival: Mapped[datetime] = mapped_column(UTCDateTime())
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[SourceCategory] = mapped_column(enum_column(SourceCategory))
    unlocode: Mapped[str | None] = mapped_column(String(5))
    terminal_code: Mapped[str | None] = mapped_column(String(20))
    co2_g: Mapped[float] = mapped_column(Float)
    ch4_g: Mapped[float] = mapped_column(Float)
    n2o_g: Mapped[float] = mapped_column(Float)
    co2e_g: Mapped[float] = mapped_column(Float)
    nox_g: Mapped[float] = mapped_column(Float)
    so2_g: Mapped[float] = mapped_column(Float)
    pm10_g: Mapped[float] = mapped_column(Float)
    pm2_5_g: Mapped[float] = mapped_column(Float)
    dpm_g: Mapped[float] = mapped_column(Float)
    co_g: Mapped[float] = mapped_column(Float)
    hc_g: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PortThroughputRow(Base):
    """The TEU a port handled in a calendar year, from a throughput file (a
    :class:`~quayside.equipment.throughput.PortThroughput`).

    Unique per port profile key, ``unlocode`` and ``year``; ``unlocode`` is ``''`` for the whole port (not
    NULL: a NULL in a unique key never equals another, on SQLite and PostgreSQL alike, so the whole port's
    figure could be stored twice). ``source`` is where the figure comes from (the file's ``source`` column);
    ``loaded_from`` and ``line`` where it was last read.
    """

    __tablename__ = "port_throughput"
    __table_args__ = (
        UniqueConstraint("port", "unlocode", "year", name="uq_port_throughput_port_unlocode_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    port: Mapped[str] = mapped_column(String(100))
    unlocode: Mapped[str] = mapped_column(String(5))
    year: Mapped[int] = mapped_column(Integer)
    teu: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(500))
    loaded_from: Mapped[str | None] = mapped_column(String(500))
    line: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
