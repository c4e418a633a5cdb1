"""The annual report's pure layer: categories, well-to-wheel, intensities, changes, annual.json and CSV files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from quayside.emissions.types import Pollutant
from quayside.errors import ConfigError, InputError
from quayside.programs.annual.report import (
    AnnualInputs,
    AnnualReport,
    EquipmentGroup,
    YearTotals,
    build_annual,
    write_annual,
    year_totals,
)
from quayside.programs.annual.well_to_tank import ship_well_to_tank
from quayside.programs.targets import parse_targets

PORT = "san-pedro-bay"
POLLUTANTS = [p.value for p in Pollutant]


@dataclass(frozen=True)
class Energy:
    kwh: float = 0.0
    kg_h2: float = 0.0
    fuel_l: dict[str, float] = field(default_factory=dict)
    fuel_kg: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """Shaped like ``quayside.emissions.landside.SourceEmissions``."""

    category: str
    ttw_g: dict[str, float]
    wtw_co2e_g: float
    energy: Energy = field(default_factory=Energy)
    defaulted: tuple[str, ...] = ()


GRID_G_PER_KWH = 250.0  # operational
H2_G_PER_KG = 12_300.0  # grey hydrogen, 12.3 kg CO2e per kg


def inputs_2024(**changes: object) -> AnnualInputs:
    """The hand-made year of the tests (numbers in grams).

    ogv: CO2 3.206e6 (1 t of marine gas oil at 3.206 g CO2 per g), CO2e 4e6, NOx 3e6.
    cargo-handling equipment: a diesel group (CO2e 2e6, NOx 1e6), an electric group (10,000 kWh), a hydrogen
    group (100 kg H2). trucks: CO2e 9e6 and 5,000 kWh (not the terminals'). rail: CO2e 4e6. 1,000 TEU.
    """
    landside = [
        Source("cargo_handling_equipment", {"CO2e": 2e6, "NOx": 1e6}, 2.4e6, defaulted=("rated_kw",)),
        Source("cargo_handling_equipment", {}, 3e6, Energy(kwh=10_000.0)),
        Source("cargo_handling_equipment", {}, 1.23e6, Energy(kg_h2=100.0)),
        Source("trucks", {"CO2e": 9e6}, 10e6, Energy(kwh=5_000.0), defaulted=("fleet_mix", "turn_time")),
        Source("rail", {"CO2e": 4e6}, 4.8e6),
    ]
    equipment = [
        EquipmentGroup("rtg_crane", "diesel", 6, hours=12_000.0, fuel_l=90_000.0, ttw_g={"CO2e": 2e6}),
        EquipmentGroup("rtg_crane", "electric", 2, hours=4_000.0, kwh=10_000.0, wtw_co2e_g=3e6),
        EquipmentGroup("yard_tractor", "hydrogen_fuel_cell", 2, kg_h2=100.0, wtw_co2e_g=1.23e6),
        EquipmentGroup("drayage_truck", "diesel", 90),
        EquipmentGroup("drayage_truck", "electric", 5),
        EquipmentGroup("drayage_truck", "unregistered", 5),
    ]
    values: dict[str, object] = {
        "port": PORT,
        "year": 2024,
        "ship_g": {"ogv": {"CO2": 3.206e6, "CO2e": 4e6, "NOx": 3e6}},
        "landside": landside,
        "teu": 1000.0,
        "by_equipment": equipment,
        "grid_g_co2e_per_kwh": GRID_G_PER_KWH,
        "hydrogen_g_co2e_per_kg": H2_G_PER_KG,
    }
    values.update(changes)
    return AnnualInputs(**values)  # type: ignore[arg-type]


def ships_only(year: int, ogv_co2e_g: float) -> YearTotals:
    return year_totals(AnnualInputs(port=PORT, year=year, ship_g={"ogv": {"CO2e": ogv_co2e_g}}))


def report(**kwargs: object) -> AnnualReport:
    history = [ships_only(2022, 8e6), ships_only(2023, 5e6)]
    return build_annual(inputs_2024(), targets=(), history=history, **kwargs)  # type: ignore[arg-type]


def test_kg_co2e_per_teu_is_the_terminals_scope_1_and_2() -> None:
    # cargo-handling equipment: 2e6 g at the machine + 10,000 kWh x 250 g/kWh (2.5e6) + 100 kg H2 x 12,300
    # g/kg (1.23e6) = 5.73e6 g = 5,730 kg over 1,000 TEU = 5.73 kg/TEU. The trucks' 9e6 g and their 5,000 kWh
    # and the rail's 4e6 g are not the terminals' and stay out.
    totals = year_totals(inputs_2024())
    assert totals.terminal_scope12_co2e_g == pytest.approx(5.73e6)
    assert totals.kg_co2e_per_teu == pytest.approx(5.73)


def test_tonnes_per_10000_teu() -> None:
    # NOx: ogv 3e6 + cargo-handling equipment 1e6 = 4e6 g = 4 t; 4 t / 1,000 TEU x 10,000 = 40 t.
    # CO2e: 4e6 + 2e6 + 9e6 + 4e6 = 19e6 g = 19 t -> 190 t per 10,000 TEU.
    totals = year_totals(inputs_2024())
    assert totals.t_per_10000_teu is not None
    assert totals.t_per_10000_teu["NOx"] == pytest.approx(40.0)
    assert totals.t_per_10000_teu["CO2e"] == pytest.approx(190.0)
    no_teu = year_totals(inputs_2024(teu=None))
    assert (no_teu.kg_co2e_per_teu, no_teu.t_per_10000_teu) == (None, None)


def test_ship_well_to_wheel_adds_the_upstream_of_marine_gas_oil() -> None:
    # 3.206e6 g CO2 / 3.206 g CO2 per g = 1e6 g of fuel; x 0.0427 MJ/g = 42,700 MJ; x 14.4 g CO2e/MJ
    # (FuelEU Annex II, MDO/MGO) = 614,880 g upstream. Well-to-wheel = 4e6 + 614,880 = 4,614,880 g.
    totals = year_totals(inputs_2024())
    assert totals.by_category["ogv"].wtw_co2e_g == pytest.approx(4_614_880.0)
    wtt = ship_well_to_tank(PORT, "ogv")
    assert wtt.g_co2e_per_g_co2 == pytest.approx(14.4 * 0.0427 / 3.206)
    assert wtt.fuel == "mdo_mgo"
    # the land side's own well-to-wheel: 2.4e6 + 3e6 + 1.23e6
    assert totals.by_category["cargo_handling_equipment"].wtw_co2e_g == pytest.approx(6.63e6)
    # total well-to-wheel: 4,614,880 + 6.63e6 + 10e6 + 4.8e6
    assert totals.totals.wtw_co2e_g == pytest.approx(26_044_880.0)


def test_change_vs_baseline_and_previous_year() -> None:
    # ogv CO2e: 8e6 (2022) -> 5e6 (2023) -> 4e6 (2024): vs 2022 (4 - 8) / 8 = -0.5, vs 2023 (4 - 5) / 5 = -0.2.
    # total CO2e 2024 = 19e6 against 8e6 in 2022: (19 - 8) / 8 = +1.375.
    r = report()
    assert r.baseline_year == 2022
    assert r.vs_baseline["ogv"]["CO2e"] == pytest.approx(-0.5)
    assert r.vs_previous["ogv"]["CO2e"] == pytest.approx(-0.2)
    assert r.vs_baseline["total"]["CO2e"] == pytest.approx(1.375)
    # nothing in 2022 to compare with: no fraction
    assert r.vs_baseline["cargo_handling_equipment"]["CO2e"] is None
    assert report(baseline_year=2023).vs_baseline["ogv"]["CO2e"] == pytest.approx(-0.2)
    # well-to-wheel: 4,614,880 against 8e6 (no CO2 in 2022, so no upstream): -0.423...
    assert r.vs_baseline["ogv"]["well_to_wheel"]["CO2e"] == pytest.approx(4_614_880 / 8e6 - 1)


def test_no_previous_year_held_gives_an_empty_change() -> None:
    r = build_annual(inputs_2024(), targets=(), history=[ships_only(2022, 8e6)])
    assert r.vs_previous == {}
    assert r.vs_baseline["ogv"]["CO2e"] == pytest.approx(-0.5)


def test_zero_emission_shares() -> None:
    # cargo-handling equipment: 2 electric RTGs + 2 hydrogen tractors of 10 units = 0.4;
    # trucks: 5 electric of 100 (an unregistered plate is not counted as zero-emission) = 0.05.
    shares = year_totals(inputs_2024()).zero_emission_share
    assert shares["cargo_handling_equipment"] == pytest.approx(0.4)
    assert shares["trucks"] == pytest.approx(0.05)


def test_annual_json_keys_are_the_contract() -> None:
    doc = report().to_json()
    assert list(doc) == [
        "port",
        "year",
        "baseline_year",
        "by_category_g",
        "totals_g",
        "teu",
        "kg_co2e_per_teu",
        "t_per_10000_teu",
        "change",
        "targets",
        "by_equipment",
        "coverage",
        "sources",
    ]
    assert list(doc["by_category_g"]) == ["ogv", "harbor_craft", "cargo_handling_equipment", "trucks", "rail"]
    for values in doc["by_category_g"].values():
        assert list(values) == [*POLLUTANTS, "well_to_wheel"]
        assert list(values["well_to_wheel"]) == ["CO2e"]
    assert doc["by_category_g"]["harbor_craft"]["CO2e"] == 0.0
    assert "harbor_craft" in doc["sources"]["categories_without_data"]
    assert list(doc["change"]) == ["vs_baseline", "vs_previous"]
    assert doc["teu"] == 1000.0
    assert doc["kg_co2e_per_teu"] == pytest.approx(5.73)
    assert doc["sources"]["defaulted"]["trucks"] == {"fleet_mix": 1, "turn_time": 1}
    assert doc["sources"]["ship_well_to_tank"]["ogv"]["status"] in ("C", "U")
    equipment = doc["by_equipment"][0]
    assert list(equipment) == [
        "kind",
        "power_source",
        "category",
        "units",
        "hours",
        "kwh",
        "kg_h2",
        "fuel_l",
        "fuel_kg",
        "ttw_g",
        "wtw_co2e_g",
    ]
    assert (equipment["kind"], equipment["category"], equipment["units"]) == (
        "rtg_crane",
        "cargo_handling_equipment",
        6,
    )
    json.dumps(doc, allow_nan=False)  # plain JSON: no NaN, no objects


def test_other_is_listed_only_when_used() -> None:
    tru = Source("other", {"CO2e": 1e6}, 1.2e6)
    used = year_totals(inputs_2024(landside=[tru]))
    assert list(used.by_category)[-1] == "other"
    assert used.by_category["other"].ttw_g["CO2e"] == 1e6
    assert "other" not in year_totals(inputs_2024()).by_category


def test_targets_in_the_report(tmp_path: Path) -> None:
    header = (
        "id,port,metric,scope,baseline_year,baseline_value,target_year,target_value,target_kind,source,status"
    )
    rows = [
        f"ogv,{PORT},CO2e_t,ogv,,computed,2030,50,reduction_pct,test,C",
        "elsewhere,nagoya,CO2e_t,all,,computed,2030,46,reduction_pct,test,U",
    ]
    targets = parse_targets("\n".join([header, *rows]) + "\n", "t.csv")
    r = build_annual(inputs_2024(), targets=targets, history=[ships_only(2022, 8e6), ships_only(2023, 5e6)])
    # one target of this port; ogv 8 t (2022) -> target 4 t by 2030; trajectory 2024: 8 - 4 x 2 / 8 = 7 t;
    # value 4 t: gap 4 - 7 = -3 t. Trend 8, 5, 4: mean year 2023, mean 17/3; Sxy = (-1)(8 - 17/3) + (1)(4 -
    # 17/3) = -4, Sxx = 2, slope -2 t/year: 17/3 - 2 (t - 2023) = 4 at t = 2023 + 5/6, so 2024.
    (p,) = r.targets
    assert p.target.id == "ogv"
    assert p.trajectory == pytest.approx(7.0)
    assert p.gap == pytest.approx(-3.0)
    assert p.year_met == 2024


def test_errors() -> None:
    with pytest.raises(ConfigError, match="baseline year 2019 is not held") as info:
        report(baseline_year=2019)
    assert info.value.field == "baseline"
    assert "2022, 2023, 2024" in str(info.value)
    with pytest.raises(InputError) as bad:
        year_totals(inputs_2024(ship_g={"ferries": {"CO2e": 1.0}}))
    assert bad.value.field == "category"
    with pytest.raises(InputError):
        year_totals(inputs_2024(ship_g={"ogv": {"CO3": 1.0}}))
    with pytest.raises(ConfigError) as grid:
        year_totals(inputs_2024(grid_g_co2e_per_kwh=None))
    assert grid.value.field == "grid_g_co2e_per_kwh"
    with pytest.raises(InputError, match="another port"):
        build_annual(inputs_2024(), targets=(), history=[year_totals(inputs_2024(port="nagoya", year=2023))])


def test_history_after_the_report_year_is_left_out() -> None:
    r = build_annual(inputs_2024(), targets=(), history=[ships_only(2025, 1e6), ships_only(2023, 5e6)])
    assert [t.year for t in r.trend] == [2023, 2024]


def test_files_and_csv_columns(tmp_path: Path) -> None:
    paths = write_annual(report(), tmp_path / "out")
    assert {p.name for p in paths.values()} == {
        "annual.json",
        "annual.csv",
        "annual_targets.csv",
        "annual_equipment.csv",
        "annual.html",
    }
    assert json.loads(paths["annual_json"].read_text())["year"] == 2024
    stems = [f"{p.column}_g" for p in Pollutant]
    with paths["annual_csv"].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["port", "year", "category", *stems, "co2e_wtw_g"]
    assert stems[:4] == ["co2_g", "ch4_g", "n2o_g", "co2e_g"]
    # three years held x (five categories + total)
    assert len(rows) == 18
    total_2024 = next(r for r in rows if r["year"] == "2024" and r["category"] == "total")
    assert float(total_2024["co2e_g"]) == pytest.approx(19e6)
    with paths["equipment_csv"].open(newline="") as handle:
        equipment = list(csv.DictReader(handle))
    assert list(equipment[0])[:9] == [
        "kind",
        "power_source",
        "category",
        "units",
        "hours",
        "kwh",
        "kg_h2",
        "fuel_l",
        "fuel_kg",
    ]
    assert len(equipment) == 6
    header = paths["targets_csv"].read_text().splitlines()[0].split(",")
    assert header[:8] == [
        "id",
        "metric",
        "scope",
        "unit",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_kind",
    ]
    assert {"value", "trajectory", "gap", "year_met", "status"} <= set(header)
