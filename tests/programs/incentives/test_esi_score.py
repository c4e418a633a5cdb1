"""The ESI score from its components, checked against hand-worked arithmetic and the ESI's own examples."""

from __future__ import annotations

import pytest

from quayside.errors import InputError
from quayside.programs.incentives.esi_rules import EsiRules, load_rules
from quayside.programs.incentives.esi_score import (
    Engine,
    EngineRole,
    EsiComponents,
    esi_score,
    meets_tier_iii,
    nox_limit,
    nox_sub_points,
    sox_sub_points,
)


@pytest.fixture(scope="module")
def rules() -> EsiRules:
    return load_rules()


def engine(
    engine_id: str, power_kw: float, rpm: float, nox: float, role: EngineRole = EngineRole.MAIN
) -> Engine:
    return Engine(engine_id, role, power_kw, rpm, nox)


@pytest.mark.parametrize(
    ("tier", "rpm", "limit"),
    [
        # MARPOL Annex VI Reg. 13: Tier I 17.0 / 45 n^-0.2 / 9.8; Tier II 14.4 / 44 n^-0.23 / 7.7;
        # Tier III 3.4 / 9 n^-0.2 / 2.0 (n < 130, 130 <= n < 2000, n >= 2000)
        (1, 129.9, 17.0),
        (2, 129.9, 14.4),
        (3, 129.9, 3.4),
        (1, 1024, 11.25),  # 1024^0.2 = 4 -> 45 / 4
        (2, 1024, 8.93477),  # 44 x 1024^-0.23 = 44 x 2^-2.3 = 44 x 0.2030631 = 8.934776
        (3, 1024, 2.25),  # 9 / 4
        (1, 130, 16.99902),  # 45 x 130^-0.2 = 45 / exp(0.2 x ln 130) = 45 / 2.647245 = 16.99902
        (1, 2000, 9.8),
        (2, 2000, 7.7),
        (3, 2000, 2.0),
    ],
)
def test_imo_limit_curves_follow_regulation_13(rules: EsiRules, tier: int, rpm: float, limit: float) -> None:
    assert nox_limit(rules, tier, rpm)[0] == pytest.approx(limit, rel=1e-5)


def test_score_from_two_certificates_worked_by_hand(rules: EsiRules) -> None:
    """Main engine 20,000 kW at 80 rpm certified 15.3 g/kWh: Tier I limit 17.0 (n < 130), reduction
    (17 - 15.3) / 17 = 0.1. Auxiliary 2,000 kW at 1024 rpm certified 9.0: limit 45 x 1024^-0.2 = 45 / 4 =
    11.25, reduction 2.25 / 11.25 = 0.2. NOx sub points = 100 x (20000 x 0.1 + 2000 x 0.2) / 22000 =
    100 x 2400 / 22000 = 10.90909; ESI NOx = 2 x 10.90909 / 3 = 7.27273.
    SOx: MID 0.45 %, LOW 0.05 %, no HIGH: HIGH bonus 30 (cleaner fuel bunkered), MID (0.50 - 0.45) / 0.40
    x 35 = 4.375, LOW (0.10 - 0.05) / 0.10 x 35 = 17.5 -> 51.875; ESI SOx = 51.875 / 3 = 17.29167.
    CO2: 5 for reporting + 3 % gain = 8. OPS fitted: 10. Total 7.27273 + 17.29167 + 8 + 10 = 42.56439.
    """
    components = EsiComponents(
        engines=(
            engine("ME1", 20_000, 80, 15.3),
            engine("AE1", 2_000, 1024, 9.0, EngineRole.AUXILIARY),
        ),
        sulfur_pct={"mid": 0.45, "low": 0.05},
        co2_reporting=True,
        efficiency_gain_pct=3.0,
        ops_fitted=True,
    )
    score = esi_score(rules, components)
    assert score.nox_sub_points == pytest.approx(10.90909, rel=1e-5)
    assert score.esi_nox == pytest.approx(7.27273, rel=1e-5)
    assert score.sox_by_category == pytest.approx({"high": 30.0, "mid": 4.375, "low": 17.5})
    assert score.esi_sox == pytest.approx(17.29167, rel=1e-5)
    assert score.esi_co2 == 8.0
    assert score.ops == 10.0
    assert score.total == pytest.approx(42.56439, rel=1e-5)
    assert not score.tier_iii


