"""The year each target is met on a plan's path.

Targets are those of :mod:`quayside.programs.targets` (``programs/data/targets.csv`` or a ``--targets`` file),
measured with its own :func:`~quayside.programs.targets.metric_value` on each planned year. A target's
baseline value is, in this order: the value in the file; for ``computed``, the plan's base year when the
baseline year is the base year (or empty), else the baseline value the annual report gave (``annual.json``
``targets``); when none is known the target level is unknown and ``year_met`` is null, with a note.

``year_met`` is the first planned year whose value meets the level (at or below it for emissions, at or above
it for a share of zero-emission units), null if none does by the horizon; ``held`` says whether it stays met
from then to the horizon (growth can undo it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quayside.emissions.types import Pollutant
from quayside.programs.annual.report import CategoryTotals, YearTotals
from quayside.programs.planner.base import PlanBase
from quayside.programs.planner.years import YearResult
from quayside.programs.targets import Target, TargetKind, metric_value

__all__ = ["TargetOutcome", "target_outcomes", "year_totals_of"]

_POLLUTANTS = tuple(p.value for p in Pollutant)
_REL_TOL = 1e-9


def year_totals_of(port: str, result: YearResult) -> YearTotals:
    """A planned year in the annual report's shape, so that targets are measured as the report measures them."""
    by_category = {c: CategoryTotals(dict(g), result.wtw_co2e_g[c]) for c, g in result.ttw_g.items()}
    totals = {p: sum(g.get(p, 0.0) for g in result.ttw_g.values()) for p in _POLLUTANTS}
    teu = result.teu if result.teu else None
    return YearTotals(
        port=port,
        year=result.year,
        by_category=by_category,
        totals=CategoryTotals(totals, result.wtw_total_g),
        teu=teu,
        terminal_scope12_co2e_g=result.terminal_scope12_co2e_g,
        kg_co2e_per_teu=result.terminal_scope12_co2e_g / 1000.0 / teu if teu else None,
        t_per_10000_teu=None,
        zero_emission_share=dict(result.zero_emission_share),
        by_equipment=(),
        sources={},
    )


@dataclass(frozen=True)
class TargetOutcome:
    """One target on one scenario's path (and its baseline's)."""

    target: Target
    baseline_year: int
    baseline_value: float | None
    level: float | None
    value_in_target_year: float | None
    year_met: int | None
    held: bool
    baseline_year_met: int | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        t = self.target
        return {
            "id": t.id,
            "metric": t.metric,
            "scope": t.scope,
            "unit": t.unit,
            "target_kind": t.kind.value,
            "target_value": t.target_value,
            "target_year": t.target_year,
            "baseline_year": self.baseline_year,
            "baseline_value": self.baseline_value,
            "target": self.level,
            "value_in_target_year": self.value_in_target_year,
            "year_met": self.year_met,
            "on_time": self.year_met is not None and self.year_met <= t.target_year,
            "held_to_horizon": self.held,
            "baseline_path_year_met": self.baseline_year_met,
            "status": t.status,
            "source": t.source,
            "note": self.note,
        }


def _meets(target: Target, value: float | None, level: float) -> bool:
    if value is None:
        return False
    slack = _REL_TOL * max(abs(level), 1.0)
    return value >= level - slack if target.higher_is_better else value <= level + slack


def _first_met(
    target: Target, values: Sequence[tuple[int, float | None]], level: float
) -> tuple[int | None, bool]:
    met = [_meets(target, v, level) for _, v in values]
    for i, ok in enumerate(met):
        if ok:
            return values[i][0], all(met[i:])
    return None, False


def target_outcomes(
    base: PlanBase, targets: Sequence[Target], years: Sequence[YearResult], baseline: Sequence[YearResult]
) -> list[TargetOutcome]:
    """Each target of the base's port on the scenario's ``years`` and on its ``baseline`` path."""
    path = [(r.year, year_totals_of(base.port, r)) for r in years]
    plain = [(r.year, year_totals_of(base.port, r)) for r in baseline]
    outcomes = []
    for target in (t for t in targets if t.port == base.port):
        notes: list[str] = []
        baseline_year = target.baseline_year if target.baseline_year is not None else base.year
        value = target.baseline_value
        if value is None and baseline_year == base.year and target.baseline_computed:
            value = metric_value(target, path[0][1])
        if value is None and base.target_baselines.get(target.id, (None, None))[0] == baseline_year:
            value = base.target_baselines[target.id][1]
        if value is None and target.kind is not TargetKind.ABSOLUTE:
            notes.append(f"baseline value of {baseline_year} unknown: set baseline_value in a --targets file")
        level = target.level(value)
        values = [(y, metric_value(target, t)) for y, t in path]
        at_due = next((v for y, v in values if y == target.target_year), None)
        met, held, plain_met = None, False, None
        if level is not None:
            met, held = _first_met(target, values, level)
            plain_met, _ = _first_met(target, [(y, metric_value(target, t)) for y, t in plain], level)
            if met is None:
                notes.append(f"not met by {years[-1].year}")
        outcomes.append(
            TargetOutcome(target, baseline_year, value, level, at_due, met, held, plain_met, "; ".join(notes))
        )
    return outcomes
