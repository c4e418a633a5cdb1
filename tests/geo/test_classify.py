"""Vectorised zone lookup: hand-placed points and equality with the plain shapely reference."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from quayside.geo import load_profile
from quayside.geo.geodesy import haversine_nm

PF_LON, PF_LAT = -118.2937, 33.7054
DEG_PER_NM = 1.0 / 60.0405  # degrees of latitude per nm on the 6,371,008.8 m sphere (see test_geodesy)


@pytest.fixture(scope="module")
def spb():  # type: ignore[no-untyped-def]
    return load_profile("san-pedro-bay")


def test_hand_placed_points(spb) -> None:  # type: ignore[no-untyped-def]
    lon = np.array([-118.2585, -118.15, PF_LON, PF_LON, -121.0, -100.0])
    lat = np.array([33.7365, 33.70, PF_LAT - 30 * DEG_PER_NM, PF_LAT - 10 * DEG_PER_NM, 32.0, 20.0])
    r = spb.classify(lon, lat)
    # 0: centre of the Pier 400 berth box; 1.76 nm east and 1.86 nm north of Point Fermin → 2.6 nm → ring 20
    assert r.zone_kind[0] == "berth"
    assert r.zone_id[0] == "pola-apm-pier400"
    assert r.berth_id[0] == "pola-apm-pier400"
    assert r.anchorage_id[0] is None
    # 1: inside the Long Beach outer anchorage box (-118.20..-118.10, 33.690..33.715)
    assert r.zone_kind[1] == "anchorage"
    assert r.anchorage_id[1] == "lb-outer-f"
    # 2: 30 nm due south → ring 40;  3: 10 nm due south → ring 20
    assert r.vsr_ring_nm[2] == 40.0
    assert r.vsr_ring_nm[3] == 20.0
    assert r.in_boundary[2]
    assert r.zone_kind[2] is None
    # 4: far outside the 40 nm boundary but still inside the simplified North American ECA box
    assert not r.in_boundary[4]
    assert np.isnan(r.vsr_ring_nm[4])
    assert r.in_eca[4]
    # 5: the Gulf of Mexico side: outside everything
    assert not r.in_eca[5]
    assert not r.in_boundary[5]
    assert r.zone_id[5] is None


def test_ring_edge_due_south(spb) -> None:  # type: ignore[no-untyped-def]
    # 19.9 nm due south: lat = 33.7054 - 19.9/60.0405 = 33.37396 → inside 20 nm; 20.1 nm: 33.37063 → outside.
    lat = np.array([PF_LAT - 19.9 * DEG_PER_NM, PF_LAT - 20.1 * DEG_PER_NM])
    assert lat[0] == pytest.approx(33.37396, abs=1e-5)
    r = spb.classify(np.full(2, PF_LON), lat)
    assert r.vsr_ring_nm.tolist() == [20.0, 40.0]


def test_nagoya_has_no_rings_or_eca() -> None:
    p = load_profile("nagoya")
    r = p.classify(np.array([136.83]), np.array([35.015]))  # Tobishima berth box centre
    assert r.zone_id[0] == "ngo-tobishima"
    assert not r.in_eca[0]
    assert np.isnan(r.vsr_ring_nm[0])


@pytest.mark.parametrize("key", ["san-pedro-bay", "nagoya", "shenzhen"])
def test_fast_lookup_equals_shapely_reference(key: str) -> None:
    p = load_profile(key)
    rng = np.random.default_rng(42)
    x0, y0, x1, y1 = p.bbox
    n = 40_000
    # half spread over the whole profile, half concentrated around the berths (where edges are dense)
    bx0, by0, bx1, by1 = shapely.total_bounds([z.geometry for z in (*p.berths, *p.anchorages)])
    x = np.concatenate([rng.uniform(x0, x1, n), rng.uniform(bx0, bx1, n)])
    y = np.concatenate([rng.uniform(y0, y1, n), rng.uniform(by0, by1, n)])
    r = p.classify(x, y)
    assert np.array_equal(r.in_boundary, shapely.contains_xy(p.boundary, x, y))
    ref_eca = shapely.contains_xy(p.eca.geometry, x, y) if p.eca is not None else np.zeros(x.size, bool)
    assert np.array_equal(r.in_eca, ref_eca)
    ref_id = np.full(x.size, None, dtype=object)
    for z in reversed((*p.berths, *p.anchorages)):  # reversed so that the first berth wins
        ref_id[shapely.contains_xy(z.geometry, x, y)] = z.id
    # Inside the harbour and in no polygon: the nearest terminal's berth, or the harbour anchorage beyond
    # 1.5 km of every terminal (great-circle distances on the same sphere, one point at a time).
    in_harbor = shapely.contains_xy(p.harbor.geometry, x, y)
    assert np.array_equal(r.in_harbor, in_harbor)
    free = np.flatnonzero(in_harbor & (ref_id == None))  # noqa: E711
    assert free.size > 100
    for i in free[:2000]:
        dist = [haversine_nm(x[i], y[i], t.lon, t.lat) * 1852.0 for t in p.terminals]
        k = int(np.argmin(dist))
        ref_id[i] = f"harbor:{p.terminals[k].code}" if dist[k] <= 1500.0 else "harbor:anchorage"
    checked = np.concatenate([np.flatnonzero(~(in_harbor & (ref_id == None))), free[:2000]])  # noqa: E711
    same = r.zone_id[checked] == ref_id[checked]
    # The lookup's equirectangular distance may differ from the great circle by centimetres: a point within
    # that of the 1.5 km reach, or of equidistant terminals, may go either way (2 of 2,000 in Shenzhen).
    assert (~same).sum() <= 3, np.flatnonzero(~same)[:5]
    assert (r.zone_id != None).sum() > 100  # noqa: E711 - the sample really hits zones
    ref_ring = np.full(x.size, np.nan)
    for ring in sorted(p.vsr_rings, key=lambda g: -g.radius_nm):
        ref_ring[shapely.contains_xy(ring.geometry, x, y)] = ring.radius_nm
    assert np.array_equal(r.vsr_ring_nm, ref_ring, equal_nan=True)


def test_mismatched_lengths_raise_input_error(spb) -> None:  # type: ignore[no-untyped-def]
    from quayside.errors import InputError

    with pytest.raises(InputError, match="differ in length"):
        spb.classify(np.zeros(3), np.zeros(2))
