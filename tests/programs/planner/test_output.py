"""The planner end to end: the real land-side methods and tables, plan.json as the contract says, the CSV
files, and ``quayside plan`` with two bundled scenarios side by side (from a base file and from the store)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from quayside._cli_plan import register
from quayside.errors import InputError
from quayside.programs.planner.base import base_from_mapping
from quayside.programs.planner.energy import LandsideMethods
from quayside.programs.planner.output import plan_document, run_plan
from quayside.programs.planner.scenarios import read_scenario
from quayside.programs.planner.tables import planner_tables
from quayside.programs.planner.years import plan_years
from quayside.programs.targets import load_targets

PORT = "san-pedro-bay"
POLLUTANTS = {"CO2", "CH4", "N2O", "CO2e", "NOx", "SO2", "PM10", "PM2_5", "DPM", "CO", "HC"}


def base_doc() -> dict[str, Any]:
    """A 2024 San Pedro Bay base: 2 diesel RTGs (1,000 h), 10 diesel yard tractors (5,000 h), a diesel top
    handler (500 h), 2 propane forklifts (800 h), 100 diesel trucks (300,000 L, 2,000 h on the terminals),
    ships. The bundled scenarios replace every one of these groups."""
    return {
        "port": PORT,
        "year": 2024,
        "teu": 50_000,
        "by_category_g": {
            "ogv": {"CO2": 1e10, "CO2e": 1.01e10, "NOx": 2e8, "well_to_wheel": {"CO2e": 1.2e10}},
            "cargo_handling_equipment": {"CO2": 6.16e8, "CO2e": 6.16e8, "NOx": 4.11e6,
                                         "well_to_wheel": {"CO2e": 7.396e8}},
            "trucks": {"CO2": 8e8, "CO2e": 8e8, "NOx": 2e6, "well_to_wheel": {"CO2e": 9.6e8}},
        },
        "by_equipment": [
            {"kind": "rtg_crane", "power_source": "diesel", "category": "cargo_handling_equipment", "units": 2,
             "hours": 1000.0, "kwh": 0.0, "kg_h2": 0.0, "fuel_l": 16_000.0, "fuel_kg": 0.0,
             "ttw_g": {"CO2": 1e8, "CO2e": 1e8, "NOx": 1e6}, "wtw_co2e_g": 1.2e8},
            {"kind": "yard_tractor", "power_source": "diesel", "category": "cargo_handling_equipment", "units": 10,
             "hours": 5000.0, "kwh": 0.0, "kg_h2": 0.0, "fuel_l": 80_000.0, "fuel_kg": 0.0,
             "ttw_g": {"CO2": 5e8, "CO2e": 5e8, "NOx": 3e6}, "wtw_co2e_g": 6e8},
            {"kind": "top_handler", "power_source": "diesel", "category": "cargo_handling_equipment", "units": 1,
             "hours": 500.0, "kwh": 0.0, "kg_h2": 0.0, "fuel_l": 5_000.0, "fuel_kg": 0.0,
             "ttw_g": {"CO2": 1.3e7, "CO2e": 1.3e7, "NOx": 1e5}, "wtw_co2e_g": 1.6e7},
            {"kind": "forklift", "power_source": "propane", "category": "cargo_handling_equipment", "units": 2,
             "hours": 800.0, "kwh": 0.0, "kg_h2": 0.0, "fuel_l": 2_000.0, "fuel_kg": 0.0,
             "ttw_g": {"CO2": 3e6, "CO2e": 3e6, "NOx": 1e4}, "wtw_co2e_g": 3.6e6},
            {"kind": "drayage_truck", "power_source": "unregistered", "category": "trucks", "units": 100,
             "hours": 2000.0, "kwh": 0.0, "kg_h2": 0.0, "fuel_l": 300_000.0, "fuel_kg": 0.0,
             "ttw_g": {"CO2": 8e8, "CO2e": 8e8, "NOx": 2e6}, "wtw_co2e_g": 9.6e8},
        ],
        "targets": [],
    }  # fmt: skip


def test_real_land_side_rates_for_hydrogen_rtgs_and_battery_tractors(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        f'[scenario]\nname = "s"\nport = "{PORT}"\n'
        '[[equipment]]\nkind = "rtg_crane"\nto = "hydrogen_fuel_cell"\nshare = 1.0\n'
        '[[equipment]]\nkind = "yard_tractor"\nto = "electric"\nshare = 1.0\n',
        encoding="utf-8",
    )
    years, _ = plan_years(base_from_mapping(base_doc(), "base.json"), read_scenario(path), LandsideMethods(),
                          planner_tables())  # fmt: skip
    r = years[1]  # 2025
    # emissions/landside/tables/zev_energy.csv: hydrogen RTG 3.8404 kg/h, electric yard tractor 58.5 kWh/h
    # hydrogen 1,000 h x 3.8404 = 3,840.4 kg; electricity 5,000 h x 58.5 = 292,500 kWh
    assert r.hydrogen_kg == pytest.approx(3_840.4)
    assert r.electricity_kwh["yard_tractor"] == pytest.approx(292_500)
    # grid_factors.csv california 2021-: lifecycle 298.5 g/kWh; hydrogen_pathways.csv grey 12.3 kg CO2e/kg
    # CHE WTW: 7.396e8 - 1.2e8 - 6e8 + 3,840.4 x 12,300 + 292,500 x 298.5 = 1.96e7 (the top handler and the
    # forklifts, untouched) + 47,236,920 + 87,311,250 = 1.5414817e8
    assert r.wtw_co2e_g["cargo_handling_equipment"] == pytest.approx(1.5414817e8)
    # planner_peak.csv yard_tractor: 8 h, factor 1.0 -> 292,500 / 365 / 8 = 100.171 kW
    assert r.peak_mw == pytest.approx(0.100171, abs=1e-6)
    # planner_parameters.csv: 1,200 kg per station -> 3,840.4 / 365 = 10.52 kg/day -> 1 station
    assert r.hydrogen_stations == 1


def test_plan_json_has_the_keys_of_the_contract(tmp_path: Path) -> None:
    from quayside.programs.planner.scenarios import bundled_scenarios

    scenarios = [read_scenario(p) for p in bundled_scenarios(PORT)]
    plan = run_plan(base_from_mapping(base_doc(), "base.json"), scenarios, LandsideMethods(), planner_tables(),
                    load_targets())  # fmt: skip
    doc = json.loads(json.dumps(plan_document(plan)))
    assert set(doc) == {"port", "base", "horizon", "scenarios"}
    assert doc["base"] == {"source": "base.json", "year": 2024}
    assert set(doc["scenarios"]) == {"la-hydrogen", "lb-battery"}
    for s in doc["scenarios"].values():
        assert set(s) == {
            "title",
            "file",
            "description",
            "currency",
            "years",
            "baseline",
            "targets",
            "assumptions",
        }
        assert [y["year"] for y in s["years"]] == list(range(2024, 2051))
        for y in s["years"]:
            assert set(y) == {
                "year", "emissions_g", "electricity_mwh", "peak_mw", "hydrogen_kg_per_day", "hydrogen_t_per_year",
                "hydrogen_stations", "avoided_t_co2e", "cost_per_t_co2e",
            }  # fmt: skip
            for grams in y["emissions_g"].values():
                assert set(grams) == POLLUTANTS | {"well_to_wheel"}
                assert set(grams["well_to_wheel"]) == {"CO2e"}
        assert s["currency"] == "USD"  # both bundled scenarios give [costs]
        assert s["years"][0]["cost_per_t_co2e"] is None  # nothing avoided in the base year
        assert s["years"][-1]["cost_per_t_co2e"] is not None
        assert all("year_met" in t and "id" in t for t in s["targets"])
        ids = {t["id"] for t in s["targets"]}
        assert "caap-zero-emission-drayage-2035" in ids
        drayage = next(t for t in s["targets"] if t["id"] == "caap-zero-emission-drayage-2035")
        assert drayage["year_met"] == 2035  # both ramp trucks to 100% in 2035
    la = doc["scenarios"]["la-hydrogen"]["years"]
    assert la[-1]["hydrogen_kg_per_day"] > 0
    assert la[-1]["hydrogen_t_per_year"] == pytest.approx(la[-1]["hydrogen_kg_per_day"] * 365 / 1000)


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")  # a second command keeps ``plan`` a named subcommand, as in ``quayside``
    def noop() -> None:
        pass

    return app


def test_cli_plans_two_bundled_scenarios_side_by_side(tmp_path: Path) -> None:
    base = tmp_path / "annual.json"
    base.write_text(json.dumps(base_doc()), encoding="utf-8")
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        cli(), ["plan", "la-hydrogen", "lb-battery", "--port", PORT, "--base", str(base), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "la-hydrogen: 2030" in result.output
    assert "lb-battery: 2030" in result.output
    for name in ("plan.json", "plan.csv", "plan_emissions.csv", "plan_targets.csv", "plan.html"):
        assert (out / name).is_file()
    with (out / "plan.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 27  # two scenarios, 2024-2050
    assert {r["scenario"] for r in rows} == {"la-hydrogen", "lb-battery"}
    html = (out / "plan.html").read_text(encoding="utf-8")
    assert "la-hydrogen" in html
    assert "lb-battery" in html


def test_cli_refuses_a_base_of_another_port(tmp_path: Path) -> None:
    base = tmp_path / "annual.json"
    base.write_text(json.dumps({**base_doc(), "port": "nagoya"}), encoding="utf-8")
    result = CliRunner().invoke(cli(), ["plan", "la-hydrogen", "--port", PORT, "--base", str(base)])
    assert isinstance(result.exception, InputError)
    assert "not 'san-pedro-bay'" in str(result.exception)


def test_cli_bad_scenario_is_one_error_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[scenario]\nname = "b"\nport = "{PORT}"\nspeed = 12\n', encoding="utf-8")
    base = tmp_path / "annual.json"
    base.write_text(json.dumps(base_doc()), encoding="utf-8")
    result = CliRunner().invoke(cli(), ["plan", str(bad), "--port", PORT, "--base", str(base)])
    assert isinstance(result.exception, InputError)
    assert str(result.exception) == f"{bad}: field 'scenario.speed': unknown key; known keys here: " + (
        "name, title, port, description, growth_pct_per_year"
    )


def _wired() -> bool:
    from quayside.cli import app

    return any(c.name == "plan" for c in app.registered_commands)


@pytest.mark.skipif(
    not _wired(), reason="quayside.cli does not register `plan` yet (the integrator wires it)"
)
def test_quayside_plan_prints_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'[scenario]\nname = "b"\nport = "{PORT}"\n[jit]\nanchorage_cut = {{ 2070 = 0.5 }}\n',
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, "-m", "quayside.cli", "plan", str(bad), "--port", PORT],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "jit.anchorage_cut.2070" in done.stderr


def test_plan_from_the_store(tmp_path: Path) -> None:
    """Without --base, the base is the annual report built from the store (``annual_from_store``)."""
    from quayside.hub.operator import load_equipment_file
    from quayside.store import db as store_db

    url = f"sqlite:///{tmp_path / 'store.db'}"
    store_db.upgrade(url)
    register_csv = tmp_path / "register.csv"
    register_csv.write_text(
        "unit_id,port,unlocode,operator,kind,power_source,rated_kw,model_year,tier\n"
        f"RTG1,{PORT},USLAX,ETS,rtg_crane,diesel,,2015,\nRTG2,{PORT},USLAX,ETS,rtg_crane,diesel,,2015,\n",
        encoding="utf-8",
    )
    activity_csv = tmp_path / "activity.csv"
    activity_csv.write_text(
        "unit_id,period_start,period_end,hours,fuel_l,fuel_kg,kwh,kg_h2,miles,moves\n"
        "RTG1,2024-01-01,2024-12-31,1500,,,,,,\nRTG2,2024-01-01,2024-12-31,500,,,,,,\n",
        encoding="utf-8",
    )
    load_equipment_file(url, register_csv)
    load_equipment_file(url, activity_csv)
    scenario = tmp_path / "rtg.toml"
    scenario.write_text(
        f'[scenario]\nname = "rtg"\nport = "{PORT}"\n'
        '[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nunits = 1\nfrom_year = 2025\n',
        encoding="utf-8",
    )
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        cli(), ["plan", str(scenario), "--port", PORT, "--db", url, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["base"]["year"] == 2024
    years = {y["year"]: y for y in doc["scenarios"]["rtg"]["years"]}
    # one of two RTGs replaced: half of the group's 2,000 h = 1,000 h x 64 kWh/h (zev_energy.csv) = 64 MWh
    assert years[2025]["electricity_mwh"] == pytest.approx(64.0)
    assert years[2024]["electricity_mwh"] == 0
    che = "cargo_handling_equipment"
    assert years[2025]["emissions_g"][che]["NOx"] == pytest.approx(years[2024]["emissions_g"][che]["NOx"] / 2)


@pytest.mark.parametrize("port", ["san-pedro-bay", "nagoya", "shenzhen"])
def test_every_bundled_scenario_plans_on_a_base_of_its_port_and_cuts_co2e_by_2050(port: str) -> None:
    from quayside.programs.planner.scenarios import bundled_scenarios

    base = base_from_mapping({**base_doc(), "port": port}, "base.json")
    scenarios = [read_scenario(p) for p in bundled_scenarios(port)]
    plan = run_plan(base, scenarios, LandsideMethods(), planner_tables(), load_targets())
    for sp in plan.scenarios:
        assert sp.years[0].wtw_total_g == pytest.approx(
            sp.baseline[0].wtw_total_g
        )  # the base year is the base
        assert sp.years[-1].wtw_total_g < sp.baseline[-1].wtw_total_g, sp.scenario.name
