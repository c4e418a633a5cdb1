"""The annual report from the store: ship calls, equipment, truck visits and move counts of two years, and the
``report annual`` and ``targets`` commands on that store (one-line errors included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from quayside.emissions.landside import equipment_emissions, grid_factor, hydrogen_intensity, landside_tables
from quayside.emissions.types import Pollutant
from quayside.equipment.defaults import equipment_defaults
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.errors import ConfigError
from quayside.programs.annual.store import annual_from_store
from quayside.store.models import MoveCountRow, TruckVisitRow
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    find_units,
    replace_ship_calls,
    upsert_activity,
    upsert_units,
)
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole

PORT = "san-pedro-bay"


def unit(unit_id: str, kind: EquipmentKind, power: PowerSource, **extra: object) -> EquipmentUnit:
    return EquipmentUnit(unit_id, PORT, "USLAX", "TRM", kind, power, **extra)  # type: ignore[arg-type]


DIESEL_RTG = unit("D-RTG-1", EquipmentKind.RTG_CRANE, PowerSource.DIESEL, rated_kw=300.0, model_year=2015)
UNITS = [
    unit("E-RTG-1", EquipmentKind.RTG_CRANE, PowerSource.ELECTRIC, rated_kw=400.0, model_year=2020),
    unit("H2-YT-1", EquipmentKind.YARD_TRACTOR, PowerSource.HYDROGEN_FUEL_CELL, model_year=2024),
    DIESEL_RTG,
    unit("7ABC123", EquipmentKind.DRAYAGE_TRUCK, PowerSource.ELECTRIC, model_year=2023),
    unit("8XYZ999", EquipmentKind.DRAYAGE_TRUCK, PowerSource.DIESEL, model_year=2012),
]


def whole_year(unit_id: str, year: int, **logged: float) -> ActivityRecord:
    return ActivityRecord(unit_id, date(year, 1, 1), date(year, 12, 31), **logged)  # type: ignore[arg-type]


ACTIVITY = [
    whole_year("E-RTG-1", 2023, kwh=8_000.0),
    whole_year("D-RTG-1", 2023, hours=1_500.0),
    whole_year("E-RTG-1", 2024, kwh=10_000.0),
    whole_year("H2-YT-1", 2024, kg_h2=100.0),
    whole_year("D-RTG-1", 2024, hours=1_000.0),
]


def ship_call(year: int, co2e_g: float) -> ShipCallEmissions:
    grams = {p: 0.0 for p in Pollutant}
    grams[Pollutant.CO2] = 3.206e6
    grams[Pollutant.CO2E] = co2e_g
    return ShipCallEmissions(
        PORT, 366000001, datetime(year, 6, 1, 12, tzinfo=UTC), year, SourceCategory.OGV, "USLAX", None, grams
    )


def fill(session: Session) -> None:
    """Two years: ogv 5 t CO2e (2023) and 4 t (2024); equipment logs; 2024's truck visits and 1,000 moves."""
    upsert_units(session, UNITS)
    pks = {
        unit_id: stored[0].pk for unit_id, stored in find_units(session, [u.unit_id for u in UNITS]).items()
    }
    upsert_activity(session, [(pks[r.unit_id], r) for r in ACTIVITY])
    replace_ship_calls(session, PORT, [ship_call(2023, 5e6), ship_call(2024, 4e6)], span=None)
    org = create_organisation(session, "Harbor Trucking", OrgRole.TRUCKER)
    for i, plate in enumerate(["7ABC123", "8XYZ999", "NOTREG1"]):
        gate_in = datetime(2024, 3, 1 + i, 17, tzinfo=UTC)
        session.add(
            TruckVisitRow(
                visit_id=f"V{i}",
                un_location_code="USLAX",
                facility_code="TRM",
                trucking_company="HRBT",
                truck_license_plate=plate,
                gate_in=gate_in,
                gate_out=gate_in.replace(hour=18),
                owner_org_id=org.id,
            )
        )
    session.add(
        MoveCountRow(
            vessel_imo="9300001",
            carrier_voyage_number="001E",
            un_location_code="USLAX",
            facility_code="TRM",
            discharges=600,
            loads=400,
            owner_org_id=org.id,
            created_at=datetime(2024, 6, 2, tzinfo=UTC),
        )
    )
    session.commit()


