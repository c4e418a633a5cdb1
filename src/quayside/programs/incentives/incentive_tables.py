"""Per-call incentives of the ports' clean-ship programmes, from ``data/incentive_tables.csv``.

One row per rule: ``id``, ``port`` (``los-angeles``, ``long-beach``, ``nagoya``, ``tokyo``, ``yokohama``,
``kawasaki``), ``programme``, ``criterion`` (:class:`Criterion`), ``min_value`` (inclusive) and
``max_value`` (exclusive) for ``esi_score`` tiers, ``amount`` (empty: not published, the rule's status
is U), ``unit`` (``USD`` or ``percent``), ``basis`` (``per call``, ``port dues``, ``entry fee``),
``valid_from`` / ``valid_to`` (ISO dates, ``valid_to`` inclusive, empty: open), ``source``, ``status``.

Rows of one port, programme and criterion form a ladder: a call earns the highest tier it reaches. Each
programme answers one :class:`Incentive` per call, earned or with ``why_not``. Whether a port lets two
programmes combine (Nagoya's ESI and Green Award discounts) is not published: both are listed, not added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from quayside.errors import ConfigError, InputError
from quayside.programs._csv import number, rows
from quayside.programs.incentives.esi_rules import data_text

TABLES_FILE = "incentive_tables.csv"
COLUMNS = (
    "id", "port", "programme", "criterion", "min_value", "max_value", "amount", "unit", "basis",
    "valid_from", "valid_to", "source", "status",
)  # fmt: skip
UNITS = ("USD", "percent")


class Criterion(StrEnum):
    """What a rule looks at."""

    ESI_SCORE = "esi_score"
    TIER_III_MAIN_ENGINE = "tier_iii_main_engine"
    FUEL_LNG = "fuel_lng"
    FUEL_HYDROGEN = "fuel_hydrogen"
    LNG_BUNKERING_VESSEL = "lng_bunkering_vessel"
    GREEN_AWARD = "green_award"


class CallFuel(StrEnum):
    """The fuel a ship runs on, as the fuel-type incentives see it (``vessels.types.Fuel`` plus hydrogen)."""

    HFO = "HFO"
    MDO = "MDO"
    MGO = "MGO"
    LNG = "LNG"
    HYDROGEN = "H2"


@dataclass(frozen=True, slots=True)
class IncentiveCall:
    """What the incentive tables need to know of one call."""

    imo: int | None
    ship_type: str | None
    gt: float | None
    fuel: CallFuel | None
    is_lng_bunkering: bool
    esi_score: float | None
    tier_iii: bool
    green_award: bool = False
    on: date | None = None  # the call's date; None: every rule whatever its validity


@dataclass(frozen=True, slots=True)
class IncentiveRule:
    """One row of the tables."""

    id: str
    port: str
    programme: str
    criterion: Criterion
    min_value: float | None
    max_value: float | None
    amount: float | None
    unit: str
    basis: str
    valid_from: date | None
    valid_to: date | None
    source: str
    status: str

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class Incentive:
    """One programme's answer for one call."""

    port: str
    programme: str
    earned: bool
    amount: float | None
    unit: str
    basis: str
    rule_id: str
    source: str
    status: str
    why_not: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "programme": self.programme,
            "earned": self.earned,
            "amount": self.amount,
            "unit": self.unit,
            "basis": self.basis,
            "rule": self.rule_id,
            "status": self.status,
            "source": self.source,
            "why_not": self.why_not,
        }


def _date(text: str, name: str, line: int, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            "not an ISO date (YYYY-MM-DD)", source=name, record=line, field=field, value=text
        ) from None


