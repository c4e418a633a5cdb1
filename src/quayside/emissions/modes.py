"""Operating mode per interval (EPA-420-B-22-011 §3.8.5, as simplified in EPA's ``calcOperatingMode``).

Rules, first match wins (thresholds in ``constants.csv``):

1. hotelling — inside a berth zone and speed ≤ 1 kn;
2. anchorage — inside an anchorage zone and speed ≤ 3 kn;
3. transit — propulsion load > 20 %;
4. maneuvering — speed > 1 kn;
5. otherwise (≤ 1 kn outside any berth or anchorage zone: drifting, waiting, or an unmapped berth) —
   counted as **anchorage**: main engine off, anchorage auxiliary and boiler loads. EPA's guidance gives
   anchorage loads for vessels waiting outside berths, and a stopped vessel outside a mapped berth is far
   more often waiting than working cargo; treating it as hotelling would attribute berth emissions to the
   wrong place.

Main-engine power is zero in hotelling and anchorage (engines stopped; EPA assigns no propulsion load there).
"""

from __future__ import annotations

import polars as pl

from quayside.emissions.factors import FactorSet
from quayside.emissions.types import Mode

MODE_DTYPE = pl.Enum([m.value for m in Mode])
"""The dtype of every ``mode`` column."""

BERTH = "berth"
ANCHORAGE_ZONE = "anchorage"


def mode_expr(zone_kind: pl.Expr, speed_kn: pl.Expr, load: pl.Expr, factors: FactorSet) -> pl.Expr:
    """Mode from ``zone_kind`` (``"berth"``, ``"anchorage"``, null), ``speed_kn`` and propulsion ``load``."""
    speed = speed_kn.fill_null(0.0)

    def lit(mode: Mode) -> pl.Expr:
        # Enum literals: the branches never materialise strings
        return pl.lit(mode.value, dtype=MODE_DTYPE)

    return (
        pl.when((zone_kind == BERTH) & (speed <= factors.constant("hotelling_max_speed_kn")))
        .then(lit(Mode.HOTELLING))
        .when((zone_kind == ANCHORAGE_ZONE) & (speed <= factors.constant("anchorage_max_speed_kn")))
        .then(lit(Mode.ANCHORAGE))
        .when(load > factors.constant("transit_min_load"))
        .then(lit(Mode.TRANSIT))
        .when(speed > factors.constant("maneuvering_min_speed_kn"))
        .then(lit(Mode.MANEUVERING))
        .otherwise(lit(Mode.ANCHORAGE))
    )
