"""The straightforward implementation of the kernel's method: one report at a time, plain Python and ``math``.

This is the yardstick of ``bench_inventory.py`` and of ``tests/engines/test_baseline_agreement.py``: it
walks the reports in order, keeps the previous report, and for each pair of consecutive reports of the same
vessel and segment computes the interval with scalar arithmetic written from the methodology
(EPA-420-B-22-011 §3.4-3.8, EPA ShipEF / ShipPowerModel), reading factors from the ``FactorSet`` and the
per-vessel parameters from :func:`quayside.emissions.vessel_params.vessel_parameters`. No polars or numpy
operation touches the reports, so agreement with the vectorised kernel checks the kernel's expressions,
joins and stage order, not a shared code path.

Rules (as :mod:`quayside.emissions.kernel` documents them):

- distance: haversine, ``2 R asin(min(1, sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))))``;
- speed: mean of the two SOGs, else distance / hours (0 when hours is 0);
- propeller law: ``load = min(1, max(0.02, (speed / (service / 0.94))³ × (1 + SM/100)))``, 0 at speed 0;
- mode: hotelling (berth zone, ≤ 1 kn), anchorage (anchorage zone, ≤ 3 kn), transit (load > 20 %),
  maneuvering (> 1 kn), else anchorage; main engine off when hotelling or at anchor;
- LLAF on the main engine below 20 % load; fuel and grams per engine group; CO2e, PM2.5, DPM derived.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from quayside.emissions.factors import FactorSet
from quayside.emissions.options import EmissionOptions
from quayside.emissions.types import EngineGroup, Mode, Pollutant
from quayside.emissions.vessel_params import VesselParams, vessel_parameters

GROUPS = tuple(g.value for g in EngineGroup)
RESULT_COLUMNS = (
    "hours",
    "dist_nm",
    "speed_kn",
    "load_main",
    "main_kw",
    "aux_kw",
    "boiler_kw",
    *(f"energy_{g}_kwh" for g in GROUPS),
    *(f"fuel_{g}_t" for g in GROUPS),
    *(f"{p.column}_{g}_g" for g in GROUPS for p in Pollutant),
)
"""Numeric columns each baseline interval carries, named as the kernel's output columns."""

_LLAF_OF = {"nox": "nox", "n2o": "nox", "hc": "hc", "ch4": "hc", "co": "co", "pm10": "pm10", "co2": "co2"}


def resolve_all(
    vessels: Iterable[Mapping[str, Any]], factors: FactorSet, options: EmissionOptions
) -> dict[int, VesselParams]:
    """Per-vessel parameters, one :func:`vessel_parameters` call per vessel row (first row of an MMSI wins)."""
    out: dict[int, VesselParams] = {}
    for row in vessels:
        mmsi = int(row["mmsi"])
        if mmsi not in out:
            out[mmsi] = vessel_parameters(row, factors, options)
    return out


