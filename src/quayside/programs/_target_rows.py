"""The targets file: its columns, rows as :class:`Target`, and the checks of each field.

See :mod:`quayside.programs.targets` for what the columns mean. Every error is a
:class:`~quayside.errors.ConfigError` naming the file, the line (the header is line 1) and the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from quayside.errors import ConfigError
from quayside.programs import _csv
from quayside.programs.annual.totals import ALL_CATEGORIES, CO2E, POLLUTANTS

TARGETS_FILE = "targets.csv"
COLUMNS = (
    "id",
    "port",
    "metric",
    "scope",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "target_kind",
    "source",
    "status",
)
SHARE_METRIC = "zero_emission_share"
TONNES_SUFFIX = "_t"
PER_TEU_SUFFIX = "_kg_per_teu"
SCOPE_ALL = "all"
SCOPE_ALL_WTW = "all_well_to_wheel"
SCOPE_TERMINALS = "terminals_scope_1_2"
COMPUTED = "computed"
#: Shares are counted per equipment category (the register's kinds); ships are not in the register.
_SHARE_SCOPES = ("cargo_handling_equipment", "trucks", "rail", "other")


class TargetKind(StrEnum):
    """How ``target_value`` reads (see :mod:`quayside.programs.targets`)."""

    REDUCTION_PCT = "reduction_pct"
    ABSOLUTE = "absolute"
    PER_TEU = "per_teu"


@dataclass(frozen=True, slots=True)
class Target:
    """One row of the targets file (see :mod:`quayside.programs.targets`)."""

    id: str
    port: str
    metric: str
    pollutant: str | None  # the metric's pollutant key; None for a share
    scope: str
    baseline_year: int | None  # None: the report's baseline year
    baseline_value: float | None  # None with baseline_computed False: not known
    baseline_computed: bool
    target_year: int
    target_value: float
    kind: TargetKind
    source: str
    status: str
    file: str
    line: int

    @property
    def unit(self) -> str:
        """``t``, ``kg/TEU`` or ``share``."""
        if self.metric == SHARE_METRIC:
            return "share"
        return "kg/TEU" if self.metric.endswith(PER_TEU_SUFFIX) else "t"

    @property
    def higher_is_better(self) -> bool:
        """Shares of zero-emission units rise towards their target; emissions fall towards theirs."""
        return self.metric == SHARE_METRIC

    def level(self, baseline: float | None) -> float | None:
        """The target level in the metric's unit (None when it depends on an unknown baseline)."""
        if self.kind is TargetKind.ABSOLUTE:
            return self.target_value
        return None if baseline is None else baseline * (1.0 - self.target_value / 100.0)


def _pollutant(metric: str) -> str | None:
    for suffix in (PER_TEU_SUFFIX, TONNES_SUFFIX):
        if metric.endswith(suffix) and metric[: -len(suffix)] in POLLUTANTS:
            return metric[: -len(suffix)]
    return None


def _parse(line: int, row: dict[str, str], name: str) -> Target:
    def fail(message: str, column: str, hint: str | None = None) -> ConfigError:
        return ConfigError(message, source=name, record=line, field=column, value=row[column], hint=hint)

    for column in ("id", "port", "metric", "scope", "target_year", "target_value", "target_kind"):
        if not row[column]:
            raise ConfigError("empty value", source=name, record=line, field=column)
    metric, scope = row["metric"], row["scope"]
    pollutant = _pollutant(metric)
    if pollutant is None and metric != SHARE_METRIC:
        raise fail(
            "unknown metric",
            "metric",
            f"use <pollutant>{TONNES_SUFFIX}, <pollutant>{PER_TEU_SUFFIX} or {SHARE_METRIC}; "
            f"pollutants: {', '.join(POLLUTANTS)}",
        )
    if metric == SHARE_METRIC:
        if scope not in _SHARE_SCOPES:
            raise fail(f"a share is of an equipment category: one of {list(_SHARE_SCOPES)}", "scope")
    elif scope not in (SCOPE_ALL, SCOPE_ALL_WTW, SCOPE_TERMINALS, *ALL_CATEGORIES):
        raise fail(
            "unknown scope", "scope", f"use {SCOPE_ALL}, {SCOPE_ALL_WTW}, {SCOPE_TERMINALS} or a category"
        )
    elif scope in (SCOPE_ALL_WTW, SCOPE_TERMINALS) and pollutant != CO2E:
        raise fail(f"scope {scope} is counted in CO2e only", "metric")
    try:
        kind = TargetKind(row["target_kind"])
    except ValueError:
        raise fail(
            f"unknown target kind; expected one of {[k.value for k in TargetKind]}", "target_kind"
        ) from None
    if kind is TargetKind.PER_TEU and not metric.endswith(PER_TEU_SUFFIX):
        raise fail(f"per_teu needs a per-TEU metric (<pollutant>{PER_TEU_SUFFIX})", "metric")
    if kind is TargetKind.REDUCTION_PCT and metric.endswith(PER_TEU_SUFFIX):
        raise fail("a reduction of a per-TEU metric is target_kind per_teu", "target_kind")
    target_value = _csv.number(row["target_value"], name, line, "target_value")
    if kind is not TargetKind.ABSOLUTE and not 0 <= target_value <= 100:
        raise fail("a reduction is a percentage from 0 to 100", "target_value")
    if metric == SHARE_METRIC and not 0 <= target_value <= 1:
        raise fail("a share is from 0 to 1", "target_value")
    baseline_year = (
        _csv.year(row["baseline_year"], name, line, "baseline_year") if row["baseline_year"] else None
    )
    target_year = _csv.year(row["target_year"], name, line, "target_year")
    if baseline_year is not None and target_year < baseline_year:
        raise fail("target year before the baseline year", "target_year")
    text = row["baseline_value"]
    computed = text == COMPUTED
    baseline_value = None if computed or not text else _csv.number(text, name, line, "baseline_value")
    if baseline_value is not None and baseline_year is None:
        raise fail("a baseline value needs its baseline year", "baseline_year")
    return Target(
        id=row["id"],
        port=row["port"],
        metric=metric,
        pollutant=pollutant,
        scope=scope,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        baseline_computed=computed,
        target_year=target_year,
        target_value=target_value,
        kind=kind,
        source=row["source"],
        status=row["status"],
        file=name,
        line=line,
    )


def parse_targets(text: str, name: str) -> tuple[Target, ...]:
    """Read a targets file's text; ``name`` is the file named in errors.

    Raises
    ------
    ConfigError
        A missing column, an empty or unknown value, a duplicate id (file, line and field named).
    """
    targets: list[Target] = []
    seen: set[str] = set()
    for line, row in _csv.rows(text, name, COLUMNS):
        target = _parse(line, row, name)
        if target.id in seen:
            raise ConfigError("duplicate target id", source=name, record=line, field="id", value=target.id)
        seen.add(target.id)
        targets.append(target)
    return tuple(targets)


@cache
def _bundled() -> tuple[Target, ...]:
    return parse_targets(_csv.bundled_text(TARGETS_FILE), f"programs/data/{TARGETS_FILE}")


def load_targets(path: Path | None = None) -> tuple[Target, ...]:
    """The bundled targets, or those of ``path`` (which replaces them)."""
    if path is None:
        return _bundled()
    return parse_targets(_csv.read_text(path), str(path))


def targets_for(port: str, targets: Sequence[Target]) -> tuple[Target, ...]:
    """The targets of one port, in file order."""
    return tuple(t for t in targets if t.port == port)
