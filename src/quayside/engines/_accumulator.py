"""The accumulator of per-bucket results: the calls, a sample of points for the map, the points outside.

Buckets are computed one after the other and dropped; only what the outputs need is kept: every call,
``TRACK_SAMPLE_ROWS`` interval start points (``mmsi, lon, lat, mode``) at most, and the count of positions
outside the inventory boundary.
"""

from __future__ import annotations

import math

import polars as pl

from quayside.engines._bucket import BucketResult

#: Interval start points kept for the report's map.
TRACK_SAMPLE_ROWS = 150_000


class Accumulator:
    """Collects the per-bucket results: calls, a map sample of points, and the outside-boundary count."""

    def __init__(self) -> None:
        self._calls: list[pl.DataFrame] = []
        self._samples: list[pl.DataFrame] = []
        self.outside_boundary = 0
        self.points = 0

    def add(self, done: BucketResult) -> None:
        self._calls.append(done.calls)
        self.outside_boundary += int((~done.track.get_column("in_boundary")).sum())
        self.points += done.track.height
        step = max(1, done.intervals.height // max(1, TRACK_SAMPLE_ROWS // 8))
        self._samples.append(done.intervals.select("mmsi", "lon", "lat", "mode").gather_every(step))

    def add_calls(self, calls: pl.DataFrame, outside_boundary: int) -> None:
        """Calls computed elsewhere (the Spark runner): no track sample for the map."""
        self._calls.append(calls)
        self.outside_boundary += outside_boundary

    def calls(self) -> pl.DataFrame | None:
        if not self._calls:
            return None
        return pl.concat(self._calls, how="vertical_relaxed").sort("arrival", "mmsi")

    def track_sample(self) -> pl.DataFrame:
        if not self._samples:
            return pl.DataFrame({"mmsi": [], "lon": [], "lat": [], "mode": []})
        frame = pl.concat(self._samples, how="vertical_relaxed")
        if frame.height > TRACK_SAMPLE_ROWS:
            frame = frame.gather_every(math.ceil(frame.height / TRACK_SAMPLE_ROWS))
        return frame
