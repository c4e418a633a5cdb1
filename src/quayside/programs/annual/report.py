"""A port's annual report: the whole inventory by source category, its change, intensities and targets.

The pure layer: :func:`build_annual` takes one year's :class:`AnnualInputs` (what the store holds for the
port and year, see :mod:`quayside.programs.annual.totals`), the :class:`YearTotals` of the other years held
(``history``, from :func:`year_totals`) and the port's targets, and returns an :class:`AnnualReport`:

- ``by_category_g``: category -> pollutant -> grams, tank-to-wheel, with ``well_to_wheel.CO2e`` apart;
- ``change``: ``vs_baseline`` and ``vs_previous`` (the year before, when held): category (and ``total``) ->
  pollutant -> fractional change ``(now - then) / then`` (null when ``then`` is zero);
- ``kg_co2e_per_teu`` (terminals' scope 1+2), ``t_per_10000_teu`` (whole port, tank-to-wheel);
- ``targets``: progress towards each target (:mod:`quayside.programs.targets`);
- ``by_equipment``: per equipment kind and power source, units, hours, energy and grams (for the planner);
- ``coverage``: what part of the year each category's data cover, with a note when it is not a full year
  (:mod:`quayside.programs.annual.coverage`; null when the report was built without it).

:func:`quayside.programs.annual.store.annual_from_store` fills the inputs from the store;
:func:`write_annual` writes ``annual.json``, the CSV files and the HTML report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quayside.errors import ConfigError, InputError
from quayside.programs.annual.coverage import Coverage
from quayside.programs.annual.totals import (
    CO2E,
    POLLUTANTS,
    UNREGISTERED,
    WELL_TO_WHEEL,
    AnnualInputs,
    CategoryTotals,
    EnergyLike,
    EquipmentGroup,
    LandsideEmissions,
    YearTotals,
    year_totals,
)
from quayside.programs.targets import Target, TargetProgress, progress, targets_for

#: The key of the whole port in ``change`` maps.
TOTAL = "total"
Change = dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class AnnualReport:
    """The annual report of one port and year (see the module docstring).

    ``trend`` holds the totals of every year held up to the report year, this one last.
    """

    port: str
    year: int
    baseline_year: int
    current: YearTotals
    vs_baseline: Change
    vs_previous: Change
    targets: tuple[TargetProgress, ...]
    trend: tuple[YearTotals, ...]
    coverage: Coverage | None = None

    @property
    def baseline(self) -> YearTotals:
        """The totals of the baseline year."""
        return next(t for t in self.trend if t.year == self.baseline_year)

    def to_json(self) -> dict[str, Any]:
        """The document of ``annual.json`` (the contract of issue 9, plus ``by_equipment`` and ``coverage``)."""
        c = self.current
        return {
            "port": self.port,
            "year": self.year,
            "baseline_year": self.baseline_year,
            "by_category_g": {name: values.to_dict() for name, values in c.by_category.items()},
            "totals_g": c.totals.to_dict(),
            "teu": c.teu,
            "kg_co2e_per_teu": c.kg_co2e_per_teu,
            "t_per_10000_teu": dict(c.t_per_10000_teu) if c.t_per_10000_teu is not None else None,
            "change": {"vs_baseline": self.vs_baseline, "vs_previous": self.vs_previous},
            "targets": [t.to_dict() for t in self.targets],
            "by_equipment": [g.to_dict() for g in c.by_equipment],
            "coverage": self.coverage.to_dict() if self.coverage is not None else None,
            "sources": {
                **c.sources,
                "terminal_scope12_co2e_g": c.terminal_scope12_co2e_g,
                "zero_emission_share": dict(c.zero_emission_share),
                "years_held": [t.year for t in self.trend],
            },
        }


def _fraction(now: float, then: float) -> float | None:
    return (now - then) / then if then else None


def _change_of(now: CategoryTotals, then: CategoryTotals) -> dict[str, Any]:
    out: dict[str, Any] = {p: _fraction(now.ttw_g.get(p, 0.0), then.ttw_g.get(p, 0.0)) for p in POLLUTANTS}
    out[WELL_TO_WHEEL] = {CO2E: _fraction(now.wtw_co2e_g, then.wtw_co2e_g)}
    return out


def change(now: YearTotals, then: YearTotals) -> Change:
    """Fractional change from ``then`` to ``now`` per category (both years' categories) and ``total``."""
    names = [*now.by_category, *(n for n in then.by_category if n not in now.by_category)]
    out: Change = {name: _change_of(now.category(name), then.category(name)) for name in names}
    out[TOTAL] = _change_of(now.totals, then.totals)
    return out


def build_annual(
    inputs: AnnualInputs,
    *,
    targets: Sequence[Target],
    history: Sequence[YearTotals],
    baseline_year: int | None = None,
    coverage: Coverage | None = None,
) -> AnnualReport:
    """The annual report of ``inputs.port`` for ``inputs.year``.

    Parameters
    ----------
    inputs
        The year's inputs.
    targets
        Targets; those of other ports are ignored.
    history
        The totals of the other years held; years after the report year are ignored.
    baseline_year
        The year changes are measured from (and the baseline of targets without their own); default the
        first year held.
    coverage
        What part of the year the data held cover (:func:`quayside.programs.annual.coverage.year_coverage`).

    Raises
    ------
    ConfigError
        ``baseline_year`` is not held (the message lists the years held).
    InputError
        A history entry of another port, or two for the same year.
    """
    current = year_totals(inputs)
    by_year: dict[int, YearTotals] = {}
    for totals in history:
        if totals.port != inputs.port:
            raise InputError("history of another port", source="history", field="port", value=totals.port)
        if totals.year in by_year:
            raise InputError(
                "two histories for the same year", source="history", field="year", value=totals.year
            )
        if totals.year < inputs.year:
            by_year[totals.year] = totals
    by_year[inputs.year] = current
    trend = tuple(by_year[y] for y in sorted(by_year))
    base = trend[0].year if baseline_year is None else baseline_year
    if base not in by_year:
        held = ", ".join(str(y) for y in sorted(by_year))
        raise ConfigError(
            f"baseline year {base} is not held for {inputs.port} up to {inputs.year}",
            field="baseline",
            value=base,
            hint=f"years held: {held}",
        )
    previous = by_year.get(inputs.year - 1)
    return AnnualReport(
        port=inputs.port,
        year=inputs.year,
        baseline_year=base,
        current=current,
        vs_baseline=change(current, by_year[base]),
        vs_previous=change(current, previous) if previous is not None else {},
        targets=tuple(progress(t, trend, inputs.year, base) for t in targets_for(inputs.port, targets)),
        trend=trend,
        coverage=coverage,
    )


def write_annual(report: AnnualReport, out_dir: Path) -> dict[str, Path]:
    """Write ``annual.json``, ``annual.csv``, ``annual_targets.csv``, ``annual_equipment.csv`` and
    ``annual.html`` into ``out_dir`` (created); return their paths by name."""
    from quayside.programs.annual.files import write_files

    return write_files(report, out_dir)


__all__ = [
    "TOTAL",
    "UNREGISTERED",
    "AnnualInputs",
    "AnnualReport",
    "CategoryTotals",
    "EnergyLike",
    "EquipmentGroup",
    "LandsideEmissions",
    "YearTotals",
    "build_annual",
    "change",
    "write_annual",
    "year_totals",
]