@pytest.fixture
def filled(session_maker: sessionmaker[Session]) -> sessionmaker[Session]:
    with session_maker() as session:
        fill(session)
    return session_maker


def test_annual_from_store(filled: sessionmaker[Session]) -> None:
    with filled() as session:
        report = annual_from_store(session, PORT, 2024)
    tables = landside_tables()
    assert [t.year for t in report.trend] == [2023, 2024]
    assert report.baseline_year == 2023
    ogv = report.current.by_category["ogv"]
    assert ogv.ttw_g["CO2e"] == pytest.approx(4e6)
    # 1e6 g of marine gas oil (3.206e6 g CO2 / 3.206) x 0.0427 MJ/g x 14.4 g/MJ = 614,880 g upstream
    assert ogv.wtw_co2e_g == pytest.approx(4e6 + 614_880.0)
    assert report.vs_baseline["ogv"]["CO2e"] == pytest.approx((4e6 - 5e6) / 5e6)
    # 600 + 400 containers of a move count without sizes x the default TEU per container
    teu = 1000 * equipment_defaults().teu_per_container.value
    assert report.current.teu == pytest.approx(teu)
    # terminals' scope 1+2: the diesel RTG at the machine (the land-side method's own result) + 10,000 kWh x
    # the California grid's operational factor + 100 kg of grey hydrogen x its kg CO2e per kg x 1,000 g/kg
    diesel = equipment_emissions(DIESEL_RTG, [ACTIVITY[4]], port=PORT, year=2024, tables=tables)
    grid = grid_factor("california", 2024, tables).operational_g_per_kwh
    expected = diesel.ttw_g["CO2e"] + 10_000 * grid + 100 * hydrogen_intensity("grey", tables) * 1000
    assert diesel.ttw_g["CO2e"] > 0
    assert report.current.terminal_scope12_co2e_g == pytest.approx(expected)
    assert report.current.kg_co2e_per_teu == pytest.approx(expected / 1000 / teu)
    # units active in 2024: 2 zero-emission of 3 machines; trucks: 1 electric of 3 seen (one plate unregistered)
    shares = report.current.zero_emission_share
    assert shares["cargo_handling_equipment"] == pytest.approx(2 / 3)
    assert shares["trucks"] == pytest.approx(1 / 3)
    trucks = {g.power_source: g for g in report.current.by_equipment if g.kind == "drayage_truck"}
    assert set(trucks) == {"diesel", "electric", "unregistered"}
    assert all(g.units == 1 and g.hours == pytest.approx(1.0) for g in trucks.values())  # 17:00 to 18:00
    rtg = next(g for g in report.current.by_equipment if (g.kind, g.power_source) == ("rtg_crane", "diesel"))
    assert rtg.hours == pytest.approx(1_000.0)
    assert report.current.by_category["trucks"].ttw_g["CO2e"] > 0
    # 2023 had no truck visits and no truck logs
    assert report.trend[0].by_category["trucks"].ttw_g["CO2e"] == 0.0
    doc = report.to_json()
    assert doc["sources"]["years_held"] == [2023, 2024]
    assert doc["sources"]["grid"]["region"] == "california"
    json.dumps(doc, allow_nan=False)


def test_a_register_without_logs_counts_every_unit_at_default_hours(session: Session) -> None:
    upsert_units(session, UNITS[:3])
    replace_ship_calls(session, PORT, [ship_call(2024, 4e6)], span=None)
    session.commit()
    report = annual_from_store(session, PORT, 2024)
    tables = landside_tables()
    groups = {(g.kind, g.power_source): g for g in report.current.by_equipment}
    assert set(groups) == {
        ("rtg_crane", "diesel"),
        ("rtg_crane", "electric"),
        ("yard_tractor", "hydrogen_fuel_cell"),
    }
    assert (
        groups[("rtg_crane", "diesel")].hours == tables.defaults[EquipmentKind.RTG_CRANE].annual_hours.value
    )
    assert groups[("rtg_crane", "diesel")].ttw_g["CO2e"] > 0
    assert report.current.sources["equipment_without_logs"] == "default hours"
    assert "hours" in report.current.sources["defaulted"]["cargo_handling_equipment"]


