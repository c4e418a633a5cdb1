"""Reading the VSR calculator's document: the fields of one transit, each error naming its field.

``positions`` are measured by :func:`quayside.programs.incentives.vsr_track.measure_ring` (every report
counts, however far apart: the user chose them); pre-measured ``rings`` are taken as given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from quayside.errors import InputError
from quayside.geo.zones import VsrRing
from quayside.programs.incentives.vsr_track import RingMeasure, measure_ring

_POSITION = frozenset({"time", "lat", "lon", "sog"})
_RING = frozenset({"ring_nm", "distance_nm", "hours", "mean_sog_kn"})


def mapping(value: object, source: str, field: str) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an error naming ``field``."""
    if not isinstance(value, Mapping):
        raise InputError("an object is required", source=source, field=field, value=value)
    return value


def unknown(obj: Mapping[str, Any], allowed: frozenset[str], source: str, prefix: str) -> None:
    """An error naming the first key of ``obj`` that is not ``allowed`` (``prefix`` is its path)."""
    for key in obj:
        if key not in allowed:
            raise InputError(
                "unknown field",
                source=source,
                field=f"{prefix}{key}",
                hint=f"allowed: {', '.join(sorted(allowed))}",
            )


def num(value: object, source: str, field: str, *, low: float | None = 0.0) -> float:
    """A finite number, at least ``low`` (None: any)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError("a finite number is required", source=source, field=field, value=value)
    if low is not None and value < low:
        raise InputError(f"must be at least {low:g}", source=source, field=field, value=value)
    return float(value)


def _positive(value: object, source: str, field: str) -> float:
    number = num(value, source, field)
    if number <= 0:
        raise InputError("must be greater than 0", source=source, field=field, value=value)
    return number


def _list(value: object, source: str, field: str) -> Sequence[Any]:
    if not isinstance(value, list) or not value:
        raise InputError("a non-empty list is required", source=source, field=field, value=value)
    return value


def positions(raw: object, rings: Sequence[VsrRing], source: str) -> list[RingMeasure]:
    """Measure the ``positions`` list in every ring it enters."""
    items = _list(raw, source, "positions")
    if len(items) < 2:
        raise InputError("at least two positions are required", source=source, field="positions")
    ts: list[datetime] = []
    lon: list[float] = []
    lat: list[float] = []
    sog: list[float] = []
    for i, item in enumerate(items):
        where = f"positions[{i}]"
        pos = mapping(item, source, where)
        unknown(pos, _POSITION, source, f"{where}.")
        for key in ("time", "lat", "lon"):
            if key not in pos:
                raise InputError("required field is missing", source=source, field=f"{where}.{key}")
        try:
            t = datetime.fromisoformat(str(pos["time"]))
        except ValueError:
            raise InputError(
                "not an ISO 8601 time", source=source, field=f"{where}.time", value=pos["time"]
            ) from None
        if t.tzinfo is None:
            raise InputError(
                "the time needs a UTC offset (e.g. Z)",
                source=source,
                field=f"{where}.time",
                value=pos["time"],
            )
        if ts and t <= ts[-1]:
            raise InputError("times must increase", source=source, field=f"{where}.time", value=pos["time"])
        ts.append(t)
        for key, limit in (("lat", 90.0), ("lon", 180.0)):
            if abs(num(pos[key], source, f"{where}.{key}", low=None)) > limit:
                raise InputError(
                    f"must be within ±{limit:g}°", source=source, field=f"{where}.{key}", value=pos[key]
                )
        lat.append(float(pos["lat"]))
        lon.append(float(pos["lon"]))
        sog.append(math.nan if pos.get("sog") is None else num(pos["sog"], source, f"{where}.sog"))
    ts_us = np.array([round(t.timestamp() * 1e6) for t in ts], dtype=np.int64)
    arrays = (np.array(lon), np.array(lat), np.array(sog))
    # Every report of a one-case transit is counted, however far apart: the user chose them.
    found = [measure_ring(ts_us, *arrays, ring, math.inf) for ring in rings]
    return [m for m in found if m is not None]


def premeasured(raw: object, rings: Sequence[VsrRing], source: str) -> list[RingMeasure]:
    """The ``rings`` list as measures (no times: ``enter`` / ``exit`` are not reported for them)."""
    by_radius = {r.radius_nm: r for r in rings}
    out = []
    for i, item in enumerate(_list(raw, source, "rings")):
        where = f"rings[{i}]"
        entry = mapping(item, source, where)
        unknown(entry, _RING, source, f"{where}.")
        radius = num(entry.get("ring_nm"), source, f"{where}.ring_nm")
        if radius not in by_radius:
            have = ", ".join(f"{r:g}" for r in by_radius)
            raise InputError(
                "no such ring in the port profile",
                source=source,
                field=f"{where}.ring_nm",
                value=radius,
                hint=f"use {have}",
            )
        given = {
            key: _positive(entry[key], source, f"{where}.{key}")
            for key in ("distance_nm", "hours", "mean_sog_kn")
            if entry.get(key) is not None
        }
        if "distance_nm" not in given:
            raise InputError("required field is missing", source=source, field=f"{where}.distance_nm")
        if "hours" not in given and "mean_sog_kn" not in given:
            raise InputError("give hours or mean_sog_kn", source=source, field=f"{where}.hours")
        distance = given["distance_nm"]
        hours = given.get("hours") or distance / given["mean_sog_kn"]
        sog = given.get("mean_sog_kn") or distance / hours
        ring = by_radius[radius]
        out.append(
            RingMeasure(
                radius,
                ring.speed_limit_kn,
                distance,
                hours,
                sog,
                distance / hours,
                datetime.min,
                datetime.min,
                True,
                0,
                0.0,
            )
        )
    return out
