"""EU ETS maritime: scope shares, the 2024-2026 phase-in and CH4/N2O from 2026, worked by hand."""

from __future__ import annotations

from typing import Any

import pytest

from quayside.errors import InputError
from quayside.programs.compliance._voyage import Voyage
from quayside.programs.compliance.eu_ets import calculate, eu_ets_for_voyages

# Each voyage emits 1,000 t CO2, 0.5 t CH4 and 0.1 t N2O (measured).
# CO2e from 2026 (AR5 GWPs 28 and 265) = 1,000 + 0.5 x 28 + 0.1 x 265 = 1,000 + 14 + 26.5 = 1,040.5 t.
IN_OUT = {"from_locode": "CNSHA", "to_locode": "NLRTM", "co2_t": 1000, "ch4_t": 0.5, "n2o_t": 0.1}
INTRA = {"from_locode": "NLRTM", "to_locode": "DEHAM", "co2_t": 1000, "ch4_t": 0.5, "n2o_t": 0.1}


def _voyage(year: int, leg: dict[str, Any]) -> dict[str, Any]:
    result = calculate({"year": year, "gt": 60000, "voyages": [leg]}, source="doc.json")["result"]
    assert len(result["voyages"]) == 1
    voyage: dict[str, Any] = result["voyages"][0]
    return voyage


@pytest.mark.parametrize(
    ("year", "leg", "share", "in_scope_t", "allowances"),
    [
        # 2024: CO2 only; 50% of 1,000 = 500 t in scope; 40% of 500 = 200 allowances.
        (2024, IN_OUT, 0.5, 500.0, 200.0),
        # 2024 intra-EU: 100% of 1,000 = 1,000 t; 40% = 400.
        (2024, INTRA, 1.0, 1000.0, 400.0),
        # 2025: 500 x 70% = 350; 1,000 x 70% = 700.
        (2025, IN_OUT, 0.5, 500.0, 350.0),
        (2025, INTRA, 1.0, 1000.0, 700.0),
        # 2026: CO2e 1,040.5 t; 50% = 520.25 at 100%; intra-EU 1,040.5 at 100%.
        (2026, IN_OUT, 0.5, 520.25, 520.25),
        (2026, INTRA, 1.0, 1040.5, 1040.5),
    ],
)
def test_scope_and_phase_in(
    year: int, leg: dict[str, Any], share: float, in_scope_t: float, allowances: float
) -> None:
    voyage = _voyage(year, leg)
    assert voyage["scope_share"] == share
    assert voyage["in_scope_t"] == pytest.approx(in_scope_t, abs=1e-9)
    assert voyage["allowances"] == pytest.approx(allowances, abs=1e-9)
    assert voyage["ch4_n2o_counted"] is (year >= 2026)


def test_out_of_the_eu_counts_half_too() -> None:
    voyage = _voyage(2024, {**IN_OUT, "from_locode": "NLRTM", "to_locode": "USLAX"})
    assert voyage["scope_share"] == 0.5


def test_non_eu_voyage_and_berth_count_nothing() -> None:
    assert _voyage(2024, {**IN_OUT, "from_locode": "USLAX", "to_locode": "CNSHA"})["in_scope_t"] == 0.0
    berth = _voyage(2024, {"from_locode": "JPNGO", "at_berth": True, "co2_t": 50})
    assert berth["in_scope_t"] == 0.0


def test_at_berth_in_an_eu_port_counts_in_full() -> None:
    """2025: 50 t CO2 at berth in Rotterdam, 100% in scope = 50 t; 70% = 35 allowances."""
    berth = _voyage(2025, {"from_locode": "NLRTM", "at_berth": True, "co2_t": 50})
    assert berth["in_scope_t"] == pytest.approx(50.0)
    assert berth["allowances"] == pytest.approx(35.0)


def test_co2_from_fuel_with_cf() -> None:
    """2024: 100 t HFO x 3.114 = 311.4 t CO2; intra-EU 100%; 40% = 124.56 allowances."""
    voyage = _voyage(2024, {"from_locode": "NLRTM", "to_locode": "BEANR", "fuel_t": {"HFO": 100}})
    assert voyage["co2_t"] == pytest.approx(311.4)
    assert voyage["allowances"] == pytest.approx(124.56)


def test_small_ship_is_out_of_scope() -> None:
    """Directive Annex I: 5,000 GT and above; a 4,999 GT ship owes nothing, a 5,000 GT ship does."""
    small = calculate({"year": 2024, "gt": 4999, "voyages": [INTRA]}, source="d")["result"]
    at_limit = calculate({"year": 2024, "gt": 5000, "voyages": [INTRA]}, source="d")["result"]
    assert small["allowances"] == 0.0
    assert at_limit["allowances"] == pytest.approx(400.0)


def test_runner_function_keeps_the_year() -> None:
    voyages = [
        Voyage("v1", "9300000", 60000.0, 2025, "NLRTM", "DEHAM", False, co2_t=10.0),
        Voyage("v2", "9300000", 60000.0, 2026, "NLRTM", "DEHAM", False, co2_t=10.0),
    ]
    results = eu_ets_for_voyages(voyages, 2025)
    assert [r.voyage_id for r in results] == ["v1"]
    assert results[0].allowances == pytest.approx(7.0)


def test_totals_and_rules() -> None:
    """2024: in/out 500 + intra 1,000 = 1,500 t in scope; allowances 200 + 400 = 600."""
    answer = calculate({"year": 2024, "gt": 60000, "voyages": [IN_OUT, INTRA]}, source="d")
    assert answer["result"]["emissions_in_scope_t"] == pytest.approx(1500.0)
    assert answer["result"]["allowances"] == pytest.approx(600.0)
    names = {r["name"] for r in answer["rules"]}
    assert {"ets_share_in_out", "ets_share_intra_eu", "ets_surrender_share", "ets_min_gt"} <= names


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"year": 2024, "gt": 60000, "voyages": [INTRA], "flag": "PA"}, "flag"),
        ({"year": 2024, "gt": 60000, "voyages": [{**INTRA, "speed": 1}]}, "voyages[0].speed"),
        ({"year": 2024, "gt": 60000, "voyages": [{**INTRA, "to_locode": "Hamburg"}]}, "voyages[0].to_locode"),
        (
            {"year": 2024, "gt": 60000, "voyages": [{"from_locode": "NLRTM", "to_locode": "DEHAM"}]},
            "voyages[0].fuel_t",
        ),
        ({"year": 2024, "gt": 60000, "voyages": [{**INTRA, "fuel_t": {"LNG": 5}}]}, "voyages[0].fuel_t.LNG"),
        ({"year": 2023, "gt": 60000, "voyages": [INTRA]}, "year"),
        ({"year": 2024, "voyages": [INTRA]}, "gt"),
    ],
)
def test_input_errors_name_the_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        calculate(document, source="doc.json")
    assert caught.value.field == field
    assert caught.value.source == "doc.json"
