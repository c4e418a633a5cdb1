"""The CARB At-Berth rules as data: where the regulation applies, the timing of a compliant visit, and the year
each vessel type is first controlled, read from ``programs/incentives/data/at_berth_rules.csv``.

Columns: ``rule``, ``port`` (a port profile key, ``*`` for any port the regulation applies at), ``ship_type``
(a :class:`~quayside.vessels.types.ShipType` value, ``*`` for every type), ``value``, ``unit``, ``valid_from``
and ``valid_to`` (inclusive ISO dates, empty: open), ``status`` (C / U) and ``source``. A lookup on a date
uses the rows valid that day; without a date, every row. Rules:

=========================  ============================================================================
``applies_at``             the port is one the regulation covers (a California port); 1
``connect_within_h``       hours after arrival at berth by which a control system must be connected
``disconnect_not_before_h``  hours before departure before which it must not be disconnected
``controlled_from_year``   the first calendar year a ship type's visits are controlled (a port's own row
                           wins over ``*``); a type with no row is not controlled (bulk and general cargo,
                           17 CCR 93130.8(b))
``onboard_co2_g_per_kwh``  g CO2 per auxiliary-engine kWh, to derive kWh from CO2 when no kWh is given
=========================  ============================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from quayside.errors import ConfigError
from quayside.programs._csv import number, read_text, rows
from quayside.vessels.types import ShipType

__all__ = ["RULES_FILE", "AtBerthRule", "AtBerthRules", "load_at_berth_rules"]

RULES_FILE = "at_berth_rules.csv"
ANY = "*"
_COLUMNS = ("rule", "port", "ship_type", "value", "unit", "valid_from", "valid_to", "status", "source")
#: Rules every file must define for any port (``*``).
_GENERAL = ("connect_within_h", "disconnect_not_before_h", "onboard_co2_g_per_kwh")
_KNOWN = frozenset({*_GENERAL, "applies_at", "controlled_from_year"})


@dataclass(frozen=True, slots=True)
class AtBerthRule:
    """One sourced row of the rules file, as the calculator lists it under ``rules``."""

    rule: str
    port: str
    ship_type: str
    value: float
    unit: str
    status: str
    source: str
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date | None) -> bool:
        """Whether the row is in force on ``day`` (every row is when ``day`` is ``None``)."""
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def name(self) -> str:
        """``rule``, qualified by port and ship type where the row is specific (``controlled_from_year_container``)."""
        parts = [self.rule]
        parts += [p for p in (self.ship_type, self.port) if p != ANY]
        return "_".join(parts)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: name, value, unit, status, source."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
        }


@dataclass(frozen=True)
class AtBerthRules:
    """The rules of one file, looked up by rule, port and ship type."""

    rows: tuple[AtBerthRule, ...]
    source: str

    def _find(self, rule: str, port: str, ship_type: str, day: date | None = None) -> AtBerthRule | None:
        for want_port in (port, ANY):
            for want_type in (ship_type, ANY):
                for row in self.rows:
                    if (row.rule, row.port, row.ship_type) == (rule, want_port, want_type) and row.valid_on(
                        day
                    ):
                        return row
        return None

    def general(self, rule: str, day: date | None = None) -> AtBerthRule:
        """A rule of every port and type (``connect_within_h``, ...) in force on ``day``.

        Raises
        ------
        ConfigError
            When no row of the rule is in force that day.
        """
        found = self._find(rule, ANY, ANY, day)
        if found is None:
            when = f" on {day.isoformat()}" if day else ""
            raise ConfigError(f"no rule in force{when}", source=self.source, field=rule)
        return found

    def applies_at(self, port: str, day: date | None = None) -> AtBerthRule | None:
        """The row saying the regulation covers ``port`` on ``day``; ``None`` when it does not."""
        row = self._find("applies_at", port, ANY, day)
        return row if row is not None and row.port == port and row.value == 1 else None

    def controlled_from(self, port: str, ship_type: ShipType, day: date | None = None) -> AtBerthRule | None:
        """The row giving the first controlled year of ``ship_type`` at ``port`` (rows in force on ``day``);
        ``None``: never controlled."""
        row = self._find("controlled_from_year", port, ship_type.value, day)
        return row if row is not None and row.ship_type == ship_type.value else None


def _date(text: str, name: str, line: int, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            "not a date as YYYY-MM-DD", source=name, record=line, field=field, value=text
        ) from None


def load_at_berth_rules(path: Path | None = None) -> AtBerthRules:
    """Read the bundled rules, or a user's file of the same columns.

    Raises
    ------
    ConfigError
        A missing column, an unknown rule or ship type, a value that is not a number, a missing general
        rule; the message names the file, the line and the field.
    """
    if path is None:
        name = RULES_FILE
        text = (resources.files("quayside.programs.incentives") / "data" / RULES_FILE).read_text(
            encoding="utf-8"
        )
    else:
        name, text = str(path), read_text(path)
    found: list[AtBerthRule] = []
    types = {t.value for t in ShipType}
    for line, row in rows(text, name, _COLUMNS):
        if row["rule"] not in _KNOWN:
            raise ConfigError(
                "unknown rule", source=name, record=line, field="rule", value=row["rule"],
                hint=f"use one of {', '.join(sorted(_KNOWN))}",
            )  # fmt: skip
        if row["ship_type"] != ANY and row["ship_type"] not in types:
            raise ConfigError(
                "unknown ship type", source=name, record=line, field="ship_type", value=row["ship_type"],
                hint=f"use * or one of {', '.join(sorted(types))}",
            )  # fmt: skip
        if not row["port"]:
            raise ConfigError("empty port; use * for every port", source=name, record=line, field="port")
        value = number(row["value"], name, line, "value")
        if row["rule"] == "controlled_from_year" and (value != int(value) or not 1900 <= value <= 2200):
            raise ConfigError("not a year", source=name, record=line, field="value", value=row["value"])
        if row["rule"] != "controlled_from_year" and value < 0:
            raise ConfigError(
                "must not be negative", source=name, record=line, field="value", value=row["value"]
            )
        found.append(
            AtBerthRule(
                row["rule"],
                row["port"],
                row["ship_type"],
                value,
                row["unit"],
                row["status"],
                row["source"],
                _date(row["valid_from"], name, line, "valid_from"),
                _date(row["valid_to"], name, line, "valid_to"),
            )
        )
    rules = AtBerthRules(tuple(found), name)
    for rule in _GENERAL:
        if rules._find(rule, ANY, ANY) is None:
            raise ConfigError("rule missing for port * and ship type *", source=name, field=rule)
    return rules
