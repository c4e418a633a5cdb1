"""Ingest for the local engine: every AIS input read in bounded batches into the staging dataset.

Positions go to :class:`quayside.engines.staging.Staging` in the canonical position schema; static reports
are reduced as they come to one row per MMSI (:func:`quayside.engines.vessels.reduce_static`), so memory
stays bounded by the batch size whatever the size of the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from quayside.ais.readers import iter_ais_batches
from quayside.ais.report import IngestReport
from quayside.engines._options import Progress
from quayside.engines.staging import Staging
from quayside.engines.vessels import reduce_static


def stage_inputs(
    inputs: Sequence[Path], staging: Staging, progress: Progress | None
) -> tuple[IngestReport, pa.Table | None]:
    """Read every input in bounded batches into ``staging``; return the report and the static rows."""
    report = IngestReport()
    static: pa.Table | None = None
    for path in inputs:
        path = Path(path)
        total = path.stat().st_size if path.is_file() else 0

        def tick(done: int, total: int = total) -> None:
            if progress:
                progress("read", done, total)

        for batch in iter_ais_batches(path, report, on_progress=tick):
            if batch.static.num_rows:
                # Reduced as it comes: one row per vessel, however often the input repeats static fields.
                parts = [static] if static is not None else []
                static = reduce_static(pa.concat_tables([*parts, pa.Table.from_batches([batch.static])]))
            staging.write(batch.positions)
    return report, static
