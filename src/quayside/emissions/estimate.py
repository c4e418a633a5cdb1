"""The ``quayside emissions estimate`` calculator: one vessel, a few legs, every factor shown.

Input document::

    {"vessel": {"ship_type", "teu" | "dwt" | "gt", "mcr_kw", "service_speed_kn", "engine",
                "fuel"?, "keel_laid_year", "aux_kw"?, "boiler_kw"?, "shore_power"?},
     "legs": [{"mode", "hours", "speed_kn"?, "distance_nm"?, "eca"? (default true)}],
     "options": {"sea_margin_pct"?, "aux_table"?, "gwp"?, "sulfur_pct"?, "load_based_bsfc"?,
                 "low_load_adjustment"?, "shore_power"?}}

``aux_kw`` / ``boiler_kw`` are one number (all modes) or ``{mode: kW}``. A transit or maneuvering leg
needs ``speed_kn`` or ``distance_nm`` (speed = distance / hours). Missing ``fuel`` → EPA's default fuel by
region; missing size → the smallest size bin of the ship type; both are listed in ``defaulted``.

The legs go through :func:`quayside.emissions.kernel.activity_emissions`, the same vectorised
computation as the inventory kernel, so both give the same grams for the same activity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from quayside.emissions.factors import Factor, FactorSet, PowerBin, load_factor_set
from quayside.emissions.kernel import activity_emissions
from quayside.emissions.llaf import LLAF_KEYS
from quayside.emissions.options import EmissionOptions
from quayside.emissions.types import EngineGroup, Mode, Pollutant
from quayside.emissions.vessel_params import PARAM_SCHEMA, VesselParams, vessel_parameters
from quayside.errors import ConfigError, InputError
from quayside.vessels.defaults import default_row, size_unit
from quayside.vessels.registry import PARTICULARS, parse_ship_type
from quayside.vessels.types import ShipType

_TOP_KEYS = frozenset({"vessel", "legs", "options"})
_VESSEL_KEYS = frozenset({*PARTICULARS, "aux_kw", "boiler_kw", "shore_power"})
_LEG_KEYS = frozenset({"mode", "hours", "speed_kn", "distance_nm", "eca"})
_OPTION_KEYS = frozenset(
    {
        "sea_margin_pct",
        "aux_table",
        "gwp",
        "sulfur_pct",
        "load_based_bsfc",
        "low_load_adjustment",
        "shore_power",
    }
)


def _mapping(value: object, source: str, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError("an object is required", source=source, field=field, value=value)
    return value


def _unknown(obj: Mapping[str, Any], allowed: frozenset[str], source: str, prefix: str) -> None:
    for key in obj:
        if key not in allowed:
            raise InputError(
                "unknown field",
                source=source,
                field=f"{prefix}{key}",
                hint=f"allowed: {', '.join(sorted(allowed))}",
            )


def _num(value: object, source: str, field: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError("a finite number is required", source=source, field=field, value=value)
    if value < 0 or (positive and value == 0):
        raise InputError(
            "must be greater than 0" if positive else "must not be negative",
            source=source,
            field=field,
            value=value,
        )
    return float(value)


def _bool(value: object, source: str, field: str) -> bool:
    if not isinstance(value, bool):
        raise InputError("true or false is required", source=source, field=field, value=value)
    return value


def _options(raw: Mapping[str, Any], source: str) -> tuple[EmissionOptions, str, str]:
    _unknown(raw, _OPTION_KEYS, source, "options.")
    aux_table = raw.get("aux_table", "epa")
    gwp = raw.get("gwp", "AR5")
    sulfur = raw.get("sulfur_pct")
    options = EmissionOptions(
        sea_margin_pct=_num(raw.get("sea_margin_pct", 0.0), source, "options.sea_margin_pct"),
        load_based_bsfc=_bool(raw.get("load_based_bsfc", False), source, "options.load_based_bsfc"),
        low_load_adjustment=_bool(
            raw.get("low_load_adjustment", True), source, "options.low_load_adjustment"
        ),
        sulfur_pct=None if sulfur is None else _num(sulfur, source, "options.sulfur_pct"),
        shore_power=_bool(raw.get("shore_power", True), source, "options.shore_power"),
    )
    return options, str(aux_table), str(gwp)


def _with_defaults(raw: Mapping[str, Any], source: str) -> tuple[dict[str, Any], list[str]]:
    """Fill missing MCR, service speed, engine and keel-laid year from the ship-type defaults.

    The defaults are those of the inventory (``vessels/data/defaults.csv``, by ship type and size bin), so
    an estimate and an inventory fill a missing particular the same way; each filled field is listed.
    """
    if raw.get("ship_type") is None:
        raise InputError("required field is missing", source=source, field="vessel.ship_type")
    filled = dict(raw)
    missing = [k for k in ("mcr_kw", "service_speed_kn", "engine", "keel_laid_year") if raw.get(k) is None]
    if not missing:
        return filled, []
    ship_type = parse_ship_type(str(raw["ship_type"]))
    if ship_type is None:
        allowed = ", ".join(t.value for t in ShipType)
        raise InputError(
            "unknown ship type", source=source, field="vessel.ship_type", value=raw["ship_type"], hint=allowed
        )
    unit = size_unit(ship_type)
    size = raw.get(unit)
    defaults = default_row(ship_type, None if size is None else _num(size, source, f"vessel.{unit}"))
    values: dict[str, Any] = {
        "mcr_kw": defaults.mcr_kw,
        "service_speed_kn": defaults.service_speed_kn,
        "engine": defaults.engine.value,
        "keel_laid_year": defaults.keel_laid_year,
    }
    for key in missing:
        filled[key] = values[key]
    return filled, list(missing)


def _vessel_row(raw: Mapping[str, Any], source: str) -> tuple[dict[str, Any], list[str]]:
    _unknown(raw, _VESSEL_KEYS, source, "vessel.")
    raw, defaulted = _with_defaults(raw, source)
    row: dict[str, Any] = {
        k: raw.get(k)
        for k in (
            "ship_type",
            "mcr_kw",
            "service_speed_kn",
            "engine",
            "fuel",
            "keel_laid_year",
            "teu",
            "dwt",
            "gt",
        )
    }
    row["mmsi"] = 0
    row["shore_power"] = _bool(raw.get("shore_power", False), source, "vessel.shore_power")
    if row["fuel"] is None:
        defaulted.append("fuel")
    if all(row[k] is None for k in ("teu", "dwt", "gt")):
        defaulted.append("size")
    for size in ("teu", "dwt", "gt"):
        if row[size] is not None:
            _num(row[size], source, f"vessel.{size}")
    for prefix in ("aux", "boiler"):
        value = raw.get(f"{prefix}_kw")
        if value is None:
            continue
        if isinstance(value, Mapping):
            for key, kw in value.items():
                if key not in {m.value for m in Mode}:
                    raise InputError(
                        "unknown mode",
                        source=source,
                        field=f"vessel.{prefix}_kw.{key}",
                        hint=f"use one of: {', '.join(m.value for m in Mode)}",
                    )
                row[f"{prefix}_kw_{key}"] = _num(kw, source, f"vessel.{prefix}_kw.{key}")
        else:
            kw = _num(value, source, f"vessel.{prefix}_kw")
            row.update({f"{prefix}_kw_{m.value}": kw for m in Mode})
    return row, defaulted


def _legs(raw: object, source: str) -> list[dict[str, Any]]:
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes) or not raw:
        raise InputError("a non-empty list of legs is required", source=source, field="legs", value=raw)
    legs = []
    for i, item in enumerate(raw):
        where = f"legs[{i}]"
        leg = _mapping(item, source, where)
        _unknown(leg, _LEG_KEYS, source, f"{where}.")
        try:
            mode = Mode(str(leg.get("mode")))
        except ValueError as exc:
            raise InputError(
                "unknown mode",
                source=source,
                field=f"{where}.mode",
                value=leg.get("mode"),
                hint=f"use one of: {', '.join(m.value for m in Mode)}",
            ) from exc
        if leg.get("hours") is None:
            raise InputError("required field is missing", source=source, field=f"{where}.hours")
        hours = _num(leg["hours"], source, f"{where}.hours")
        speed = None if leg.get("speed_kn") is None else _num(leg["speed_kn"], source, f"{where}.speed_kn")
        dist = (
            None
            if leg.get("distance_nm") is None
            else _num(leg["distance_nm"], source, f"{where}.distance_nm")
        )
        if speed is None and dist is not None and hours > 0:
            speed = dist / hours
        if mode in (Mode.TRANSIT, Mode.MANEUVERING) and speed is None:
            raise InputError(
                "a moving leg needs speed_kn or distance_nm", source=source, field=f"{where}.speed_kn"
            )
        if dist is None and speed is not None:
            dist = speed * hours
        eca = _bool(leg.get("eca", True), source, f"{where}.eca")
        legs.append(
            {
                "mode": mode.value,
                "hours": hours,
                "speed_kn": speed or 0.0,
                "distance_nm": dist or 0.0,
                "in_eca": eca,
            }
        )
    return legs


def _pollutants(row: Mapping[str, Any], group: str) -> dict[str, float]:
    return {p.value: float(row[f"{p.column}_{group}_g"]) for p in Pollutant}


def _factor_list(
    params: VesselParams, factors: FactorSet, regions: set[bool], low_load: bool
) -> list[dict[str, object]]:
    seen: dict[str, Factor] = {}
    for in_eca in sorted(regions):
        for name, factor in params.used_factors(in_eca):
            seen.setdefault(name, factor)
    for gas in ("CH4", "N2O"):
        seen[f"gwp[{factors.gwp_set}, {gas}]"] = factors.gwp[gas]
    for name in ("max_speed_ratio", "min_main_load", "pm25_pm10_ratio"):
        seen[name] = factors.constants[name]
    out = [f.describe(n) for n, f in seen.items()]
    bins: tuple[tuple[str, PowerBin], ...] = (("aux_kw", params.aux_bin), ("boiler_kw", params.boiler_bin))
    for name, b in bins:
        fallback = factors.aux_table != "epa" and b.epa_ship_type in factors.aux_fallback_types
        for mode in Mode:
            entry: dict[str, object] = {
                "name": f"{name}[{b.sub_type}, {mode.value}]",
                "value": b.kw[mode],
                "unit": "kW",
                "source": b.source,
            }
            if fallback:
                entry["note"] = f"ship type not in the '{factors.aux_table}' table; EPA table used"
            out.append(entry)
    if low_load:
        for key in sorted(set(LLAF_KEYS.values()) | {"so2"}):
            c = factors.llaf[key]
            out.append(
                {
                    "name": f"llaf[{key}]",
                    "value": {"a": c.a, "x": c.x, "b": c.b},
                    "unit": "1",
                    "source": c.source,
                }
            )
    return out


def estimate(document: Mapping[str, Any], *, source: str = "<input>") -> dict[str, Any]:
    """Emissions of one vessel over a list of legs.

    Returns
    -------
    dict
        ``total_g`` (pollutant → g), ``by_engine`` (main/aux/boiler → pollutant → g), ``legs`` (per leg:
        mode, hours, speed_kn, distance_nm, eca, load_factor, kw, energy_kwh, fuel_t, emissions_g by engine
        and total_g), ``factors`` (each factor used with value, unit and source), ``defaulted`` and
        ``options``.

    Raises
    ------
    InputError
        Unknown or invalid fields; the message names the field (e.g. ``legs[1].mode``).
    """
    document = _mapping(document, source, "<document>")
    _unknown(document, _TOP_KEYS, source, "")
    options, aux_table, gwp = _options(_mapping(document.get("options", {}), source, "options"), source)
    try:
        factors = load_factor_set(aux_table, gwp)
    except ConfigError as exc:
        raise InputError(
            exc.message, source=source, field=f"options.{exc.field}", value=exc.value, hint=exc.hint
        ) from exc
    row, defaulted = _vessel_row(_mapping(document.get("vessel"), source, "vessel"), source)
    params = vessel_parameters(row, factors, options, source=source, record="vessel")
    legs = _legs(document.get("legs"), source)
    param_rows = pl.DataFrame(params.rows(), schema=PARAM_SCHEMA).lazy()
    frame = pl.DataFrame(legs).lazy().join(param_rows, on="in_eca", how="left", maintain_order="left")
    result = activity_emissions(frame, factors, options).collect()

    groups = [g.value for g in EngineGroup]
    by_engine = {g: dict.fromkeys((p.value for p in Pollutant), 0.0) for g in groups}
    leg_out = []
    low_load = False
    for leg, r in zip(legs, result.iter_rows(named=True), strict=True):
        emissions = {g: _pollutants(r, g) for g in groups}
        for g in groups:
            for p, v in emissions[g].items():
                by_engine[g][p] += v
        load = float(r["load_main"])
        low_load = low_load or 0 < load < factors.constant("llaf_max_load")
        leg_out.append(
            {
                "mode": leg["mode"],
                "hours": leg["hours"],
                "speed_kn": leg["speed_kn"],
                "distance_nm": leg["distance_nm"],
                "eca": leg["in_eca"],
                "load_factor": load,
                "kw": {g: float(r[f"{g}_kw"]) for g in groups},
                "energy_kwh": {g: float(r[f"energy_{g}_kwh"]) for g in groups},
                "fuel_t": {g: float(r[f"fuel_{g}_t"]) for g in groups},
                "emissions_g": emissions,
                "total_g": {p.value: sum(emissions[g][p.value] for g in groups) for p in Pollutant},
            }
        )
    total = {p.value: sum(by_engine[g][p.value] for g in groups) for p in Pollutant}
    regions = {leg["in_eca"] for leg in legs}
    return {
        "total_g": total,
        "by_engine": by_engine,
        "legs": leg_out,
        "factors": _factor_list(params, factors, regions, low_load),
        "defaulted": defaulted,
        "options": {
            "sea_margin_pct": options.sea_margin_pct,
            "aux_table": factors.aux_table,
            "gwp": gwp,
            "sulfur_pct": options.sulfur_pct,
            "load_based_bsfc": options.load_based_bsfc,
            "low_load_adjustment": options.low_load_adjustment,
            "shore_power": options.shore_power,
        },
    }
