"""Low-load adjustment factors (EPA-420-B-22-011 §3.7; EPA ShipEF ``calcLLAF``).

``LLAF(L) = (a·L^(−x) + b) / (a·0.2^(−x) + b)`` for NOx, HC, CO, PM and CO2, applied to the main engine
when ``0 < L < 0.2`` and the plant is not electric drive (MSD-ED, GT-ED); 1 otherwise. SO2 depends on the
fuel sulfur S (%): ``(a·(k1/L + k2)·S + b) / (a·(k1/0.2 + k2)·S + b)`` (EPA C3 RIA equation 3-26).
N2O follows NOx and CH4 follows HC; PM2.5 and DPM follow PM10; CO2e is built from adjusted parts.
"""

from __future__ import annotations

import polars as pl

from quayside.emissions.factors import FactorSet, LlafCoefficients

LLAF_KEYS = {"nox": "nox", "n2o": "nox", "hc": "hc", "ch4": "hc", "co": "co", "pm10": "pm10", "co2": "co2"}
"""Pollutant column stem → the row of ``epa_llafcoeff.csv`` whose curve it follows."""


def _exponent(c: LlafCoefficients) -> float:
    return c.x if c.x is not None else 1.0


def load_power_name(exponent: float) -> str:
    """Column name under which :func:`load_powers` stores ``load^(−exponent)``."""
    return f"_load_pow_{exponent:g}".replace(".", "_")


def load_powers(load: pl.Expr, factors: FactorSet) -> list[pl.Expr]:
    """``load^(−x)`` once per distinct exponent of the curves (``pow`` dominates the curves' cost).

    Add these columns in one stage and pass ``shared=True`` to :func:`llaf_expr` in the next.
    """
    exponents = sorted({_exponent(factors.llaf[key]) for key in set(LLAF_KEYS.values())})
    return [load.pow(-x).alias(load_power_name(x)) for x in exponents]


def _curve(load: pl.Expr, c: LlafCoefficients, threshold: float, shared: bool) -> pl.Expr:
    x = _exponent(c)
    denominator = c.a * threshold ** (-x) + c.b
    power = pl.col(load_power_name(x)) if shared else load.pow(-x)
    scaled: pl.Expr = power * c.a + c.b
    return scaled.truediv(denominator)


def llaf_expr(
    pollutant: str,
    load: pl.Expr,
    applies: pl.Expr,
    sulfur_pct: pl.Expr,
    factors: FactorSet,
    *,
    shared: bool = False,
) -> pl.Expr:
    """Low-load factor of one of ``nox``, ``hc``, ``co``, ``pm10``, ``co2``, ``so2``, ``ch4``, ``n2o``.

    Columns: ``load`` (fraction of MCR), ``applies`` (bool: main engine, not electric drive),
    ``sulfur_pct`` (% by mass, SO2 only) → dimensionless factor, 1 at and above 20 % load and at load 0.
    With ``shared``, the frame already holds the :func:`load_powers` columns of ``load``.
    """
    threshold = factors.constant("llaf_max_load")
    low = applies & (load > 0) & (load < threshold)
    if pollutant == "so2":
        c = factors.llaf["so2"]
        k1, k2 = factors.constant("so2_llaf_k1"), factors.constant("so2_llaf_k2")
        value = (c.a * (k1 / load + k2) * sulfur_pct + c.b) / (c.a * (k1 / threshold + k2) * sulfur_pct + c.b)
    else:
        value = _curve(load, factors.llaf[LLAF_KEYS[pollutant]], threshold, shared)
    return pl.when(low).then(value).otherwise(1.0)


def llaf_value(pollutant: str, load: float, factors: FactorSet, *, sulfur_pct: float = 0.1) -> float:
    """Scalar LLAF (no electric-drive check), for reports and checks."""
    frame = pl.DataFrame({"load": [load], "s": [sulfur_pct]})
    out = frame.select(llaf_expr(pollutant, pl.col("load"), pl.lit(True), pl.col("s"), factors))
    return float(out.item())
