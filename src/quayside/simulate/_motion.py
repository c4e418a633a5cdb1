"""Kinematics of one leg: a vessel following a polyline with a speed profile, sampled as AIS reports.

A leg's path is densified to points ``path_step_nm`` apart. Each point gets a speed (sea speed, capped by
the VSR limit inside the rings, by the harbour speed past the gate, and by a taper near stops); travel
time between points follows from distance / mean speed. Reports are placed by integrating the reporting
rate (1 / interval, which depends on speed) over time, so that fast legs report less often than
manoeuvring ones — all with numpy, no per-report Python loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from quayside.geo.geodesy import haversine_nm, initial_bearing_deg
from quayside.simulate._params import Behaviour, Reporting

FloatArray = npt.NDArray[np.float64]

STATUS_UNDERWAY = 0  # ITU-R M.1371-5 navigational status: under way using engine
STATUS_AT_ANCHOR = 1
STATUS_MOORED = 5


@dataclass(frozen=True)
class Reports:
    """AIS reports of one leg; ``t_s`` is seconds since the simulation start."""

    t_s: FloatArray
    lon: FloatArray
    lat: FloatArray
    sog_kn: FloatArray
    cog_deg: FloatArray
    heading_deg: FloatArray
    status: npt.NDArray[np.int16]


@dataclass(frozen=True)
class SpeedRules:
    """Speed caps along a leg.

    Attributes
    ----------
    sea_kn
        Speed in open water.
    vsr_ref, vsr_radius_nm, vsr_kn
        Inside ``vsr_radius_nm`` of ``vsr_ref`` the speed is capped at ``vsr_kn`` (radius 0: no cap).
    harbour_from_nm
        Distance along the path after which the harbour speed applies (inf: never); for outbound legs
        ``harbour_until_nm`` is the distance up to which it applies.
    taper_start, taper_end
        Whether the leg starts / ends at rest.
    """

    sea_kn: float
    vsr_ref: tuple[float, float] = (0.0, 0.0)
    vsr_radius_nm: float = 0.0
    vsr_kn: float = np.inf
    harbour_from_nm: float = np.inf
    harbour_until_nm: float = -np.inf
    taper_start: bool = True
    taper_end: bool = True


def densify(
    waypoints: Sequence[tuple[float, float]], step_nm: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Points along the polyline about ``step_nm`` apart: ``(lon, lat, cumulative distance nm)``."""
    wp = np.asarray(waypoints, dtype=np.float64)
    seg = haversine_nm(wp[:-1, 0], wp[:-1, 1], wp[1:, 0], wp[1:, 1])
    lons: list[FloatArray] = []
    lats: list[FloatArray] = []
    for i, d in enumerate(seg):
        n = max(int(np.ceil(d / step_nm)), 1)
        f = np.arange(n) / n
        lons.append(wp[i, 0] + f * (wp[i + 1, 0] - wp[i, 0]))
        lats.append(wp[i, 1] + f * (wp[i + 1, 1] - wp[i, 1]))
    lons.append(wp[-1:, 0])
    lats.append(wp[-1:, 1])
    lon = np.concatenate(lons)
    lat = np.concatenate(lats)
    s = np.concatenate([[0.0], np.cumsum(haversine_nm(lon[:-1], lat[:-1], lon[1:], lat[1:]))])
    return lon, lat, s


def path_length_nm(waypoints: Sequence[tuple[float, float]]) -> float:
    """Length of a polyline in nautical miles."""
    wp = np.asarray(waypoints, dtype=np.float64)
    return float(haversine_nm(wp[:-1, 0], wp[:-1, 1], wp[1:, 0], wp[1:, 1]).sum())


@dataclass(frozen=True)
class LegPlan:
    """A leg's densified path with speed (kn) and elapsed time (s) at each point; no randomness."""

    lon: FloatArray
    lat: FloatArray
    s_nm: FloatArray
    v_kn: FloatArray
    t_s: FloatArray

    @property
    def duration_s(self) -> float:
        return float(self.t_s[-1])


