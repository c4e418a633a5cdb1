"""The rules of Vessel Speed Reduction as data: ``data/vsr_rules.csv`` (or a user's file of the same form).

Columns: ``rule, authority, ring_nm, value, unit, valid_from, valid_to, source, status``. One row per rule;
``authority`` is the UN/LOCODE of the port that grants a discount (``USLAX``, ``USLGB``), empty for the
rules of the transit test; ``ring_nm`` the ring a discount is for; ``valid_from`` / ``valid_to`` ISO dates
(empty: open). Rules (:class:`RuleName`):

- ``covered_category`` (one row per category): vessels whose transits count (``ogv``; harbour craft not);
- ``transit_speed_measure`` (one row): ``distance_weighted_sog`` or ``distance_over_time``;
- ``emission_mode`` (one row): the EPA mode both speeds of the emissions-saved comparison are computed in;
- ``compliance_share_min``, ``dockage_discount``, ``green_flag_award_share`` (per authority and ring):
  fractions in [0, 1];
- ``programme`` (per authority): the programme's name.

The speed limit of each ring is the port profile's (``[vsr] speed_limit_kn``), not a rule of this file: the
ring and its limit are the port's geography. Every error names the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path

from quayside.emissions.types import Mode
from quayside.errors import ConfigError
from quayside.programs import _csv
from quayside.vessels.types import Category

RULES_FILE = "vsr_rules.csv"
COLUMNS = ("rule", "authority", "ring_nm", "value", "unit", "valid_from", "valid_to", "source", "status")


class RuleName(StrEnum):
    """The rules a VSR rule file may hold."""

    COVERED_CATEGORY = "covered_category"
    TRANSIT_SPEED_MEASURE = "transit_speed_measure"
    EMISSION_MODE = "emission_mode"
    COMPLIANCE_SHARE_MIN = "compliance_share_min"
    DOCKAGE_DISCOUNT = "dockage_discount"
    GREEN_FLAG_AWARD_SHARE = "green_flag_award_share"
    PROGRAMME = "programme"


class SpeedMeasure(StrEnum):
    """How one transit's speed inside a ring is measured (the ports do not publish theirs: U)."""

    DISTANCE_WEIGHTED_SOG = "distance_weighted_sog"
    DISTANCE_OVER_TIME = "distance_over_time"


_SHARE_RULES = (RuleName.COMPLIANCE_SHARE_MIN, RuleName.DOCKAGE_DISCOUNT, RuleName.GREEN_FLAG_AWARD_SHARE)
_SINGLE_RULES = (RuleName.TRANSIT_SPEED_MEASURE, RuleName.EMISSION_MODE)


@dataclass(frozen=True)
class VsrRule:
    """One row of the rule file; ``number`` is ``value`` as a float for the share rules."""

    rule: RuleName
    authority: str
    ring_nm: float | None
    value: str
    number: float | None
    unit: str
    valid_from: date | None
    valid_to: date | None
    source: str
    status: str
    line: int

    def in_force(self, year: int) -> bool:
        """Whether the row applies to some day of calendar ``year``."""
        starts = self.valid_from is None or self.valid_from <= date(year, 12, 31)
        return starts and (self.valid_to is None or self.valid_to >= date(year, 1, 1))

    def describe(self) -> dict[str, object]:
        """The row as a calculator lists the rules it used."""
        name = self.rule.value
        if self.authority:
            name += f"[{self.authority}" + (f", {self.ring_nm:g} nm]" if self.ring_nm is not None else "]")
        return {
            "name": name,
            "value": self.number if self.number is not None else self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
        }


@dataclass(frozen=True)
class VsrRules:
    """The validated rule file."""

    rules: tuple[VsrRule, ...]
    path: str

    def _single(self, rule: RuleName) -> VsrRule:
        return next(r for r in self.rules if r.rule is rule)

    @property
    def speed_measure(self) -> SpeedMeasure:
        return SpeedMeasure(self._single(RuleName.TRANSIT_SPEED_MEASURE).value)

    @property
    def emission_mode(self) -> Mode:
        return Mode(self._single(RuleName.EMISSION_MODE).value)

    @property
    def covered_categories(self) -> frozenset[str]:
        return frozenset(r.value for r in self.rules if r.rule is RuleName.COVERED_CATEGORY)

    def transit_rules(self) -> list[VsrRule]:
        """The rules behind every transit's result (coverage, speed measure, emission mode)."""
        wanted = (RuleName.COVERED_CATEGORY, *_SINGLE_RULES)
        return [r for r in self.rules if r.rule in wanted]

    def find(self, rule: RuleName, authority: str, ring_nm: float | None, year: int) -> VsrRule | None:
        """The row of ``rule`` for an authority (and ring) in force in ``year``, if any."""
        for r in self.rules:
            if r.rule is rule and r.authority == authority and r.ring_nm == ring_nm and r.in_force(year):
                return r
        return None

    def authorities(self, year: int) -> list[str]:
        """Authorities with a programme in force in ``year``, sorted."""
        return sorted({r.authority for r in self.rules if r.rule is RuleName.PROGRAMME and r.in_force(year)})


