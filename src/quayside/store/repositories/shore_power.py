"""Shore-power connections: store a log's connections, read a port's connections over a span.

Writes are idempotent upserts by natural key (port, IMO, ``connected_at``): a connection stored again with
the same values is ``unchanged``, with other values ``updated`` (the last load wins); the hub decides who may
load them (:mod:`quayside.hub.shore_power`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from quayside.equipment.shore_power import Connection, ControlSystem
from quayside.store.models.shore_power import ShorePowerConnectionRow
from quayside.store.repositories._upsert import Keyed, Upserted, upsert_keyed
from quayside.store.repositories.parties import chunks

__all__ = ["connection_key", "shore_power_connections", "upsert_connections"]

#: The columns compared to tell an update from a duplicate (the key and the provenance are not).
_VALUE_FIELDS = ("mmsi", "terminal", "berth", "disconnected_at", "system", "energy_kwh")
_Key = tuple[str, int, datetime]


def connection_key(connection: Connection) -> _Key:
    """(port, IMO, connected_at in UTC): one stored row."""
    return connection.port, connection.imo, connection.connected_at.astimezone(UTC)


def _values(connection: Connection) -> dict[str, Any]:
    values = {name: getattr(connection, name) for name in _VALUE_FIELDS}
    if connection.disconnected_at is not None:
        values["disconnected_at"] = connection.disconnected_at.astimezone(UTC)
    return values


def upsert_connections(session: Session, connections: Sequence[Connection]) -> Upserted:
    """Store ``connections`` by (port, IMO, connected_at): new ones inserted, changed ones updated, the rest
    left alone; a key repeated within ``connections`` is stored once (its last values win)."""
    existing: dict[_Key, ShorePowerConnectionRow] = {}
    for port in sorted({c.port for c in connections}):
        imos = sorted({c.imo for c in connections if c.port == port})
        for part in chunks(imos):
            query = select(ShorePowerConnectionRow).where(
                ShorePowerConnectionRow.port == port, ShorePowerConnectionRow.imo.in_(part)
            )
            existing.update({(r.port, r.imo, r.connected_at): r for r in session.scalars(query)})
    items = [Keyed(connection_key(c), _values(c), {"source": c.source, "line": c.line}) for c in connections]
    table = ShorePowerConnectionRow.__table__
    return upsert_keyed(session, table, ["port", "imo", "connected_at"], items, existing)


def shore_power_connections(
    session: Session, port: str, start: datetime | None = None, end: datetime | None = None
) -> list[Connection]:
    """The connections of ``port`` overlapping ``[start, end)`` (open ends: all), by IMO and connection time."""
    r = ShorePowerConnectionRow
    query = select(r).where(r.port == port)
    if end is not None:
        query = query.where(r.connected_at < end)
    if start is not None:
        query = query.where(or_(r.disconnected_at.is_(None), r.disconnected_at > start))
    return [
        Connection(
            port=row.port,
            imo=row.imo,
            connected_at=row.connected_at,
            disconnected_at=row.disconnected_at,
            system=ControlSystem(row.system),
            mmsi=row.mmsi,
            terminal=row.terminal,
            berth=row.berth,
            energy_kwh=row.energy_kwh,
            source=row.source,
            line=row.line,
        )
        for row in session.scalars(query.order_by(r.imo, r.connected_at, r.id))
    ]
