"""Port community KPIs, as pure functions over visibility records.

Definitions follow ``/work/shared/reference/visibility-standards.md`` (KPI table); each function's
docstring repeats its definition. Durations are in minutes (``_min``) or hours (``_h``). Percentiles use
linear interpolation between closest ranks (numpy's default ``linear`` method).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from quayside.visibility.codes import EmptyIndicator, EquipmentEventTypeCode
from quayside.visibility.model import Classifier, MoveCount, NormalizedEvent, TransactionKind, TruckVisit


@dataclass(frozen=True)
class TurnTimeStats:
    """Distribution of truck turn times (minutes); ``histogram`` holds ``(from_min, to_min, visits)`` bins."""

    count: int
    mean_min: float
    p50_min: float
    p90_min: float
    p95_min: float
    max_min: float
    histogram: tuple[tuple[float, float, int], ...]


def _turn_minutes(visits: Iterable[TruckVisit]) -> list[float]:
    return [(v.gate_out - v.gate_in).total_seconds() / 60 for v in visits if v.gate_out is not None]


def truck_turn_time(visits: Iterable[TruckVisit], *, bin_min: float = 15.0) -> TurnTimeStats:
    """Truck turn time: gate-in to gate-out of one truck visit (visits without gate-out are left out).

    Bins are ``[k * bin_min, (k + 1) * bin_min)`` from 0 to the bin holding the longest visit.
    """
    minutes = np.array(_turn_minutes(visits), dtype=float)
    if minutes.size == 0:
        return TurnTimeStats(0, float("nan"), float("nan"), float("nan"), float("nan"), float("nan"), ())
    edges = np.arange(0.0, float(minutes.max()) // bin_min * bin_min + 2 * bin_min, bin_min)
    counts, _ = np.histogram(minutes, bins=edges)
    bins = tuple(
        (float(lo), float(hi), int(n)) for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True)
    )
    p50, p90, p95 = np.percentile(minutes, [50, 90, 95])
    return TurnTimeStats(
        int(minutes.size),
        float(minutes.mean()),
        float(p50),
        float(p90),
        float(p95),
        float(minutes.max()),
        bins,
    )


def dual_transaction_share(visits: Iterable[TruckVisit]) -> float:
    """Dual-transaction share: visits that both drop and pick up a container ÷ all visits."""
    visits = list(visits)
    if not visits:
        return float("nan")
    dual = sum(
        1 for v in visits if {TransactionKind.DROP, TransactionKind.PICK} <= {t.kind for t in v.transactions}
    )
    return dual / len(visits)


def turn_time_by_terminal_day(visits: Iterable[TruckVisit]) -> pl.DataFrame:
    """Per terminal and local gate-in day: ``visits``, ``mean_turn_min``, ``p50_turn_min``, ``dual_share``."""
    rows = [
        {
            "facility_code": v.facility_code,
            "day": v.gate_in.date(),
            "turn_min": (v.gate_out - v.gate_in).total_seconds() / 60,
            "dual": {TransactionKind.DROP, TransactionKind.PICK} <= {t.kind for t in v.transactions},
        }
        for v in visits
        if v.gate_out is not None
    ]
    frame = pl.DataFrame(
        rows, schema={"facility_code": pl.String, "day": pl.Date, "turn_min": pl.Float64, "dual": pl.Boolean}
    )
    return (
        frame.group_by("facility_code", "day")
        .agg(
            pl.len().alias("visits"),
            pl.col("turn_min").mean().alias("mean_turn_min"),
            pl.col("turn_min").quantile(0.5, interpolation="linear").alias("p50_turn_min"),
            pl.col("dual").mean().alias("dual_share"),
        )
        .sort("facility_code", "day")
    )


def _pairs(
    events: Iterable[NormalizedEvent],
    start: tuple[str, str | None],
    end: tuple[str, str | None],
) -> pl.DataFrame:
    """For each container, each ``start`` event paired with the next ``end`` event (ACT only)."""
    ordered = sorted(
        (e for e in events if e.classifier is Classifier.ACT and e.equipment_reference),
        key=lambda e: (e.equipment_reference or "", e.event_datetime),
    )
    rows: list[dict[str, object]] = []
    open_start: dict[str, NormalizedEvent] = {}
    for e in ordered:
        key = e.equipment_reference or ""
        if (e.event_type_code, e.empty_indicator) == start or (
            start[1] is None and e.event_type_code == start[0]
        ):
            open_start[key] = e
        elif key in open_start and (
            (e.event_type_code, e.empty_indicator) == end or (end[1] is None and e.event_type_code == end[0])
        ):
            s = open_start.pop(key)
            rows.append(
                {
                    "equipment_reference": key,
                    "facility_code": s.facility_code,
                    "start": s.event_datetime,
                    "end": e.event_datetime,
                    "dwell_h": (e.event_datetime - s.event_datetime).total_seconds() / 3600,
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "equipment_reference": pl.String,
            "facility_code": pl.String,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
            "dwell_h": pl.Float64,
        },
    )


def import_dwell(events: Iterable[NormalizedEvent]) -> pl.DataFrame:
    """Import dwell on terminal: discharge (DISC) to gate-out laden (GTOT, LADEN), per container, in hours."""
    return _pairs(
        events,
        (EquipmentEventTypeCode.DISC.value, EmptyIndicator.LADEN.value),
        (EquipmentEventTypeCode.GTOT.value, EmptyIndicator.LADEN.value),
    )


def street_dwell(events: Iterable[NormalizedEvent]) -> pl.DataFrame:
    """Street dwell: gate-out laden (GTOT, LADEN) to gate-in empty (GTIN, EMPTY), per container, in hours."""
    return _pairs(
        events,
        (EquipmentEventTypeCode.GTOT.value, EmptyIndicator.LADEN.value),
        (EquipmentEventTypeCode.GTIN.value, EmptyIndicator.EMPTY.value),
    )


@dataclass(frozen=True)
class BerthVisit:
    """A vessel alongside a berth: berth arrival (all fast) to berth departure."""

    berth_id: str
    arrival: datetime
    departure: datetime


def berth_occupancy(visits: Sequence[BerthVisit], start: datetime, end: datetime) -> dict[str, float]:
    """Berth occupancy: occupied hours ÷ available hours, per berth, over ``[start, end)``.

    Visits are clipped to the period; overlapping visits at one berth are counted once.
    """
    available_h = (end - start).total_seconds() / 3600
    result: dict[str, float] = {}
    for berth in sorted({v.berth_id for v in visits}):
        spans = sorted((max(v.arrival, start), min(v.departure, end)) for v in visits if v.berth_id == berth)
        occupied = 0.0
        cursor = start
        for lo, hi in spans:
            lo = max(lo, cursor)
            if hi > lo:
                occupied += (hi - lo).total_seconds() / 3600
                cursor = hi
        result[berth] = occupied / available_h
    return result


def anchorage_wait_h(anchorage_arrival: datetime, berth_arrival: datetime) -> float:
    """Anchorage wait: anchorage arrival to berth arrival, hours."""
    return (berth_arrival - anchorage_arrival).total_seconds() / 3600


def time_in_port_h(port_arrival: datetime, berth_departure: datetime) -> float:
    """Time in port: port (pilot boarding place) arrival to berth departure, hours."""
    return (berth_departure - port_arrival).total_seconds() / 3600


def gross_berth_productivity(moves: MoveCount, first_line: datetime, last_line: datetime) -> float:
    """Gross berth productivity: (loads + discharges + restows) ÷ hours from first line to last line."""
    hours = (last_line - first_line).total_seconds() / 3600
    if hours <= 0:
        raise ValueError("last line must be after first line")
    return (moves.loads + moves.discharges + moves.restows) / hours
