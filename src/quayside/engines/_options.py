"""Inventory options: the settings of one run of the local engine, and its progress callback.

Every setting that changes the numbers is echoed into ``inventory.json`` (:meth:`InventoryOptions.to_dict`);
the others (buckets, DuckDB memory, where rejects go, whether to draw the report) only change how the run
is carried out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quayside.ais.clean import CleaningRules
from quayside.engines.calls import DEFAULT_MERGE_GAP_HOURS
from quayside.engines.gaps import DEFAULT_MAX_STAY_HOURS, DEFAULT_MIN_STAY_HOURS
from quayside.errors import ConfigError

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
    cleaning: CleaningRules = field(default_factory=CleaningRules)
    rejects_path: Path | None = None
    buckets: int | None = None
    bucket_rows: int = DEFAULT_BUCKET_ROWS
    duckdb_memory: str = "512MB"
    call_merge_hours: float = DEFAULT_MERGE_GAP_HOURS
    min_stay_hours: float = DEFAULT_MIN_STAY_HOURS
    max_stay_hours: float = DEFAULT_MAX_STAY_HOURS
    #: Add the activity of vessels that cross the boundary without calling to the totals (regional use).
    include_pass_through: bool = False
    engine: str = "local"  # or "spark": the same functions, run per vessel by Apache Spark
    write_report: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.min_stay_hours <= self.max_stay_hours:
            raise ConfigError(
                "min_stay_hours must be positive and at most max_stay_hours",
                field="min_stay_hours",
                value=(self.min_stay_hours, self.max_stay_hours),
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "aux_table": self.aux_table,
            "gwp": self.gwp,
            "sea_margin_pct": self.sea_margin_pct,
            "cleaning": self.cleaning.to_dict(),
            "call_merge_hours": self.call_merge_hours,
            "min_stay_hours": self.min_stay_hours,
            "max_stay_hours": self.max_stay_hours,
            "include_pass_through": self.include_pass_through,
            "engine": self.engine,
        }
