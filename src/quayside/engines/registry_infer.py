"""``quayside registry infer``: the registry the engine would use, written for the user to check.

The inventory is run (without its report) so that every vessel is resolved exactly as in an inventory,
with the evidence of its own track (the terminal it berths at); then one row per vessel seen in the AIS
input is written in the registry's columns (:data:`quayside.vessels.registry.COLUMNS`) plus ``inferred``:
``field=method`` pairs saying how each value that came neither from a registry nor from AIS static data
was found. Corrected and passed back with ``--registry``, every value becomes the registry's own.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from quayside.engines._options import InventoryOptions, Progress
from quayside.engines.inventory import run_inventory
from quayside.geo.profiles import PortProfile
from quayside.vessels.registry import COLUMNS, Registry


@dataclass(frozen=True)
class InferredRegistry:
    """What was written: the file, its rows, and how many rows hold at least one inferred value."""

    path: Path
    rows: int
    inferred: int


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if value != int(value) else f"{int(value)}"
    return str(value)


def infer_registry(
    inputs: Sequence[Path],
    *,
    port: str | Path | PortProfile,
    out: Path,
    registry: Path | Registry | None = None,
    progress: Progress | None = None,
) -> InferredRegistry:
    """Resolve every vessel of ``inputs`` as the inventory does and write them as a registry CSV."""
    with tempfile.TemporaryDirectory(prefix="quayside-infer-") as tmp:
        result = run_inventory(
            inputs,
            registry=registry,
            port=port,
            out_dir=Path(tmp),
            options=InventoryOptions(write_report=False),
            progress=progress,
        )
    vessels = result.particulars.sort("mmsi")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*COLUMNS, "inferred"])
        for row in vessels.iter_rows(named=True):
            writer.writerow([*(_cell(row.get(c)) for c in COLUMNS), row["inferred"] or ""])
    inferred = vessels.filter(pl.col("inferred").fill_null("") != "").height
    return InferredRegistry(out, vessels.height, inferred)
