"""The outputs of an inventory run: the result in memory, and the files written from it.

Files in the output directory: ``calls.csv`` and ``calls.parquet`` (one row per call), ``vessels.csv``
(one row per vessel), ``inventory.json`` (options, factor set, counts and totals in grams) and, unless
turned off, ``report.html``. The columns are described in ``docs/outputs.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import shapely.geometry

from quayside import __version__
from quayside.ais.report import IngestReport
from quayside.emissions.factors import FactorSet
from quayside.engines._options import InventoryOptions
from quayside.geo.profiles import PortProfile


@dataclass
class InventoryResult:
    """What an inventory run produced: tables in memory and the paths written."""

    port_key: str
    port_name: str
    calls: pl.DataFrame
    vessels: pl.DataFrame
    particulars: pl.DataFrame
    totals_g: dict[str, float]
    by_mode_g: dict[str, dict[str, float]]
    by_engine_g: dict[str, dict[str, float]]
    by_ship_type_g: dict[str, dict[str, float]]
    by_category_g: dict[str, dict[str, float]]
    apart: dict[str, Any]
    registry: dict[str, Any]
    ingest: IngestReport
    outside_boundary: int
    untimed: int
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def period(self) -> dict[str, str | None] | None:
        """First arrival and last departure over every call (the period the inventory covers)."""
        if not self.calls.height:
            return None
        return {
            "start": _iso(self.calls.get_column("arrival").min()),
            "end": _iso(self.calls.get_column("departure").max()),
        }

    @property
    def counts(self) -> dict[str, int]:
        """The ingestion counts of the command-line contract."""
        return {
            "read": self.ingest.read,
            "accepted": self.ingest.accepted,
            "rejected": self.ingest.rejected,
            "duplicates": self.ingest.duplicates,
            "untimed": self.untimed,
            "outside_boundary": self.outside_boundary,
            "vessels": int(self.vessels.height),
            "calls": int(self.calls.height),
        }


def write_outputs(
    result: InventoryResult,
    profile: PortProfile,
    tracks: pl.DataFrame,
    options: InventoryOptions,
    factors: FactorSet,
    out_dir: Path,
) -> None:
    """Write the files of ``result`` to ``out_dir`` and record their paths in ``result.paths``."""
    calls = result.calls
    paths = {
        "calls_csv": out_dir / "calls.csv",
        "calls_parquet": out_dir / "calls.parquet",
        "vessels_csv": out_dir / "vessels.csv",
        "inventory_json": out_dir / "inventory.json",
    }
    calls.write_parquet(paths["calls_parquet"])
    calls.write_csv(paths["calls_csv"], datetime_format="%Y-%m-%dT%H:%M:%SZ")
    result.vessels.write_csv(paths["vessels_csv"])
    period = result.period
    document: dict[str, Any] = {
        "port": profile.key,
        "port_name": profile.name,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generator": f"quayside {__version__}",
        "method": "US EPA Ports Emissions Inventory Guidance (EPA-420-B-22-011, 2022), IMO Fourth GHG Study 2020",
        "factor_set": {"aux_table": factors.aux_table, "gwp": factors.gwp_set},
        "options": options.to_dict(),
        "units": "g",
        "period": period,
        **result.counts,
        "scope": (
            "calls of ocean-going vessels (berth or anchorage) and harbour craft, inside the boundary; "
            + ("pass-through included" if options.include_pass_through else "pass-through reported apart")
            + "; recreational craft reported apart"
        ),
        "totals": result.totals_g,
        "totals_g": result.totals_g,
        "by_category_g": result.by_category_g,
        **result.apart,
        "by_mode_g": result.by_mode_g,
        "by_engine_g": result.by_engine_g,
        "by_ship_type_g": result.by_ship_type_g,
        "registry": result.registry,
        "ingestion": result.ingest.to_dict(),
    }
    paths["inventory_json"].write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    if options.write_report:
        from quayside.web.report import write_report

        paths["report_html"] = write_report(
            out_dir / "report.html",
            calls=calls.filter(pl.col("in_totals")),  # the charts add up to the totals
            tracks=tracks,
            totals=result.totals_g,
            ingest=result.counts,
            port_name=profile.name,
            port_key=profile.key,
            boundary_geojson=shapely.geometry.mapping(profile.boundary),
            period=period,
            by_category=result.by_category_g,
            apart=result.apart,
            frame=tuple(float(v) for v in profile.boundary.bounds),  # type: ignore[arg-type]
        )
    result.paths = paths


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None
