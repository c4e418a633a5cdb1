"""The one-case calculator ``quayside programs esi``: inputs echoed, result, rules with sources, errors."""

from __future__ import annotations

from typing import Any

import pytest

from quayside.errors import InputError
from quayside.programs.incentives.esi import calculate


def document(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "engines": [
            {
                "engine_id": "ME1",
                "role": "main",
                "power_kw": 20000,
                "rated_rpm": 80,
                "certified_nox_g_kwh": 15.3,
            },
            {
                "engine_id": "AE1",
                "role": "auxiliary",
                "power_kw": 2000,
                "rated_rpm": 1024,
                "certified_nox_g_kwh": 9,
            },
        ],
        "sulfur_pct": {"mid": 0.45, "low": 0.05},
        "co2_reporting": True,
        "efficiency_gain_pct": 3,
        "ops_fitted": True,
    }
    base.update(extra)
    return base


def test_answer_has_inputs_result_and_sourced_rules() -> None:
    answer = calculate(
        document(port="long-beach", date="2024-01-10", fuel="HFO", gt=90000), source="ship.json"
    )
    assert answer["programme"] == "esi"
    assert answer["inputs"]["port"] == "long-beach"
    assert answer["inputs"]["tier_iii"] is False  # derived from the certificates
    # hand-worked in test_esi_score: 42.56439 -> Long Beach base level ($600, 25-47)
    assert answer["result"]["score"]["score"] == pytest.approx(42.56439, rel=1e-5)
    incentives = {i["rule"]: i for i in answer["result"]["incentives"]}
    assert incentives["lb-esi-base"]["earned"]
    assert incentives["lb-esi-base"]["amount"] == 600
    assert not incentives["lb-tier-iii"]["earned"]
    names = {r["name"] for r in answer["rules"]}
    assert {"esi_nox_weight", "esi_co2_max_points", "esi_sox_mid_weight", "lb-esi-premier"} <= names
    # the Tier I baseline at 80 and 1024 rpm, and the Tier III curve for the main engine at 80 rpm
    assert {"imo_nox_tier_1_rpm_0_130", "imo_nox_tier_1_rpm_130_2000", "imo_nox_tier_3_rpm_0_130"} <= names
    assert all(r["source"] and r["status"] in ("C", "U") for r in answer["rules"])


def test_without_port_there_are_no_incentives() -> None:
    answer = calculate(document(), source="ship.json")
    assert "incentives" not in answer["result"]


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (document(speed=12), "speed"),
        (document(engines=[{"engine_id": "ME1", "role": "main", "power_kw": 1, "rated_rpm": 80,
                            "certified_nox_g_kwh": 1, "maker": "X"}]), "engines[0].maker"),
        (document(sulfur_pct={"ultra": 0.01}), "sulfur_pct.ultra"),
        (document(sulfur_pct={"mid": 0.8}), "sulfur_pct.mid"),
        (document(engines=[]), "engines"),
        (document(engines=[{"engine_id": "ME1", "role": "main", "power_kw": 0, "rated_rpm": 80,
                            "certified_nox_g_kwh": 1}]), "engines[0].power_kw"),
        (document(co2_reporting="yes"), "co2_reporting"),
        (document(port="rotterdam"), "port"),
        (document(fuel="coal", port="tokyo"), "fuel"),
        (document(date="2024-13-01", port="tokyo"), "date"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        calculate(doc, source="ship.json")
    assert caught.value.field == field
    assert "ship.json" in str(caught.value)


def test_missing_sulfur_is_an_error() -> None:
    doc = document()
    del doc["sulfur_pct"]
    with pytest.raises(InputError) as caught:
        calculate(doc, source="-")
    assert caught.value.field == "sulfur_pct"


def test_lng_ship_at_tokyo_earns_the_entry_fee_waiver() -> None:
    answer = calculate(document(port="tokyo", fuel="LNG", date="2025-05-01"), source="ship.json")
    by_rule = {i["rule"]: i for i in answer["result"]["incentives"]}
    assert by_rule["tokyo-lng"]["earned"]
    assert by_rule["tokyo-lng"]["amount"] == 100
    assert not by_rule["tokyo-lng-bunkering"]["earned"]
