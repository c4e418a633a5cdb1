"""Targets of the ports' programmes, read from a sourced CSV file, and the progress of a port towards them.

Targets are data (``programs/data/targets.csv``, or the file given with ``--targets``), one row each:

=================  =================================================================================
``id``             unique name of the target
``port``           port profile key (``san-pedro-bay``, ``nagoya``, ``shenzhen``)
``metric``         ``<pollutant>_t`` (tonnes, e.g. ``CO2e_t``, ``NOx_t``), ``<pollutant>_kg_per_teu``, or
                   ``zero_emission_share`` (share 0-1 of the units active in the year that are electric or
                   hydrogen)
``scope``          ``all`` (every category, tank-to-wheel), ``all_well_to_wheel`` (CO2e only), a source
                   category (``ogv``, ``cargo_handling_equipment``, ...), or ``terminals_scope_1_2`` (CO2e
                   only: cargo-handling equipment plus the electricity and hydrogen it drew)
``baseline_year``  a year, or empty: the report's baseline year
``baseline_value`` the metric's value in the baseline year: a number, ``computed`` (from the store), or
                   empty (not known: progress cannot be measured until a ``--targets`` file sets it)
``target_year``    the year the target is due
``target_value``   ``reduction_pct``: percent below the baseline; ``per_teu``: percent below the baseline of
                   a per-TEU metric; ``absolute``: the level itself, in the metric's unit
``target_kind``    ``reduction_pct``, ``absolute`` or ``per_teu``
``source``         where the target is published; ``status``: C (confirmed) or U (unconfirmed)
=================  =================================================================================

Progress in a report year (:func:`progress`): the metric's ``value``; the straight-line ``trajectory`` from
(baseline year, baseline value) to (target year, target level) in that year; the ``gap`` = how far the value
is behind the trajectory (positive: behind, negative: ahead), in the metric's unit; and ``year_met``, the
first year in which a least-squares line through the values of the years held reaches the target level
(null: not on this trend — fewer than 2 years, a trend moving away from the target, or reaching it only
after :data:`YEAR_MET_HORIZON`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quayside.programs._target_rows import (
    COLUMNS,
    COMPUTED,
    PER_TEU_SUFFIX,
    SCOPE_ALL,
    SCOPE_ALL_WTW,
    SCOPE_TERMINALS,
    SHARE_METRIC,
    TARGETS_FILE,
    Target,
    TargetKind,
    load_targets,
    parse_targets,
    targets_for,
)
from quayside.programs.annual.totals import GRAMS_PER_KG, GRAMS_PER_TONNE, YearTotals

#: A trend line that reaches the target only after this year is reported as "not on this trend": a date
#: generations away says no more than that, and reads as a forecast.
YEAR_MET_HORIZON = 2100


def metric_value(target: Target, totals: YearTotals) -> float | None:
    """The target's metric in one year (None: no TEU for a per-TEU metric, no units for a share)."""
    if target.pollutant is None:
        return totals.zero_emission_share.get(target.scope)
    pollutant = target.pollutant
    if target.scope == SCOPE_ALL:
        grams = totals.totals.ttw_g.get(pollutant, 0.0)
    elif target.scope == SCOPE_ALL_WTW:
        grams = totals.totals.wtw_co2e_g
    elif target.scope == SCOPE_TERMINALS:
        grams = totals.terminal_scope12_co2e_g
    else:
        grams = totals.category(target.scope).ttw_g.get(pollutant, 0.0)
    if target.metric.endswith(PER_TEU_SUFFIX):
        return grams / GRAMS_PER_KG / totals.teu if totals.teu else None
    return grams / GRAMS_PER_TONNE


def _fit(points: Sequence[tuple[int, float]]) -> tuple[float, float, float]:
    """``(mean year, mean value, slope)`` of the least-squares line; needs two distinct years."""
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((t - mean_t) ** 2 for t, _ in points)
    sxy = sum((t - mean_t) * (y - mean_y) for t, y in points)
    return mean_t, mean_y, sxy / sxx


