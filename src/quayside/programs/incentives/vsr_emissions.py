"""Emissions a VSR transit saved against the same transit at the vessel's service speed.

Method: for each transit and ring, two activity rows of the emissions model — the distance inside the ring
at the transit's mean speed ``v`` (hours ``d / v``) and the same distance at the vessel's service speed
``v_s`` (hours ``d / v_s``) — go through :func:`quayside.emissions.kernel.activity_emissions`, the function
the inventory kernel and ``quayside emissions estimate`` use. So the main engine runs at the propeller-law
load ``min(1, max(0.02, (v × 0.94 / v_s)³ × (1 + SM/100)))`` of MCR, with the low-load adjustment below 20 %
load, and the auxiliary engines and boiler at their kW of the rule file's ``emission_mode`` (``transit``)
for the hours; factors by engine, fuel, tier and region (ECA) from the same tables. Saved grams = grams at
``v_s`` − grams at ``v`` (negative when the transit was faster than the service speed).

One speed for the whole ring (the distance-weighted mean) is a simplification: by the cube law, a transit
that varied its speed used somewhat more energy than one at its mean speed.
"""

from __future__ import annotations

import polars as pl

from quayside.emissions.factors import FactorSet
from quayside.emissions.kernel import activity_emissions
from quayside.emissions.options import EmissionOptions
from quayside.emissions.types import EngineGroup, Mode, Pollutant

#: The pollutants VSR reports as saved.
SAVED_POLLUTANTS = (Pollutant.NOX, Pollutant.CO2, Pollutant.DPM)

LEG_COLUMNS = ("_leg", "mmsi", "in_eca", "distance_nm", "speed_kn")
"""Input columns: row key, vessel, in the ECA, distance inside the ring (nm), mean speed (kn)."""


def saved_columns() -> list[str]:
    """Output columns besides ``_leg``: the service speed and, per pollutant, grams at both speeds and saved."""
    cols = ["service_speed_kn"]
    for p in SAVED_POLLUTANTS:
        cols += [f"{p.column}_actual_g", f"{p.column}_service_g", f"{p.column}_saved_g"]
    return cols


def saved_emissions(
    legs: pl.DataFrame,
    params: pl.DataFrame,
    factors: FactorSet,
    options: EmissionOptions,
    mode: Mode,
) -> pl.DataFrame:
    """Grams at the mean speed, at the service speed and saved, per leg (columns of :func:`saved_columns`).

    Parameters
    ----------
    legs
        Columns :data:`LEG_COLUMNS`; ``speed_kn`` > 0 (rows with 0 or no speed get nulls).
    params
        The vessels' parameter rows (:func:`quayside.emissions.vessel_params.vessel_frame`); a leg whose
        vessel has no row gets nulls.
    """
    if legs.height == 0:
        schema = {"_leg": pl.Int64, **dict.fromkeys(saved_columns(), pl.Float64)}
        return pl.DataFrame(schema=schema)
    joined = legs.select(*LEG_COLUMNS).join(params, on=["mmsi", "in_eca"], how="inner")
    joined = joined.filter((pl.col("speed_kn") > 0) & (pl.col("service_speed_kn") > 0))
    mode_lit = pl.lit(mode.value)
    actual = joined.with_columns(hours=pl.col("distance_nm") / pl.col("speed_kn"), mode=mode_lit)
    service = joined.with_columns(
        speed_kn=pl.col("service_speed_kn"),
        hours=pl.col("distance_nm") / pl.col("service_speed_kn"),
        mode=mode_lit,
    )
    grams = {
        p: pl.sum_horizontal(pl.col(f"{p.column}_{g.value}_g") for g in EngineGroup) for p in SAVED_POLLUTANTS
    }

    def run(frame: pl.DataFrame, case: str) -> pl.DataFrame:
        out = activity_emissions(frame.lazy(), factors, options).collect()
        return out.select(
            "_leg",
            *(grams[p].alias(f"{p.column}_{case}_g") for p in SAVED_POLLUTANTS),
            *([pl.col("service_speed_kn")] if case == "actual" else []),
        )

    both = run(actual, "actual").join(run(service, "service"), on="_leg", how="inner")
    both = both.with_columns(
        (pl.col(f"{p.column}_service_g") - pl.col(f"{p.column}_actual_g")).alias(f"{p.column}_saved_g")
        for p in SAVED_POLLUTANTS
    )
    return legs.select("_leg").join(both, on="_leg", how="left").select("_leg", *saved_columns())
