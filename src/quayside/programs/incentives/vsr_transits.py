"""VSR transits from AIS tracks: split each vessel's track into transits, measure each ring and add the
emissions saved (methods in :mod:`~quayside.programs.incentives.vsr_track` and
:mod:`~quayside.programs.incentives.vsr_emissions`); the records and their columns are those of
:mod:`~quayside.programs.incentives.vsr_records`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
import polars as pl
import shapely

from quayside.ais.clean import CleaningRules
from quayside.emissions.factors import FactorSet, load_factor_set
from quayside.emissions.options import EmissionOptions
from quayside.emissions.vessel_params import PARAM_SCHEMA, vessel_parameters
from quayside.errors import InputError
from quayside.geo.profiles import PortProfile
from quayside.programs.incentives.vsr_emissions import saved_emissions
from quayside.programs.incentives.vsr_records import VsrTransit
from quayside.programs.incentives.vsr_rules import SpeedMeasure, VsrRules, load_rules
from quayside.programs.incentives.vsr_track import RingMeasure, measure_ring, split_transits

#: Floating-point slack in "speed <= limit": a transit measured at exactly the limit must not fail on the
#: last bit of a sum; far below any speed a log or a receiver resolves (AIS SOG has 0.1 kn steps).
_SPEED_EPS_KN = 1e-9

POSITION_COLUMNS = ("mmsi", "ts", "lon", "lat", "sog_kn")


def measured_speed(measure: RingMeasure, rules: VsrRules) -> float:
    """The speed the transit test compares with the limit (the rule file's ``transit_speed_measure``)."""
    if rules.speed_measure is SpeedMeasure.DISTANCE_OVER_TIME:
        return measure.time_mean_speed_kn
    return measure.mean_sog_kn


def is_compliant(speed_kn: float, limit_kn: float) -> bool:
    """The per-transit test: the measured speed is at or below the ring's limit."""
    return speed_kn <= limit_kn + _SPEED_EPS_KN


def transits_from_ais(
    positions: pl.DataFrame,
    profile: PortProfile,
    vessels: pl.DataFrame,
    *,
    rules: VsrRules | None = None,
    factors: FactorSet | None = None,
    options: EmissionOptions | None = None,
    max_gap_h: float | None = None,
) -> list[VsrTransit]:
    """Every transit of ``positions`` through the profile's VSR rings, with the emissions it saved.

    Parameters
    ----------
    positions
        AIS positions, any order: ``mmsi``, ``ts`` (UTC datetime), ``lon``, ``lat`` (deg), ``sog_kn`` (kn,
        nullable); optional ``in_port`` (bool), else computed from the profile (a berth, an anchorage or
        the harbour zone).
    profile
        The port profile; no ``[vsr]`` rings → no transits.
    vessels
        Resolved particulars, one row per MMSI (the columns of
        :data:`quayside.vessels.defaults.VESSEL_SCHEMA`: ``category``, ``imo``, ``name``, ``ship_type``
        and the emission particulars). Vessels absent from it, or of a category the rules do not cover,
        make no transits.
    rules, factors, options
        VSR rules (bundled file by default), factor set (EPA, AR5) and emission options (no sea margin).
    max_gap_h
        Reception gaps longer than this are left out (default: the cleaning's segment gap, 6 h).

    Raises
    ------
    InputError
        A required position column is missing.
    """
    rules = rules or load_rules()
    factors = factors or load_factor_set()
    options = options or EmissionOptions()
    gap_h = max_gap_h if max_gap_h is not None else CleaningRules().gap_hours
    missing = [c for c in POSITION_COLUMNS if c not in positions.columns]
    if missing:
        raise InputError("missing position columns", source="positions", field=missing[0], value=missing)
    if not profile.vsr_rings or positions.height == 0:
        return []
    covered = vessels.filter(pl.col("category").is_in(sorted(rules.covered_categories)))
    known = {int(r["mmsi"]): r for r in covered.iter_rows(named=True)}
    track = positions.filter(pl.col("mmsi").is_in(list(known))).sort("mmsi", "ts")
    if track.height == 0:
        return []
    in_port = _in_port(track, profile)
    outer = profile.vsr_rings[-1]
    lon = track.get_column("lon").to_numpy().astype(np.float64)
    lat = track.get_column("lat").to_numpy().astype(np.float64)
    in_ring = shapely.contains_xy(outer.geometry, lon, lat)
    ts_us = track.get_column("ts").dt.epoch("us").to_numpy().astype(np.int64)
    sog = track.get_column("sog_kn").cast(pl.Float64).fill_null(np.nan).to_numpy()
    mmsi = track.get_column("mmsi").to_numpy()
    bounds = np.flatnonzero(np.diff(mmsi)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [mmsi.size]])
    found: list[VsrTransit] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        vessel = known[int(mmsi[s])]
        for first, last, direction in split_transits(in_ring[s:e], in_port[s:e]):
            a, b = s + first, s + last + 1
            tid = f"{int(mmsi[s])}-{_iso(ts_us[a])}-{direction.value}"
            for ring in profile.vsr_rings:
                m = measure_ring(ts_us[a:b], lon[a:b], lat[a:b], sog[a:b], ring, gap_h)
                if m is not None:
                    found.append(_transit(tid, vessel, direction.value, m, rules))
    return _with_savings(found, known, profile, rules, factors, options)


