"""Summaries of the call table: inventory totals by pollutant, mode, engine group, ship type and source
category; per vessel; and what is reported apart from the port's totals.

Input: the call table of :func:`quayside.engines._bucket.compute_calls` (see ``docs/outputs.md``), with
emissions in grams (``<pollutant>_g``, ``<pollutant>_<group>_g``, ``<pollutant>_<mode>_g``), energy in kWh
(``energy_<group>_kwh``) and fuel in tonnes (``fuel_<group>_t``). Totals are in grams, keyed by
:class:`quayside.emissions.types.Pollutant` value.

Whose activity is the port's (:func:`in_totals`): the calls of vessels that berth or anchor at the port —
ocean-going vessels and harbour craft alike — except recreational craft. Vessels that cross the boundary
without calling (``pass_through``) and recreational craft are summarised apart (:func:`apart`);
``include_pass_through`` adds the former to the totals.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from quayside.emissions.types import Pollutant
from quayside.engines.calls import GROUPS, MODE_POLLUTANTS, MODES, POLLUTANTS
from quayside.engines.vessels import VesselResolver
from quayside.vessels.types import Category, HarborCraftType


def in_totals(include_pass_through: bool = False) -> pl.Expr:
    """Whether a call counts towards the port's totals (module docstring)."""
    calling = (pl.col("call_type") != "pass_through") | pl.lit(include_pass_through)
    leisure = (pl.col("subtype") == HarborCraftType.RECREATIONAL.value).fill_null(False)
    return (calling & ~leisure).fill_null(False)


def by_category(calls: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Totals of the port's calls per source category (every category present, zeros included)."""
    return {c.value: totals(calls.filter(pl.col("category") == c.value)) for c in Category}


def apart(calls: pl.DataFrame) -> dict[str, Any]:
    """What is reported apart: pass-through (recreational craft aside) and recreational craft."""
    leisure_flag = (pl.col("subtype") == HarborCraftType.RECREATIONAL.value).fill_null(False)
    through = calls.filter((pl.col("call_type") == "pass_through") & ~leisure_flag)
    leisure = calls.filter(leisure_flag)
    return {
        "pass_through": {
            "calls": through.height,
            "vessels": through.get_column("mmsi").n_unique(),
            "totals_g": totals(through),
        },
        "excluded": {
            "recreational": {"vessels": leisure.get_column("mmsi").n_unique(), "totals_g": totals(leisure)}
        },
    }


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
    ordered = calls.sort("mmsi", "arrival")  # sums in one order, whatever the runner's
    per_vessel = ordered.group_by("mmsi", maintain_order=True).agg(
        pl.len().alias("calls"),
        pl.col("in_totals").sum().cast(pl.Int64).alias("calls_in_totals"),
        pl.col("hours_total").sum(),
        pl.col("nm_total").sum(),
        *sums,
    )
    particulars = resolver.particulars_frame()
    return particulars.join(per_vessel, on="mmsi", how="inner").sort("mmsi")
