"""The kernel on hand-made tracks: intervals, modes, and agreement with ``estimate``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from quayside.emissions.estimate import estimate
from quayside.emissions.factors import load_factor_set
from quayside.emissions.kernel import OUTPUT_COLUMNS, VESSEL_COLUMNS, compute_intervals
from quayside.emissions.types import Pollutant
from quayside.errors import InputError

T0 = datetime(2024, 1, 1, tzinfo=UTC)
VESSEL: dict[str, Any] = {
    "ship_type": "container",
    "teu": 4000,
    "mcr_kw": 37000,
    "service_speed_kn": 23.5,
    "engine": "SSD",
    "fuel": "MGO",
    "keel_laid_year": 1998,
}


def _track(points: list[dict[str, Any]]) -> pl.DataFrame:
    rows = []
    for p in points:
        rows.append(
            {
                "mmsi": p.get("mmsi", 1),
                "ts": T0 + timedelta(hours=p["h"]),
                "lat": p.get("lat", 33.7),
                "lon": p.get("lon", -118.3),
                "sog_kn": p.get("sog"),
                "segment": p.get("segment", 0),
                "in_boundary": True,
                "in_eca": p.get("eca", True),
                "zone_kind": p.get("zone"),
                "zone_id": p.get("zone_id"),
            }
        )
    schema = {
        "mmsi": pl.Int64,
        "ts": pl.Datetime("us", "UTC"),
        "lat": pl.Float64,
        "lon": pl.Float64,
        "sog_kn": pl.Float64,
        "segment": pl.Int32,
        "in_boundary": pl.Boolean,
        "in_eca": pl.Boolean,
        "zone_kind": pl.String,
        "zone_id": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def _vessels(*mmsis: int) -> pl.DataFrame:
    return pl.DataFrame([{"mmsi": m, **VESSEL, "shore_power": False} for m in mmsis])


def test_five_point_track_matches_estimate() -> None:
    track = _track(
        [
            {"h": 0, "sog": 0.0, "zone": "berth", "zone_id": "B1"},
            {
                "h": 10,
                "sog": 0.0,
                "zone": "berth",
                "zone_id": "B1",
            },  # 0→10 h: hotelling (start in berth, 0 kn)
            {"h": 11, "sog": 10.0},  # 10→11 h: mean SOG 5 kn, load 2 % → maneuvering
            {
                "h": 13,
                "sog": 26.0,
                "eca": False,
            },  # 11→13 h: mean 18 kn, load 37 % → transit, start in the ECA
            {"h": 14, "sog": 10.0, "eca": False},  # 13→14 h: mean 18 kn, transit outside the ECA
        ]
    )
    out = compute_intervals(track, _vessels(1), load_factor_set())
    assert out.columns == list(OUTPUT_COLUMNS)
    assert out["mode"].cast(pl.String).to_list() == ["hotelling", "maneuvering", "transit", "transit"]
    assert out["hours"].to_list() == [10.0, 1.0, 2.0, 1.0]
    assert out["speed_kn"].to_list() == [0.0, 5.0, 18.0, 18.0]
    assert out["zone_id"].to_list() == ["B1", "B1", None, None]  # the zone of the START point
    legs = [
        {"mode": "hotelling", "hours": 10},
        {"mode": "maneuvering", "hours": 1, "speed_kn": 5},
        {"mode": "transit", "hours": 2, "speed_kn": 18},
        {"mode": "transit", "hours": 1, "speed_kn": 18, "eca": False},
    ]
    ref = estimate({"vessel": VESSEL, "legs": legs})
    for p in Pollutant:
        for g in ("main", "aux", "boiler"):
            assert out[f"{p.column}_{g}_g"].sum() == pytest.approx(ref["by_engine"][g][p.value], rel=1e-12)
    # hand check of one number: transit leg in the ECA, 13,810.176 kW × 2 h × 17 g/kWh
    assert out["nox_main_g"][2] == pytest.approx(13810.176 * 2 * 17.0)


def test_intervals_stop_at_vessel_and_segment_changes() -> None:
    track = _track(
        [
            {"h": 0, "sog": 12.0, "mmsi": 1, "segment": 0},
            {"h": 1, "sog": 12.0, "mmsi": 1, "segment": 0},
            {"h": 5, "sog": 12.0, "mmsi": 1, "segment": 1},  # gap → new segment: no interval 1 h → 5 h
            {"h": 6, "sog": 12.0, "mmsi": 1, "segment": 1},
            {"h": 0, "sog": 12.0, "mmsi": 2, "segment": 0},
            {"h": 2, "sog": 12.0, "mmsi": 2, "segment": 0},
        ]
    )
    out = compute_intervals(track, _vessels(1, 2), load_factor_set())
    assert out.select("mmsi", "segment", "hours").rows() == [(1, 0, 1.0), (1, 1, 1.0), (2, 0, 2.0)]


def test_speed_from_distance_when_sog_is_missing() -> None:
    # one minute of latitude apart in 0.5 h: haversine = 3440.065 nm × π/10800
    # = 3440.065 × 0.000290888 = 1.000674 nm → 2.001349 kn
    track = _track([{"h": 0, "sog": None, "lat": 33.0}, {"h": 0.5, "sog": 4.0, "lat": 33.0 + 1 / 60}])
    out = compute_intervals(track, _vessels(1), load_factor_set())
    assert out["dist_nm"][0] == pytest.approx(1.000674, abs=1e-6)
    assert out["speed_kn"][0] == pytest.approx(2.001349, abs=2e-6)
    assert out["mode"].cast(pl.String)[0] == "maneuvering"


@pytest.mark.parametrize(
    ("zone", "sog", "mode"),
    [
        ("berth", 0.8, "hotelling"),
        ("berth", 2.0, "maneuvering"),
        ("anchorage", 2.5, "anchorage"),
        ("anchorage", 4.0, "maneuvering"),
        (None, 0.5, "anchorage"),  # drifting outside berth/anchorage zones counts as anchorage
        (None, 20.0, "transit"),
    ],
)
def test_mode_rules(zone: str | None, sog: float, mode: str) -> None:
    track = _track([{"h": 0, "sog": sog, "zone": zone}, {"h": 1, "sog": sog, "zone": zone}])
    out = compute_intervals(track, _vessels(1), load_factor_set())
    assert out["mode"].cast(pl.String)[0] == mode
    if mode in ("hotelling", "anchorage"):
        assert out["main_kw"][0] == 0.0


def test_unknown_vessel_gives_nulls_and_missing_columns_fail() -> None:
    track = _track([{"h": 0, "sog": 10.0, "mmsi": 9}, {"h": 1, "sog": 10.0, "mmsi": 9}])
    out = compute_intervals(track, _vessels(1), load_factor_set())
    assert out["nox_main_g"][0] is None
    with pytest.raises(InputError, match="zone_kind"):
        compute_intervals(track.drop("zone_kind"), _vessels(1), load_factor_set())
    with pytest.raises(InputError, match="engine"):
        compute_intervals(track, _vessels(1).drop("engine"), load_factor_set())


def test_vessel_columns_constant() -> None:
    assert {"mmsi", "ship_type", "mcr_kw", "aux_kw_hotelling", "boiler_kw_transit"} <= set(VESSEL_COLUMNS)
