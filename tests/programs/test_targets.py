"""Targets: the file (bundled and a user's), trajectory, gap and the year a trend meets the target."""

from __future__ import annotations

from pathlib import Path

import pytest

from quayside.errors import ConfigError
from quayside.programs.annual.report import AnnualInputs, EquipmentGroup, YearTotals, year_totals
from quayside.programs.annual.well_to_tank import ShipWellToTank
from quayside.programs.targets import (
    COLUMNS,
    YEAR_MET_HORIZON,
    TargetKind,
    least_squares,
    load_targets,
    parse_targets,
    progress,
    targets_for,
    trajectory,
    year_met,
)

HEADER = ",".join(COLUMNS)
PORT = "san-pedro-bay"
# A fuel without upstream emissions keeps well-to-wheel equal to tank-to-wheel in these tests.
NO_UPSTREAM = {"ogv": ShipWellToTank(PORT, "ogv", "test", 0.0, 0.04, 3.2, "test", "U")}


def totals(
    year: int, co2e_t: float, *, teu: float | None = None, che: tuple[int, int] = (0, 0)
) -> YearTotals:
    """A year whose ships emit ``co2e_t`` tonnes CO2e; ``che`` = (diesel units, electric units)."""
    groups = [
        EquipmentGroup("rtg_crane", "diesel", che[0]),
        EquipmentGroup("rtg_crane", "electric", che[1]),
    ]
    return year_totals(
        AnnualInputs(
            port=PORT,
            year=year,
            ship_g={"ogv": {"CO2e": co2e_t * 1e6}},
            teu=teu,
            by_equipment=[g for g in groups if g.units],
            ship_wtt=NO_UPSTREAM,
        )
    )


