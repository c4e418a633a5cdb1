"""Vessel particulars for the engine: registry rows and AIS static data resolved once per MMSI."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
import pyarrow as pa

from quayside.vessels.defaults import VESSEL_SCHEMA, Vessel, resolve_fleet, vessel_table
from quayside.vessels.registry import Registry

#: Particulars carried into the call table, renamed for it.
CALL_PARTICULARS = {"imo": "imo", "name": "vessel_name", "ship_type": "ship_type", "defaulted": "defaulted"}


def reduce_static(static: pa.Table) -> pa.Table:
    """One row per MMSI: the latest non-null value of each static field (untimed rows count as oldest).

    MarineCadastre files repeat the static fields on every row; reducing them batch by batch keeps the
    static data to one row per vessel, whatever the size of the input.
    """
    if static.num_rows == 0:
        return static
    frame = pl.DataFrame(static)
    reduced = (
        frame.sort("ts", nulls_last=False, maintain_order=True)
        .group_by("mmsi", maintain_order=True)
        .agg(pl.all().exclude("mmsi").drop_nulls().last())
        .select(frame.columns)
    )
    return reduced.to_arrow().cast(static.schema)


class VesselResolver:
    """Resolves (and remembers) the particulars of each MMSI the engine meets."""

    def __init__(self, registry: Registry | None, static: pa.Table | None) -> None:
        self._registry = registry
        self._static = reduce_static(static) if static is not None else None
        self._vessels: dict[int, Vessel] = {}

    def resolve(self, mmsis: Iterable[int]) -> list[Vessel]:
        """The particulars of ``mmsis``, resolving those not seen before."""
        wanted = [int(m) for m in mmsis]
        missing = [m for m in wanted if m not in self._vessels]
        if missing:
            static = self._static
            if static is not None:
                static = static.filter(pa.compute.is_in(static.column("mmsi"), pa.array(missing, pa.int64())))
            for vessel in resolve_fleet(missing, self._registry, static):
                self._vessels[vessel.mmsi] = vessel
        return [self._vessels[m] for m in wanted]

    def kernel_frame(self, mmsis: Iterable[int]) -> pl.DataFrame:
        """The vessel table the kernel joins on ``mmsi`` (columns of ``VESSEL_SCHEMA``)."""
        return pl.DataFrame(vessel_table(self.resolve(mmsis)))

    def particulars_frame(self) -> pl.DataFrame:
        """Every vessel resolved so far, one row each."""
        table = vessel_table(self._vessels.values()) if self._vessels else VESSEL_SCHEMA.empty_table()
        return pl.DataFrame(table)

    def call_particulars(self, mmsis: Iterable[int]) -> pl.DataFrame:
        """Identity and defaulted fields to put beside each call."""
        return self.kernel_frame(mmsis).select(
            pl.col("mmsi"), *(pl.col(src).alias(dst) for src, dst in CALL_PARTICULARS.items())
        )
