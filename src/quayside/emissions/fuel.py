"""Per-vessel factor resolution: fuel, sulfur, NOx tier and base emission factors per engine group and region.

This runs once per vessel and region (inside / outside the ECA) — thousands of rows, not millions — and
produces the parameter columns the kernel gathers for every interval. Rules (EPA-420-B-22-011 §3.5,
EPA ShipEF):

- Fuel: the vessel's registry fuel when the engine group has factors for it; otherwise EPA's fuel-mix
  default for the engine and region (ECA → MGO/MDO, outside → RM/HFO for diesels; boilers likewise).
  An LNG ship's boiler therefore burns MGO/MDO in the ECA (EPA has no LNG boiler factors).
- Sulfur: ``options.sulfur_pct`` if given, else ``fuel_sulfur.csv`` (0.1 % in an ECA, 0.5 % outside).
- NOx tier from the keel-laid year (``nox_tiers.csv``); Tier 3 only inside a NOx ECA, Tier 2 outside;
  steam/gas turbines, LNG engines and boilers are Tier 0.
- CO2 = BSFC × Cf; SO2 = BSFC × 2 × 0.97753 × S/100 (LNG: BSFC × 2e-4);
  PM10 = PMnom + S × BSFC × FSC × MWR × 1e-4 (fixed PM10 for ST/GT/LNG); PM2.5 = 0.92 × PM10;
  DPM = PM10 for diesel engines, 0 otherwise. The kernel multiplies the BSFC-dependent parts by the load
  curve when ``load_based_bsfc`` is set.

Columns per group ``g`` in ``main``/``aux``/``boiler``: ``bsfc_g`` (g/kWh), ``cf_g`` (t CO2/t fuel),
``kso2_g`` (g SO2/g fuel), ``pmnom_g`` (g/kWh), ``kpm_g`` (g PM/g fuel), ``dpm_g`` (0/1), ``sulfur_g`` (%),
``ef_nox_g``, ``ef_hc_g``, ``ef_co_g``, ``ef_ch4_g``, ``ef_n2o_g`` (g/kWh).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quayside.emissions.factors import BOILER, Factor, FactorSet
from quayside.emissions.options import EmissionOptions
from quayside.emissions.types import EngineGroup
from quayside.vessels.types import EngineType, Fuel, Tier

GROUP_COLUMNS = (
    "bsfc",
    "cf",
    "kso2",
    "pmnom",
    "kpm",
    "dpm",
    "sulfur",
    "ef_nox",
    "ef_hc",
    "ef_co",
    "ef_ch4",
    "ef_n2o",
)
"""Per-group factor column stems (``<stem>_<group>``)."""


@dataclass(frozen=True, slots=True)
class GroupFactors:
    """Base factors of one engine group of one vessel in one region."""

    engine: str
    fuel_group: str
    tier: Tier
    values: dict[str, float]  # GROUP_COLUMNS -> value
    used: tuple[tuple[str, Factor], ...]


def nox_tier(keel_laid_year: int, in_eca: bool, factors: FactorSet) -> Tier:
    """NOx tier of a diesel engine from its keel-laid year; ECA-only tiers fall back to the tier before."""
    fallback = Tier.TIER_0
    for rule in sorted(factors.tiers, key=lambda r: r.keel_from or -1):
        inside = (rule.keel_from is None or keel_laid_year >= rule.keel_from) and (
            rule.keel_to is None or keel_laid_year <= rule.keel_to
        )
        if inside:
            return fallback if rule.eca_only and not in_eca else rule.tier
        if not rule.eca_only:
            fallback = rule.tier
    return fallback


def _fuel_group(factors: FactorSet, group: EngineGroup, engine: str, fuel: Fuel | None, in_eca: bool) -> str:
    if fuel is not None and (group, engine, fuel.epa_group) in factors.bsfc:
        return fuel.epa_group
    return factors.fuel_mix[(group, "ECA" if in_eca else "OutsideECA", engine)]


def resolve_group(
    factors: FactorSet,
    group: EngineGroup,
    main_engine: EngineType,
    fuel: Fuel | None,
    keel_laid_year: int,
    in_eca: bool,
    options: EmissionOptions,
) -> GroupFactors:
    """Base factors for one engine group; see the module docstring for the rules."""
    if group is EngineGroup.MAIN:
        engine = factors.engines[main_engine.value].main_factor_engine
    elif group is EngineGroup.AUX:
        engine = factors.engines[main_engine.value].aux_engine
    else:
        engine = BOILER
    props = factors.engines.get(engine)
    fuel_group = _fuel_group(factors, group, engine, fuel, in_eca)
    tier = Tier.TIER_0 if props is None or props.tier0_only else nox_tier(keel_laid_year, in_eca, factors)
    g = group.value
    used: list[tuple[str, Factor]] = []

    def take(name: str, table: Mapping[Any, Factor], key: object) -> float:
        factor = table[key]
        used.append((name, factor))
        return factor.value

    region = "eca" if in_eca else "global"
    if options.sulfur_pct is not None:
        sulfur = options.sulfur_pct
    else:
        sulfur = take(f"sulfur_pct[{region}]", factors.sulfur_pct, region)
    bsfc = take(f"{g}.bsfc[{engine}, {fuel_group}]", factors.bsfc, (group, engine, fuel_group))
    cf = take(f"co2_cf[{fuel_group}]", factors.co2_cf, fuel_group)
    if fuel_group == "LNG":
        kso2 = take("lng_so2_per_g_fuel", factors.constants, "lng_so2_per_g_fuel")
    else:
        kso2 = factors.constant("so2_mw_ratio") * factors.constant("so2_sulfur_conversion") * sulfur / 100.0
        used.append(("so2_mw_ratio", factors.constants["so2_mw_ratio"]))
        used.append(("so2_sulfur_conversion", factors.constants["so2_sulfur_conversion"]))
    if (engine, fuel_group) in factors.pm_fixed:
        pmnom = take(f"pm10_fixed[{engine}, {fuel_group}]", factors.pm_fixed, (engine, fuel_group))
        kpm = 0.0
    else:
        pmnom = take(f"pm_nominal[{fuel_group}]", factors.pm_nominal, fuel_group)
        fsc, mwr, _ = factors.sulfur_coefficients[fuel_group]
        kpm = sulfur * fsc * mwr * factors.constant("pm_sulfate_scale")
        used.append(("pm_sulfate_scale", factors.constants["pm_sulfate_scale"]))
    values = {
        "bsfc": bsfc,
        "cf": cf,
        "kso2": kso2,
        "pmnom": pmnom,
        "kpm": kpm,
        "dpm": 1.0 if props is not None and props.diesel else 0.0,
        "sulfur": sulfur,
        "ef_nox": take(
            f"{g}.nox[{engine}, {fuel_group}, {tier.value}]", factors.nox, (group, engine, fuel_group, tier)
        ),
        "ef_hc": take(f"{g}.hc[{engine}]", factors.hc, (group, engine)),
        "ef_co": take(f"{g}.co[{engine}]", factors.co, (group, engine)),
        "ef_ch4": take(f"{g}.ch4[{engine}, {fuel_group}]", factors.ch4, (group, engine, fuel_group)),
        "ef_n2o": take(f"{g}.n2o[{engine}, {fuel_group}]", factors.n2o, (group, engine, fuel_group)),
    }
    return GroupFactors(engine, fuel_group, tier, values, tuple(used))
