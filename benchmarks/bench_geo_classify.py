"""Zone lookup throughput: the grid-accelerated ``PortProfile.classify`` against plain shapely.

Usage: ``python benchmarks/bench_geo_classify.py [--points N] [--port KEY]``. Prints points per second and
peak memory of each, and whether both gave the same zones. No assertion on time anywhere.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import shapely

from quayside.geo.profiles import PortProfile, load_profile


def baseline(profile: PortProfile, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The straightforward way: shapely's vectorised contains_xy on every polygon, no grid."""
    in_boundary = shapely.contains_xy(profile.boundary, x, y)
    zone = np.full(x.shape, None, dtype=object)
    for z in profile.anchorages:  # berths win over anchorages: fill anchorages first
        zone[shapely.contains_xy(z.geometry, x, y)] = z.id
    for z in profile.berths:
        zone[shapely.contains_xy(z.geometry, x, y)] = z.id
    return in_boundary, zone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=2_000_000)
    parser.add_argument("--port", default="san-pedro-bay")
    args = parser.parse_args()
    profile = load_profile(args.port)
    rng = np.random.default_rng(1)
    lon0, lat0, lon1, lat1 = profile.bbox
    x = rng.uniform(lon0, lon1, args.points)
    y = rng.uniform(lat0, lat1, args.points)
    # Half of the points in the harbour, where berth and anchorage polygons are, as real traffic is.
    cx, cy = profile.reference_point
    half = args.points // 2
    x[:half] = rng.uniform(cx - 0.1, cx + 0.2, half)
    y[:half] = rng.uniform(cy - 0.05, cy + 0.08, half)
    profile.classify(x[:1000], y[:1000])  # build the grid outside the timing

    t = time.perf_counter()
    fast = profile.classify(x, y)
    fast_s = time.perf_counter() - t
    rss_fast = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    ref_boundary, ref_zone = baseline(profile, x, y)
    base_s = time.perf_counter() - t
    rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    same = bool(np.array_equal(fast.in_boundary, ref_boundary) and np.array_equal(fast.zone_id, ref_zone))
    print(f"points: {args.points:,}  port: {profile.key}")
    print(
        f"classify (grid + shapely at edges): {args.points / fast_s / 1e6:6.2f} M points/s  ({fast_s:.2f} s)"
    )
    print(
        f"baseline (shapely on every polygon): {args.points / base_s / 1e6:6.2f} M points/s  ({base_s:.2f} s)"
    )
    print(f"speed-up: {base_s / fast_s:.1f}x   same zones: {same}")
    print(f"peak RSS after classify: {rss_fast:,.0f} MB; after both: {rss_all:,.0f} MB")


if __name__ == "__main__":
    main()
