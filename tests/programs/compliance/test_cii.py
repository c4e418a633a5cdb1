"""IMO CII: the contract example and band edges worked by hand, and the calculator's input errors."""

from __future__ import annotations

from typing import Any

import pytest

from quayside.errors import InputError
from quayside.programs.compliance.cii import calculate, capacity_unit, cii_for_ship

CONTRACT = {
    "ship_type": "container",
    "dwt": 80000,
    "year": 2026,
    "fuel_t": {"HFO": 21000, "MGO": 1200},
    "distance_nm": 98000,
}


def test_contract_example_worked_by_hand() -> None:
    """CO2 = 21,000 t x 3.114 + 1,200 t x 3.206 = 65,394 + 3,847.2 = 69,241.2 t = 6.92412e10 g.

    attained = 6.92412e10 g / (80,000 dwt x 98,000 nm = 7.84e9) = 8.83179 g CO2 per dwt-nm.
    reference = 1984 x 80,000^-0.489 = 1984 x exp(-0.489 x 11.28978) = 1984 x exp(-5.520703) = 7.94201;
    required 2026 (Z = 11%) = 7.94201 x 0.89 = 7.06839.
    boundaries = required x (0.83, 0.94, 1.07, 1.19) = 5.86677, 6.64429, 7.56318, 8.41139.
    attained 8.83179 >= 8.41139 -> E; to reach D the attained CII must fall below 8.41139:
    8.83179 - 8.41139 = 0.42040 g/dwt-nm, 0.42040 / 8.83179 = 4.760%.
    """
    answer = calculate(CONTRACT, source="doc.json")
    result = answer["result"]
    assert answer["programme"] == "cii"
    assert result["attained"] == pytest.approx(8.83179, abs=1e-5)
    assert result["reference"] == pytest.approx(7.94201, abs=1e-5)
    assert result["required"] == pytest.approx(7.06839, abs=1e-5)
    assert result["rating"] == "E"
    assert list(result["boundaries"].values()) == pytest.approx(
        [5.86677, 6.64429, 7.56318, 8.41139], abs=1e-5
    )
    assert result["next_band"]["rating"] == "D"
    assert result["next_band"]["reduction"] == pytest.approx(0.42040, abs=1e-5)
    assert result["next_band"]["reduction_pct"] == pytest.approx(4.760, abs=1e-3)
    assert answer["inputs"]["dwt"] == 80000
    assert answer["inputs"]["fuel_t"] == {"HFO": 21000, "MGO": 1200}
    names = {r["name"] for r in answer["rules"]}
    assert {"cf_HFO", "cf_MGO", "cii_reference_a_container", "cii_reduction_factor_2026"} <= names
    assert all(r["source"] and r["status"] in ("C", "U") for r in answer["rules"])


# A container ship of 100,000 dwt sailing 100,000 nm in 2023 (Z = 5%):
# reference = 1984 x 100,000^-0.489 = 1984 x 10^(-2.445) = 1984 x 0.00358922 = 7.12101;
# required = 7.12101 x 0.95 = 6.76496 g/dwt-nm. The HFO burn that gives an attained CII of r x required is
# r x 6.76496 x 1e10 (dwt x nm) / 1e6 / 3.114 tonnes.
REQUIRED_100K_2023 = 1984 * 10 ** (-2.445) * 0.95


def _hfo_for_ratio(ratio: float) -> float:
    return ratio * REQUIRED_100K_2023 * 1e10 / 1e6 / 3.114


@pytest.mark.parametrize(
    ("ratio", "rating"),
    [
        (0.8299, "A"),  # below the superior boundary (0.83 x required)
        (0.83, "B"),  # exactly at it: MEPC.354(78) gives A only below the superior boundary
        (0.8301, "B"),  # just above
        (0.94, "C"),
        (1.0699, "C"),
        (1.07, "D"),
        (1.1899, "D"),
        (1.19, "E"),  # exactly at the inferior boundary
        (1.1901, "E"),
    ],
)
def test_rating_at_and_around_band_edges(ratio: float, rating: str) -> None:
    result = cii_for_ship("container", 100000, 2023, {"HFO": _hfo_for_ratio(ratio)}, 100000, estimate=False)
    assert result.required == pytest.approx(6.76496, abs=1e-5)
    assert result.attained / result.required == pytest.approx(ratio, rel=1e-9)
    assert result.rating == rating


def test_margin_at_the_edge_names_the_better_band() -> None:
    """At exactly 0.83 x required the ship is B, and needs any reduction at all (0 g) to reach A."""
    result = cii_for_ship("container", 100000, 2023, {"HFO": _hfo_for_ratio(0.83)}, 100000, estimate=True)
    assert result.next_band is not None
    assert result.next_band.rating == "A"
    assert result.next_band.reduction == pytest.approx(0.0, abs=1e-9)
    assert result.estimate is True
    assert result.to_dict()["estimate"] is True


def test_a_rated_ship_has_no_better_band() -> None:
    result = cii_for_ship("container", 100000, 2023, {"HFO": _hfo_for_ratio(0.5)}, 100000, estimate=False)
    assert result.rating == "A"
    assert result.next_band is None


def test_lng_carrier_below_65000_dwt_uses_capacity_65000_and_a_14479e10() -> None:
    """MEPC.353(78): an LNG carrier under 65,000 DWT takes capacity 65,000 and a = 14479E10, c = 2.673.

    reference = 1.4479e14 x 65,000^-2.673; log10(65,000) = 4.812913; x 2.673 = 12.864917;
    10^-12.864917 = 1.364843e-13; x 1.4479e14 = 19.7616 (a = 14779E10 would give 20.1710).
    """
    result = cii_for_ship("lng_carrier", 50000, 2019, {"LNG": 1000}, 1000, estimate=False)
    assert result.capacity_used == 65000
    assert result.reference == pytest.approx(19.7616, abs=1e-3)


def test_gt_ship_types_take_gt() -> None:
    assert capacity_unit("cruise_passenger") == "gt"
    assert capacity_unit("cruise") == "gt"  # the Quayside ship type maps to the CII one
    assert capacity_unit("container") == "dwt"
    with pytest.raises(InputError) as caught:
        calculate(
            {**{k: v for k, v in CONTRACT.items() if k != "dwt"}, "ship_type": "cruise", "dwt": 1}, source="d"
        )
    assert caught.value.field == "gt"


def _error(document: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as caught:
        calculate(document, source="doc.json")
    assert caught.value.source == "doc.json"
    return caught.value


def test_unknown_field_is_named() -> None:
    assert _error({**CONTRACT, "speed_kn": 14}).field == "speed_kn"


def test_unknown_ship_type_is_named() -> None:
    error = _error({**CONTRACT, "ship_type": "submarine"})
    assert error.field == "ship_type"
    assert "submarine" in str(error)


def test_unknown_fuel_is_named() -> None:
    assert _error({**CONTRACT, "fuel_t": {"HFO": 1, "COAL": 2}}).field == "fuel_t.COAL"


def test_missing_field_is_named() -> None:
    assert _error({k: v for k, v in CONTRACT.items() if k != "distance_nm"}).field == "distance_nm"


def test_year_without_reduction_factor_is_an_error() -> None:
    assert _error({**CONTRACT, "year": 2031}).field == "year"


def test_negative_fuel_is_an_error() -> None:
    assert _error({**CONTRACT, "fuel_t": {"HFO": -1}}).field == "fuel_t.HFO"
