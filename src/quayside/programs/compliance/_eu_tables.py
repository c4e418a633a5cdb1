"""The EU ETS and FuelEU tables of ``compliance/data/``, dated by year (``valid_from``/``valid_to``, inclusive).

- ``eu_rules.csv`` — named constants (scope shares, surrender phase-in, GWPs, FuelEU reference, reductions,
  penalty): ``name, value, unit, valid_from, valid_to, source, status``; a name may have several rows, one
  per period;
- ``eu_countries.csv`` — the UN/LOCODE country codes whose ports count as under the jurisdiction of a
  Member State: ``kind`` is ``member``, ``outermost`` (an outermost region with its own code) or ``eea``;
- ``fueleu_fuels.csv`` — FuelEU Annex II defaults per fuel (and LNG engine): LCV (MJ/g), WtT
  (g CO2e/MJ), Cf of CO2, CH4, N2O (g/g fuel) and the methane slip (% of the fuel mass).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from quayside.errors import ConfigError, InputError
from quayside.programs import _csv
from quayside.programs.compliance._json import Rule

RULES_FILE = "eu_rules.csv"
COUNTRIES_FILE = "eu_countries.csv"
FUELS_FILE = "fueleu_fuels.csv"


class PortKind(StrEnum):
    """Where a port of call is, for the EU rules."""

    MEMBER = "member"
    OUTERMOST = "outermost"
    EEA = "eea"
    THIRD = "third"  # outside the Union (not in eu_countries.csv)


@dataclass(frozen=True, slots=True)
class _Dated:
    valid_from: int
    valid_to: int | None

    def covers(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True, slots=True)
class FuelEuFuel:
    """FuelEU Annex II default factors of one fuel (one LNG engine type for LNG)."""

    fuel: str
    lcv_mj_per_g: float
    wtt_g_co2e_per_mj: float
    cf_co2: float
    cf_ch4: float
    cf_n2o: float
    slip_pct: float
    period: _Dated
    source: str
    status: str

    @property
    def rule(self) -> Rule:
        value = (
            f"LCV {self.lcv_mj_per_g:g} MJ/g, WtT {self.wtt_g_co2e_per_mj:g} g CO2e/MJ, Cf CO2 "
            f"{self.cf_co2:g}, CH4 {self.cf_ch4:g}, N2O {self.cf_n2o:g} g/g, slip {self.slip_pct:g}%"
        )
        return Rule(f"fueleu_fuel_{self.fuel}", value, "", self.source, self.status)


def _text(name: str) -> str:
    return (resources.files("quayside.programs.compliance") / "data" / name).read_text(encoding="utf-8")


def _period(row: dict[str, str], name: str, line: int) -> _Dated:
    start = _csv.year(row["valid_from"], name, line, "valid_from")
    end = _csv.year(row["valid_to"], name, line, "valid_to") if row["valid_to"] else None
    if end is not None and end < start:
        raise ConfigError(
            "valid_to is before valid_from", source=name, record=line, field="valid_to", value=row["valid_to"]
        )
    return _Dated(start, end)


@cache
def _rules() -> dict[str, list[tuple[_Dated, Rule]]]:
    columns = ("name", "value", "unit", "valid_from", "valid_to", "source", "status")
    out: dict[str, list[tuple[_Dated, Rule]]] = {}
    for line, row in _csv.rows(_text(RULES_FILE), RULES_FILE, columns):
        period = _period(row, RULES_FILE, line)
        value = _csv.number(row["value"], RULES_FILE, line, "value")
        for other, _ in out.get(row["name"], []):
            if other.covers(period.valid_from) or period.covers(other.valid_from):
                raise ConfigError(
                    "two rows of this name cover the same year",
                    source=RULES_FILE,
                    record=line,
                    field="valid_from",
                    value=row["name"],
                )
        rule = Rule(row["name"], value, row["unit"], row["source"], row["status"])
        out.setdefault(row["name"], []).append((period, rule))
    return out


def rule(name: str, year: int, *, source: str, field: str = "year") -> Rule:
    """The rule ``name`` in force in ``year``; a year it does not cover is an InputError on ``field``."""
    for period, found in _rules().get(name, []):
        if period.covers(year):
            return found
    raise InputError(
        f"no rule {name} for this year",
        source=source,
        field=field,
        value=year,
        hint=f"{RULES_FILE} covers {_years(name)}",
    )


def _years(name: str) -> str:
    periods = [p for p, _ in _rules().get(name, [])]
    if not periods:
        return "no year"
    ends = [p.valid_to for p in periods]
    last = "on" if None in ends else f"to {max(e for e in ends if e is not None)}"
    return f"{min(p.valid_from for p in periods)} {last}"


@cache
def _countries() -> dict[str, tuple[_Dated, PortKind, str, str]]:
    columns = ("country", "name", "kind", "valid_from", "valid_to", "source", "status")
    out = {}
    for line, row in _csv.rows(_text(COUNTRIES_FILE), COUNTRIES_FILE, columns):
        if row["kind"] not in (PortKind.MEMBER, PortKind.OUTERMOST, PortKind.EEA):
            raise ConfigError(
                "kind must be member, outermost or eea",
                source=COUNTRIES_FILE,
                record=line,
                field="kind",
                value=row["kind"],
            )
        if len(row["country"]) != 2 or not row["country"].isalpha():
            raise ConfigError(
                "a two-letter country code is required",
                source=COUNTRIES_FILE,
                record=line,
                field="country",
                value=row["country"],
            )
        out[row["country"].upper()] = (
            _period(row, COUNTRIES_FILE, line),
            PortKind(row["kind"]),
            row["source"],
            row["status"],
        )
    return out


def port_kind(locode: str, year: int) -> tuple[PortKind, Rule | None]:
    """Where the port ``locode`` (5-character UN/LOCODE) is in ``year``, and the rule that says so."""
    entry = _countries().get(locode[:2].upper())
    if entry is None or not entry[0].covers(year):
        return PortKind.THIRD, None
    _, kind, source, status = entry
    return kind, Rule(f"eu_port_country_{locode[:2].upper()}", kind.value, "", source, status)


@cache
def fueleu_fuels() -> dict[str, FuelEuFuel]:
    """The FuelEU default factors per fuel name (the ``fuel`` column)."""
    columns = (
        "fuel",
        "lcv_mj_per_g",
        "wtt_g_co2e_per_mj",
        "cf_co2_g_per_g",
        "cf_ch4_g_per_g",
        "cf_n2o_g_per_g",
        "slip_pct",
        "valid_from",
        "valid_to",
        "source",
        "status",
    )
    out = {}
    for line, row in _csv.rows(_text(FUELS_FILE), FUELS_FILE, columns):

        def num(column: str, line: int = line, row: dict[str, str] = row) -> float:
            value = _csv.number(row[column], FUELS_FILE, line, column)
            if value < 0:
                raise ConfigError(
                    "must not be negative", source=FUELS_FILE, record=line, field=column, value=row[column]
                )
            return value

        if num("lcv_mj_per_g") <= 0:
            raise ConfigError("must be greater than 0", source=FUELS_FILE, record=line, field="lcv_mj_per_g")
        if num("slip_pct") >= 100:
            raise ConfigError(
                "a slip below 100% is required", source=FUELS_FILE, record=line, field="slip_pct"
            )
        out[row["fuel"]] = FuelEuFuel(
            fuel=row["fuel"],
            lcv_mj_per_g=num("lcv_mj_per_g"),
            wtt_g_co2e_per_mj=num("wtt_g_co2e_per_mj"),
            cf_co2=num("cf_co2_g_per_g"),
            cf_ch4=num("cf_ch4_g_per_g"),
            cf_n2o=num("cf_n2o_g_per_g"),
            slip_pct=num("slip_pct"),
            period=_period(row, FUELS_FILE, line),
            source=row["source"],
            status=row["status"],
        )
    return out