def one_target(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "targets.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    return path


def test_least_squares_and_year_met_by_hand() -> None:
    # Years 2021, 2022, 2023 with 100, 90, 83 t. Mean year 2022, mean value (100 + 90 + 83) / 3 = 91.
    # Sxy = (-1)(100 - 91) + 0 + (1)(83 - 91) = -9 - 8 = -17; Sxx = 1 + 0 + 1 = 2; slope = -8.5 t/year;
    # intercept at year 0 = 91 + 8.5 x 2022 = 17278. The line reaches 50 t when 91 - 8.5 (t - 2022) = 50:
    # t - 2022 = 41 / 8.5 = 4.82, t = 2026.82, so the first whole year on or below 50 t is 2027.
    points = [(2021, 100.0), (2022, 90.0), (2023, 83.0)]
    intercept, slope = least_squares(points)
    assert slope == pytest.approx(-8.5)
    assert intercept == pytest.approx(17278.0)
    assert year_met(points, 50.0, higher_is_better=False) == (2027, "")


def test_progress_of_a_reduction_target_by_hand(tmp_path: Path) -> None:
    # 50% below 2021 (computed: 100 t) by 2031 -> target level 50 t. Trajectory in 2023: 100 + (50 - 100) x
    # (2023 - 2021) / (2031 - 2021) = 100 - 10 = 90 t. This year's value 83 t: gap = 83 - 90 = -7 t (ahead).
    path = one_target(tmp_path, f"half,{PORT},CO2e_t,all,2021,computed,2031,50,reduction_pct,test,C")
    (target,) = load_targets(path)
    trend = [totals(2021, 100.0), totals(2022, 90.0), totals(2023, 83.0)]
    p = progress(target, trend, 2023, 2021)
    assert p.baseline_value == pytest.approx(100.0)
    assert p.level == pytest.approx(50.0)
    assert p.value == pytest.approx(83.0)
    assert p.trajectory == pytest.approx(90.0)
    assert p.gap == pytest.approx(-7.0)
    assert p.year_met == 2027
    assert p.note == ""
    row = p.to_dict()
    for key in ("id", "metric", "baseline_year", "target_year", "value", "trajectory", "gap", "year_met"):
        assert key in row
    assert row["baseline_year"] == 2021


def test_progress_of_a_share_target_counts_behind_as_positive(tmp_path: Path) -> None:
    # Zero-emission share of cargo-handling equipment, baseline = the report's baseline year 2022:
    # 2 of 10 units electric = 0.2; target 1.0 by 2030. Trajectory 2024: 0.2 + 0.8 x 2 / 8 = 0.4.
    # 2024: 3 of 10 = 0.3, so the gap (how far behind) = 0.4 - 0.3 = 0.1.
    # Trend: 0.2 (2022), 0.3 (2024): slope 0.05 a year; reaches 1.0 at 2022 + 0.8 / 0.05 = 2038.
    path = one_target(
        tmp_path, f"ze,{PORT},zero_emission_share,cargo_handling_equipment,,computed,2030,1,absolute,test,C"
    )
    (target,) = load_targets(path)
    trend = [totals(2022, 1.0, che=(8, 2)), totals(2024, 1.0, che=(7, 3))]
    p = progress(target, trend, 2024, 2022)
    assert p.baseline_year == 2022
    assert p.baseline_value == pytest.approx(0.2)
    assert p.trajectory == pytest.approx(0.4)
    assert p.gap == pytest.approx(0.1)
    assert p.year_met == 2038


def test_per_teu_target_and_one_year_held(tmp_path: Path) -> None:
    # 30% below 2024's intensity over all sources: 50 t CO2e = 50,000 kg / 2,000 TEU = 25 kg/TEU;
    # target 25 x 0.7 = 17.5 kg/TEU.
    path = one_target(tmp_path, f"i,{PORT},CO2e_kg_per_teu,all,2024,computed,2030,30,per_teu,test,U")
    (target,) = load_targets(path)
    p = progress(target, [totals(2024, 50.0, teu=2000)], 2024, 2024)
    assert p.value == pytest.approx(25.0)
    assert p.level == pytest.approx(17.5)
    assert p.trajectory == pytest.approx(25.0)  # the baseline year itself
    assert p.gap == pytest.approx(0.0)
    assert p.year_met is None
    assert "fewer than 2 years held" in p.note


def test_unknown_baseline_leaves_trajectory_and_gap_empty(tmp_path: Path) -> None:
    path = one_target(tmp_path, f"g,{PORT},CO2e_t,all,1990,,2030,40,reduction_pct,test,U")
    (target,) = load_targets(path)
    p = progress(target, [totals(2023, 10.0), totals(2024, 9.0)], 2024, 2023)
    assert p.value == pytest.approx(9.0)
    assert (p.level, p.trajectory, p.gap, p.year_met) == (None, None, None, None)
    assert "set baseline_value" in p.note
    computed = one_target(tmp_path, f"g,{PORT},CO2e_t,all,2005,computed,2030,40,reduction_pct,test,U")
    p = progress(load_targets(computed)[0], [totals(2023, 10.0), totals(2024, 9.0)], 2024, 2023)
    assert p.baseline_value is None
    assert "baseline year 2005 not held" in p.note


def test_a_configured_baseline_value_is_used(tmp_path: Path) -> None:
    # 40% below a 1990 level of 200 t by 2030 -> 120 t. Trajectory 2024: 200 - 80 x 34 / 40 = 132 t.
    # Value 150 t: gap 150 - 132 = 18 t behind.
    path = one_target(tmp_path, f"g,{PORT},CO2e_t,all,1990,200,2030,40,reduction_pct,test,U")
    p = progress(load_targets(path)[0], [totals(2024, 150.0)], 2024, 2024)
    assert p.level == pytest.approx(120.0)
    assert p.trajectory == pytest.approx(132.0)
    assert p.gap == pytest.approx(18.0)


@pytest.mark.parametrize(
    ("points", "level", "higher", "expected"),
    [
        ([(2020, 10.0), (2021, 12.0)], 5.0, False, None),  # rising emissions never reach a lower level
        ([(2020, 4.0), (2021, 4.0)], 5.0, False, 2020),  # flat and already below
        ([(2020, 6.0), (2021, 6.0)], 5.0, False, None),  # flat and above
        ([(2020, 3.0), (2021, 2.0)], 5.0, False, 2020),  # already below and falling: from the first year held
        ([(2020, 100.0), (2021, 99.999)], 0.0, False, None),  # reached only after the horizon
        ([(2020, 0.1), (2021, 0.2)], 1.0, True, 2029),  # share: 0.1 a year, 1.0 at 2020 + 9
        ([(2020, 4.0), (2022, 2.0)], 1.0, False, 2023),  # exactly on a whole year: 4 - (t - 2020) = 1 at 2023
    ],
)
def test_year_met_cases(
    points: list[tuple[int, float]], level: float, higher: bool, expected: int | None
) -> None:
    assert year_met(points, level, higher_is_better=higher)[0] == expected


def test_horizon_is_stated() -> None:
    found, note = year_met([(2020, 100.0), (2021, 99.999)], 0.0, higher_is_better=False)
    assert found is None
    assert str(YEAR_MET_HORIZON) in note


@pytest.mark.parametrize(
    ("baseline_year", "target_year", "year", "expected"),
    [(2020, 2030, 2025, 75.0), (2020, 2030, 2019, 100.0), (2020, 2030, 2031, 50.0), (2022, 2022, 2024, 50.0)],
)
def test_trajectory(baseline_year: int, target_year: int, year: int, expected: float) -> None:
    # from 100 to 50: halfway (2025) 75; before the baseline 100; after the target 50; a reference: the level
    assert trajectory(baseline_year, 100.0, target_year, 50.0, year) == pytest.approx(expected)


def test_bundled_targets() -> None:
    targets = load_targets()
    ids = {t.id for t in targets}
    assert {
        "caap-ghg-2030",
        "caap-zero-emission-che-2030",
        "jcnp-nagoya-ghg-2030",
        "hutchison-intensity-2022",
    } <= ids
    ghg = next(t for t in targets if t.id == "caap-ghg-2030")
    # the 1990 baseline is not held and not known: left for the port to set, and marked unconfirmed
    assert (ghg.baseline_year, ghg.baseline_value, ghg.baseline_computed, ghg.status) == (
        1990,
        None,
        False,
        "U",
    )
    hutchison = next(t for t in targets if t.id == "hutchison-intensity-2022")
    assert (hutchison.target_value, hutchison.kind, hutchison.unit) == (12.65, TargetKind.ABSOLUTE, "kg/TEU")
    assert {t.port for t in targets} == {"san-pedro-bay", "nagoya", "shenzhen"}
    assert all(t.source and t.status in ("C", "U") for t in targets)
    assert [t.id for t in targets_for("nagoya", targets)] == [
        "jcnp-nagoya-ghg-2030",
        "jcnp-nagoya-net-zero-2050",
    ]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (f"a,{PORT},CO2x_t,all,2020,computed,2030,40,reduction_pct,s,C", "metric"),
        (f"a,{PORT},CO2e_t,harbour,2020,computed,2030,40,reduction_pct,s,C", "scope"),
        (f"a,{PORT},NOx_t,terminals_scope_1_2,2020,computed,2030,40,reduction_pct,s,C", "metric"),
        (f"a,{PORT},CO2e_t,all,20x0,computed,2030,40,reduction_pct,s,C", "baseline_year"),
        (f"a,{PORT},CO2e_t,all,2020,lots,2030,40,reduction_pct,s,C", "baseline_value"),
        (f"a,{PORT},CO2e_t,all,2020,computed,2010,40,reduction_pct,s,C", "target_year"),
        (f"a,{PORT},CO2e_t,all,2020,computed,2030,140,reduction_pct,s,C", "target_value"),
        (f"a,{PORT},CO2e_t,all,2020,computed,2030,40,halve,s,C", "target_kind"),
        (f"a,{PORT},CO2e_t,all,2020,computed,2030,40,per_teu,s,C", "metric"),
        (f"a,{PORT},zero_emission_share,trucks,,computed,2035,100,absolute,s,C", "target_value"),
        (f"a,{PORT},CO2e_t,all,2020,computed,2030,40,reduction_pct,,C", "source"),
        (f"a,{PORT},CO2e_t,all,2020,computed,2030,40,reduction_pct,s,maybe", "status"),
        (f",{PORT},CO2e_t,all,2020,computed,2030,40,reduction_pct,s,C", "id"),
    ],
)
def test_a_bad_row_names_file_line_and_field(tmp_path: Path, row: str, field: str) -> None:
    path = tmp_path / "mine.csv"
    good = f"ok,{PORT},CO2e_t,all,2020,computed,2030,40,reduction_pct,s,C"
    path.write_text(f"{HEADER}\n{good}\n{row}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_targets(path)
    assert (info.value.source, info.value.record, info.value.field) == (str(path), 3, field)
    assert str(path) in str(info.value)
    assert "record 3" in str(info.value)


def test_duplicate_id_and_missing_column(tmp_path: Path) -> None:
    row = f"a,{PORT},CO2e_t,all,2020,computed,2030,40,reduction_pct,s,C"
    with pytest.raises(ConfigError, match="duplicate target id") as info:
        parse_targets(f"{HEADER}\n{row}\n{row}\n", "t.csv")
    assert info.value.record == 3
    with pytest.raises(ConfigError, match="missing column") as info:
        parse_targets(HEADER.replace(",status", "") + "\n", "t.csv")
    assert info.value.field == "status"


def test_a_missing_targets_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file") as info:
        load_targets(tmp_path / "absent.csv")
    assert info.value.source == str(tmp_path / "absent.csv")
