"""Vessel particulars for the engine: registry rows, AIS static data and what each track shows, resolved
once per MMSI.

A bucket (or a Spark vessel group) holds whole tracks, so the evidence a track gives about its vessel
(:func:`track_evidence`: the terminal it berthed at longest, whether it reported only on Class B) is
complete when the vessel is first resolved, and the result is the same whichever runner computes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl
import pyarrow as pa

from quayside.ais.schema import STATIC_CONTENT_COLUMNS
from quayside.geo.profiles import PortProfile
from quayside.geo.zones import ZoneKind
from quayside.vessels.defaults import VESSEL_SCHEMA, Vessel, resolve_fleet, vessel_table
from quayside.vessels.inference import Evidence
from quayside.vessels.registry import Registry

#: Particulars carried into the call table, renamed for it.
CALL_PARTICULARS = {
    "imo": "imo",
    "name": "vessel_name",
    "category": "category",
    "subtype": "subtype",
    "ship_type": "ship_type",
    "defaulted": "defaulted",
}
_CLASS_B_TYPES = (18, 19)


def track_evidence(track: pl.DataFrame, profile: PortProfile, stationary_kn: float) -> dict[int, Evidence]:
    """Per MMSI of a located track: the terminal it stayed at longest, and whether it is Class B only.

    Time at a terminal is the time from each report at one of its berths, with SOG at most
    ``stationary_kn`` (or starting a filled stay), to the vessel's next report in the same segment.
    Ties go to the smaller terminal code, so the answer does not depend on row order.
    """
    if track.height == 0:
        return {}
    msg = pl.col("msg_type")
    class_b = track.group_by("mmsi").agg(
        (msg.is_in(_CLASS_B_TYPES).fill_null(False).all() & msg.is_not_null().all()).alias("b")
    )
    stay = pl.col("stay") if "stay" in track.columns else pl.lit(False)
    next_ts = pl.col("ts").shift(-1).over(["mmsi", "segment"])
    stopped = track.with_columns(
        ((next_ts - pl.col("ts")).dt.total_microseconds() * (1.0 / 3.6e9)).alias("_h")
    ).filter(
        (pl.col("zone_kind") == ZoneKind.BERTH.value)
        & ((pl.col("sog_kn").fill_null(0.0) <= stationary_kn) | stay)
        & pl.col("_h").is_not_null()
    )
    per_berth = stopped.group_by("mmsi", "zone_id").agg(pl.col("_h").sum())
    terminals: dict[int, tuple[float, str, Evidence]] = {}
    for mmsi, zone_id, hours in per_berth.iter_rows():
        terminal = profile.berth_terminal(str(zone_id))
        kind = profile.berth_terminal_type(str(zone_id))
        if kind is None:
            continue
        code = terminal.code if terminal is not None else str(zone_id)
        key = (-float(hours), code)
        best = terminals.get(int(mmsi))
        if best is None or key < (best[0], best[1]):
            terminals[int(mmsi)] = (key[0], code, Evidence(terminal=code, terminal_type=kind))
    out: dict[int, Evidence] = {}
    for mmsi, b in class_b.iter_rows():
        found = terminals.get(int(mmsi))
        base = found[2] if found is not None else Evidence()
        out[int(mmsi)] = Evidence(base.terminal, base.terminal_type, bool(b))
    return out


def reduce_static(static: pa.Table) -> pa.Table:
    """One row per MMSI: the latest non-null value of each static field (untimed rows count as oldest).

    MarineCadastre files repeat the static fields on every row; reducing them batch by batch keeps the
    static data to one row per vessel, whatever the size of the input. Rows of the same time are ordered
    by their content, so the result does not depend on the order of the inputs.
    """
    if static.num_rows == 0:
        return static
    frame = pl.DataFrame(static)
    reduced = (
        frame.sort(["ts", *STATIC_CONTENT_COLUMNS, "source", "record"], nulls_last=False)
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
        self._evidence: dict[int, Evidence] = {}

    def resolve(self, mmsis: Iterable[int], evidence: Mapping[int, Evidence] | None = None) -> list[Vessel]:
        """The particulars of ``mmsis``, resolving those not seen before (with their track's evidence)."""
        wanted = [int(m) for m in mmsis]
        missing = [m for m in wanted if m not in self._vessels]
        if evidence:
            self._evidence.update((m, evidence[m]) for m in missing if m in evidence)
        if missing:
            static = self._static
            if static is not None:
                static = static.filter(pa.compute.is_in(static.column("mmsi"), pa.array(missing, pa.int64())))
            for vessel in resolve_fleet(missing, self._registry, static, evidence):
                self._vessels[vessel.mmsi] = vessel
        return [self._vessels[m] for m in wanted]

    def evidence(self, mmsis: Iterable[int]) -> dict[int, Evidence]:
        """The track evidence each of ``mmsis`` was resolved with (a runner on other machines sends it
        back, so that the driver resolves the same particulars)."""
        return {int(m): self._evidence[int(m)] for m in mmsis if int(m) in self._evidence}

    def kernel_frame(
        self, mmsis: Iterable[int], evidence: Mapping[int, Evidence] | None = None
    ) -> pl.DataFrame:
        """The vessel table the kernel joins on ``mmsi`` (columns of ``VESSEL_SCHEMA``)."""
        return pl.DataFrame(vessel_table(self.resolve(mmsis, evidence)))

    def particulars_frame(self) -> pl.DataFrame:
        """Every vessel resolved so far, one row each."""
        table = vessel_table(self._vessels.values()) if self._vessels else VESSEL_SCHEMA.empty_table()
        return pl.DataFrame(table)

    def call_particulars(self, mmsis: Iterable[int]) -> pl.DataFrame:
        """Identity and defaulted fields to put beside each call."""
        return self.kernel_frame(mmsis).select(
            pl.col("mmsi"), *(pl.col(src).alias(dst) for src, dst in CALL_PARTICULARS.items())
        )
