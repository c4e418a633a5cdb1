"""VSR transits over the inventory's staged AIS: read bucket by bucket, clean, measure.

The inventory (:func:`quayside.engines.inventory.run_inventory`) stages every position by vessel; a bucket
holds whole tracks, so each bucket's transits are complete and memory stays bounded as in the inventory
itself. Positions are cleaned with the inventory's own rules, so the transits see the tracks the emissions
kernel saw, and a reception gap longer than the cleaning's segment gap is left out of a transit.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from quayside.ais.clean import CleaningRules, clean_positions
from quayside.emissions.factors import FactorSet
from quayside.emissions.options import EmissionOptions
from quayside.geo.profiles import PortProfile
from quayside.programs.incentives.vsr_records import transits_frame
from quayside.programs.incentives.vsr_rules import VsrRules, load_rules
from quayside.programs.incentives.vsr_transits import POSITION_COLUMNS, transits_from_ais


def transits_from_staging(
    buckets: Sequence[Sequence[str]],
    profile: PortProfile,
    particulars: pl.DataFrame,
    *,
    cleaning: CleaningRules,
    factors: FactorSet,
    options: EmissionOptions,
    rules: VsrRules | None = None,
) -> pl.DataFrame:
    """The transits (``transits.parquet`` columns) of every bucket of staged position files.

    Parameters
    ----------
    buckets
        Groups of staged Parquet files, each holding whole vessel tracks (``Staging.buckets``).
    particulars
        Every vessel the inventory resolved (``VesselResolver.particulars_frame``).
    cleaning, factors, options
        The inventory's cleaning rules, factor set and emission options (its sea margin).
    """
    rules = rules or load_rules()
    frames = [transits_frame([])]
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        for files in buckets:
            table = con.sql(
                "SELECT * FROM read_parquet($files) WHERE ts IS NOT NULL ORDER BY mmsi, ts",
                params={"files": list(files)},
            ).to_arrow_table()
            if table.num_rows == 0:
                continue
            cleaned, _ = clean_positions(table, cleaning)
            positions = pl.DataFrame(cleaned).select(POSITION_COLUMNS)
            found = transits_from_ais(
                positions,
                profile,
                particulars,
                rules=rules,
                factors=factors,
                options=options,
                max_gap_h=cleaning.gap_hours,
            )
            frames.append(transits_frame(found))
    finally:
        con.close()
    return pl.concat(frames, how="vertical").sort("enter", "mmsi", "ring_nm")
