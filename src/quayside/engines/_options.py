"""Inventory options: the settings of one run of the local engine, and its progress callback.

Every setting that changes the numbers is echoed into ``inventory.json`` (:meth:`InventoryOptions.to_dict`);
the others (buckets, DuckDB memory, where rejects go, whether to draw the report) only change how the run
is carried out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quayside.engines.calls import DEFAULT_MERGE_GAP_HOURS

#: Rows per vessel bucket the engine aims for; peak memory grows with it (about 1.7 KB a row, measured
#: in docs/performance.md), so 500,000 rows keep a run of any size near 1.5 GB.
DEFAULT_BUCKET_ROWS = 500_000
#: The runners of the kernel: the DuckDB/Polars loop of ``engines/local.py``, or Apache Spark
#: (``engines/spark.py``).
ENGINES = ("local", "spark")

#: Called with the stage (``"read"`` or ``"compute"``), the work done and the work in all.
Progress = Callable[[str, float, float], None]


@dataclass(frozen=True)
class InventoryOptions:
    """Settings of one inventory run; every one is echoed into ``inventory.json``."""

    aux_table: str = "epa"
    gwp: str = "AR5"
    sea_margin_pct: float = 0.0
    gap_hours: float = 6.0
    max_speed_kn: float = 50.0
    rejects_path: Path | None = None
    buckets: int | None = None
    bucket_rows: int = DEFAULT_BUCKET_ROWS
    duckdb_memory: str = "512MB"
    call_merge_hours: float = DEFAULT_MERGE_GAP_HOURS
    engine: str = "local"  # or "spark": the same functions, run per vessel by Apache Spark
    write_report: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "aux_table": self.aux_table,
            "gwp": self.gwp,
            "sea_margin_pct": self.sea_margin_pct,
            "gap_hours": self.gap_hours,
            "max_speed_kn": self.max_speed_kn,
            "call_merge_hours": self.call_merge_hours,
            "engine": self.engine,
        }
