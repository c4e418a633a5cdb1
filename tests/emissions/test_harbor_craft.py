"""The harbour-craft method, worked by hand from the tables it cites (EPA-420-B-22-011 §4 form)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from quayside.emissions.factors import load_factor_set
from quayside.emissions.harbor_craft import harbor_craft_intervals, load_harbor_craft_tables
from quayside.emissions.modes import MODE_DTYPE

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _intervals(rows: list[tuple[int, str, float]]) -> pl.DataFrame:
    """(mmsi, mode, hours) rows in the kernel's interval columns the method reads."""
    return pl.DataFrame(
        {
            "mmsi": [r[0] for r in rows],
            "mode": pl.Series([r[1] for r in rows], dtype=MODE_DTYPE),
            "hours": [r[2] for r in rows],
            "speed_kn": [8.0 if r[1] in ("transit", "maneuvering") else 0.0 for r in rows],
        },
        schema_overrides={"mmsi": pl.Int64},
    )


def _vessels(rows: list[tuple[int, str, float, float, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "mmsi": [r[0] for r in rows],
            "subtype": [r[1] for r in rows],
            "mcr_kw": [r[2] for r in rows],
            "aux_rated_kw": [r[3] for r in rows],
            "keel_laid_year": [r[4] for r in rows],
        },
        schema_overrides={"mmsi": pl.Int64},
    )


def test_assist_tug_moving_then_moored() -> None:
    """Assist tug, 3,000 kW propulsion, 100 kW auxiliary, engines of 2005 (Tier 1 in harbor_craft_tiers.csv).

    Load factors (harbor_craft_load_factors.csv, assist_tug): main 0.31, aux 0.43, auxiliaries run 0.25 of
    the time moored. Tier 1 NOx 9.8 g/kWh, PM10 0.4 g/kWh (harbor_craft_ef.csv); BSFC 217 g/kWh, 15 ppm
    sulfur, CO2 3.206 g/g fuel; CH4 0.01 and N2O 0.03 g/kWh (aux HSD rows of ghg_ch4_n2o.csv), AR5 GWP.

    2 h manoeuvring: main 3,000 × 0.31 × 2 = 1,860 kWh; aux 100 × 0.43 × 2 = 86 kWh.
      NOx main 1,860 × 9.8 = 18,228 g; fuel main 1,860 × 217 = 403,620 g = 0.40362 t;
      CO2 main 403,620 × 3.206 = 1,294,005.72 g;
      SO2 main 403,620 × 2 × 0.97753 = 789,101.26, × 0.0015 / 100 = 11.83652 g;
      PM10 main 744 g, PM2.5 744 × 0.97 = 721.68 g, DPM 744 g;
      CO2e main 1,294,005.72 + 28 × 18.6 + 265 × 55.8 = 1,294,005.72 + 520.8 + 14,787.0 = 1,309,313.52 g.
    10 h moored: no propulsion; aux 100 × 0.43 × 0.25 × 10 = 107.5 kWh, NOx 1,053.5 g.
    """
    factors = load_factor_set()
    out = harbor_craft_intervals(
        _intervals([(1, "maneuvering", 2.0), (1, "hotelling", 10.0)]),
        _vessels([(1, "assist_tug", 3000.0, 100.0, 2005)]),
        factors,
    )
    moving, moored = out.row(0, named=True), out.row(1, named=True)
    assert moving["energy_main_kwh"] == pytest.approx(1860.0, rel=1e-12)
    assert moving["energy_aux_kwh"] == pytest.approx(86.0, rel=1e-12)
    assert moving["load_main"] == pytest.approx(0.31, rel=1e-12)
    assert moving["nox_main_g"] == pytest.approx(18228.0, rel=1e-12)
    assert moving["fuel_main_t"] == pytest.approx(0.40362, rel=1e-12)
    assert moving["co2_main_g"] == pytest.approx(1294005.72, rel=1e-12)
    assert moving["so2_main_g"] == pytest.approx(11.83652, rel=1e-6)
    assert moving["pm10_main_g"] == pytest.approx(744.0, rel=1e-12)
    assert moving["pm2_5_main_g"] == pytest.approx(721.68, rel=1e-12)
    assert moving["dpm_main_g"] == pytest.approx(744.0, rel=1e-12)
    assert moving["co2e_main_g"] == pytest.approx(1309313.52, rel=1e-12)
    assert moving["energy_boiler_kwh"] == 0.0
    assert moored["energy_main_kwh"] == 0.0
    assert moored["energy_aux_kwh"] == pytest.approx(107.5, rel=1e-12)
    assert moored["nox_aux_g"] == pytest.approx(1053.5, rel=1e-12)


def test_tier_follows_model_year_and_power() -> None:
    """A 2017 tug: 3,000 kW main engine is Tier 4 (>= 600 kW from 2017), its 100 kW auxiliary Tier 3.

    1 h moving: main 930 kWh × NOx 1.8 = 1,674 g; aux 43 kWh × NOx 5.0 = 215 g.
    """
    out = harbor_craft_intervals(
        _intervals([(2, "transit", 1.0)]),
        _vessels([(2, "assist_tug", 3000.0, 100.0, 2017)]),
        load_factor_set(),
    )
    row = out.row(0, named=True)
    assert row["nox_main_g"] == pytest.approx(1674.0, rel=1e-12)
    assert row["nox_aux_g"] == pytest.approx(215.0, rel=1e-12)
    tables = load_harbor_craft_tables()
    assert tables.tier(2003, 500.0).tier == "Tier 0"
    assert tables.tier(2016, 3000.0).tier == "Tier 3"
    assert tables.tier(2017, 599.0).tier == "Tier 3"


def test_a_week_moored_is_not_a_week_of_ocean_going_hotelling() -> None:
    """The issue's case: a small tour boat moored 168 h "burned" ~25 t of fuel as an OGV.

    Excursion boat, 50 kW auxiliary, no auxiliary use when moored beyond 0.1 of the time:
    50 × 0.43 × 0.1 × 168 = 361.2 kWh, × 217 g/kWh = 78.38 kg of fuel.
    """
    out = harbor_craft_intervals(
        _intervals([(3, "hotelling", 168.0)]),
        _vessels([(3, "excursion", 600.0, 50.0, 2005)]),
        load_factor_set(),
    )
    row = out.row(0, named=True)
    assert row["energy_aux_kwh"] == pytest.approx(361.2, rel=1e-12)
    assert row["fuel_aux_t"] + row["fuel_main_t"] == pytest.approx(0.0783804, rel=1e-9)


def test_every_table_row_is_sourced_and_marked() -> None:
    tables = load_harbor_craft_tables()
    assert len(tables.load_factors) == 10
    for lf in tables.load_factors.values():
        assert lf.main.source
        assert lf.main.assumption  # no confirmed source was available: every load factor is marked U
    assert {(t, p) for t, p in tables.ef} >= {("Tier 2", "nox"), ("Tier 4", "pm10")}
    assert all(f.source for f in tables.ef.values())
