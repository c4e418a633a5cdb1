"""Propulsion power by the propeller law, and auxiliary / boiler power by ship type, size bin and mode.

Propeller law (EPA-420-B-22-011 §3.4; EPA ShipPowerModel ``calcPropPwr``):
``LF = (AS / MS)^3``, ``MS = service_speed / 0.94``,
``load = min(1, max(0.02, LF × (1 + SM/100)))`` and 0 when the speed is 0.
Auxiliary and boiler kW come from the selected power table (``FactorSet.aux_kw`` / ``boiler_kw``).
"""

from __future__ import annotations

import math

import polars as pl

from quayside.emissions.factors import SIZE_UNITS, FactorSet, PowerBin
from quayside.emissions.types import Mode


def propulsion_load_expr(
    speed_kn: pl.Expr, service_speed_kn: pl.Expr, factors: FactorSet, sea_margin_pct: float
) -> pl.Expr:
    """Main-engine load (fraction of MCR) from speed, vectorised.

    Columns: ``speed_kn`` (kn), ``service_speed_kn`` (kn) → fraction in [0, 1]; 0 at speed 0.
    """
    # No division by a constant: polars may evaluate it two ways that differ in the last bit, and results
    # must not depend on how a bucket was planned (the scalar form below is the same arithmetic).
    lf = (speed_kn * factors.constant("max_speed_ratio") / service_speed_kn) ** 3 * (
        1.0 + sea_margin_pct / 100.0
    )
    clipped = lf.clip(factors.constant("min_main_load"), 1.0)
    return pl.when(speed_kn > 0).then(clipped).otherwise(0.0)


def propulsion_load(
    speed_kn: float, service_speed_kn: float, factors: FactorSet, sea_margin_pct: float
) -> float:
    """Scalar form of :func:`propulsion_load_expr` (same arithmetic), for checks and one-off use."""
    if speed_kn <= 0:
        return 0.0
    lf = (speed_kn * factors.constant("max_speed_ratio") / service_speed_kn) ** 3 * (1 + sea_margin_pct / 100)
    return min(1.0, max(factors.constant("min_main_load"), lf))


def find_power_bin(
    bins: tuple[PowerBin, ...], epa_ship_type: str, sizes: dict[str, float | None]
) -> PowerBin:
    """The bin of ``epa_ship_type`` with ``size_min < size <= size_max``.

    ``sizes`` maps ``"teu"``, ``"dwt"``, ``"gt"`` to the vessel's size (or None). A size at or below the
    first bin's lower edge falls in the first bin; a missing size takes the first bin too (the caller
    reports it as defaulted).

    Raises
    ------
    KeyError
        When the ship type has no rows (``load_factor_set`` guarantees it does for every ``ShipType``).
    """
    rows = sorted((b for b in bins if b.epa_ship_type == epa_ship_type), key=lambda b: b.size_min)
    if not rows:
        raise KeyError(epa_ship_type)
    size = sizes.get(SIZE_UNITS[rows[0].size_unit])
    if size is None or (isinstance(size, float) and math.isnan(size)) or size <= rows[0].size_min:
        return rows[0]
    for row in rows:
        if row.size_min < size <= row.size_max:
            return row
    return rows[-1]


def mode_power_columns(bin_: PowerBin, prefix: str) -> dict[str, float]:
    """``{prefix}_kw_<mode>: kW`` for the four modes of one bin."""
    return {f"{prefix}_kw_{mode.value}": bin_.kw[mode] for mode in Mode}
