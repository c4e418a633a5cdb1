"""Loading equipment registers, activity logs and inventories: services, write rule, command line, demo."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from quayside.cli import app
from quayside.emissions.types import Pollutant
from quayside.errors import InputError, PermissionDeniedError
from quayside.geo.profiles import load_profile
from quayside.hub.demo.equipment import load_carbon_inputs
from quayside.hub.demo.summary import DemoSummary
from quayside.hub.equipment import (
    EquipmentFileKind,
    command_line_operator,
    load_equipment_text,
    read_equipment,
    store_ship_emissions,
)
from quayside.store import db
from quayside.store.access import Principal
from quayside.store.models import ShipCallEmissionRow
from quayside.store.repositories.equipment import equipment_activity, equipment_units, ship_emissions
from quayside.store.types import OrgRole, Scope

REGISTER = """unit_id,port,unlocode,operator,kind,power_source,rated_kw,model_year,tier
RTG01,san-pedro-bay,USLAX,YUSEN,rtg_crane,diesel,450,2012,
RTG02,san-pedro-bay,USLAX,YUSEN,rtg_crane,diesel_hybrid,450,2018,Tier 4 Final
LB-YT1,san-pedro-bay,USLGB,LBCT,yard_tractor,electric,,2021,
RTG03,san-pedro-bay,USLAX,YUSEN,rtg_crane,steam,450,2012,
7ABC123,san-pedro-bay,,HBDY,drayage_truck,diesel,300,2014,
"""
ACTIVITY = """unit_id,period_start,period_end,hours,fuel_l,fuel_kg,kwh,kg_h2,miles,moves
RTG01,2024-01-01,2024-01-31,300,4800,,,,,5000
RTG01,2024-01-15,2024-02-15,300,,,,,,
RTG02,2024-01-01,2024-01-31,200,1600,,,,,
RTG09,2024-01-01,2024-01-31,80,,,,,,
LB-YT1,2024-01-01,2024-01-31,250,,,7500,,,
"""

OPERATOR = command_line_operator()


def test_a_register_then_its_activity_load_once(session: Session) -> None:
    first = load_equipment_text(session, OPERATOR, REGISTER, source="reg.csv")
    assert first.kind is EquipmentFileKind.REGISTER
    assert first.stored == [
        "san-pedro-bay/RTG01",
        "san-pedro-bay/RTG02",
        "san-pedro-bay/LB-YT1",
        "san-pedro-bay/7ABC123",
    ]
    assert [(r.index, r.field, r.value) for r in first.rejected] == [(5, "power_source", "steam")]
    assert first.records == 5
    again = load_equipment_text(session, OPERATOR, REGISTER, source="reg.csv")
    assert (again.stored, again.updated, len(again.duplicates)) == ([], [], 4)
    assert [d.index for d in again.duplicates] == [2, 3, 4, 6]
    changed = load_equipment_text(session, OPERATOR, REGISTER.replace("2012,", "2013,"), source="reg2.csv")
    assert (changed.updated, len(changed.duplicates)) == (["san-pedro-bay/RTG01"], 3)
    units = {u.unit_id: u for u in equipment_units(session, "san-pedro-bay")}
    assert (units["RTG01"].model_year, units["RTG01"].source, units["RTG01"].line) == (2013, "reg2.csv", 2)

    log = load_equipment_text(session, OPERATOR, ACTIVITY, source="act.csv")
    assert log.kind is EquipmentFileKind.ACTIVITY
    assert log.stored == [
        "RTG01 2024-01-01..2024-01-31",
        "RTG02 2024-01-01..2024-01-31",
        "LB-YT1 2024-01-01..2024-01-31",
    ]
    assert [(r.index, r.field) for r in log.rejected] == [(3, "period_start"), (5, "unit_id")]
    assert "no such unit in the equipment register" in log.rejected[1].reason
    assert log.to_dict()["records"] == 5
    again_log = load_equipment_text(session, OPERATOR, ACTIVITY, source="act.csv")
    assert (again_log.stored, [d.index for d in again_log.duplicates]) == ([], [2, 4, 6])
    records = equipment_activity(session, "san-pedro-bay", 2024)
    assert [(r.unit_id, r.hours, r.fuel_l, r.kwh) for r in records] == [
        ("LB-YT1", 250.0, None, 7500.0),
        ("RTG01", 300.0, 4800.0, None),
        ("RTG02", 200.0, 1600.0, None),
    ]


def test_a_period_overlapping_a_stored_one_is_rejected(session: Session) -> None:
    load_equipment_text(session, OPERATOR, REGISTER, source="reg.csv")
    load_equipment_text(session, OPERATOR, ACTIVITY, source="act.csv")
    late = "unit_id,period_start,period_end,hours\nRTG01,2024-01-31,2024-02-10,10\nRTG02,2024-02-01,2024-02-29,12\n"
    outcome = load_equipment_text(session, OPERATOR, late, source="late.csv")
    assert outcome.stored == ["RTG02 2024-02-01..2024-02-29"]
    assert [(r.index, r.field, r.value) for r in outcome.rejected] == [(2, "period_start", "2024-01-31")]
    assert "overlaps the stored period 2024-01-01..2024-01-31" in outcome.rejected[0].reason


def test_a_unit_of_two_ports_needs_the_port_column(session: Session) -> None:
    both = (
        "unit_id,port,unlocode,kind,power_source\n"
        "F1,nagoya,JPNGO,forklift,diesel\n"
        "F1,shenzhen,CNYTN,forklift,electric\n"
    )
    load_equipment_text(session, OPERATOR, both, source="reg.csv")
    plain = load_equipment_text(
        session,
        OPERATOR,
        "unit_id,period_start,period_end,hours\nF1,2024-01-01,2024-01-31,5\n",
        source="a.csv",
    )
    assert [(r.index, r.field) for r in plain.rejected] == [(2, "unit_id")]
    assert "nagoya, shenzhen" in plain.rejected[0].reason
    named = load_equipment_text(
        session,
        OPERATOR,
        "unit_id,port,period_start,period_end,kwh\nF1,shenzhen,2024-01-01,2024-01-31,90\n",
        source="b.csv",
    )
    assert named.rejected == []
    assert [r.kwh for r in equipment_activity(session, "shenzhen", 2024)] == [90.0]
    assert equipment_activity(session, "nagoya", 2024) == []


def test_a_port_authority_loads_its_own_port_only(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    lax = make_org("Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    outcome = load_equipment_text(session, lax, REGISTER, source="reg.csv")
    assert outcome.stored == ["san-pedro-bay/RTG01", "san-pedro-bay/RTG02"]
    refused = [(r.index, r.field, r.value) for r in outcome.rejected if r.field == "unlocode"]
    assert refused == [(4, "unlocode", "USLGB"), (6, "unlocode", None)]
    assert "of its own port (USLAX)" in outcome.rejected[0].reason
    # The hub operator loads the rest; the authority may then not log the Long Beach tractor's activity.
    load_equipment_text(session, OPERATOR, REGISTER, source="reg.csv")
    log = load_equipment_text(session, lax, ACTIVITY, source="act.csv")
    assert [(r.index, r.field) for r in log.rejected] == [(3, "period_start"), (5, "unit_id"), (6, "unit_id")]
    assert "this one is at USLGB" in log.rejected[2].reason


@pytest.mark.parametrize(
    ("role", "scopes"),
    [
        (OrgRole.TERMINAL_OPERATOR, tuple(Scope)),
        (OrgRole.TRUCKER, tuple(Scope)),
        (OrgRole.PORT_AUTHORITY, (Scope.EVENTS_WRITE,)),
    ],
)
def test_nobody_else_loads_equipment(session: Session, role: OrgRole, scopes: tuple[Scope, ...]) -> None:
    who = Principal(7, "Somebody", role, "APMT", "USLAX", frozenset(scopes))
    with pytest.raises(PermissionDeniedError):
        load_equipment_text(session, who, REGISTER, source="reg.csv")
    assert equipment_units(session, "san-pedro-bay") == []


@pytest.mark.parametrize(
    ("header", "needle"),
    [
        ("unit_id,hours,moves", "neither an equipment register nor an activity log"),
        ("unit_id,port,kind,power_source,period_start,period_end", "both"),
        ("unit_id,kind,power_source", "port"),
        ("unit_id,period_start", "period_end"),
    ],
)
def test_a_file_that_is_neither_kind_is_refused_whole(header: str, needle: str) -> None:
    with pytest.raises(InputError, match=needle) as info:
        read_equipment(header + "\nX,1,2\n", source="x.csv")
    assert info.value.source == "x.csv"


# --- inventory calls ----------------------------------------------------------------------------------------

GRAMS = [f"{p.column}_g" for p in Pollutant]


def _calls(*rows: dict[str, Any]) -> pl.DataFrame:
    """A ``calls.parquet``-shaped table: ``co2e`` and ``nox`` given, the other pollutants 1 g."""
    schema: dict[str, Any] = {
        "call_id": pl.String,
        "mmsi": pl.Int64,
        "category": pl.String,
        "call_type": pl.String,
        "in_totals": pl.Boolean,
        "terminal": pl.String,
        "main_berth": pl.String,
        "arrival": pl.Datetime("us", "UTC"),
        **dict.fromkeys(GRAMS, pl.Float64),
    }
    full = [
        {**dict.fromkeys(GRAMS, 1.0), "co2e_g": r.pop("co2e"), "nox_g": r.pop("nox", 1.0), **r} for r in rows
    ]
    return pl.DataFrame(full, schema=schema)


ARRIVAL = datetime(2024, 3, 1, 12, tzinfo=UTC)


def _row(mmsi: int, **values: Any) -> dict[str, Any]:
    base = {
        "call_id": f"{mmsi}-x",
        "mmsi": mmsi,
        "category": "ogv",
        "call_type": "berth",
        "in_totals": True,
        "terminal": "APMT",
        "main_berth": "pola-apm-pier400",
        "arrival": ARRIVAL,
        "co2e": 1000.0,
    }
    return base | values


def _inventory() -> pl.DataFrame:
    return _calls(
        _row(366_000_001),  # at APMT, Los Angeles
        _row(366_000_002, terminal="LBCT", main_berth="harbor:LBCT", co2e=500.0),  # Long Beach
        _row(366_000_003, category="harbor_craft", terminal=None, main_berth=None, co2e=30.0),  # no berth
        # 21:00 on 31 December 2023 in Los Angeles: a 2023 call
        _row(366_000_004, arrival=datetime(2024, 1, 1, 5, tzinfo=UTC), co2e=7.0),
        _row(366_000_005, category="ogv", call_type="pass_through", in_totals=False, co2e=99.0),
        _row(366_000_006, category="tanker", co2e=1.0),
        _row(366_000_007, co2e=-1.0),
    )


def test_an_inventory_s_calls_in_the_totals_are_stored_once(session: Session) -> None:
    profile = load_profile("san-pedro-bay")
    outcome = store_ship_emissions(session, OPERATOR, _inventory(), profile, source="calls.parquet")
    assert outcome.stored == [
        "366000001-20240301T120000Z",
        "366000002-20240301T120000Z",
        "366000003-20240301T120000Z",
        "366000004-20240101T050000Z",
    ]
    assert [(r.index, r.field) for r in outcome.rejected] == [(5, "category"), (6, "co2e_g")]
    assert (outcome.not_in_totals, outcome.records, outcome.removed) == (1, 7, 0)
    rows = session.execute(
        select(
            ShipCallEmissionRow.mmsi,
            ShipCallEmissionRow.unlocode,
            ShipCallEmissionRow.terminal_code,
            ShipCallEmissionRow.year,
        ).order_by(ShipCallEmissionRow.mmsi)
    ).all()
    assert [tuple(r) for r in rows] == [
        (366_000_001, "USLAX", "APMT", 2024),
        (366_000_002, "USLGB", "LBCT", 2024),
        (366_000_003, None, None, 2024),
        (366_000_004, "USLAX", "APMT", 2023),
    ]
    totals = ship_emissions(session, "san-pedro-bay", 2024)
    assert totals["ogv"]["CO2e"] == 1500.0  # 1,000 at APMT + 500 at LBCT; pass-through and 2023 left out
    assert totals["harbor_craft"]["CO2e"] == 30.0
    assert totals["ogv"]["CO2"] == 2.0  # the other pollutants: 1 g per call
    again = store_ship_emissions(session, OPERATOR, _inventory(), profile, source="calls.parquet")
    assert (again.stored, [d.index for d in again.duplicates], again.removed) == ([], [0, 1, 2, 3], 0)


def test_a_port_authority_stores_its_own_port_s_calls(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    lgb = make_org("Port of Long Beach", OrgRole.PORT_AUTHORITY, port_unlocode="USLGB")
    outcome = store_ship_emissions(
        session, lgb, _inventory(), load_profile("san-pedro-bay"), source="c.parquet"
    )
    assert outcome.stored == ["366000002-20240301T120000Z"]
    assert [(r.index, r.field) for r in outcome.rejected] == [
        (0, "unlocode"),
        (2, "unlocode"),
        (3, "unlocode"),
        (5, "category"),
        (6, "co2e_g"),
    ]


def test_a_table_without_the_emission_columns_is_refused(session: Session) -> None:
    table = _inventory().drop("hc_g")
    with pytest.raises(InputError, match="missing hc_g"):
        store_ship_emissions(session, OPERATOR, table, load_profile("san-pedro-bay"), source="calls.parquet")


def test_a_one_port_profile_places_every_call_at_its_port(session: Session) -> None:
    table = _calls(_row(431_000_001, terminal=None, main_berth=None, co2e=5.0))
    outcome = store_ship_emissions(session, OPERATOR, table, load_profile("nagoya"), source="calls.parquet")
    assert outcome.rejected == []
    assert session.scalar(select(ShipCallEmissionRow.unlocode)) == "JPNGO"
    # 12:00 UTC is 21:00 in Nagoya, the same day.
    assert session.scalar(select(ShipCallEmissionRow.year)) == 2024


# --- command line ------------------------------------------------------------------------------------------

runner = CliRunner()


def test_load_equipment_prints_each_reject_and_the_counts(tmp_path: Path, db_url: str) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    done = runner.invoke(app, ["load", "equipment", str(register), "--db", db_url])
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith(f"rejected {register} record 5 power_source: unknown value; use one of diesel")
    assert lines[0].endswith("(value 'steam')")
    assert lines[-1] == "equipment units stored 4, updated 0, duplicates 0, rejected 1"
    again = runner.invoke(app, ["load", "equipment", str(register), "--db", db_url])
    assert (
        again.stdout.strip().splitlines()[-1]
        == "equipment units stored 0, updated 0, duplicates 4, rejected 1"
    )
    activity = tmp_path / "activity.csv"
    activity.write_text(ACTIVITY, encoding="utf-8")
    logged = runner.invoke(app, ["load", "equipment", str(activity), "--db", db_url])
    assert logged.exit_code == 0, logged.output
    assert f"rejected {activity} record 5 unit_id: no such unit in the equipment register" in logged.stdout
    assert (
        logged.stdout.strip().splitlines()[-1]
        == "activity records stored 3, updated 0, duplicates 0, rejected 2"
    )
    hopeless = tmp_path / "hopeless.csv"
    hopeless.write_text(
        "unit_id,period_start,period_end,hours\nNOPE,2024-01-01,2024-01-31,1\n", encoding="utf-8"
    )
    refused = runner.invoke(app, ["load", "equipment", str(hopeless), "--db", db_url])
    assert refused.exit_code == 1  # every row rejected


def test_load_inventory_stores_the_calls_and_is_idempotent(tmp_path: Path, db_url: str) -> None:
    (tmp_path / "inventory").mkdir()
    _inventory().write_parquet(tmp_path / "inventory" / "calls.parquet")
    path = tmp_path / "inventory" / "calls.parquet"
    done = runner.invoke(
        app, ["load", "inventory", str(tmp_path / "inventory"), "--port", "san-pedro-bay", "--db", db_url]
    )
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    assert (
        lines[0]
        == f"rejected {tmp_path / 'inventory'} record 5 category: must be one of ogv, harbor_craft (value 'tanker')"
    )
    assert lines[-1] == (
        "ship calls stored 4, updated 0, duplicates 0, rejected 2, removed 0; not in the port's totals 1"
    )
    again = runner.invoke(app, ["load", "inventory", str(path), "--port", "san-pedro-bay", "--db", db_url])
    assert again.stdout.strip().splitlines()[-1].startswith("ship calls stored 0, updated 0, duplicates 4")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["equipment", "{dir}/missing.csv"], "cannot read file"),
        (["equipment", "{dir}/latin1.csv"], "not valid UTF-8 text at byte"),
        (["equipment", "{dir}/neither.csv"], "neither an equipment register nor an activity log"),
        (["inventory", "{dir}", "--port", "san-pedro-bay"], "cannot read Parquet file"),
        (["inventory", "{dir}", "--port", "atlantis"], "unknown port profile"),
    ],
)
def test_an_unusable_file_is_one_line_and_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    (tmp_path / "latin1.csv").write_bytes(b"unit_id,port,kind,power_source\nF\xe9,nagoya,forklift,diesel\n")
    (tmp_path / "neither.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    command = [a.format(dir=tmp_path) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "quayside.cli", "load", *command, "--db", url],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert needle in done.stderr


# --- the demo ----------------------------------------------------------------------------------------------


def test_the_demo_loads_the_equipment_files_and_the_inventory_once(tmp_path: Path, db_url: str) -> None:
    (tmp_path / "equipment").mkdir()
    (tmp_path / "equipment" / "register.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "equipment" / "activity.csv").write_text(ACTIVITY, encoding="utf-8")
    (tmp_path / "inventory").mkdir()
    _inventory().write_parquet(tmp_path / "inventory" / "calls.parquet")
    engine = db.make_engine(db_url)
    try:
        for run in range(2):
            summary = DemoSummary(database=db_url, keys_path=tmp_path / "keys.json")
            with db.session_factory(engine)() as session:
                load_carbon_inputs(session, tmp_path, "san-pedro-bay", summary)
            feeds = {name: (c.stored, c.duplicates, c.rejected) for name, c in summary.feeds.items()}
            if run == 0:
                assert feeds == {
                    "equipment/register.csv": (4, 0, 1),
                    "equipment/activity.csv": (3, 0, 2),
                    "calls.parquet ship emissions": (4, 0, 2),
                }
            else:
                assert feeds == {
                    "equipment/register.csv": (0, 4, 1),
                    "equipment/activity.csv": (0, 3, 2),
                    "calls.parquet ship emissions": (0, 4, 2),
                }
    finally:
        engine.dispose()


def test_the_demo_counts_an_inventory_without_emission_columns_as_one_rejected_file(
    tmp_path: Path, db_url: str
) -> None:
    (tmp_path / "inventory").mkdir()
    pl.DataFrame({"mmsi": [1], "arrival": [datetime(2024, 1, 1, tzinfo=UTC)]}).write_parquet(
        tmp_path / "inventory" / "calls.parquet"
    )
    summary = DemoSummary(database=db_url, keys_path=tmp_path / "keys.json")
    engine = db.make_engine(db_url)
    try:
        with db.session_factory(engine)() as session:
            load_carbon_inputs(session, tmp_path, "san-pedro-bay", summary)
    finally:
        engine.dispose()
    assert {n: c.rejected for n, c in summary.feeds.items()} == {"calls.parquet ship emissions": 1}
