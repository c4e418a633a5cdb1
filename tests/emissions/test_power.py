"""Propeller law and auxiliary power bins."""

from __future__ import annotations

import pytest

from quayside.emissions.factors import FactorSet, load_factor_set
from quayside.emissions.power import find_power_bin, propulsion_load
from quayside.emissions.types import Mode


@pytest.fixture
def factors() -> FactorSet:
    return load_factor_set()


def test_propeller_law_points(factors: FactorSet) -> None:
    mcr = 100.0
    service = 20.0
    max_speed = service / 0.94
    # at service speed, no margin: 100 × 0.94³ = 83.0584
    assert mcr * propulsion_load(service, service, factors, 0) == pytest.approx(83.0584, abs=1e-4)
    # at maximum speed: 100
    assert mcr * propulsion_load(max_speed, service, factors, 0) == pytest.approx(100.0)
    # at 0.9 × MS with 15 % margin: 100 × 0.729 × 1.15 = 83.835
    assert mcr * propulsion_load(0.9 * max_speed, service, factors, 15) == pytest.approx(83.835)
    # very low speed: floor of 2 % MCR
    assert mcr * propulsion_load(0.5, service, factors, 0) == pytest.approx(2.0)
    # stopped: 0
    assert propulsion_load(0.0, service, factors, 0) == 0.0
    # above maximum speed: capped at 100 %
    assert propulsion_load(1.2 * max_speed, service, factors, 15) == 1.0


@pytest.mark.parametrize(
    ("teu", "berth_kw"),
    [(999, 340), (1000, 340), (1001, 600), (4000, 940), (5000, 940), (5001, 970), (20000, 1320), (0, 340)],
)
def test_container_bins_are_min_exclusive_max_inclusive(
    factors: FactorSet, teu: float, berth_kw: float
) -> None:
    # EPA IMOGHG3 aux table: 0-1000 TEU berth 340, 1000-2000 600, 3000-5000 940, 5000-8000 970, >14500 1320
    assert find_power_bin(factors.aux_kw, "container.ship", {"teu": teu}).kw[Mode.HOTELLING] == berth_kw


def test_bins_use_the_unit_of_the_ship_type(factors: FactorSet) -> None:
    # bulk carriers are binned by deadweight: 50,000 DWT is handymax (35k-60k), aux at berth 370 kW
    sizes = {"teu": None, "dwt": 50000.0, "gt": 30000.0}
    assert find_power_bin(factors.aux_kw, "bulk.carrier", sizes).kw[Mode.HOTELLING] == 370
