"""VSR transits from hand-built tracks: ring crossings, mean speeds, compliance at 11.9 and 12.1 kn.

Tracks run due north along the meridian of Point Fermin (the San Pedro Bay VSR reference point), so the
distance between two reports is the difference of their distances from the reference point, and the ring
polygons have a vertex exactly on that meridian (vertex 64 of 128 is at bearing 180°): each ring is crossed
exactly at its radius.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from quayside.errors import InputError
from quayside.geo.geodesy import destination
from quayside.geo.profiles import PortProfile, load_profile
from quayside.programs.incentives.vsr import VsrTransit, load_rules, transits_from_ais
from quayside.programs.incentives.vsr_track import Direction, split_transits

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def profile() -> PortProfile:
    return load_profile("san-pedro-bay")


def vessel_frame(mmsi: int = 1, category: str = "ogv") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "mmsi": [mmsi],
            "category": [category],
            "imo": [9000001],
            "name": ["TEST BULKER"],
            "ship_type": ["bulk"],
            "dwt": [50000.0],
            "mcr_kw": [10000.0],
            "service_speed_kn": [16.0],
            "engine": ["SSD"],
            "fuel": ["MGO"],
            "keel_laid_year": [2005],
            "aux_kw_transit": [500.0],
            "boiler_kw_transit": [0.0],
        }
    )


def track(
    profile: PortProfile,
    dist_nm: Sequence[float],
    hours: Sequence[float],
    sog: Sequence[float | None],
    port: Sequence[bool],
    mmsi: int = 1,
) -> pl.DataFrame:
    """Reports at ``dist_nm`` south of the reference point, at ``T0 + hours``."""
    lon, lat = destination(*profile.reference_point, 180.0, np.asarray(dist_nm, dtype=float))
    return pl.DataFrame(
        {
            "mmsi": [mmsi] * len(dist_nm),
            "ts": [T0 + timedelta(hours=h) for h in hours],
            "lon": lon,
            "lat": lat,
            "sog_kn": sog,
            "in_port": port,
        },
        schema_overrides={"sog_kn": pl.Float64},
    )


def steady_inbound(profile: PortProfile, speed: float) -> pl.DataFrame:
    """From 45 nm out to the reference point (in port) at a steady ``speed``, a report every nm."""
    d = [45.0 - i for i in range(46)]
    return track(profile, d, [i / speed for i in range(46)], [speed] * 46, [x == 0.0 for x in d])


def by_ring(transits: list[VsrTransit]) -> dict[float, VsrTransit]:
    return {t.ring_nm: t for t in transits}


@pytest.mark.parametrize(("speed", "compliant"), [(11.9, True), (12.1, False), (12.0, True)])
def test_a_steady_transit_complies_at_or_below_12_kn(
    profile: PortProfile, speed: float, compliant: bool
) -> None:
    # 20 nm inside the 20 nm ring and 40 nm inside the 40 nm ring, all at `speed`: the mean is `speed`.
    rings = by_ring(transits_from_ais(steady_inbound(profile, speed), profile, vessel_frame()))
    assert set(rings) == {20.0, 40.0}
    for radius, t in rings.items():
        assert t.direction == "inbound"
        assert t.distance_nm == pytest.approx(radius, abs=1e-6)
        assert t.hours == pytest.approx(radius / speed, rel=1e-9)
        assert t.mean_sog_kn == pytest.approx(speed, rel=1e-9)
        assert t.compliant is compliant
        assert t.complete
        assert (t.mmsi, t.imo, t.ship_type) == (1, 9000001, "bulk")


def test_ring_crossing_is_interpolated(profile: PortProfile) -> None:
    """Reports at 24 nm (16 kn), 16 nm (8 kn), then 1 nm in port (8 kn).

    Segment 1, 24 → 16 nm, takes 40 min; the 20 nm ring is crossed halfway (parameter 0.5), at +20 min;
    4 nm of it is inside, at the trapezoid speed 16 + (8 − 16) × (0.5 + 1) / 2 = 10 kn.
    Segment 2, 16 → 1 nm, 15 nm at (8 + 8) / 2 = 8 kn, takes 1.875 h.
    20 nm ring: distance 19 nm; hours 20/60 + 1.875 = 2.208333; distance-weighted mean speed
    (4 × 10 + 15 × 8) / 19 = 160 / 19 = 8.421053 kn; distance / time = 19 / 2.208333 = 8.603774 kn.
    """
    t = track(
        profile, [24.0, 16.0, 1.0], [0.0, 40 / 60, 40 / 60 + 1.875], [16.0, 8.0, 8.0], [False, False, True]
    )
    rings = by_ring(transits_from_ais(t, profile, vessel_frame()))
    inner = rings[20.0]
    assert inner.enter == T0 + timedelta(minutes=20)
    assert inner.exit == T0 + timedelta(hours=40 / 60 + 1.875)
    assert inner.distance_nm == pytest.approx(19.0, abs=1e-6)
    assert inner.hours == pytest.approx(2.208333333, rel=1e-6)
    assert inner.mean_sog_kn == pytest.approx(160 / 19, rel=1e-6)
    assert inner.time_mean_speed_kn == pytest.approx(19 / 2.208333333, rel=1e-6)
    # The whole track is inside 40 nm but its crossing was not seen: measured, and marked incomplete.
    outer = rings[40.0]
    assert outer.distance_nm == pytest.approx(23.0, abs=1e-6)
    assert outer.enter == T0
    assert not outer.complete


def test_missing_sog_uses_the_segment_speed(profile: PortProfile) -> None:
    # 30 → 10 nm in 2 h without SOG: 10 kn implied; the 20 nm ring takes 10 nm of it at 10 kn.
    t = track(profile, [30.0, 10.0, 0.0], [0.0, 2.0, 3.0], [None, None, 10.0], [False, False, True])
    inner = by_ring(transits_from_ais(t, profile, vessel_frame()))[20.0]
    # segment 2, 10 → 0 nm in 1 h: one SOG missing → implied 10 kn as well
    assert inner.mean_sog_kn == pytest.approx(10.0, rel=1e-9)
    assert inner.enter == T0 + timedelta(hours=1)


def test_a_reception_gap_is_left_out_and_marks_the_transit_incomplete(profile: PortProfile) -> None:
    # 25 → 15 nm over 8 h (a gap longer than the 6 h segment gap), then 15 → 0 at 12 kn.
    t = track(profile, [25.0, 15.0, 0.0], [0.0, 8.0, 9.25], [12.0, 12.0, 12.0], [False, False, True])
    inner = by_ring(transits_from_ais(t, profile, vessel_frame()))[20.0]
    assert inner.distance_nm == pytest.approx(15.0, abs=1e-6)
    assert not inner.complete


def test_outbound_and_inbound_are_separate_transits(profile: PortProfile) -> None:
    # in: 45 → 0 at 12 kn; 30 h at berth; out: 0 → 45 at 10 kn
    d_in = [45.0 - i for i in range(46)]
    hours_in = [i / 12 for i in range(46)]
    d_out = [float(i) for i in range(46)]
    hours_out = [hours_in[-1] + 30 + i / 10 for i in range(46)]
    t = track(
        profile,
        d_in + d_out,
        hours_in + hours_out,
        [12.0] * 46 + [10.0] * 46,
        [x == 0.0 for x in d_in + d_out],
    )
    found = transits_from_ais(t, profile, vessel_frame())
    assert sorted((x.direction, x.ring_nm) for x in found) == [
        ("inbound", 20.0),
        ("inbound", 40.0),
        ("outbound", 20.0),
        ("outbound", 40.0),
    ]
    out20 = next(x for x in found if x.direction == "outbound" and x.ring_nm == 20.0)
    assert out20.mean_sog_kn == pytest.approx(10.0)
    assert out20.exit == T0 + timedelta(hours=hours_out[0] + 2.0)  # 20 nm at 10 kn after leaving port


def test_harbour_craft_and_unknown_vessels_make_no_transits(profile: PortProfile) -> None:
    t = steady_inbound(profile, 14.0)
    assert transits_from_ais(t, profile, vessel_frame(category="harbor_craft")) == []
    assert transits_from_ais(t, profile, vessel_frame(mmsi=2)) == []


def test_missing_position_column_is_an_error(profile: PortProfile) -> None:
    with pytest.raises(InputError, match="sog_kn"):
        transits_from_ais(steady_inbound(profile, 12.0).drop("sog_kn"), profile, vessel_frame())


def test_split_transits() -> None:
    # states: outside(O), sea inside ring(R), port(P)
    def split(states: str) -> list[tuple[int, int, Direction]]:
        ring = np.array([c in "RP" for c in states])
        port = np.array([c == "P" for c in states])
        return split_transits(ring, port)

    assert split("ORRPPRRO") == [(0, 3, Direction.INBOUND), (4, 7, Direction.OUTBOUND)]
    assert split("RRP") == [(0, 2, Direction.INBOUND)]  # seen only inside: still inbound (incomplete later)
    assert split("ORRO") == []  # passing by
    assert split("PRRP") == []  # a shift inside the port area
    assert split("PRR") == [(0, 2, Direction.OUTBOUND)]


def test_the_speed_measure_is_a_rule(profile: PortProfile, tmp_path: Path) -> None:
    # Reports 1 nm apart every 1/12.5 h (12.5 kn over the ground) while SOG says 11.5 kn: compliant by the
    # default measure (distance-weighted SOG 11.5), not by distance / time (12.5 kn).
    d = [45.0 - i for i in range(46)]
    t = track(profile, d, [i / 12.5 for i in range(46)], [11.5] * 46, [x == 0.0 for x in d])
    default = by_ring(transits_from_ais(t, profile, vessel_frame()))[20.0]
    assert default.measured_speed_kn == pytest.approx(11.5)
    assert default.compliant
    text = (resources.files("quayside.programs.incentives") / "data" / "vsr_rules.csv").read_text("utf-8")
    path = tmp_path / "rules.csv"
    path.write_text(text.replace(",distance_weighted_sog,", ",distance_over_time,"), encoding="utf-8")
    timed = by_ring(transits_from_ais(t, profile, vessel_frame(), rules=load_rules(path)))[20.0]
    assert timed.measured_speed_kn == pytest.approx(12.5)
    assert not timed.compliant
