"""The VSR rule file: bundled values checked against their sources, and bad files named to the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from quayside.errors import ConfigError
from quayside.programs.incentives.vsr_rules import RuleName, SpeedMeasure, load_rules

HEADER = "rule,authority,ring_nm,value,unit,valid_from,valid_to,source,status\n"
GOOD = (
    "covered_category,,,ogv,category,,,s,C\n"
    "transit_speed_measure,,,distance_weighted_sog,,,,s,U\n"
    "emission_mode,,,transit,mode,,,s,U\n"
)


@pytest.mark.parametrize(
    ("rule", "authority", "ring", "year", "value"),
    [
        # Port of Los Angeles press release, 30 Sep 2009: 90 % compliance → 15 % (20 nm) / 30 % (40 nm) of
        # first-day dockage; the 40 nm option approved in September 2009.
        (RuleName.COMPLIANCE_SHARE_MIN, "USLAX", 20.0, 2026, 0.90),
        (RuleName.DOCKAGE_DISCOUNT, "USLAX", 20.0, 2026, 0.15),
        (RuleName.COMPLIANCE_SHARE_MIN, "USLAX", 40.0, 2026, 0.90),
        (RuleName.DOCKAGE_DISCOUNT, "USLAX", 40.0, 2026, 0.30),
        # Port of Long Beach Green Flag: 15 % (20 nm, since 2005) / 25 % (40 nm, since January 2009) at 90 %;
        # the Green Flag award at 100 %.
        (RuleName.COMPLIANCE_SHARE_MIN, "USLGB", 20.0, 2026, 0.90),
        (RuleName.DOCKAGE_DISCOUNT, "USLGB", 20.0, 2026, 0.15),
        (RuleName.COMPLIANCE_SHARE_MIN, "USLGB", 40.0, 2026, 0.90),
        (RuleName.DOCKAGE_DISCOUNT, "USLGB", 40.0, 2026, 0.25),
        (RuleName.GREEN_FLAG_AWARD_SHARE, "USLGB", 20.0, 2026, 1.00),
    ],
)
def test_bundled_rules_match_the_programmes(
    rule: RuleName, authority: str, ring: float, year: int, value: float
) -> None:
    found = load_rules().find(rule, authority, ring, year)
    assert found is not None
    assert found.number == value
    assert found.source
    assert found.status in ("C", "U")


def test_bundled_rules_in_force_by_year() -> None:
    rules = load_rules()
    assert rules.authorities(2026) == ["USLAX", "USLGB"]
    assert rules.authorities(2006) == ["USLGB"]  # Los Angeles' incentive began in June 2008
    assert rules.find(RuleName.DOCKAGE_DISCOUNT, "USLAX", 40.0, 2008) is None  # 40 nm option from Sept 2009
    assert rules.speed_measure is SpeedMeasure.DISTANCE_WEIGHTED_SOG
    assert rules.covered_categories == frozenset({"ogv"})


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "line", "field"),
    [
        ("dockage_discount,USLAX,20,1.5,fraction,,,s,C\n", 5, "value"),
        ("dockage_discount,USLAX,20,0.15,fraction,,,,C\n", 5, "source"),
        ("dockage_discount,USLAX,20,0.15,fraction,,,s,maybe\n", 5, "status"),
        ("dockage_discount,USLAX,,0.15,fraction,,,s,C\n", 5, "ring_nm"),
        ("dockage_discount,,20,0.15,fraction,,,s,C\n", 5, "authority"),
        ("dockage_discount,USLAX,20,0.15,fraction,2009-13-01,,s,C\n", 5, "valid_from"),
        ("speed_bonus,USLAX,20,0.15,fraction,,,s,C\n", 5, "rule"),
        ("covered_category,,,yacht_club,category,,,s,C\n", 5, "value"),
    ],
)
def test_bad_rule_file_names_file_row_and_field(tmp_path: Path, extra: str, line: int, field: str) -> None:
    path = write(tmp_path, GOOD + extra)
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert err.value.source == str(path)
    assert err.value.record == line
    assert err.value.field == field
    text = str(err.value)
    assert text.startswith(f"{path}, record {line}: field '{field}'")


def test_overlapping_rows_and_missing_single_rules_are_errors(tmp_path: Path) -> None:
    twice = (
        "dockage_discount,USLAX,20,0.15,f,2008-01-01,,s,C\ndockage_discount,USLAX,20,0.2,f,2020-01-01,,s,C\n"
    )
    with pytest.raises(ConfigError, match="in force at once") as err:
        load_rules(write(tmp_path, GOOD + twice))
    assert err.value.record == 6
    with pytest.raises(ConfigError, match="no 'emission_mode' row"):
        load_rules(write(tmp_path, GOOD.replace("emission_mode,,,transit,mode,,,s,U\n", "")))
    missing = tmp_path / "missing.csv"
    with pytest.raises(ConfigError, match="no such file"):
        load_rules(missing)