def parse_tables(text: str, name: str) -> tuple[IncentiveRule, ...]:
    """The rules of an incentive table file; every error names the file, line and field."""
    found = []
    for line, row in rows(text, name, COLUMNS):
        try:
            criterion = Criterion(row["criterion"])
        except ValueError:
            raise ConfigError(
                "unknown criterion", source=name, record=line, field="criterion", value=row["criterion"]
            ) from None
        if row["unit"] not in UNITS:
            raise ConfigError(
                "unit must be USD or percent", source=name, record=line, field="unit", value=row["unit"]
            )
        if criterion is Criterion.ESI_SCORE and not row["min_value"]:
            raise ConfigError(
                "an esi_score rule needs min_value", source=name, record=line, field="min_value"
            )
        found.append(
            IncentiveRule(
                id=row["id"],
                port=row["port"],
                programme=row["programme"],
                criterion=criterion,
                min_value=number(row["min_value"], name, line, "min_value") if row["min_value"] else None,
                max_value=number(row["max_value"], name, line, "max_value") if row["max_value"] else None,
                amount=number(row["amount"], name, line, "amount") if row["amount"] else None,
                unit=row["unit"],
                basis=row["basis"],
                valid_from=_date(row["valid_from"], name, line, "valid_from"),
                valid_to=_date(row["valid_to"], name, line, "valid_to"),
                source=row["source"],
                status=row["status"],
            )
        )
    return tuple(found)


def load_tables() -> tuple[IncentiveRule, ...]:
    """The bundled incentive tables."""
    return parse_tables(data_text(TABLES_FILE), TABLES_FILE)


def ports(tables: Sequence[IncentiveRule]) -> list[str]:
    return sorted({r.port for r in tables})


def _fuel_test(rule: IncentiveRule, call: IncentiveCall) -> str | None:
    """None when the call meets a yes/no criterion, else why not."""
    c = rule.criterion
    if c is Criterion.TIER_III_MAIN_ENGINE:
        return None if call.tier_iii else "main engines not certified to IMO Tier III"
    if c is Criterion.FUEL_LNG:
        return None if call.fuel is CallFuel.LNG else f"fuel is {call.fuel or 'unknown'}, not LNG"
    if c is Criterion.FUEL_HYDROGEN:
        return None if call.fuel is CallFuel.HYDROGEN else f"fuel is {call.fuel or 'unknown'}, not hydrogen"
    if c is Criterion.LNG_BUNKERING_VESSEL:
        return None if call.is_lng_bunkering else "not an LNG bunkering vessel"
    return None if call.green_award else "not Green Award certified"


def _answer(rule: IncentiveRule, earned: bool, why_not: str | None) -> Incentive:
    if earned and rule.amount is None:
        why_not = "criterion met, but the amount is not published (rule status U)"
    return Incentive(
        port=rule.port,
        programme=rule.programme,
        earned=earned,
        amount=rule.amount if earned else None,
        unit=rule.unit,
        basis=rule.basis,
        rule_id=rule.id,
        source=rule.source,
        status=rule.status,
        why_not=why_not,
    )


def _esi_ladder(ladder: list[IncentiveRule], call: IncentiveCall) -> Incentive:
    lowest = min(ladder, key=lambda r: r.min_value or 0.0)
    if call.esi_score is None:
        return _answer(lowest, False, "no ESI score for this ship")
    reached = [r for r in ladder if (r.min_value or 0.0) <= call.esi_score]
    if not reached:
        return _answer(lowest, False, f"ESI score {call.esi_score:.1f} below {lowest.min_value:g}")
    return _answer(max(reached, key=lambda r: r.min_value or 0.0), True, None)


def call_incentives(
    port: str, call: IncentiveCall, tables: Sequence[IncentiveRule] | None = None
) -> list[Incentive]:
    """The incentives of ``port``'s programmes for one call, earned or with why not."""
    tables = load_tables() if tables is None else tables
    if port not in ports(tables):
        raise InputError(
            f"no incentive tables for this port, expected one of {', '.join(ports(tables))}",
            field="port",
            value=port,
        )
    ladders: dict[tuple[str, Criterion], list[IncentiveRule]] = {}
    for rule in tables:
        if rule.port == port and rule.valid_on(call.on):
            ladders.setdefault((rule.programme, rule.criterion), []).append(rule)
    answers = []
    for (_, criterion), ladder in ladders.items():
        if criterion is Criterion.ESI_SCORE:
            answers.append(_esi_ladder(ladder, call))
        else:
            rule = ladder[0]
            why = _fuel_test(rule, call)
            answers.append(_answer(rule, why is None, why))
    return answers
