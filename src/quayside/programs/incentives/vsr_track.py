"""The geometry of a VSR transit: where a track is inside a ring, how far, how long and how fast.

Method (one transit, one ring)
------------------------------
The reports ``0..n-1`` of a transit, in time order, are joined by straight segments. For each segment the
part inside the ring is found: both ends inside → all of it; otherwise the segment is intersected with the
ring polygon (:func:`shapely.intersection`, in longitude/latitude) and the part inside is the fraction
``[t0, t1]`` of the segment (parameter along it). That fraction of the segment's great-circle length
(:func:`quayside.geo.geodesy.haversine_nm`) and of its duration is inside; the crossing time is interpolated
linearly (``ts_i + t0 × (ts_{i+1} − ts_i)``). Over the few nautical miles between two reports the straight
segment and the great circle differ by far less than the ring polygon's own chord error.

Speed over a part ``[t0, t1]`` is the SOG interpolated linearly between the two reports and averaged over
the part (the trapezoid rule: ``sog_i + (sog_{i+1} − sog_i) × (t0 + t1) / 2``); where a report has no SOG
the segment's implied speed (distance / time) is used. The distance-weighted mean speed is
``Σ speed × distance / Σ distance``; ``time_mean_speed_kn`` is ``Σ distance / Σ hours``.

A segment longer than ``max_gap_h`` (a reception gap) is left out of distance, time and speed, and the ring's
result is marked incomplete. A ring's result is complete when the track starts or ends outside the ring (the
crossing was seen) and no gap was left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import shapely

from quayside.geo.geodesy import haversine_nm
from quayside.geo.zones import VsrRing

FloatArray = npt.NDArray[np.float64]
_US_PER_HOUR = 3.6e9
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Direction(StrEnum):
    """Which way a transit goes through the rings."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


@dataclass(frozen=True)
class RingMeasure:
    """What one transit did inside one ring.

    Attributes
    ----------
    ring_nm, speed_limit_kn
        The ring (radius, nm) and its speed limit (kn), from the port profile.
    distance_nm, hours
        Distance and time inside the ring.
    mean_sog_kn
        Distance-weighted mean speed over ground inside the ring.
    time_mean_speed_kn
        ``distance_nm / hours``.
    enter, exit
        Interpolated times of the first entry into and the last exit from the ring (UTC).
    complete
        The crossing of the ring was seen and no reception gap was left out.
    reports
        Reports inside the ring.
    max_gap_min
        Longest interval between two reports that counted, minutes.
    """

    ring_nm: float
    speed_limit_kn: float
    distance_nm: float
    hours: float
    mean_sog_kn: float
    time_mean_speed_kn: float
    enter: datetime
    exit: datetime
    complete: bool
    reports: int
    max_gap_min: float


