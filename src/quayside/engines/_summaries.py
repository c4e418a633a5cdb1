"""Summaries of the call table: inventory totals by pollutant, mode, engine group and ship type; per vessel.

Input: the call table of :func:`quayside.engines.local.compute_calls` (see ``docs/outputs.md``), with
emissions in grams (``<pollutant>_g``, ``<pollutant>_<group>_g``, ``<pollutant>_<mode>_g``), energy in kWh
(``energy_<group>_kwh``) and fuel in tonnes (``fuel_<group>_t``). Totals are in grams, keyed by
:class:`quayside.emissions.types.Pollutant` value.
"""

from __future__ import annotations

import polars as pl

from quayside.emissions.types import Pollutant
from quayside.engines.calls import GROUPS, MODE_POLLUTANTS, MODES, POLLUTANTS
from quayside.engines.vessels import VesselResolver


def _pollutant_key(column: str) -> str:
    return {p.column: p.value for p in Pollutant}[column]


def totals(calls: pl.DataFrame) -> dict[str, float]:
    return {_pollutant_key(p): float(calls.get_column(f"{p}_g").sum()) for p in POLLUTANTS}


def by_engine(calls: pl.DataFrame) -> dict[str, dict[str, float]]:
    return {
        g: {_pollutant_key(p): float(calls.get_column(f"{p}_{g}_g").sum()) for p in POLLUTANTS}
        for g in GROUPS
    }


def by_mode(calls: pl.DataFrame) -> dict[str, dict[str, float]]:
    return {
        m: {_pollutant_key(p): float(calls.get_column(f"{p}_{m}_g").sum()) for p in MODE_POLLUTANTS}
        for m in MODES
    }


def by_ship_type(calls: pl.DataFrame) -> dict[str, dict[str, float]]:
    if calls.is_empty():
        return {}
    grouped = calls.group_by("ship_type").agg(pl.col(f"{p}_g").sum() for p in POLLUTANTS).sort("ship_type")
    return {
        str(row["ship_type"]): {_pollutant_key(p): float(row[f"{p}_g"]) for p in POLLUTANTS}
        for row in grouped.iter_rows(named=True)
    }


def vessel_totals(calls: pl.DataFrame, resolver: VesselResolver) -> pl.DataFrame:
    """Per-vessel totals over its calls, with the particulars used and which were defaulted."""
    sums = [pl.col(f"{p}_g").sum() for p in POLLUTANTS]
    sums += [pl.col(f"energy_{g}_kwh").sum() for g in GROUPS]
    sums += [pl.col(f"fuel_{g}_t").sum() for g in GROUPS]
    per_vessel = calls.group_by("mmsi").agg(
        pl.len().alias("calls"), pl.col("hours_total").sum(), pl.col("nm_total").sum(), *sums
    )
    particulars = resolver.particulars_frame()
    return particulars.join(per_vessel, on="mmsi", how="inner").sort("mmsi")