def least_squares(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """``(intercept, slope)`` of the least-squares line y = intercept + slope x t through ``points``
    (at least two distinct years)."""
    mean_t, mean_y, slope = _fit(points)
    return mean_y - slope * mean_t, slope


def year_met(
    points: Sequence[tuple[int, float]], level: float, *, higher_is_better: bool
) -> tuple[int | None, str]:
    """The first year (not before the first year held) in which the least-squares line reaches ``level``
    and stays there, and a note saying why when there is none."""
    if len({t for t, _ in points}) < 2:
        return None, "fewer than 2 years held: no trend"
    mean_t, mean_y, slope = _fit(points)
    first = min(t for t, _ in points)
    sign = 1.0 if higher_is_better else -1.0
    if sign * slope <= 0:
        # flat, or moving away: the line meets the level for good only if it already does (and is flat)
        if slope == 0 and sign * (mean_y - level) >= 0:
            return first, ""
        return None, "not on this trend: the trend moves away from the target"
    # measured from the mean year, which keeps the rounding error far below a day
    crossing = mean_t + (level - mean_y) / slope
    # a crossing a few seconds past a new year is that year: rounding must not push it one year on
    year = max(first, math.ceil(crossing - 1e-6))
    if year > YEAR_MET_HORIZON:
        return None, f"not on this trend: reached only after {YEAR_MET_HORIZON}"
    return year, ""


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """Progress towards one target in the report year (see the module docstring)."""

    target: Target
    baseline_year: int
    baseline_value: float | None
    level: float | None
    value: float | None
    trajectory: float | None
    gap: float | None
    year_met: int | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        """The ``targets`` entry of ``annual.json``."""
        t = self.target
        return {
            "id": t.id,
            "metric": t.metric,
            "scope": t.scope,
            "unit": t.unit,
            "baseline_year": self.baseline_year,
            "baseline_value": self.baseline_value,
            "target_year": t.target_year,
            "target_kind": t.kind.value,
            "target_value": t.target_value,
            "target": self.level,
            "value": self.value,
            "trajectory": self.trajectory,
            "gap": self.gap,
            "year_met": self.year_met,
            "status": t.status,
            "source": t.source,
            "note": self.note,
        }


def trajectory(baseline_year: int, baseline: float, target_year: int, level: float, year: int) -> float:
    """The straight line from (baseline year, baseline) to (target year, level), held flat outside."""
    if year <= baseline_year or target_year == baseline_year:
        return baseline if year < target_year else level
    if year >= target_year:
        return level
    return baseline + (level - baseline) * (year - baseline_year) / (target_year - baseline_year)


def progress(
    target: Target, trend: Sequence[YearTotals], year: int, report_baseline_year: int
) -> TargetProgress:
    """Progress towards ``target`` in ``year``, from the years held up to it (``trend``, one per year)."""
    by_year = {t.year: t for t in trend if t.year <= year}
    notes: list[str] = []
    baseline_year = target.baseline_year if target.baseline_year is not None else report_baseline_year
    baseline = target.baseline_value
    if target.baseline_computed:
        held = by_year.get(baseline_year)
        baseline = metric_value(target, held) if held is not None else None
        if held is None:
            notes.append(f"baseline year {baseline_year} not held: set baseline_value in a --targets file")
        elif baseline is None:
            notes.append(f"no value of {target.metric} ({target.scope}) in the baseline year {baseline_year}")
    elif baseline is None:
        notes.append("no baseline value: set baseline_value in a --targets file")
    level = target.level(baseline)
    current = by_year.get(year)
    value = metric_value(target, current) if current is not None else None
    line = None
    if baseline is not None and level is not None:
        line = trajectory(baseline_year, baseline, target.target_year, level, year)
    gap = None
    if line is not None and value is not None:
        gap = line - value if target.higher_is_better else value - line
    found: int | None = None
    if level is not None:
        points = [(y, v) for y, t in sorted(by_year.items()) if (v := metric_value(target, t)) is not None]
        found, note = year_met(points, level, higher_is_better=target.higher_is_better)
        if note:
            notes.append(note)
    return TargetProgress(
        target=target,
        baseline_year=baseline_year,
        baseline_value=baseline,
        level=level,
        value=value,
        trajectory=line,
        gap=gap,
        year_met=found,
        note="; ".join(notes),
    )


__all__ = [
    "COLUMNS",
    "COMPUTED",
    "SHARE_METRIC",
    "TARGETS_FILE",
    "YEAR_MET_HORIZON",
    "Target",
    "TargetKind",
    "TargetProgress",
    "least_squares",
    "load_targets",
    "metric_value",
    "parse_targets",
    "progress",
    "targets_for",
    "trajectory",
    "year_met",
]
