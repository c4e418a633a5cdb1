"""Spherical geodesy helpers, checked against hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest

from quayside.geo.geodesy import NM_PER_DEG, destination, haversine_nm, initial_bearing_deg, ring_polygon


def test_one_degree_of_latitude_in_nm() -> None:
    # pi/180 * 6,371,008.8 m = 111,195.08 m; / 1852 m per nm = 60.0405 nm.
    assert haversine_nm(0.0, 0.0, 0.0, 1.0) == pytest.approx(60.0405, abs=1e-4)
    assert pytest.approx(60.0405, abs=1e-4) == NM_PER_DEG


def test_along_parallel_at_60n_is_half() -> None:
    # On the 60th parallel one degree of longitude is ~cos(60°) = 0.5 of a degree of arc: ~30.02 nm
    # (great circle slightly shorter than the parallel: 2*asin(0.5*sin(0.5°)) = 0.49999 deg → 30.019 nm).
    assert haversine_nm(0.0, 60.0, 1.0, 60.0) == pytest.approx(30.019, abs=2e-3)


def test_vectorised_and_broadcasting() -> None:
    d = haversine_nm(np.zeros(3), np.zeros(3), 0.0, np.array([0.0, 1.0, 2.0]))
    assert d.shape == (3,)
    assert d[2] == pytest.approx(2 * 60.0405, abs=1e-3)


def test_destination_due_south_and_bearing() -> None:
    lon, lat = destination(-118.2937, 33.7054, 180.0, 20.0)
    # 20 nm due south = 20 / 60.0405 = 0.33311 degrees of latitude.
    assert float(lat) == pytest.approx(33.7054 - 0.33311, abs=1e-5)
    assert float(lon) == pytest.approx(-118.2937, abs=1e-9)
    assert float(initial_bearing_deg(-118.2937, 33.7054, lon, lat)) == pytest.approx(180.0, abs=1e-6)


def test_ring_polygon_vertices_at_radius() -> None:
    ring = ring_polygon(-118.2937, 33.7054, 20.0, vertices=64)
    xs, ys = np.asarray(ring.exterior.coords).T
    assert np.allclose(haversine_nm(-118.2937, 33.7054, xs, ys), 20.0, atol=1e-9)
    assert len(xs) == 65  # closed ring
