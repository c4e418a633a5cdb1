"""Loading shore-power logs: the service, its write rule, and ``quayside load shore-power``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from quayside.cli import app
from quayside.errors import InputError, PermissionDeniedError
from quayside.hub.equipment import command_line_operator
from quayside.hub.shore_power import load_shore_power_text
from quayside.store.access import Principal
from quayside.store.repositories.shore_power import shore_power_connections
from quayside.store.types import OrgRole, Scope

LOG = """port,imo,mmsi,terminal,berth,connected_at,disconnected_at,system,energy_kwh
san-pedro-bay,9074729,366000001,APMT,pola-apm-pier400,2025-03-01T07:30:00-08:00,2025-03-02T01:30:00-08:00,shore_power,24000
san-pedro-bay,907472,,APMT,,2025-03-01T07:30:00-08:00,,shore_power,
san-pedro-bay,9419230,,PCT,,2025-03-01T16:00:00Z,,capture,
nagoya,9778789,,,,2025-03-01T01:00:00Z,2025-03-01T09:00:00Z,shore_power,
"""
OPERATOR = command_line_operator()


def _authority(unlocode: str, scopes: frozenset[Scope] = frozenset({Scope.ADMIN})) -> Principal:
    return Principal(5, "Port of Los Angeles", OrgRole.PORT_AUTHORITY, "POLA", unlocode, scopes)


def test_bad_row_rejected_others_stored_and_a_second_load_changes_nothing(session: Session) -> None:
    first = load_shore_power_text(session, OPERATOR, LOG, source="sp.csv")
    assert first.stored == [
        "san-pedro-bay/9074729/20250301T153000Z",
        "san-pedro-bay/9419230/20250301T160000Z",
        "nagoya/9778789/20250301T010000Z",
    ]
    assert [(r.index, r.field, r.source) for r in first.rejected] == [(3, "imo", "sp.csv")]
    assert first.records == 4
    again = load_shore_power_text(session, OPERATOR, LOG, source="sp.csv")
    assert (again.stored, again.updated) == ([], [])
    assert [(d.index, d.id) for d in again.duplicates] == [
        (2, "san-pedro-bay/9074729/20250301T153000Z"),
        (4, "san-pedro-bay/9419230/20250301T160000Z"),
        (5, "nagoya/9778789/20250301T010000Z"),
    ]
    assert len(shore_power_connections(session, "san-pedro-bay")) == 2


def test_changed_row_is_an_update(session: Session) -> None:
    load_shore_power_text(session, OPERATOR, LOG, source="sp.csv")
    changed = LOG.replace("2025-03-02T01:30:00-08:00", "2025-03-02T01:45:00-08:00")
    done = load_shore_power_text(session, OPERATOR, changed, source="sp2.csv")
    assert done.updated == ["san-pedro-bay/9074729/20250301T153000Z"]
    assert len(done.duplicates) == 2
    stored = shore_power_connections(session, "san-pedro-bay")[0]
    assert (stored.disconnected_at.hour, stored.disconnected_at.minute) == (9, 45)  # type: ignore[union-attr]
    assert stored.source == "sp2.csv"


def test_a_port_authority_loads_only_its_own_port(session: Session) -> None:
    done = load_shore_power_text(session, _authority("USLGB"), LOG, source="sp.csv")
    assert len(done.stored) == 2  # both san-pedro-bay rows: its profile holds USLAX and USLGB
    assert [(r.index, r.field) for r in done.rejected] == [(3, "imo"), (5, "port")]
    assert shore_power_connections(session, "nagoya") == []


@pytest.mark.parametrize(
    "who",
    [
        Principal(6, "Carrier", OrgRole.CARRIER, "MAEU", None, frozenset({Scope.ADMIN})),
        Principal(
            5, "Port of Los Angeles", OrgRole.PORT_AUTHORITY, "POLA", "USLAX", frozenset({Scope.EVENTS_WRITE})
        ),
    ],
)
def test_others_may_not_load(session: Session, who: Principal) -> None:
    with pytest.raises(PermissionDeniedError):
        load_shore_power_text(session, who, LOG, source="sp.csv")
    assert shore_power_connections(session, "san-pedro-bay") == []


def test_not_a_log_is_an_error(session: Session) -> None:
    with pytest.raises(InputError) as caught:
        load_shore_power_text(session, OPERATOR, "unit_id,hours\nRTG1,3\n", source="x.csv")
    assert caught.value.field == "port, imo, connected_at, system"


# --- command line ------------------------------------------------------------------------------------------

runner = CliRunner()


def test_load_shore_power_prints_rejects_and_counts(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "shore_power.csv"
    path.write_text(LOG, encoding="utf-8")
    done = runner.invoke(app, ["load", "shore-power", str(path), "--db", db_url])
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    assert lines[0] == f"rejected {path} record 3 imo: must be 7 digits (value '907472')"
    assert lines[-1] == "shore-power connections stored 3, updated 0, duplicates 0, rejected 1"
    again = runner.invoke(app, ["load", "shore-power", str(path), "--db", db_url])
    assert again.stdout.strip().splitlines()[-1] == (
        "shore-power connections stored 0, updated 0, duplicates 3, rejected 1"
    )


def test_load_shore_power_exits_1_when_every_row_is_refused(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "hopeless.csv"
    path.write_text(
        "port,imo,connected_at,system\nsan-pedro-bay,9074729,yesterday,shore_power\n", encoding="utf-8"
    )
    done = runner.invoke(app, ["load", "shore-power", str(path), "--db", db_url])
    assert done.exit_code == 1
    assert "record 2 connected_at: not an ISO 8601 date-time" in done.stdout
