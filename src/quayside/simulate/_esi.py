"""A simulated ESI register for the simulated fleet (``OUT/programs/esi.csv``).

Reads the simulator's ``registry.csv`` (``mmsi, imo, name, ship_type, teu, dwt, gt, mcr_kw,
service_speed_kn, engine, fuel, keel_laid_year, shore_power``) and draws, for a share of the ships, the
ESI components in the register format of :mod:`quayside.programs.incentives.esi_register`: one main engine
of the registry's MCR and a few auxiliaries, each certified below the IMO limit of the tier its keel year
requires (Reg. 13: Tier I from 2000, Tier II from 2011, Tier III for a share of ships from 2016), the
average sulphur of the fuel categories bunkered, CO2 reporting and efficiency gain, shore power from the
registry. Every share and range is an assumption (U) in ``esi.toml`` beside this module.
"""

from __future__ import annotations

import csv
import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from quayside.errors import InputError
from quayside.programs.incentives.esi_register import COLUMNS
from quayside.programs.incentives.esi_rules import EsiRules, load_rules
from quayside.programs.incentives.esi_score import nox_limit

PARAMS_FILE = Path(__file__).parent / "esi.toml"
OUTPUT = Path("programs") / "esi.csv"
#: Keel years from which MARPOL Annex VI Reg. 13 requires Tier I, II and III (Reg. 13.3, 13.4, 13.5.1).
TIER_FROM_YEAR = ((2016, 3), (2011, 2), (2000, 1))


def _tier(keel_year: int | None, rng: np.random.Generator, p: dict[str, Any]) -> int:
    """The tier a ship's engines are certified to; 0 before Reg. 13 applied."""
    if keel_year is None:
        return 1
    for year, tier in TIER_FROM_YEAR:
        if keel_year >= year:
            if tier == 3 and rng.random() >= p["engines"]["tier_iii_share_after_2016"]:
                return 2
            return tier
    return 0


def _certified(rules: EsiRules, tier: int, rpm: float, rng: np.random.Generator, p: dict[str, Any]) -> float:
    if tier == 0:
        value = nox_limit(rules, 1, rpm)[0] * rng.uniform(*p["engines"]["pre_2000_share_of_tier_i"])
    else:
        value = nox_limit(rules, tier, rpm)[0] * rng.uniform(*p["engines"]["certified_share"])
    scale = 10 ** int(p["nox_round_decimals"])
    return float(math.floor(value * scale) / scale)  # rounding down keeps a certified engine within its limit


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _vessel_rows(
    row: dict[str, str], rules: EsiRules, rng: np.random.Generator, p: dict[str, Any]
) -> list[dict[str, str]]:
    eng, fuel_p, rep = p["engines"], p["fuel"], p["reporting"]
    keel = _number(row.get("keel_laid_year", ""))
    tier = _tier(int(keel) if keel else None, rng, p)
    mcr = _number(row.get("mcr_kw", "")) or eng["default_mcr_kw"]
    main_rpm = float(rng.uniform(*eng["main_rpm"].get(row.get("engine", ""), eng["default_main_rpm"])))
    engines: list[tuple[str, str, float, float]] = [("ME1", "main", float(mcr), float(round(main_rpm)))]
    aux_rpm = float(rng.choice(eng["auxiliary_rpm"]))
    for i in range(int(eng["auxiliary_count"])):
        engines.append(
            (f"AE{i + 1}", "auxiliary", float(round(mcr * eng["auxiliary_share_of_mcr"], -1)), aux_rpm)
        )
    fuel = row.get("fuel", "")
    sulfur = {"sulfur_high_pct": "", "sulfur_mid_pct": "", "sulfur_low_pct": ""}
    if fuel == "LNG":
        sulfur["sulfur_low_pct"] = f"{rng.uniform(*fuel_p['lng_low_pct']):.3f}"
    else:
        sulfur["sulfur_mid_pct"] = f"{rng.uniform(*fuel_p['mid_pct']):.2f}"
        if rng.random() < fuel_p["low_share"]:
            sulfur["sulfur_low_pct"] = f"{rng.uniform(*fuel_p['low_pct']):.2f}"
        if rng.random() < fuel_p["high_share"]:
            sulfur["sulfur_high_pct"] = f"{rng.uniform(*fuel_p['high_pct']):.2f}"
    reporting = rng.random() < rep["co2_reporting_share"]
    gain = (
        rng.uniform(*rep["efficiency_gain_pct"])
        if reporting and rng.random() < rep["efficiency_share"]
        else 0.0
    )
    vessel = {
        **sulfur,
        "co2_reporting": "true" if reporting else "false",
        "efficiency_gain_pct": f"{gain:.1f}",
        "ops_fitted": "true" if row.get("shore_power", "").lower() == "true" else "false",
        "fuel": fuel,
        "lng_bunkering": "false",
        "green_award": "true" if rng.random() < rep["green_award_share"] else "false",
    }
    # LNG (Otto-cycle) engines meet Tier III in gas mode (U); the others follow the keel year
    engine_tier = 3 if fuel == "LNG" else tier
    return [
        {
            "imo": row["imo"],
            "engine_id": engine_id,
            "engine_role": role,
            "power_kw": f"{power:g}",
            "rated_rpm": f"{rpm:g}",
            "certified_nox_g_kwh": f"{_certified(rules, engine_tier, rpm, rng, p):g}",
            **vessel,
        }
        for engine_id, role, power, rpm in engines
    ]


def write_esi_register(registry_csv: Path, out: Path, seed: int) -> Path:
    """Write ``out/programs/esi.csv`` for the ships of ``registry_csv`` with a 7-digit IMO; return its path.

    The same registry and seed give the same file.
    """
    params = tomllib.loads(PARAMS_FILE.read_text(encoding="utf-8"))
    rules = load_rules()
    rng = np.random.default_rng(seed)
    try:
        with Path(registry_csv).open(encoding="utf-8", newline="") as handle:
            registry = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise InputError("no such file", source=str(registry_csv)) from None
    if registry and "imo" not in registry[0]:
        raise InputError("missing column", source=str(registry_csv), record=1, field="imo")
    rows: list[dict[str, str]] = []
    for row in sorted(registry, key=lambda r: r.get("imo") or ""):
        imo = (row.get("imo") or "").strip()
        if not (imo.isdigit() and len(imo) == 7):
            continue
        if rng.random() >= params["participation_share"]:
            continue
        rows.extend(_vessel_rows({k: (v or "").strip() for k, v in row.items()}, rules, rng, params))
    path = Path(out) / OUTPUT
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path
