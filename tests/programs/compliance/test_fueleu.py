"""FuelEU Maritime: GHG intensity, limit, compliance balance and penalty worked by hand."""

from __future__ import annotations

from typing import Any

import pytest

from quayside.errors import InputError
from quayside.programs.compliance._voyage import Voyage
from quayside.programs.compliance.fueleu import calculate, fueleu_by_ship, fueleu_for_ship

INTRA_HFO = {"from_locode": "NLRTM", "to_locode": "DEHAM", "fuel_t": {"HFO": 1000}}

# HFO (Annex II defaults): LCV 0.0405 MJ/g, WtT 13.5 g CO2e/MJ, Cf CO2 3.114, CH4 0.00005, N2O 0.00018.
# TtW per g fuel (GWP 25 / 298) = 3.114 + 0.00005 x 25 + 0.00018 x 298 = 3.114 + 0.00125 + 0.05364 = 3.16889;
# per MJ = 3.16889 / 0.0405 = 78.24420; well to wake = 13.5 + 78.24420 = 91.74420 g CO2e/MJ.
HFO_INTENSITY = 91.74420


def _result(year: int, voyages: list[dict[str, Any]], gt: float = 60000) -> dict[str, Any]:
    result: dict[str, Any] = calculate({"year": year, "gt": gt, "voyages": voyages}, source="doc.json")[
        "result"
    ]
    return result


def test_balance_and_penalty_worked_by_hand() -> None:
    """1,000 t HFO between Rotterdam and Hamburg in 2025 (100% in scope).

    energy = 1e9 g x 0.0405 = 40,500,000 MJ; limit 2025 = 91.16 x (1 - 0.02) = 89.3368 g CO2e/MJ.
    balance = (89.3368 - 91.74420) x 40.5e6 = -2.40740 x 40.5e6 = -97,499,700 g CO2e (-97.4997 t).
    VLSFO-eq = 97,499,700 / (91.74420 x 41,000 = 3,761,512) = 25.9204 t; penalty = 25.9204 x 2,400 = 62,209 EUR.
    """
    result = _result(2025, [INTRA_HFO])
    assert result["energy_mj"] == pytest.approx(40_500_000)
    assert result["ghg_intensity_g_co2e_per_mj"] == pytest.approx(HFO_INTENSITY, abs=1e-5)
    assert result["limit_g_co2e_per_mj"] == pytest.approx(89.3368, abs=1e-9)
    assert result["compliance_balance_g_co2e"] == pytest.approx(-97_499_700, rel=1e-5)
    assert result["vlsfo_equivalent_t"] == pytest.approx(25.9204, abs=1e-3)
    assert result["penalty_eur"] == pytest.approx(62_209, abs=2)


def test_in_out_voyage_counts_half_the_energy() -> None:
    """Shanghai -> Rotterdam: 50% of 1,000 t HFO = 500 t -> 20,250,000 MJ; balance half of the above."""
    result = _result(2025, [{**INTRA_HFO, "from_locode": "CNSHA"}])
    assert result["fuel_in_scope_t"] == {"HFO": 500.0}
    assert result["energy_mj"] == pytest.approx(20_250_000)
    assert result["compliance_balance_g_co2e"] == pytest.approx(-97_499_700 / 2, rel=1e-5)


def test_outermost_region_voyage_counts_half() -> None:
    """Art. 2(1)(c): Fort-de-France (MQ, outermost region) -> Le Havre counts one half."""
    result = _result(2025, [{**INTRA_HFO, "from_locode": "MQFDF", "to_locode": "FRLEH"}])
    assert result["fuel_in_scope_t"] == {"HFO": 500.0}


def test_lng_diesel_surplus_has_no_penalty() -> None:
    """1,000 t LNG in a slow-speed Diesel engine (slip 0.2%), at berth in Rotterdam in 2025.

    combustion per g = 2.750 + 0 x 25 + 0.00011 x 298 = 2.78278; TtW per g = 0.998 x 2.78278 + 0.002 x 25
    = 2.777214 + 0.05 = 2.827214; per MJ = 2.827214 / 0.0491 = 57.58074; + WtT 18.5 = 76.08074 g CO2e/MJ.
    energy = 1e9 x 0.0491 = 49,100,000 MJ; balance = (89.3368 - 76.08074) x 49.1e6 = +650,872,500 g.
    """
    result = _result(2025, [{"from_locode": "NLRTM", "at_berth": True, "fuel_t": {"LNG_DIESEL_SS": 1000}}])
    assert result["ghg_intensity_g_co2e_per_mj"] == pytest.approx(76.08074, abs=1e-5)
    assert result["compliance_balance_g_co2e"] == pytest.approx(650_872_500, rel=1e-6)
    assert result["penalty_eur"] == 0.0


def test_2035_limit_uses_14_5_percent() -> None:
    """91.16 x (1 - 0.145) = 77.9418 g CO2e/MJ (a 14% cut would give 78.3976)."""
    assert _result(2035, [INTRA_HFO])["limit_g_co2e_per_mj"] == pytest.approx(77.9418, abs=1e-9)


def test_ship_at_5000_gt_is_out_of_scope() -> None:
    """Art. 2(1): ships above 5,000 GT; a ship of exactly 5,000 GT has no energy in scope."""
    result = _result(2025, [INTRA_HFO], gt=5000)
    assert result["energy_mj"] == 0.0
    assert result["penalty_eur"] == 0.0


def test_by_ship_groups_by_imo() -> None:
    voyages = [
        Voyage("a", "9300001", 60000.0, 2025, "NLRTM", "DEHAM", False, {"HFO": 1000.0}),
        Voyage("b", "9300002", 60000.0, 2025, "NLRTM", "DEHAM", False, {"HFO": 500.0}),
        Voyage("c", "9300002", 60000.0, 2024, "NLRTM", "DEHAM", False, {"HFO": 500.0}),
    ]
    balances = fueleu_by_ship(voyages, 2025)
    assert [(b.imo, b.voyages) for b in balances] == [("9300001", 1), ("9300002", 1)]
    assert balances[1].energy_mj == pytest.approx(20_250_000)
    with pytest.raises(InputError) as caught:
        fueleu_for_ship(voyages, 2025)
    assert caught.value.field == "imo"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"year": 2025, "gt": 60000, "voyages": [INTRA_HFO], "pool": True}, "pool"),
        (
            {"year": 2025, "gt": 60000, "voyages": [{**INTRA_HFO, "fuel_t": {"COAL": 1}}]},
            "voyages[0].fuel_t.COAL",
        ),
        (
            {"year": 2025, "gt": 60000, "voyages": [{**INTRA_HFO, "fuel_t": {}, "co2_t": 3}]},
            "voyages[0].fuel_t",
        ),
        ({"year": 2024, "gt": 60000, "voyages": [INTRA_HFO]}, "year"),
        ({"year": 2025, "gt": 60000, "voyages": []}, "voyages"),
    ],
)
def test_input_errors_name_the_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        calculate(document, source="doc.json")
    assert caught.value.field == field
