"""The transition planner, checked against hand-worked examples (the arithmetic is in the comments).

The land-side methods are replaced by a stand-in with round numbers (:class:`Methods`) and the reference
tables by :func:`make_tables`, so that each expected value is worked from numbers written here;
``test_planner_outputs.py`` runs the real land-side methods and tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import InputError
from quayside.programs.planner.base import base_from_mapping
from quayside.programs.planner.energy import GridIntensity, ZevRate
from quayside.programs.planner.output import run_plan
from quayside.programs.planner.scenarios import Scenario, read_scenario
from quayside.programs.planner.tables import PeakRule, PlannerTables, Sourced
from quayside.programs.planner.years import YearResult, plan_years
from quayside.programs.targets import parse_targets

PORT = "san-pedro-bay"
BASE_YEAR = 2025


@dataclass
class Methods:
    """Stand-in land-side methods: round rates, grid 300 g CO2e/kWh lifecycle (200 operational), grey H2 12 and
    green H2 2 kg CO2e/kg."""

    rates: dict[tuple[str, str], ZevRate] = field(
        default_factory=lambda: {
            ("rtg_crane", "hydrogen_fuel_cell"): ZevRate(kg_h2_per_hour=4.0),
            ("rtg_crane", "electric"): ZevRate(kwh_per_hour=50.0),
            ("yard_tractor", "electric"): ZevRate(kwh_per_hour=60.0),
            ("drayage_truck", "hydrogen_fuel_cell"): ZevRate(kg_h2_per_mile=0.1, kg_h2_per_hour=0.2),
            ("drayage_truck", "electric"): ZevRate(kwh_per_mile=2.0),
        }
    )

    def zev_rate(self, kind: EquipmentKind, power: PowerSource) -> ZevRate:
        return self.rates[(kind.value, power.value)]

    def grid(self, port: str, year: int) -> GridIntensity:
        return GridIntensity(operational=200.0, lifecycle=300.0)

    def hydrogen_kg_co2e_per_kg(self, pathway: str) -> float:
        return {"grey": 12.0, "green": 2.0}[pathway]


def make_tables(**parameters: float) -> PlannerTables:
    values = {
        "hydrogen_station_kg_per_day": 50.0,
        "onboard_co2_g_per_kwh": 700.0,
        "marine_fuel_t_co2_per_t": 3.2,
        "drayage_diesel_l_per_mile": 0.5,
        "ogv_share_hotelling": 0.5,
        "ogv_share_anchorage": 0.1,
        "ogv_share_maneuvering": 0.1,
        "ogv_share_transit": 0.3,
        "container_share_hotelling": 0.6,
        "shore_power_base_share": 0.2,
        "shore_power_plug_fraction": 0.9,
        "vsr_base_participation": 0.0,
        "vsr_speed_kn": 12.0,
        "unrestricted_speed_kn": 15.0,
        **parameters,
    }
    peak = {
        "sts_crane": PeakRule(20.0, 2.0, "test", "U"),
        "rtg_crane": PeakRule(20.0, 1.5, "test", "U"),
        "yard_tractor": PeakRule(8.0, 1.0, "test", "U"),
        "drayage_truck": PeakRule(10.0, 1.0, "test", "U"),
        "shore_power": PeakRule(24.0, 1.5, "test", "U"),
    }
    price_list = (
        ("electricity_per_kwh", 0.2),
        ("hydrogen_per_kg", 5.0),
        ("diesel_per_l", 1.0),
        ("marine_fuel_per_t", 800.0),
    )
    prices = {(PORT, k): Sourced(v, "test", "U") for k, v in price_list}
    return PlannerTables(
        parameters={("*", k): Sourced(v, "test", "U") for k, v in values.items()},
        peak=peak,
        prices=prices,
        capex={},
    )


def make_base(**extra: Any) -> dict[str, Any]:
    """A 2025 base: 10 diesel RTGs (20,000 h, 320,000 L), 100 diesel yard tractors (200,000 h), electric STS
    cranes (3,650,000 kWh), 1,000 diesel trucks (1,000,000 mi, 50,000 h), ships; 100,000 TEU."""
    doc: dict[str, Any] = {
        "port": PORT,
        "year": BASE_YEAR,
        "teu": 100_000,
        "by_category_g": {
            "ogv": {"CO2": 1e10, "CO2e": 1.01e10, "NOx": 2e8, "well_to_wheel": {"CO2e": 1.2e10}},
            # RTGs 8.6e8 + tractors 1.0e9 + 1.4e8 of machines outside the groups = 2.0e9 g CO2
            "cargo_handling_equipment": {"CO2": 2.0e9, "CO2e": 2.0e9, "NOx": 1e7, "well_to_wheel": {"CO2e": 3.5e9}},
            "trucks": {"CO2": 1.5e9, "CO2e": 1.5e9, "NOx": 5e6, "well_to_wheel": {"CO2e": 1.8e9}},
        },
        "by_equipment": [
            {"kind": "rtg_crane", "power_source": "diesel", "units": 10, "hours": 20_000, "fuel_l": 320_000,
             "kwh": 0, "kg_h2": 0, "ttw_g": {"CO2": 8.6e8, "CO2e": 8.6e8, "NOx": 4e6}, "wtw_co2e_g": 1.05e9},
            {"kind": "yard_tractor", "power_source": "diesel", "units": 100, "hours": 200_000, "fuel_l": 375_000,
             "kwh": 0, "kg_h2": 0, "ttw_g": {"CO2": 1.0e9, "CO2e": 1.0e9, "NOx": 5e6}, "wtw_co2e_g": 1.2e9},
            {"kind": "sts_crane", "power_source": "electric", "units": 5, "hours": 30_000, "fuel_l": 0,
             "kwh": 3_650_000, "kg_h2": 0, "ttw_g": {}, "wtw_co2e_g": 1.095e9},
            {"kind": "drayage_truck", "power_source": "diesel", "units": 1000, "hours": 50_000, "miles": 1_000_000,
             "fuel_l": 500_000, "kwh": 0, "kg_h2": 0, "ttw_g": {"CO2": 1.5e9, "CO2e": 1.5e9, "NOx": 5e6},
             "wtw_co2e_g": 1.8e9},
        ],
    }  # fmt: skip
    doc.update(extra)
    return doc


def write_scenario(tmp_path: Path, body: str, name: str = "s") -> Scenario:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[scenario]\nname = "{name}"\nport = "{PORT}"\n{body}', encoding="utf-8")
    return read_scenario(path)


def plan(
    tmp_path: Path, body: str, base: dict[str, Any] | None = None, **tables: float
) -> dict[int, YearResult]:
    years, _ = plan_years(base_from_mapping(base or make_base(), "base.json"), write_scenario(tmp_path, body),
                          Methods(), make_tables(**tables))  # fmt: skip
    return {r.year: r for r in years}


def test_replacing_four_diesel_rtgs_by_hydrogen_removes_their_grams_and_adds_hydrogen(tmp_path: Path) -> None:
    years = plan(
        tmp_path,
        '[[equipment]]\nkind = "rtg_crane"\nto = "hydrogen_fuel_cell"\nunits = 4\nfrom_year = 2027\n',
    )
    assert years[2026].ttw_g["cargo_handling_equipment"]["CO2"] == pytest.approx(2.0e9)  # before from_year
    assert years[2026].hydrogen_kg == 0
    r = years[2027]
    # f = 4 / 10 units = 0.4. CO2 removed 0.4 x 8.6e8 = 3.44e8 -> 2.0e9 - 3.44e8 = 1.656e9; NOx 1e7 - 0.4 x 4e6 = 8.4e6
    assert r.ttw_g["cargo_handling_equipment"]["CO2"] == pytest.approx(1.656e9)
    assert r.ttw_g["cargo_handling_equipment"]["NOx"] == pytest.approx(8.4e6)
    # hydrogen: 0.4 x 20,000 h x 4 kg/h = 32,000 kg -> 32 t/yr, 32,000 / 365 = 87.671 kg/day, ceil(87.671 / 50) = 2
    assert r.hydrogen_kg == pytest.approx(32_000)
    assert r.hydrogen_t_per_year == pytest.approx(32.0)
    assert r.hydrogen_kg_per_day == pytest.approx(87.671, abs=1e-3)
    assert r.hydrogen_stations == 2
    # well-to-wheel: 3.5e9 - 0.4 x 1.05e9 + 32,000 kg x 12 kg CO2e/kg x 1000 g/kg = 3.5e9 - 4.2e8 + 3.84e8 = 3.464e9
    assert r.wtw_co2e_g["cargo_handling_equipment"] == pytest.approx(3.464e9)
    # other categories untouched
    assert r.ttw_g["trucks"]["CO2"] == pytest.approx(1.5e9)
    assert r.avoided_t_co2e == pytest.approx(36.0)  # (4.2e8 - 3.84e8) / 1e6


def test_peak_mw_and_hydrogen_per_day_by_hand(tmp_path: Path) -> None:
    body = (
        '[[equipment]]\nkind = "yard_tractor"\nto = "electric"\nshare = { 2030 = 0.5 }\n'
        '[[equipment]]\nkind = "drayage_truck"\nto = "hydrogen_fuel_cell"\nshare = { 2030 = 0.25 }\n'
    )
    r = plan(tmp_path, body)[2030]
    # tractors: 0.5 x 200,000 h x 60 kWh/h = 6,000,000 kWh; STS (base) 3,650,000 kWh -> 9,650 MWh
    assert r.electricity_mwh == pytest.approx(9_650.0)
    # peak: tractors 6e6 / 365 = 16,438.36 kWh/day / 8 h x 1.0 = 2,054.79 kW;
    #       STS 3.65e6 / 365 = 10,000 kWh/day / 20 h x 2.0 = 1,000 kW -> 3.05479 MW
    assert r.peak_mw == pytest.approx(3.05479, abs=1e-5)
    # trucks: 0.25 x (1,000,000 mi x 0.1 kg/mi + 50,000 h x 0.2 kg/h) = 0.25 x 110,000 = 27,500 kg
    # -> 27,500 / 365 = 75.342 kg/day, 27.5 t/yr, ceil(75.342 / 50) = 2 stations
    assert r.hydrogen_kg_per_day == pytest.approx(75.342, abs=1e-3)
    assert r.hydrogen_t_per_year == pytest.approx(27.5)
    assert r.hydrogen_stations == 2


def test_a_share_by_a_year_ramps_linearly_from_the_base_year(tmp_path: Path) -> None:
    years = plan(
        tmp_path,
        '[[equipment]]\nkind = "yard_tractor"\nto = "electric"\nshare = { 2030 = 0.5, 2035 = 1.0 }\n',
    )
    # share: 2025 0, 2027 0.5 x 2/5 = 0.2, 2030 0.5, 2033 0.5 + 0.5 x 3/5 = 0.8, 2040 held at 1.0
    # removed tractor CO2 = share x 1.0e9 from the category's 2.0e9
    for year, share in ((2025, 0.0), (2027, 0.2), (2030, 0.5), (2033, 0.8), (2040, 1.0)):
        assert years[year].ttw_g["cargo_handling_equipment"]["CO2"] == pytest.approx(2.0e9 - share * 1.0e9)
        assert years[year].electricity_kwh.get("yard_tractor", 0.0) == pytest.approx(share * 200_000 * 60)


def test_growth_scales_activity_and_units_replaced_stay_whole_units(tmp_path: Path) -> None:
    body = 'growth_pct_per_year = 10.0\n[[equipment]]\nkind = "rtg_crane"\nto = "electric"\n'
    body += "units = 5\nfrom_year = 2027\n"
    r = plan(tmp_path, body)[2027]
    # G = 1.1^2 = 1.21; group 10 x 1.21 = 12.1 units, f = 5 / 12.1; removed = f x 8.6e8 x 1.21 = 5 x 8.6e7 = 4.3e8
    assert r.ttw_g["cargo_handling_equipment"]["CO2"] == pytest.approx(2.0e9 * 1.21 - 4.3e8)
    # added: 5 units' hours 5/10 x 20,000 = 10,000 h x 50 kWh/h = 500,000 kWh; STS 3,650,000 x 1.21 = 4,416,500
    assert r.electricity_kwh["rtg_crane"] == pytest.approx(500_000)
    assert r.electricity_kwh["sts_crane"] == pytest.approx(4_416_500)


def test_grid_decarbonisation_reprices_the_base_electricity(tmp_path: Path) -> None:
    years = plan(tmp_path, "[grid]\nco2e_g_per_kwh = { 2030 = 0 }\n")
    # lifecycle 300 g/kWh in 2025 -> 0 in 2030: 2027 = 300 x 3/5 = 180; STS 3,650,000 kWh x (180 - 300) = -4.38e8
    assert years[2027].wtw_co2e_g["cargo_handling_equipment"] == pytest.approx(3.5e9 - 4.38e8)
    assert years[2027].avoided_t_co2e == pytest.approx(438.0)
    # tank-to-wheel grams do not change with the grid
    assert years[2027].ttw_g["cargo_handling_equipment"]["CO2"] == pytest.approx(2.0e9)
    # scope 1+2 uses the operational factor scaled along the path: 200 x 180 / 300 = 120 g/kWh
    # -> CHE CO2e 2.0e9 + 3,650,000 x 120 = 2.438e9
    assert years[2027].terminal_scope12_co2e_g == pytest.approx(2.438e9)


def test_green_hydrogen_share_lowers_the_hydrogen_intensity(tmp_path: Path) -> None:
    body = ('[[equipment]]\nkind = "rtg_crane"\nto = "hydrogen_fuel_cell"\nshare = 1.0\n'
            '[hydrogen]\ngreen_share = { 2035 = 1.0 }\n')  # fmt: skip
    years = plan(tmp_path, body)
    # 2030: green share 0.5 -> 0.5 x 2 + 0.5 x 12 = 7 kg CO2e/kg; hydrogen 20,000 h x 4 = 80,000 kg -> 5.6e8 g
    assert years[2030].wtw_co2e_g["cargo_handling_equipment"] == pytest.approx(
        3.5e9 - 1.05e9 + 80_000 * 7_000
    )


def test_ship_measures_by_hand(tmp_path: Path) -> None:
    body = (
        "[shore_power]\nshare = { 2030 = 1.0 }\n[jit]\nanchorage_cut = { 2030 = 0.5 }\n"
        "[speed_reduction]\nparticipation = { 2030 = 1.0 }\n"
    )
    r = plan(tmp_path, body)[2030]
    # shore power: 0.5 hotelling x 0.6 container x 0.9 plug x (1 - 0.2) / (1 - 0.2 x 0.9) = 0.216 / 0.82 = 0.263415
    # JIT: 0.1 anchorage x 0.5 = 0.05; speed: 0.3 transit x (1 - 0) x (1 - (12/15)^2) / 1 = 0.3 x 0.36 = 0.108
    fraction = 0.216 / 0.82 + 0.05 + 0.108
    assert r.ttw_g["ogv"]["CO2"] == pytest.approx(1e10 * (1 - fraction))
    assert r.ttw_g["ogv"]["NOx"] == pytest.approx(2e8 * (1 - fraction))
    # grid power for the shore-power share: 0.263415 x 1e10 g CO2 / 700 g/kWh = 3,763,066 kWh
    shore_kwh = 0.216 / 0.82 * 1e10 / 700
    assert r.electricity_kwh["shore_power"] == pytest.approx(shore_kwh)
    assert r.wtw_co2e_g["ogv"] == pytest.approx(1.2e10 * (1 - fraction) + shore_kwh * 300)


def test_ship_shares_come_from_the_base_when_it_has_them(tmp_path: Path) -> None:
    by_mode = {"hotelling": {"CO2": 2e9}, "anchorage": {"CO2": 8e9}}  # anchorage holds 80% of the CO2
    base = make_base(ogv_by_mode_g=by_mode)
    r = plan(tmp_path, "[jit]\nanchorage_cut = 0.5\n", base=base)[2026]
    assert r.ttw_g["ogv"]["CO2"] == pytest.approx(1e10 * (1 - 0.8 * 0.5))  # 0.8 x 0.5 = 0.4 removed


def test_costs_per_tonne_avoided_by_hand(tmp_path: Path) -> None:
    body = (
        '[[equipment]]\nkind = "rtg_crane"\nto = "hydrogen_fuel_cell"\nunits = 4\nfrom_year = 2027\n'
        'capex_per_unit = 100000\nlifetime_years = 10\n[costs]\ncurrency = "USD"\n'
    )
    r = plan(tmp_path, body)[2027]
    # capital 4 x 100,000 / 10 y = 40,000; hydrogen 32,000 kg x 5 = 160,000; diesel saved 0.4 x 320,000 L x 1 = 128,000
    # -> 72,000 per year; avoided 36 t (first test) -> 2,000 per t CO2e
    assert r.cost == pytest.approx(72_000)
    assert r.cost_per_t_co2e == pytest.approx(2_000)
    assert plan(tmp_path, body.split("[costs]")[0])[2027].cost_per_t_co2e is None  # no [costs]: no cost


def test_year_a_target_is_met(tmp_path: Path) -> None:
    targets = parse_targets(
        "id,port,metric,scope,baseline_year,baseline_value,target_year,target_value,target_kind,source,status\n"
        f"che-half,{PORT},CO2e_t,cargo_handling_equipment,{BASE_YEAR},computed,2035,50,reduction_pct,test,U\n"
        f"che-ze,{PORT},zero_emission_share,cargo_handling_equipment,,computed,2030,1,absolute,test,U\n",
        "targets.csv",
    )
    body = '[[equipment]]\nkind = "yard_tractor"\nto = "electric"\nshare = { 2035 = 1.0 }\n'
    body += '[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nshare = { 2035 = 1.0 }\n'
    scenario = write_scenario(tmp_path, body)
    done = run_plan(
        base_from_mapping(make_base(), "base.json"), [scenario], Methods(), make_tables(), targets
    )
    half, ze = done.scenarios[0].targets
    # CHE CO2e 2.0e9; tractors + RTGs = 1.86e9 replaced at (y - 2025) / 10 a year; level 50% = 1.0e9:
    # 2.0e9 - 1.86e9 x (y - 2025) / 10 <= 1.0e9  <=>  y - 2025 >= 5.38 -> 2031 (2030: 2.0e9 - 0.93e9 = 1.07e9 > 1e9)
    assert half.level == pytest.approx(1000.0)  # tonnes
    assert half.year_met == 2031
    assert half.held is True  # no growth: once replaced, the machines stay zero-emission
    assert half.to_dict()["on_time"] is True
    assert half.baseline_year_met is None  # the baseline never gets there
    # zero-emission share: units (10 + 100 replaced of 110 diesel, 5 electric STS) reach 115/115 only in 2035
    assert ze.year_met == 2035
    assert ze.to_dict()["on_time"] is False


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ('[[equipment]]\nkind = "forklift"\nto = "electric"\nshare = 1.0\n', "equipment[1].kind", "has no forklift"),
        ('[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nunits = 12\n', "equipment[1].units", "holds 10"),
        ('[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nshare = { 2025 = 1.0 }\n', "equipment[1].share.2025",
         "not after the base year"),
        ('[[equipment]]\nkind = "rtg_crane"\nto = "electric"\nshare = 0.6\n'
         '[[equipment]]\nkind = "rtg_crane"\nto = "hydrogen_fuel_cell"\nshare = 0.6\n', "equipment[2]", "whole group"),
    ],
)  # fmt: skip
def test_a_scenario_the_base_cannot_carry_is_one_error_naming_file_and_key(
    tmp_path: Path, body: str, key: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        plan(tmp_path, body)
    text = str(caught.value)
    assert caught.value.field == key
    assert str(tmp_path / "s.toml") in text
    assert words in text
    assert "\n" not in text


def test_a_scenario_for_another_port_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.toml"
    path.write_text('[scenario]\nname = "n"\nport = "nagoya"\n', encoding="utf-8")
    with pytest.raises(InputError, match="another port") as caught:
        plan_years(base_from_mapping(make_base(), "base.json"), read_scenario(path), Methods(), make_tables())
    assert caught.value.field == "scenario.port"


def test_base_hydrogen_is_repriced_by_the_green_share(tmp_path: Path) -> None:
    base = make_base()
    base["by_equipment"].append(
        {"kind": "forklift", "power_source": "hydrogen_fuel_cell", "units": 4, "hours": 4000, "kwh": 0,
         "kg_h2": 1000, "fuel_l": 0, "ttw_g": {}, "wtw_co2e_g": 1.2e7}
    )  # fmt: skip
    years = plan(tmp_path, "[hydrogen]\ngreen_share = { 2030 = 1.0 }\n", base=base)
    # 1,000 kg made grey (12 kg CO2e/kg) in 2025; all green (2) in 2030: 1,000 x (2 - 12) x 1000 g = -1e7 g
    assert years[2030].wtw_co2e_g["cargo_handling_equipment"] == pytest.approx(3.5e9 - 1e7)
    assert years[2030].hydrogen_kg == pytest.approx(1000)
    # scope 1+2 of the terminals: CHE CO2e 2.0e9 + STS 3,650,000 kWh x 200 + 1,000 kg x 2,000 g = 2.732e9
    assert years[2030].terminal_scope12_co2e_g == pytest.approx(2.732e9)
