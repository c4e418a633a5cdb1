"""The Environmental Ship Index score from its components (the revised formula, ESI Formulas page of
environmentalshipindex.org / esi.wpci.nl; constants in ``data/esi_formula.csv``).

    ESI score = ESI NOx + ESI SOx + ESI CO2 + OPS, at most 100
    ESI NOx   = 2 x NOx sub points / 3
    ESI SOx   = SOx sub points / 3
    ESI CO2   = 5 for reporting fuel and distance every half year, plus the efficiency gain in % as
                points, at most 15
    OPS       = 10 when an on-shore power supply installation is fitted

NOx sub points (ESI Calculation Examples): per engine, the relative reduction of its EIAPP certified NOx
below the baseline limit at its rated speed, weighted by rated power:
``100 x sum(P_i x (L_i - R_i) / L_i) / sum(P_i)``. The baseline is the IMO curve of
``nox_baseline_tier`` (Tier I, U). An engine above its limit counts as no reduction (U: not published).

SOx sub points (ESI FAQ and Calculation Examples): per fuel category (high, mid, low) bunkered, its weight
times the relative reduction of the average sulphur below the category's baseline; a category not
bunkered earns its full weight when a cleaner category was bunkered (the FAQ's "bonus points if clean
fuels are bunkered in favour of those with higher sulphur contents").

Efficiency points count only with the half-yearly reporting the gain is measured from (U), and a negative
gain counts as 0 (U).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from quayside.errors import InputError
from quayside.programs.incentives.esi_rules import EsiRules, Rule


class EngineRole(StrEnum):
    """Main (propulsion) or auxiliary engine; Tier III incentives look at the main engines."""

    MAIN = "main"
    AUXILIARY = "auxiliary"


#: The tier an engine must meet for the Tier III incentives (MARPOL Annex VI Reg. 13.5.1.1).
TIER_III = 3


@dataclass(frozen=True, slots=True)
class Engine:
    """One engine's EIAPP certificate: rated power, rated speed and certified cycle-weighted NOx."""

    engine_id: str
    role: EngineRole
    power_kw: float
    rated_rpm: float
    certified_nox_g_kwh: float


@dataclass(frozen=True, slots=True)
class EsiComponents:
    """What one ship reports to the ESI.

    ``sulfur_pct`` maps a SOx category (``high``, ``mid``, ``low``) to the mass-weighted average sulphur
    (% m/m) of the bunkers of that category in the period; a category absent was not bunkered.
    """

    engines: tuple[Engine, ...]
    sulfur_pct: Mapping[str, float]
    co2_reporting: bool
    efficiency_gain_pct: float
    ops_fitted: bool


@dataclass(frozen=True, slots=True)
class EngineNox:
    """One engine's share of the NOx sub points."""

    engine: Engine
    limit_g_kwh: float
    reduction: float  # (limit - certified) / limit, clamped to 0..1


@dataclass(frozen=True, slots=True)
class EsiScore:
    """The score and its parts (points, not rounded)."""

    engines: tuple[EngineNox, ...]
    nox_sub_points: float
    sox_sub_points: float
    sox_by_category: dict[str, float]
    esi_nox: float
    esi_sox: float
    esi_co2: float
    ops: float
    uncapped: float
    total: float
    tier_iii: bool
    rules: tuple[Rule, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "engines": [
                {
                    "engine_id": e.engine.engine_id,
                    "role": e.engine.role.value,
                    "power_kw": e.engine.power_kw,
                    "rated_rpm": e.engine.rated_rpm,
                    "certified_nox_g_kwh": e.engine.certified_nox_g_kwh,
                    "limit_g_kwh": e.limit_g_kwh,
                    "reduction": e.reduction,
                }
                for e in self.engines
            ],
            "nox_sub_points": self.nox_sub_points,
            "sox_sub_points": self.sox_sub_points,
            "sox_sub_points_by_category": self.sox_by_category,
            "esi_nox": self.esi_nox,
            "esi_sox": self.esi_sox,
            "esi_co2": self.esi_co2,
            "ops": self.ops,
            "uncapped": self.uncapped,
            "score": self.total,
            "tier_iii_main_engines": self.tier_iii,
        }


def _clamp(x: float, low: float, high: float) -> float:
    return max(low, min(high, x))


def nox_limit(rules: EsiRules, tier: int, rpm: float) -> tuple[float, Rule]:
    """The IMO NOx limit (g/kWh) of ``tier`` at rated speed ``rpm``, and the rule it comes from."""
    band = rules.nox_band(tier, rpm)
    name = f"imo_nox_tier_{tier}_rpm_{band.rpm_from:g}_{'' if band.rpm_to is None else f'{band.rpm_to:g}'}"
    return band.limit_g_kwh(rpm), Rule(name, band.coefficient_g_kwh, "g/kWh", band.source, band.status)


