"""The Environmental Ship Index's rules as data: the IMO NOx limit curves, the formula's constants and the
SOx fuel categories, read from ``programs/incentives/data/esi_*.csv``.

Files (every row has ``source`` and ``status``, C confirmed / U unconfirmed):

``esi_nox_limits.csv``
    ``tier`` (1-3), ``rpm_from`` (inclusive), ``rpm_to`` (exclusive, empty: no upper bound),
    ``coefficient_g_kwh`` and ``exponent``: the limit is ``coefficient x n^exponent`` g/kWh at rated
    speed ``n`` rpm (MARPOL Annex VI Reg. 13.3, 13.4, 13.5.1.1).
``esi_formula.csv``
    ``name``, ``value``, ``unit``: the weights and caps of the revised ESI formula (see :mod:`.esi_score`).
``esi_sox_categories.csv``
    ``category`` (``high``, ``mid``, ``low``), ``s_above_pct`` < S <= ``s_max_pct``, ``baseline_pct``,
    ``best_pct`` and ``weight_points``: the category's sub points are
    ``weight x (baseline - S) / (baseline - best)``, clamped to 0..weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from quayside.errors import ConfigError
from quayside.programs._csv import number, rows

NOX_LIMITS_FILE = "esi_nox_limits.csv"
FORMULA_FILE = "esi_formula.csv"
SOX_FILE = "esi_sox_categories.csv"

#: The constants ``esi_formula.csv`` must define.
FORMULA_NAMES = (
    "nox_weight",
    "nox_divisor",
    "sox_weight",
    "sox_divisor",
    "sub_points_max",
    "co2_reporting_points",
    "co2_efficiency_points_per_pct",
    "co2_max_points",
    "ops_points",
    "score_max",
    "nox_baseline_tier",
)


def data_text(name: str) -> str:
    """The text of ``programs/incentives/data/<name>``."""
    return (resources.files("quayside.programs.incentives") / "data" / name).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Rule:
    """One sourced constant, as the calculators list it under ``rules``."""

    name: str
    value: float
    unit: str
    source: str
    status: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class NoxLimitBand:
    """One rpm band of one tier's NOx curve: ``coefficient x n^exponent`` g/kWh for rpm_from <= n < rpm_to."""

    tier: int
    rpm_from: float
    rpm_to: float | None
    coefficient_g_kwh: float
    exponent: float
    source: str
    status: str

    def covers(self, rpm: float) -> bool:
        return self.rpm_from <= rpm and (self.rpm_to is None or rpm < self.rpm_to)

    def limit_g_kwh(self, rpm: float) -> float:
        return self.coefficient_g_kwh * rpm**self.exponent if self.exponent else self.coefficient_g_kwh


@dataclass(frozen=True, slots=True)
class SoxCategory:
    """One fuel category of the ESI SOx sub points (see the module docstring)."""

    category: str
    s_above_pct: float
    s_max_pct: float
    baseline_pct: float
    best_pct: float
    weight_points: float
    source: str
    status: str

    def holds(self, sulfur_pct: float) -> bool:
        return self.s_above_pct < sulfur_pct <= self.s_max_pct or (self.s_above_pct == 0 and sulfur_pct == 0)


@dataclass(frozen=True, slots=True)
class EsiRules:
    """Every rule the ESI score uses."""

    nox_limits: tuple[NoxLimitBand, ...]
    formula: dict[str, Rule]
    sox_categories: tuple[SoxCategory, ...]

    def value(self, name: str) -> float:
        return self.formula[name].value

    def nox_band(self, tier: int, rpm: float) -> NoxLimitBand:
        for band in self.nox_limits:
            if band.tier == tier and band.covers(rpm):
                return band
        raise ConfigError(f"no Tier {tier} NOx limit at {rpm} rpm", source=NOX_LIMITS_FILE, field="rpm_from")


def parse_nox_limits(text: str, name: str) -> tuple[NoxLimitBand, ...]:
    columns = ("tier", "rpm_from", "rpm_to", "coefficient_g_kwh", "exponent", "source", "status")
    bands = []
    for line, row in rows(text, name, columns):
        tier = number(row["tier"], name, line, "tier")
        if tier not in (1, 2, 3):
            raise ConfigError(
                "tier must be 1, 2 or 3", source=name, record=line, field="tier", value=row["tier"]
            )
        rpm_to = number(row["rpm_to"], name, line, "rpm_to") if row["rpm_to"] else None
        bands.append(
            NoxLimitBand(
                tier=int(tier),
                rpm_from=number(row["rpm_from"], name, line, "rpm_from"),
                rpm_to=rpm_to,
                coefficient_g_kwh=number(row["coefficient_g_kwh"], name, line, "coefficient_g_kwh"),
                exponent=number(row["exponent"], name, line, "exponent"),
                source=row["source"],
                status=row["status"],
            )
        )
    return tuple(bands)


def parse_formula(text: str, name: str) -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for line, row in rows(text, name, ("name", "value", "unit", "source", "status")):
        key = row["name"]
        if key not in FORMULA_NAMES:
            raise ConfigError("unknown constant", source=name, record=line, field="name", value=key)
        value = number(row["value"], name, line, "value")
        found[key] = Rule(f"esi_{key}", value, row["unit"], row["source"], row["status"])
    for key in FORMULA_NAMES:
        if key not in found:
            raise ConfigError(f"constant {key} is missing", source=name, field="name")
    return found


def parse_sox_categories(text: str, name: str) -> tuple[SoxCategory, ...]:
    columns = ("category", "s_above_pct", "s_max_pct", "baseline_pct", "best_pct", "weight_points")
    categories = []
    for line, row in rows(text, name, (*columns, "source", "status")):
        v = {c: number(row[c], name, line, c) for c in columns[1:]}
        if v["baseline_pct"] <= v["best_pct"]:
            raise ConfigError(
                "baseline_pct must be above best_pct", source=name, record=line, field="baseline_pct"
            )
        categories.append(
            SoxCategory(
                category=row["category"],
                s_above_pct=v["s_above_pct"],
                s_max_pct=v["s_max_pct"],
                baseline_pct=v["baseline_pct"],
                best_pct=v["best_pct"],
                weight_points=v["weight_points"],
                source=row["source"],
                status=row["status"],
            )
        )
    # the order matters for the bonus rule: dirtiest first
    return tuple(sorted(categories, key=lambda c: -c.s_max_pct))


def load_rules() -> EsiRules:
    """The bundled ESI rules."""
    return EsiRules(
        nox_limits=parse_nox_limits(data_text(NOX_LIMITS_FILE), NOX_LIMITS_FILE),
        formula=parse_formula(data_text(FORMULA_FILE), FORMULA_FILE),
        sox_categories=parse_sox_categories(data_text(SOX_FILE), SOX_FILE),
    )
