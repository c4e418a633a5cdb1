"""Geodesy on a sphere: great-circle distance in nautical miles and circles of a given radius.

Distances use the haversine formula on a sphere of the IUGG mean Earth radius (6,371,008.8 m); one nautical
mile is 1,852 m by definition. Over the tens of nautical miles of a port area the spherical error against the
WGS 84 ellipsoid stays below about 0.5%, which is well inside the uncertainty of the zones themselves.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from shapely.geometry import Polygon

#: IUGG mean Earth radius R1, metres.
EARTH_RADIUS_M = 6_371_008.8
#: The international nautical mile, metres.
NM_M = 1852.0
#: Nautical miles per degree of arc on the sphere above (≈ 60.04).
NM_PER_DEG = np.pi / 180.0 * EARTH_RADIUS_M / NM_M

FloatArray = npt.NDArray[np.float64]


def haversine_nm(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance between points, in nautical miles (vectorised, broadcasting).

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Degrees; scalars or arrays that broadcast together.

    Returns
    -------
    numpy.ndarray
        Distance in nautical miles (0-d array for scalar input).
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_M / NM_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def destination(
    lon: float, lat: float, bearing_deg: npt.ArrayLike, distance_nm: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Point(s) reached from ``(lon, lat)`` along great circles of the given bearings and distances.

    Returns
    -------
    tuple of numpy.ndarray
        ``(lon, lat)`` in degrees.
    """
    d = np.asarray(distance_nm, dtype=np.float64) * NM_M / EARTH_RADIUS_M
    b = np.radians(np.asarray(bearing_deg, dtype=np.float64))
    p1, l1 = np.radians(lat), np.radians(lon)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(l2), np.degrees(p2)


def initial_bearing_deg(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north in [0, 360)."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.asarray(np.degrees(np.arctan2(y, x)) % 360.0)


def ring_polygon(lon: float, lat: float, radius_nm: float, vertices: int = 128) -> Polygon:
    """A polygon approximating the circle of ``radius_nm`` around a point.

    Each vertex lies exactly ``radius_nm`` away on the sphere (so the polygon agrees with
    :func:`haversine_nm`); the chords between vertices cut inside the circle by at most
    ``radius_nm * (1 - cos(pi / vertices))`` — 0.006 nm for a 20 nm ring with 128 vertices.

    Parameters
    ----------
    lon, lat
        Centre, degrees.
    radius_nm
        Radius in nautical miles, > 0.
    vertices
        Number of vertices (at least 8).
    """
    bearings = np.arange(vertices, dtype=np.float64) * (360.0 / vertices)
    xs, ys = destination(lon, lat, bearings, radius_nm)
    return Polygon(np.column_stack([xs, ys]))
