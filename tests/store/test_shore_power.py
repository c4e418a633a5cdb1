"""The shore_power_connections table: idempotent upserts by (port, IMO, connected_at), reads by span; on SQLite
and PostgreSQL (the ``session`` fixture runs each test on both)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quayside.equipment.shore_power import Connection, ControlSystem
from quayside.store.models import ShorePowerConnectionRow
from quayside.store.repositories.shore_power import shore_power_connections, upsert_connections

T0 = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
FIRST = Connection(
    "san-pedro-bay", 9074729, T0, T0 + timedelta(hours=18), ControlSystem.SHORE_POWER,
    mmsi=366000001, terminal="APMT", berth="pola-apm-pier400", energy_kwh=24000.0, source="a.csv", line=2,
)  # fmt: skip
SECOND = Connection(
    "san-pedro-bay", 9419230, T0 + timedelta(days=2), None, ControlSystem.CAPTURE, source="a.csv", line=3
)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ShorePowerConnectionRow)) or 0


def test_store_twice_changes_nothing(session: Session) -> None:
    first = upsert_connections(session, [FIRST, SECOND])
    session.commit()
    assert (first.stored, first.updated, first.unchanged) == ([0, 1], [], [])
    again = upsert_connections(session, [FIRST, SECOND])
    session.commit()
    assert (again.stored, again.updated, again.unchanged) == ([], [], [0, 1])
    assert _count(session) == 2


def test_same_instant_in_another_offset_is_the_same_row(session: Session) -> None:
    upsert_connections(session, [FIRST])
    session.commit()
    pacific = FIRST.connected_at.astimezone(timezone(timedelta(hours=-8)))
    again = upsert_connections(session, [dataclasses.replace(FIRST, connected_at=pacific)])
    assert again.unchanged == [0]


def test_changed_values_update_the_row(session: Session) -> None:
    upsert_connections(session, [FIRST])
    session.commit()
    later = dataclasses.replace(FIRST, disconnected_at=FIRST.connected_at + timedelta(hours=19), line=9)
    done = upsert_connections(session, [later])
    session.commit()
    assert done.updated == [0]
    [stored] = shore_power_connections(session, "san-pedro-bay")
    assert stored.disconnected_at == T0 + timedelta(hours=19)
    assert stored.line == 9
    assert _count(session) == 1


def test_a_key_twice_in_one_load_is_stored_once(session: Session) -> None:
    changed = dataclasses.replace(FIRST, energy_kwh=25000.0, line=5)
    done = upsert_connections(session, [FIRST, changed])
    session.commit()
    assert (done.stored, done.updated) == ([0], [1])
    [stored] = shore_power_connections(session, "san-pedro-bay")
    assert stored.energy_kwh == 25000.0


def test_read_by_port_and_span(session: Session) -> None:
    upsert_connections(session, [FIRST, SECOND, dataclasses.replace(FIRST, port="nagoya")])
    session.commit()
    every = shore_power_connections(session, "san-pedro-bay")
    assert [(c.imo, c.system) for c in every] == [
        (9074729, ControlSystem.SHORE_POWER),
        (9419230, ControlSystem.CAPTURE),
    ]
    assert every[0] == FIRST  # every field round-trips, times in UTC
    # a span after FIRST's disconnection (T0 + 18 h) holds only SECOND, which has no disconnection logged
    later = shore_power_connections(
        session, "san-pedro-bay", T0 + timedelta(hours=20), T0 + timedelta(days=3)
    )
    assert [c.imo for c in later] == [9419230]
    assert shore_power_connections(session, "san-pedro-bay", T0 - timedelta(days=1), T0) == []