def _inside_fractions(
    lon: FloatArray, lat: FloatArray, inside: npt.NDArray[np.bool_], ring: VsrRing
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per segment: ``t0``, ``t1`` (parameters of the part inside) and the fraction of its length inside."""
    count = lon.size - 1
    t0, t1, frac = np.zeros(count), np.zeros(count), np.zeros(count)
    both = inside[:-1] & inside[1:]
    t1[both] = 1.0
    frac[both] = 1.0
    moved = (lon[:-1] != lon[1:]) | (lat[:-1] != lat[1:])
    todo = np.flatnonzero(~both & moved)
    if todo.size == 0:
        return t0, t1, frac
    coords = np.stack(
        [np.column_stack([lon[todo], lat[todo]]), np.column_stack([lon[todo + 1], lat[todo + 1]])], axis=1
    )
    lines = shapely.linestrings(coords)
    pieces = shapely.intersection(lines, ring.geometry)
    lengths = shapely.length(lines)
    for k, i in enumerate(todo):
        piece = pieces[k]
        if shapely.is_empty(piece) or shapely.length(piece) <= 0:
            continue
        # Parameter of each vertex of the part inside along the segment A→B: (P − A)·(B − A) / |B − A|².
        pts = shapely.get_coordinates(piece)
        a, b = coords[k, 0], coords[k, 1]
        ab = b - a
        t = (pts - a) @ ab / float(ab @ ab)
        t0[i], t1[i] = float(np.clip(t.min(), 0, 1)), float(np.clip(t.max(), 0, 1))
        frac[i] = float(shapely.length(piece) / lengths[k])
    return t0, t1, frac


def measure_ring(
    ts_us: npt.NDArray[np.int64],
    lon: FloatArray,
    lat: FloatArray,
    sog_kn: FloatArray,
    ring: VsrRing,
    max_gap_h: float,
) -> RingMeasure | None:
    """Measure one transit inside one ring (see the module docstring); None when it never was inside.

    Parameters
    ----------
    ts_us
        Report times, microseconds since 1970-01-01 UTC, increasing.
    lon, lat
        Positions, degrees.
    sog_kn
        Speed over ground, kn; NaN where not reported.
    ring
        The ring (polygon and speed limit).
    max_gap_h
        Segments longer than this are left out (and make the result incomplete).
    """
    if lon.size < 2:
        return None
    inside = shapely.contains_xy(ring.geometry, lon, lat)
    t0, t1, frac = _inside_fractions(lon, lat, inside, ring)
    dt_h = np.diff(ts_us).astype(np.float64) / _US_PER_HOUR
    gap = dt_h > max_gap_h
    gap_inside = bool((gap & (frac > 0)).any())
    frac = np.where(gap, 0.0, frac)
    seg_nm = haversine_nm(lon[:-1], lat[:-1], lon[1:], lat[1:])
    dist = seg_nm * frac
    total = float(dist.sum())
    if total <= 0.0:
        return None
    hours = dt_h * frac
    implied = np.divide(seg_nm, dt_h, out=np.zeros_like(seg_nm), where=dt_h > 0)
    s_a, s_b = sog_kn[:-1], sog_kn[1:]
    trapezoid = s_a + (s_b - s_a) * (t0 + t1) / 2.0
    speed = np.where(np.isnan(s_a) | np.isnan(s_b), implied, trapezoid)
    used = np.flatnonzero(frac > 0)
    first, last = int(used[0]), int(used[-1])
    enter_us = ts_us[first] + t0[first] * (ts_us[first + 1] - ts_us[first])
    exit_us = ts_us[last] + t1[last] * (ts_us[last + 1] - ts_us[last])
    total_h = float(hours.sum())
    return RingMeasure(
        ring_nm=ring.radius_nm,
        speed_limit_kn=ring.speed_limit_kn,
        distance_nm=total,
        hours=total_h,
        mean_sog_kn=float((speed * dist).sum() / total),
        time_mean_speed_kn=total / total_h if total_h > 0 else float("inf"),
        enter=_time(float(enter_us)),
        exit=_time(float(exit_us)),
        complete=bool((not inside[0] or not inside[-1]) and not gap_inside),
        reports=int(inside.sum()),
        max_gap_min=float(dt_h[used].max() * 60.0),
    )


def _time(us: float) -> datetime:
    return _EPOCH + timedelta(microseconds=round(us))


def split_transits(
    in_ring: npt.NDArray[np.bool_], in_port: npt.NDArray[np.bool_]
) -> list[tuple[int, int, Direction]]:
    """The transits of one vessel's track: ``(first, last, direction)`` report indices, inclusive.

    Each report is in port (``in_port``: a berth, an anchorage or the harbour), at sea inside the outer
    ring, or outside it. A run of reports at sea inside the ring that ends in port is an inbound transit
    (with the report before the run, outside the ring, and the first report in port); one that starts in
    port is outbound (with the last report in port and the first report outside after it). Runs between two
    port reports (a shift from anchorage to berth) and runs that never touch the port (ships passing by,
    which the port's programme does not cover) are no transits.
    """
    sea = in_ring & ~in_port
    out: list[tuple[int, int, Direction]] = []
    n = sea.size
    i = 0
    while i < n:
        if not sea[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and sea[j + 1]:
            j += 1
        before, after = i - 1, j + 1
        port_before = before >= 0 and bool(in_port[before])
        port_after = after < n and bool(in_port[after])
        if port_after and not port_before:
            out.append((max(before, 0), after, Direction.INBOUND))
        elif port_before and not port_after:
            out.append((before, min(after, n - 1), Direction.OUTBOUND))
        i = j + 1
    return out