def _iso(us: np.int64) -> str:
    return np.datetime_as_string(np.datetime64(int(us), "us"), unit="s") + "Z"


def _in_port(track: pl.DataFrame, profile: PortProfile) -> np.ndarray[Any, np.dtype[np.bool_]]:
    if "in_port" in track.columns:
        return track.get_column("in_port").fill_null(False).to_numpy().astype(bool)
    zones = profile.classify(track.get_column("lon").to_numpy(), track.get_column("lat").to_numpy())
    return np.asarray(zones.in_harbor | (zones.zone_code >= 0), dtype=bool)


def _transit(
    tid: str, vessel: Mapping[str, Any], direction: str, m: RingMeasure, rules: VsrRules
) -> VsrTransit:
    speed = measured_speed(m, rules)
    return VsrTransit(
        transit_id=tid,
        mmsi=int(vessel["mmsi"]),
        imo=vessel.get("imo"),
        vessel_name=vessel.get("name"),
        ship_type=vessel.get("ship_type"),
        direction=direction,
        ring_nm=m.ring_nm,
        speed_limit_kn=m.speed_limit_kn,
        enter=m.enter,
        exit=m.exit,
        distance_nm=m.distance_nm,
        hours=m.hours,
        mean_sog_kn=m.mean_sog_kn,
        time_mean_speed_kn=m.time_mean_speed_kn,
        measured_speed_kn=speed,
        compliant=is_compliant(speed, m.speed_limit_kn),
        complete=m.complete,
        reports=m.reports,
        max_gap_min=m.max_gap_min,
    )


def _with_savings(
    transits: list[VsrTransit],
    vessels: Mapping[int, Mapping[str, Any]],
    profile: PortProfile,
    rules: VsrRules,
    factors: FactorSet,
    options: EmissionOptions,
) -> list[VsrTransit]:
    """Fill the saved grams; a vessel whose particulars do not resolve keeps nulls (its neighbours do not)."""
    if not transits:
        return transits
    rows: list[dict[str, Any]] = []
    for mmsi in sorted({t.mmsi for t in transits}):
        try:
            rows.extend(vessel_parameters(vessels[mmsi], factors, options).rows())
        except InputError:
            continue
    params = pl.DataFrame(rows, schema=PARAM_SCHEMA)
    ref_lon, ref_lat = profile.reference_point
    in_eca = bool(profile.classify([ref_lon], [ref_lat]).in_eca[0])
    legs = pl.DataFrame(
        {
            "_leg": list(range(len(transits))),
            "mmsi": [t.mmsi for t in transits],
            "in_eca": [in_eca] * len(transits),
            "distance_nm": [t.distance_nm for t in transits],
            "speed_kn": [t.mean_sog_kn for t in transits],
        },
        schema={
            "_leg": pl.Int64,
            "mmsi": pl.Int64,
            "in_eca": pl.Boolean,
            "distance_nm": pl.Float64,
            "speed_kn": pl.Float64,
        },
    )
    saved = saved_emissions(legs, params, factors, options, rules.emission_mode).sort("_leg")
    out = []
    for t, row in zip(transits, saved.iter_rows(named=True), strict=True):
        values = {k: row[k] for k in ("service_speed_kn", "nox_saved_g", "co2_saved_g", "dpm_saved_g")}
        out.append(VsrTransit(**{**asdict(t), **values}))
    return out