def plan(waypoints: Sequence[tuple[float, float]], rules: SpeedRules, behaviour: Behaviour) -> LegPlan:
    """Speed profile and timing of a leg along ``waypoints``."""
    lon, lat, s = densify(waypoints, behaviour.path_step_nm)
    total = s[-1]
    v = np.full(s.shape, rules.sea_kn)
    if rules.vsr_radius_nm > 0:
        d_ref = haversine_nm(rules.vsr_ref[0], rules.vsr_ref[1], lon, lat)
        v = np.where(d_ref <= rules.vsr_radius_nm, np.minimum(v, rules.vsr_kn), v)
    in_harbour = (s >= rules.harbour_from_nm) | (s <= rules.harbour_until_nm)
    v = np.where(in_harbour, np.minimum(v, behaviour.harbour_speed_kn), v)
    if rules.taper_end:
        v = np.minimum(v, behaviour.taper_min_kn + behaviour.taper_kn_per_nm * (total - s))
    if rules.taper_start:
        v = np.minimum(v, behaviour.taper_min_kn + behaviour.taper_kn_per_nm * s)
    v = np.maximum(v, behaviour.taper_min_kn)
    dt_s = np.diff(s) / ((v[:-1] + v[1:]) / 2.0) * 3600.0
    t = np.concatenate([[0.0], np.cumsum(dt_s)])
    return LegPlan(lon, lat, s, v, t)


def move(leg: LegPlan, t0_s: float, reporting: Reporting, rng: np.random.Generator) -> Reports:
    """AIS reports of a planned leg that starts at ``t0_s``; the first report is at ``t0_s``."""
    lon, lat, s, v, t = leg.lon, leg.lat, leg.s_nm, leg.v_kn, leg.t_s
    interval = np.where(
        v < reporting.manoeuvring_below_kn, reporting.manoeuvring_interval_s, reporting.underway_interval_s
    )
    phase = np.concatenate([[0.0], np.cumsum(np.diff(t) / interval[:-1])])
    k = np.arange(int(np.floor(phase[-1])) + 1, dtype=np.float64)
    tr = np.interp(k, phase, t)
    sr = np.interp(tr, t, s)
    seg_bearing = initial_bearing_deg(lon[:-1], lat[:-1], lon[1:], lat[1:])
    idx = np.clip(np.searchsorted(s, sr, side="right") - 1, 0, seg_bearing.size - 1)
    cog = seg_bearing[idx]
    n = tr.size
    sog = np.interp(tr, t, v) + rng.normal(0.0, 0.1, n)
    return Reports(
        t_s=t0_s + tr,
        lon=np.interp(sr, s, lon),
        lat=np.interp(sr, s, lat),
        sog_kn=np.round(np.clip(sog, 0.0, None), 1).astype(np.float64),
        cog_deg=np.round((cog + rng.normal(0.0, 1.0, n)) % 360.0, 1),
        heading_deg=np.round(cog + rng.normal(0.0, 2.0, n)) % 360.0,
        status=np.full(n, STATUS_UNDERWAY, dtype=np.int16),
    )


def stay(
    lon: float,
    lat: float,
    t0_s: float,
    t1_s: float,
    status: int,
    heading_deg: float,
    reporting: Reporting,
    rng: np.random.Generator,
) -> Reports:
    """Reports of a vessel at rest (moored or at anchor) from ``t0_s`` to ``t1_s``."""
    step = reporting.stationary_interval_s
    t = np.arange(t0_s, t1_s, step) if t1_s > t0_s else np.array([t0_s])
    n = t.size
    # At anchor a ship swings around its anchor with wind and tide; moored ships hardly move.
    swing = 20.0 if status == STATUS_AT_ANCHOR else 0.5
    return Reports(
        t_s=t,
        lon=np.full(n, lon),
        lat=np.full(n, lat),
        sog_kn=np.round(np.abs(rng.normal(0.0, 0.05 if status == STATUS_MOORED else 0.15, n)), 1).astype(
            np.float64
        ),
        cog_deg=rng.uniform(0.0, 360.0, n),
        heading_deg=np.round(heading_deg + rng.normal(0.0, swing, n)) % 360.0,
        status=np.full(n, status, dtype=np.int16),
    )