def meets_tier_iii(rules: EsiRules, engines: Sequence[Engine]) -> bool:
    """True when every main engine's certified NOx is within the Tier III limit at its rated speed."""
    mains = [e for e in engines if e.role is EngineRole.MAIN]
    return bool(mains) and all(
        e.certified_nox_g_kwh <= nox_limit(rules, TIER_III, e.rated_rpm)[0] for e in mains
    )


def nox_sub_points(
    rules: EsiRules, engines: Sequence[Engine]
) -> tuple[float, tuple[EngineNox, ...], list[Rule]]:
    """The NOx sub points (0-100), per engine, and the limit rules used."""
    tier = int(rules.value("nox_baseline_tier"))
    used: dict[str, Rule] = {}
    parts = []
    for engine in engines:
        limit, rule = nox_limit(rules, tier, engine.rated_rpm)
        used[rule.name] = rule
        parts.append(EngineNox(engine, limit, _clamp((limit - engine.certified_nox_g_kwh) / limit, 0.0, 1.0)))
    total_kw = sum(e.power_kw for e in engines)
    weighted = sum(p.engine.power_kw * p.reduction for p in parts)
    points = rules.value("sub_points_max") * weighted / total_kw if total_kw else 0.0
    return points, tuple(parts), list(used.values())


def sox_sub_points(
    rules: EsiRules, sulfur_pct: Mapping[str, float], *, source: str = "input", field: str = "sulfur_pct"
) -> tuple[float, dict[str, float], list[Rule]]:
    """The SOx sub points (0-100), per category, and the category rules used."""
    known = {c.category for c in rules.sox_categories}
    for name, value in sulfur_pct.items():
        if name not in known:
            raise InputError(
                f"unknown fuel category, expected one of {', '.join(sorted(known))}",
                source=source,
                field=f"{field}.{name}",
            )
        category = next(c for c in rules.sox_categories if c.category == name)
        if not category.holds(value):
            raise InputError(
                f"sulphur of a {name} fuel must be above {category.s_above_pct} and at most "
                f"{category.s_max_pct} % m/m",
                source=source,
                field=f"{field}.{name}",
                value=value,
            )
    by_category: dict[str, float] = {}
    used = []
    for i, category in enumerate(rules.sox_categories):  # dirtiest first
        used.append(
            Rule(
                f"esi_sox_{category.category}_weight",
                category.weight_points,
                f"points; baseline {category.baseline_pct} %, best {category.best_pct} %",
                category.source,
                category.status,
            )
        )
        if category.category in sulfur_pct:
            span = category.baseline_pct - category.best_pct
            share = _clamp((category.baseline_pct - sulfur_pct[category.category]) / span, 0.0, 1.0)
        else:
            cleaner = rules.sox_categories[i + 1 :]
            share = 1.0 if any(c.category in sulfur_pct for c in cleaner) else 0.0
        by_category[category.category] = category.weight_points * share
    return sum(by_category.values()), by_category, used


def esi_score(rules: EsiRules, components: EsiComponents, *, source: str = "input") -> EsiScore:
    """The ESI score of one ship (see the module docstring)."""
    v = rules.value
    nox_points, engines, nox_rules = nox_sub_points(rules, components.engines)
    sox_points, by_category, sox_rules = sox_sub_points(rules, components.sulfur_pct, source=source)
    esi_nox = v("nox_weight") * nox_points / v("nox_divisor")
    esi_sox = v("sox_weight") * sox_points / v("sox_divisor")
    co2 = 0.0
    if components.co2_reporting:
        gain = max(0.0, components.efficiency_gain_pct) * v("co2_efficiency_points_per_pct")
        co2 = min(v("co2_max_points"), v("co2_reporting_points") + gain)
    ops = v("ops_points") if components.ops_fitted else 0.0
    uncapped = esi_nox + esi_sox + co2 + ops
    formula_rules = [rules.formula[name] for name in rules.formula]
    # the Tier III test reads the Tier III curve at each main engine's speed
    tier_iii_rules = {
        rule.name: rule
        for e in components.engines
        if e.role is EngineRole.MAIN
        for rule in [nox_limit(rules, TIER_III, e.rated_rpm)[1]]
    }
    return EsiScore(
        engines=engines,
        nox_sub_points=nox_points,
        sox_sub_points=sox_points,
        sox_by_category=by_category,
        esi_nox=esi_nox,
        esi_sox=esi_sox,
        esi_co2=co2,
        ops=ops,
        uncapped=uncapped,
        total=min(v("score_max"), uncapped),
        tier_iii=meets_tier_iii(rules, components.engines),
        rules=tuple(formula_rules + nox_rules + list(tier_iii_rules.values()) + sox_rules),
    )