def load_rules(path: Path | str | None = None) -> VsrRules:
    """Read and validate the bundled rule file, or a user's file of the same form.

    Raises
    ------
    ConfigError
        A missing column, unknown rule, bad value, date or status, a missing source, a missing single rule
        or two rows for the same rule in force at once; the message names the file, line and field.
    """
    if path is None:
        name = RULES_FILE
        text = (resources.files("quayside.programs.incentives") / "data" / RULES_FILE).read_text("utf-8")
    else:
        name = str(path)
        text = _csv.read_text(Path(path))
    rules = tuple(_row(line, row, name) for line, row in _csv.rows(text, name, COLUMNS))
    _check_complete(rules, name)
    return VsrRules(rules, name)


def _row(line: int, row: dict[str, str], name: str) -> VsrRule:
    try:
        rule = RuleName(row["rule"])
    except ValueError:
        allowed = ", ".join(r.value for r in RuleName)
        raise ConfigError(
            "unknown rule", source=name, record=line, field="rule", value=row["rule"], hint=f"use {allowed}"
        ) from None
    per_authority = rule in (*_SHARE_RULES, RuleName.PROGRAMME)
    if per_authority != bool(row["authority"]):
        need = "needs an authority (UN/LOCODE)" if per_authority else "takes no authority"
        raise ConfigError(f"rule '{rule}' {need}", source=name, record=line, field="authority")
    ring: float | None = None
    if rule in _SHARE_RULES:
        ring = _csv.number(row["ring_nm"], name, line, "ring_nm")
        if ring <= 0:
            raise ConfigError("must be greater than 0", source=name, record=line, field="ring_nm", value=ring)
    elif row["ring_nm"]:
        raise ConfigError(f"rule '{rule}' takes no ring", source=name, record=line, field="ring_nm")
    number = _value(rule, row["value"], name, line)
    return VsrRule(
        rule=rule,
        authority=row["authority"],
        ring_nm=ring,
        value=row["value"],
        number=number,
        unit=row["unit"],
        valid_from=_date(row["valid_from"], name, line, "valid_from"),
        valid_to=_date(row["valid_to"], name, line, "valid_to"),
        source=row["source"],
        status=row["status"],
        line=line,
    )


def _value(rule: RuleName, text: str, name: str, line: int) -> float | None:
    """Check ``value`` against what the rule takes; the number of a share rule."""
    kinds: dict[RuleName, type[StrEnum]] = {
        RuleName.COVERED_CATEGORY: Category,
        RuleName.TRANSIT_SPEED_MEASURE: SpeedMeasure,
        RuleName.EMISSION_MODE: Mode,
    }
    if rule in kinds:
        kind = kinds[rule]
        if text not in {m.value for m in kind}:
            allowed = ", ".join(m.value for m in kind)
            raise ConfigError(
                "unknown value", source=name, record=line, field="value", value=text, hint=f"use {allowed}"
            )
        return None
    if rule is RuleName.PROGRAMME:
        if not text:
            raise ConfigError("empty programme name", source=name, record=line, field="value")
        return None
    number = _csv.number(text, name, line, "value")
    if not 0.0 <= number <= 1.0:
        raise ConfigError(
            "a fraction in [0, 1] is required", source=name, record=line, field="value", value=text
        )
    return number


def _date(text: str, name: str, line: int, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            "not an ISO date (YYYY-MM-DD)", source=name, record=line, field=field, value=text
        ) from None


def _check_complete(rules: Iterable[VsrRule], name: str) -> None:
    """One row of each single rule, at least one covered category, no overlapping rows of one key."""
    rows = list(rules)
    for single in _SINGLE_RULES:
        found = [r for r in rows if r.rule is single]
        if not found:
            raise ConfigError(f"no '{single}' row", source=name, field="rule", hint="add one row")
        if len(found) > 1:
            raise ConfigError(
                f"more than one '{single}' row", source=name, record=found[1].line, field="rule"
            )
    if not any(r.rule is RuleName.COVERED_CATEGORY for r in rows):
        raise ConfigError("no 'covered_category' row", source=name, field="rule", hint="add e.g. 'ogv'")
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            same = (a.rule, a.authority, a.ring_nm, a.value if a.rule is RuleName.COVERED_CATEGORY else "")
            if same != (
                b.rule,
                b.authority,
                b.ring_nm,
                b.value if b.rule is RuleName.COVERED_CATEGORY else "",
            ):
                continue
            a_end, b_end = a.valid_to or date.max, b.valid_to or date.max
            if (a.valid_from or date.min) <= b_end and (b.valid_from or date.min) <= a_end:
                raise ConfigError(
                    f"two rows of '{a.rule}' in force at once (line {a.line})",
                    source=name,
                    record=b.line,
                    field="valid_from",
                )