def _haversine_nm(lat1: float, lon1: float, lat2: float, lon2: float, radius_nm: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2.0 * radius_nm * math.asin(min(1.0, math.sqrt(a)))


def _llaf(name: str, load: float, sulfur_pct: float, factors: FactorSet) -> float:
    """EPA low-load factor of one pollutant curve at ``load`` (caller checks 0 < load < 0.2)."""
    threshold = factors.constant("llaf_max_load")
    if name == "so2":
        c = factors.llaf["so2"]
        k1, k2 = factors.constant("so2_llaf_k1"), factors.constant("so2_llaf_k2")
        return (c.a * (k1 / load + k2) * sulfur_pct + c.b) / (c.a * (k1 / threshold + k2) * sulfur_pct + c.b)
    c = factors.llaf[_LLAF_OF[name]]
    x = c.x if c.x is not None else 1.0
    return float((c.a * load ** (-x) + c.b) / (c.a * threshold ** (-x) + c.b))


def _mode(zone_kind: str | None, speed: float, load: float | None, factors: FactorSet) -> Mode:
    if zone_kind == "berth" and speed <= factors.constant("hotelling_max_speed_kn"):
        return Mode.HOTELLING
    if zone_kind == "anchorage" and speed <= factors.constant("anchorage_max_speed_kn"):
        return Mode.ANCHORAGE
    if load is not None and load > factors.constant("transit_min_load"):
        return Mode.TRANSIT
    if speed > factors.constant("maneuvering_min_speed_kn"):
        return Mode.MANEUVERING
    return Mode.ANCHORAGE


def _emissions(
    out: dict[str, Any],
    vessel: VesselParams,
    in_eca: bool,
    mode: Mode,
    load: float,
    hours: float,
    factors: FactorSet,
    options: EmissionOptions,
) -> None:
    """Fill power, energy, fuel and grams of one interval into ``out``."""
    out["main_kw"] = load * vessel.mcr_kw
    out["aux_kw"] = vessel.kw[f"aux_kw_{mode.value}"]
    out["boiler_kw"] = vessel.kw[f"boiler_kw_{mode.value}"]
    threshold = factors.constant("llaf_max_load")
    low_load = vessel.llaf_main and 0.0 < load < threshold
    gwp_ch4, gwp_n2o = factors.gwp["CH4"].value, factors.gwp["N2O"].value
    for group in EngineGroup:
        g = group.value
        f = vessel.groups[(in_eca, group)].values
        energy = out[f"{g}_kw"] * hours
        bsfc = f["bsfc"]
        main = group is EngineGroup.MAIN
        if main and options.load_based_bsfc and load > 0:
            curve = (
                factors.constant("bsfc_curve_a") * load * load
                + factors.constant("bsfc_curve_b") * load
                + factors.constant("bsfc_curve_c")
            )
            bsfc = bsfc * curve
        per_kwh = {
            "co2": bsfc * f["cf"],
            "so2": bsfc * f["kso2"],
            "pm10": f["pmnom"] + bsfc * f["kpm"],
            "nox": f["ef_nox"],
            "hc": f["ef_hc"],
            "co": f["ef_co"],
            "ch4": f["ef_ch4"],
            "n2o": f["ef_n2o"],
        }
        adjust = dict.fromkeys(per_kwh, 1.0)
        if main and low_load:
            for name in per_kwh:
                curve_name = "so2" if name == "so2" else name
                adjust[name] = _llaf(curve_name, load, f["sulfur"], factors)
        out[f"energy_{g}_kwh"] = energy
        out[f"fuel_{g}_t"] = energy * bsfc / 1e6 * adjust["co2"]
        grams = {name: energy * ef * adjust[name] for name, ef in per_kwh.items()}
        grams["co2e"] = grams["co2"] + gwp_ch4 * grams["ch4"] + gwp_n2o * grams["n2o"]
        grams["pm2_5"] = grams["pm10"] * factors.constant("pm25_pm10_ratio")
        grams["dpm"] = grams["pm10"] * f["dpm"]
        for p in Pollutant:
            out[f"{p.column}_{g}_g"] = grams[p.column]


def baseline_intervals(
    reports: Iterable[Mapping[str, Any]],
    vessels: Mapping[int, VesselParams],
    factors: FactorSet,
    options: EmissionOptions | None = None,
) -> list[dict[str, Any]]:
    """One dict per interval of ``reports`` (sorted by ``mmsi, ts``, the kernel's track columns).

    Each dict has ``mmsi``, ``segment``, ``ts_start``, ``mode`` (``Mode`` value) and ``RESULT_COLUMNS``.
    An MMSI missing from ``vessels`` gets ``None`` power and emissions, as in the kernel.
    """
    options = options or EmissionOptions()
    radius = factors.constant("earth_radius_nm")
    ratio = factors.constant("max_speed_ratio")
    min_load = factors.constant("min_main_load")
    margin = 1.0 + options.sea_margin_pct / 100.0
    out: list[dict[str, Any]] = []
    prev: Mapping[str, Any] | None = None
    for report in reports:
        if (
            prev is not None
            and prev["mmsi"] == report["mmsi"]
            and prev["segment"] == report["segment"]
            and prev["ts"] is not None
            and report["ts"] is not None
        ):
            out.append(_interval(prev, report, vessels, factors, options, radius, ratio, min_load, margin))
        prev = report
    return out


def _interval(
    start: Mapping[str, Any],
    end: Mapping[str, Any],
    vessels: Mapping[int, VesselParams],
    factors: FactorSet,
    options: EmissionOptions,
    radius: float,
    ratio: float,
    min_load: float,
    margin: float,
) -> dict[str, Any]:
    t0: datetime = start["ts"]
    t1: datetime = end["ts"]
    hours = (t1 - t0).total_seconds() / 3600.0
    dist = _haversine_nm(start["lat"], start["lon"], end["lat"], end["lon"], radius)
    if start.get("stay"):
        speed = 0.0  # a reception gap in the harbour filled as a stay (quayside.engines.gaps)
    elif start["sog_kn"] is not None and end["sog_kn"] is not None:
        speed = (start["sog_kn"] + end["sog_kn"]) / 2
    else:
        speed = dist / hours if hours > 0 else 0.0
    vessel = vessels.get(int(start["mmsi"]))
    prop: float | None = None
    if vessel is not None:
        if speed > 0:
            lf = (speed / (vessel.service_speed_kn / ratio)) ** 3 * margin
            prop = min(1.0, max(min_load, lf))
        else:
            prop = 0.0
    mode = _mode(start["zone_kind"], speed, prop, factors)
    row: dict[str, Any] = {
        "mmsi": start["mmsi"],
        "segment": start["segment"],
        "ts_start": t0,
        "mode": mode.value,
        "hours": hours,
        "dist_nm": dist,
        "speed_kn": speed,
    }
    if vessel is None or prop is None:
        row.update({c: None for c in RESULT_COLUMNS[3:]})
        return row
    load = 0.0 if mode in (Mode.HOTELLING, Mode.ANCHORAGE) else prop
    row["load_main"] = load
    _emissions(row, vessel, bool(start["in_eca"]), mode, load, hours, factors, options)
    return row
