"""Per-vessel factor resolution: tiers, fuels, sulfur and base emission factors."""

from __future__ import annotations

import pytest

from quayside.emissions.factors import load_factor_set
from quayside.emissions.fuel import nox_tier, resolve_group
from quayside.emissions.options import EmissionOptions
from quayside.emissions.types import EngineGroup
from quayside.vessels.types import EngineType, Fuel, Tier

F = load_factor_set()
OPT = EmissionOptions()


@pytest.mark.parametrize(
    ("year", "in_eca", "tier"),
    [
        (1999, True, Tier.TIER_0),
        (2000, True, Tier.TIER_1),
        (2010, False, Tier.TIER_1),
        (2011, True, Tier.TIER_2),
        (2015, True, Tier.TIER_2),
        (2016, True, Tier.TIER_3),  # Tier III applies inside a NOx ECA
        (2016, False, Tier.TIER_2),  # ... and Tier II limits outside
        (2024, False, Tier.TIER_2),
    ],
)
def test_tier_rules(year: int, in_eca: bool, tier: Tier) -> None:
    assert nox_tier(year, in_eca, F) is tier


def test_turbines_and_lng_are_tier_0() -> None:
    for engine in (EngineType.ST, EngineType.GT, EngineType.LNG):
        fuel = Fuel.LNG if engine is EngineType.LNG else Fuel.MGO
        assert resolve_group(F, EngineGroup.MAIN, engine, fuel, 2020, True, OPT).tier is Tier.TIER_0


def test_main_engine_on_distillate_in_the_eca() -> None:
    g = resolve_group(F, EngineGroup.MAIN, EngineType.SSD, Fuel.MGO, 1998, True, OPT).values
    assert g["sulfur"] == 0.1
    # CO2 = 185 × 3.206 = 593.11 g/kWh
    assert g["bsfc"] * g["cf"] == pytest.approx(593.11)
    # SO2 = 185 × 2 × 0.97753 × 0.1/100 = 0.36169 g/kWh
    assert g["bsfc"] * g["kso2"] == pytest.approx(0.36169, abs=1e-5)
    # PM10 = 0.1545 + 0.1 × 185 × 2.247 × 7 × 1e-4 = 0.1545 + 0.029099 = 0.183599 g/kWh
    assert g["pmnom"] + g["bsfc"] * g["kpm"] == pytest.approx(0.183599, abs=1e-6)
    assert g["ef_nox"] == 17.0  # Tier 0 (keel 1998)
    assert g["dpm"] == 1.0


def test_outside_the_eca_sulfur_is_global_and_overridable() -> None:
    g = resolve_group(F, EngineGroup.MAIN, EngineType.SSD, Fuel.MGO, 1998, False, OPT).values
    # SO2 = 185 × 2 × 0.97753 × 0.5/100 = 1.808431 g/kWh
    assert g["sulfur"] == 0.5
    assert g["bsfc"] * g["kso2"] == pytest.approx(1.808431, abs=1e-6)
    low = resolve_group(
        F, EngineGroup.MAIN, EngineType.SSD, Fuel.MGO, 1998, False, EmissionOptions(sulfur_pct=0.05)
    )
    assert low.values["sulfur"] == 0.05


def test_default_fuel_follows_the_epa_fuel_mix() -> None:
    inside = resolve_group(F, EngineGroup.MAIN, EngineType.SSD, None, 2005, True, OPT)
    outside = resolve_group(F, EngineGroup.MAIN, EngineType.SSD, None, 2005, False, OPT)
    assert (inside.fuel_group, outside.fuel_group) == ("MGO/MDO", "RM/HFO")
    # RM/HFO SSD Tier 1: NOx 17.0, BSFC 195, CO2 = 195 × 3.114 = 607.23 g/kWh
    assert outside.values["ef_nox"] == 17.0
    assert outside.values["bsfc"] * outside.values["cf"] == pytest.approx(607.23)


def test_lng_ship() -> None:
    main = resolve_group(F, EngineGroup.MAIN, EngineType.LNG, Fuel.LNG, 2019, True, OPT)
    # LNG: BSFC 166, CO2 = 166 × 2.75 = 456.5; SO2 = 166 × 2e-4 = 0.0332; PM10 fixed 0.03; NOx 1.3; no DPM
    v = main.values
    assert v["bsfc"] * v["cf"] == pytest.approx(456.5)
    assert v["bsfc"] * v["kso2"] == pytest.approx(0.0332)
    assert (v["pmnom"], v["kpm"], v["ef_nox"], v["dpm"]) == (0.03, 0.0, 1.3, 0.0)
    # boilers have no LNG factors in EPA's tables: MGO/MDO in the ECA
    assert (
        resolve_group(F, EngineGroup.BOILER, EngineType.LNG, Fuel.LNG, 2019, True, OPT).fuel_group
        == "MGO/MDO"
    )


def test_steam_turbine_has_no_dpm() -> None:
    v = resolve_group(F, EngineGroup.MAIN, EngineType.ST, Fuel.HFO, 1980, False, OPT).values
    assert (v["pmnom"], v["dpm"]) == (0.93, 0.0)  # EPA EF_PM_ST_GT_LNG: ST on RM/HFO 0.93 g/kWh