def test_a_year_not_held_names_the_years_held(filled: sessionmaker[Session]) -> None:
    with filled() as session, pytest.raises(ConfigError) as info:
        annual_from_store(session, PORT, 2021)
    assert info.value.field == "year"
    assert "2023, 2024" in str(info.value)
    with filled() as session, pytest.raises(ConfigError, match="baseline year 2020"):
        annual_from_store(session, PORT, 2024, baseline_year=2020)


def _quayside(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``quayside`` with the report commands, through its own ``main`` (one-line errors, exit 2)."""
    code = (
        "from quayside import cli\n"
        "from quayside._cli_report import register\n"
        "names = {c.name for c in cli.app.registered_commands}\n"
        "if 'targets' not in names:\n"
        "    register(cli.app)\n"
        "cli.main()\n"
    )
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_the_commands(filled: sessionmaker[Session], db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "annual"
    done = _quayside(
        "report", "annual", "--port", PORT, "--year", "2024", "--out", str(out), "--db", db_url, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "san-pedro-bay 2024 (baseline 2023)" in done.stdout
    for name in ("annual.json", "annual.csv", "annual_targets.csv", "annual_equipment.csv", "annual.html"):
        assert (out / name).is_file()
    doc = json.loads((out / "annual.json").read_text())
    assert doc["year"] == 2024
    page = (out / "annual.html").read_text()
    assert "grid california" in page
    assert "hydrogen: grey" in page
    assert {t["id"] for t in doc["targets"]} >= {"caap-ghg-2030", "caap-zero-emission-drayage-2035"}

    done = _quayside("targets", "--port", PORT, "--db", db_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "san-pedro-bay 2024 (baseline 2023; years held: 2023, 2024)"
    # cargo-handling equipment: 1 of 2 units zero-emission in 2023 (0.5), 2 of 3 in 2024; trajectory 2024:
    # 0.5 + (1 - 0.5) x 1 / 7 = 0.5714; gap 0.5714 - 0.6667 = -0.0952 (ahead); trend +1/6 a year reaches 1.0
    # at 2023 + 0.5 x 6 = 2026.
    assert (
        "caap-zero-emission-che-2030 [C] zero_emission_share (cargo_handling_equipment): value 66.7%, "
        "trajectory 57.1%, target 100.0% by 2030, gap -9.5%, year met on trend 2026"
    ) in lines
    drayage = next(line for line in lines if line.startswith("caap-zero-emission-drayage-2035"))
    # 1 of 3 trucks zero-emission in 2024; no trucks seen in 2023, so no computed baseline
    assert "value 33.3%" in drayage
    assert "baseline year 2023" in next(
        line for line in lines if line.startswith("caap-zero-emission-drayage")
    )

    bad = tmp_path / "targets.csv"
    bad.write_text(
        "id,port,metric,scope,baseline_year,baseline_value,target_year,target_value,target_kind,source,status\n"
        "x,san-pedro-bay,CO2e_t,all,2023,computed,2030,40,reduction_pct,s,C\n"
        "y,san-pedro-bay,CO2e_t,all,2023,computed,2030,40,reduce,s,C\n"
    )
    done = _quayside("targets", "--port", PORT, "--targets", str(bad), "--db", db_url, cwd=tmp_path)
    assert done.returncode == 2
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert str(bad) in message
    assert "record 3" in message
    assert "target_kind" in message

    done = _quayside(
        "report", "annual", "--port", PORT, "--year", "2019", "--out", str(out), "--db", db_url, cwd=tmp_path
    )
    assert done.returncode == 2
    assert "years held: 2023, 2024" in done.stderr
    assert "Traceback" not in done.stderr
