"""Emissions a VSR transit saved, worked by hand.

The vessel: bulk carrier, MCR 10,000 kW, service speed 16 kn, slow-speed diesel on MGO, keel laid 2005
(IMO Tier 1), auxiliary engines 500 kW and no boiler in transit, inside the North American ECA (0.1 % S).
The transit: 20 nm inside the 20 nm ring at 12 kn; compared with the same 20 nm at 16 kn. No sea margin.

Propeller law (EPA-420-B-22-011 §3.4: maximum speed = service / 0.94):
- 12 kn: load (12 × 0.94 / 16)³ = 0.705³ = 0.350402625 (above 20 %: no low-load adjustment);
  main 3,504.02625 kW × 20/12 h = 5,840.04375 kWh; auxiliary 500 kW × 1.666667 h = 833.333333 kWh.
- 16 kn: load 0.94³ = 0.830584; main 8,305.84 kW × 1.25 h = 10,382.3 kWh; auxiliary 625 kWh.

Factors (EPA ShipEF tables, as the kernel uses them):
- NOx: main SSD MGO Tier 1 16.0 g/kWh, auxiliary MSD MGO Tier 1 12.2 g/kWh.
  12 kn: 5,840.04375 × 16 + 833.333333 × 12.2 = 93,440.7 + 10,166.6667 = 103,607.3667 g;
  16 kn: 10,382.3 × 16 + 625 × 12.2 = 166,116.8 + 7,625 = 173,741.8 g; saved 70,134.4333 g.
- CO2 = BSFC × 3.206: main 185 × 3.206 = 593.11 g/kWh, auxiliary 217 × 3.206 = 695.702 g/kWh.
  12 kn: 3,463,788.348 + 579,751.667 = 4,043,540.015 g; 16 kn: 6,157,845.953 + 434,813.75 = 6,592,659.703 g;
  saved 2,549,119.688 g.
- DPM = PM10 = 0.1545 + 0.1 × BSFC × 2.247 × 7e-4: main 0.1835985, auxiliary 0.18863193 g/kWh.
  12 kn: 1,072.22415 + 157.19328 = 1,229.41742 g; 16 kn: 1,906.17626 + 117.89496 = 2,024.07122 g;
  saved 794.65380 g.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest

from quayside.geo.geodesy import destination
from quayside.geo.profiles import load_profile
from quayside.programs.incentives.vsr import calculate, transits_from_ais

SAVED_G = {"NOx": 70134.4333, "CO2": 2549119.688, "DPM": 794.65380}
ACTUAL_G = {"NOx": 103607.3667, "CO2": 4043540.015, "DPM": 1229.41742}
SERVICE_G = {"NOx": 173741.8, "CO2": 6592659.703, "DPM": 2024.07122}

VESSEL: dict[str, Any] = {
    "ship_type": "bulk",
    "dwt": 50000,
    "mcr_kw": 10000,
    "service_speed_kn": 16,
    "engine": "SSD",
    "fuel": "MGO",
    "keel_laid_year": 2005,
    "aux_kw": 500,
    "boiler_kw": 0,
}


def test_calculator_saved_emissions_by_hand() -> None:
    answer = calculate(
        {"vessel": VESSEL, "rings": [{"ring_nm": 20, "distance_nm": 20, "hours": 20 / 12}]}, source="t.json"
    )
    ring = answer["result"]["rings"][0]
    for pollutant, grams in SAVED_G.items():
        assert ring["emissions_g"]["saved"][pollutant] == pytest.approx(grams, rel=1e-6)
        assert ring["emissions_g"]["actual"][pollutant] == pytest.approx(ACTUAL_G[pollutant], rel=1e-6)
        assert ring["emissions_g"]["at_service_speed"][pollutant] == pytest.approx(
            SERVICE_G[pollutant], rel=1e-6
        )
    names = {r["name"] for r in answer["rules"]}
    assert {"main.nox[SSD, MGO/MDO, Tier 1]", "aux.nox[MSD, MGO/MDO, Tier 1]", "max_speed_ratio"} <= names


def test_transits_from_ais_saved_emissions_by_hand() -> None:
    """The same 20 nm at 12 kn, as AIS reports every nm from 45 nm out to the reference point (in port)."""
    profile = load_profile("san-pedro-bay")
    d = np.array([45.0 - i for i in range(46)])
    lon, lat = destination(*profile.reference_point, 180.0, d)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    positions = pl.DataFrame(
        {
            "mmsi": [7] * 46,
            "ts": [t0 + timedelta(hours=i / 12) for i in range(46)],
            "lon": lon,
            "lat": lat,
            "sog_kn": [12.0] * 46,
            "in_port": d == 0.0,
        }
    )
    vessels = pl.DataFrame(
        {
            "mmsi": [7],
            "category": ["ogv"],
            "imo": [None],
            "name": [None],
            "ship_type": ["bulk"],
            "dwt": [50000.0],
            "mcr_kw": [10000.0],
            "service_speed_kn": [16.0],
            "engine": ["SSD"],
            "fuel": ["MGO"],
            "keel_laid_year": [2005],
            "aux_kw_transit": [500.0],
            "boiler_kw_transit": [0.0],
        },
        schema_overrides={"imo": pl.Int64, "name": pl.String},
    )
    rings = {t.ring_nm: t for t in transits_from_ais(positions, profile, vessels)}
    inner = rings[20.0]
    assert inner.service_speed_kn == 16.0
    assert inner.nox_saved_g == pytest.approx(SAVED_G["NOx"], rel=1e-6)
    assert inner.co2_saved_g == pytest.approx(SAVED_G["CO2"], rel=1e-6)
    assert inner.dpm_saved_g == pytest.approx(SAVED_G["DPM"], rel=1e-6)
    # 40 nm at the same speeds: twice the energy, twice the saving
    assert rings[40.0].nox_saved_g == pytest.approx(2 * SAVED_G["NOx"], rel=1e-6)


def test_a_vessel_without_particulars_keeps_its_transit_without_savings() -> None:
    profile = load_profile("san-pedro-bay")
    d = np.array([30.0 - i for i in range(31)])
    lon, lat = destination(*profile.reference_point, 180.0, d)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    positions = pl.DataFrame(
        {
            "mmsi": [8] * 31,
            "ts": [t0 + timedelta(hours=i / 11) for i in range(31)],
            "lon": lon,
            "lat": lat,
            "sog_kn": [11.0] * 31,
            "in_port": d == 0.0,
        }
    )
    # no engine: the emissions model cannot run for it, the transit still counts
    vessels = pl.DataFrame({"mmsi": [8], "category": ["ogv"], "ship_type": ["bulk"], "mcr_kw": [1.0]})
    found = transits_from_ais(positions, profile, vessels)
    assert [t.compliant for t in found] == [True, True]
    assert all(t.nox_saved_g is None for t in found)