def test_nox_sub_points_of_the_esi_calculation_example(rules: EsiRules) -> None:
    """ESI Calculation Examples (esi.wpci.nl): main 9,480 kW limit 17 rated 15; three auxiliaries 970 kW
    limit 11.5 rated 11: {(17-15) x 9480/17 + (11.5-11) x 970 x 3/11.5} / (9480 + 2910) x 100
    = (1115.29 + 126.52) / 12390 x 100 = 10.02 (the page rounds to 10.0)."""
    rpm_for_11_5 = (45 / 11.5) ** 5  # the Tier I curve gives 11.5 g/kWh at this speed
    engines = [engine("ME", 9480, 100, 15)] + [
        engine(f"AE{i}", 970, rpm_for_11_5, 11, EngineRole.AUXILIARY) for i in range(3)
    ]
    points, _, _ = nox_sub_points(rules, engines)
    assert points == pytest.approx(10.0227, rel=1e-4)


def test_sox_sub_points_of_the_esi_calculation_example(rules: EsiRules) -> None:
    """ESI Calculation Examples: HIGH 2.00, MID 0.40, LOW 0.05 %: (3.50 - 2.00) / 3.0 x 30 + (0.50 - 0.40)
    / 0.4 x 35 + (0.10 - 0.05) / 0.1 x 35 = 15 + 8.75 + 17.5 = 41.25."""
    points, by_category, _ = sox_sub_points(rules, {"high": 2.0, "mid": 0.4, "low": 0.05})
    assert by_category == pytest.approx({"high": 15.0, "mid": 8.75, "low": 17.5})
    assert points == pytest.approx(41.25)


def test_sox_without_cleaner_fuel_has_no_bonus(rules: EsiRules) -> None:
    # only HIGH at 3.50 %: at the baseline -> 0; MID and LOW not bunkered and nothing cleaner -> 0
    points, _, _ = sox_sub_points(rules, {"high": 3.5})
    assert points == 0.0


def test_sulphur_outside_its_category_names_the_field(rules: EsiRules) -> None:
    with pytest.raises(InputError) as caught:
        sox_sub_points(rules, {"mid": 0.6}, source="ship.json")
    assert "ship.json" in str(caught.value)
    assert "sulfur_pct.mid" in str(caught.value)


def test_score_is_capped_at_100(rules: EsiRules) -> None:
    """Zero certified NOx: sub points 100 -> ESI NOx 66.667; only LOW at 0.00 %: HIGH and MID bonus 30 + 35,
    LOW 35 -> 100 -> ESI SOx 33.333; CO2 5 + 20 = 25, capped at 15; OPS 10. Uncapped 125 -> 100."""
    components = EsiComponents(
        engines=(engine("ME1", 10_000, 90, 0.0),),
        sulfur_pct={"low": 0.0},
        co2_reporting=True,
        efficiency_gain_pct=20.0,
        ops_fitted=True,
    )
    score = esi_score(rules, components)
    assert score.esi_co2 == 15.0
    assert score.uncapped == pytest.approx(125.0)
    assert score.total == 100.0


def test_efficiency_without_reporting_earns_nothing(rules: EsiRules) -> None:
    components = EsiComponents((engine("ME1", 10_000, 90, 17.0),), {}, False, 10.0, False)
    score = esi_score(rules, components)
    # engine at its limit: 0; no fuel: 0; no reporting: 0; no OPS: 0
    assert score.total == 0.0


def test_tier_iii_from_main_engine_certificates(rules: EsiRules) -> None:
    aux = engine("AE1", 1000, 720, 9.0, EngineRole.AUXILIARY)  # auxiliaries do not count
    assert meets_tier_iii(rules, [engine("ME1", 10_000, 80, 3.4), aux])  # Tier III at n < 130: 3.4
    assert not meets_tier_iii(rules, [engine("ME1", 10_000, 80, 3.5), aux])
    assert not meets_tier_iii(rules, [aux])
