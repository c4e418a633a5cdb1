"""Position outliers in whole, time-ordered vessel tracks: spikes out and back, and sustained jumps.

Both rules ask whether a vessel could have moved from one report to another. Real receivers stamp reports
with the time they were *received*, to the second, and GPS positions carry metres of noise, so two honest
reports a second or two apart can imply 50 kn or more. A step is therefore judged *possible* when

    distance_nm <= max_speed_kn × (hours + jitter_h) + noise_nm

— the vessel at ``max_speed_kn`` for the time between the reports plus the timestamp uncertainty, plus the
position noise of both fixes. Over minutes the two allowances vanish against the distance a ship covers, so
the rule still catches a position that is kilometres off.

Input arrays are sorted by vessel then time, with distinct times per vessel (duplicates removed first).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from quayside.geo.geodesy import EARTH_RADIUS_M, NM_M, haversine_nm

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

EARTH_RADIUS_NM = EARTH_RADIUS_M / NM_M
#: How many times the spike rule is applied: each pass can reveal a spike whose neighbour was one too.
SPIKE_PASSES = 3


@dataclass(frozen=True)
class Reach:
    """What counts as a possible step: speed limit, timestamp jitter and position noise."""

    max_speed_kn: float
    jitter_s: float
    noise_m: float

    def possible(self, dist_nm: FloatArray, hours: FloatArray) -> BoolArray:
        """Whether each step of ``dist_nm`` in ``hours`` could be sailed (see the module docstring)."""
        allowed = self.max_speed_kn * (hours + self.jitter_s / 3600.0) + self.noise_m / NM_M
        with np.errstate(invalid="ignore"):
            return np.asarray(dist_nm <= allowed)

    def possible_one(self, dist_nm: float, hours: float) -> bool:
        """:meth:`possible` for one step."""
        return dist_nm <= self.max_speed_kn * (hours + self.jitter_s / 3600.0) + self.noise_m / NM_M


def _steps(
    keep: IntArray, mmsi: IntArray, t_h: FloatArray, lat: FloatArray, lon: FloatArray, reach: Reach, gap: int
) -> BoolArray:
    """Whether the step from ``keep[k]`` to ``keep[k + gap]`` is possible and within one vessel."""
    a, b = keep[:-gap], keep[gap:]
    same = mmsi[a] == mmsi[b]
    ok = reach.possible(haversine_nm(lon[a], lat[a], lon[b], lat[b]), t_h[b] - t_h[a])
    return np.asarray(~same | ok)


def position_spikes(
    mmsi: IntArray, t_h: FloatArray, lat: FloatArray, lon: FloatArray, reach: Reach
) -> BoolArray:
    """Mask of reports that are spikes: out of reach of both neighbours, which are within reach of each other.

    The first and last report of a vessel have one neighbour; each is a spike when it is out of reach of
    that neighbour and of the report after it, while those two agree (the track goes on without it). The
    rule is applied :data:`SPIKE_PASSES` times on the reports still kept.
    """
    n = len(mmsi)
    drop = np.zeros(n, dtype=bool)
    for _ in range(SPIKE_PASSES):
        keep = np.flatnonzero(~drop)
        m = keep.size
        if m < 3:
            break
        step = _steps(keep, mmsi, t_h, lat, lon, reach, 1)  # step[k]: keep[k] -> keep[k+1]
        skip = _steps(keep, mmsi, t_h, lat, lon, reach, 2)  # skip[k]: keep[k] -> keep[k+2]
        first = np.r_[True, mmsi[keep[1:]] != mmsi[keep[:-1]]]
        last = np.r_[mmsi[keep[1:]] != mmsi[keep[:-1]], True]
        spike = np.zeros(m, dtype=bool)
        # Inner reports: both steps impossible, the skip over them possible.
        inner = np.arange(1, m - 1)
        spike[inner] = ~step[inner - 1] & ~step[inner] & skip[inner - 1] & ~first[inner] & ~last[inner]
        # First report of a vessel: out of reach of the next two reports, which agree.
        head = np.flatnonzero(first[:-2] & ~last[:-2] & ~last[1:-1])
        spike[head] |= ~step[head] & ~skip[head] & step[head + 1]
        # Last report of a vessel: out of reach of the two reports before it, which agree.
        tail = np.flatnonzero(last[2:] & ~first[2:] & ~first[1:-1]) + 2
        spike[tail] |= ~step[tail - 1] & ~skip[tail - 2] & step[tail - 2]
        if not spike.any():
            break
        drop[keep[spike]] = True
    return drop


def _haversine_one_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The scalar twin of :func:`quayside.geo.geodesy.haversine_nm`, cheap enough for a per-row walk."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_NM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def speed_jumps(mmsi: IntArray, t_h: FloatArray, lat: FloatArray, lon: FloatArray, reach: Reach) -> BoolArray:
    """Mask of reports out of reach of the previous *kept* report of the vessel (a sustained jump).

    Vessels without any impossible step between consecutive reports are settled in one vectorised pass;
    only the rest are walked in order, from their first impossible step, because dropping a report changes
    what the next one is compared with.
    """
    n = len(mmsi)
    drop = np.zeros(n, dtype=bool)
    if n < 2:
        return drop
    same = mmsi[1:] == mmsi[:-1]
    dist = haversine_nm(lon[:-1], lat[:-1], lon[1:], lat[1:])
    fast = same & ~reach.possible(dist, t_h[1:] - t_h[:-1])
    starts = np.flatnonzero(fast) + 1
    if starts.size == 0:
        return drop
    fast_into = np.r_[False, fast]  # fast_into[j]: the step from report j-1 to report j is impossible
    vessel_end = np.r_[np.flatnonzero(~same) + 1, n]
    done_until = -1
    for i in starts:
        if i < done_until:
            continue
        end = int(vessel_end[np.searchsorted(vessel_end, i, side="right")])
        last = int(i) - 1
        done_until = end
        for j in range(int(i), end):
            step = _haversine_one_nm(float(lat[last]), float(lon[last]), float(lat[j]), float(lon[j]))
            if not reach.possible_one(step, float(t_h[j] - t_h[last])):
                drop[j] = True
                continue
            last = j
            if j + 1 < end and not fast_into[j + 1]:
                # Back in step: report j is kept and the next one is within reach of it, so until the
                # next impossible step the vectorised pass above already has the answer.
                done_until = j + 1
                break
    return drop
