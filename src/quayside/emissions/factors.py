"""Emission-factor tables: loaded from the sourced CSV files in ``tables/`` into typed, validated objects.

Every row of every table carries ``source`` and, for factors, ``valid_from`` / ``valid_to`` (empty means
open-ended). ``load_factor_set`` keeps the rows valid on ``as_of`` (default: the current rows, those with an
empty ``valid_to``) and checks that each key then has exactly one row.

Tables (see ``tables/``):

- ``epa_*.csv`` — US EPA ShipEF 0.2 / ShipPowerModel data (USEPA/Marine_Emissions_Tools), EPA's own
  ``Source`` column kept; they implement the Ports Emissions Inventory Guidance EPA-420-B-22-011.
- ``imo4_aux_kw.csv``, ``imo4_boiler_kw.csv`` — IMO Fourth GHG Study 2020 Table 17 in EPA's layout, for the
  ship types transcribed (container, bulk, oil tanker, general cargo, cruise, reefer, tug); other types fall
  back to the EPA table (listed in ``FactorSet.aux_fallback_types``).
- ``ghg_ch4_n2o.csv``, ``gwp.csv``, ``fuel_sulfur.csv``, ``nox_tiers.csv``, ``engines.csv``,
  ``constants.csv``, ``ship_type_map.csv`` — see each row's ``source``; rows marked as assumptions say so.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from quayside.emissions.types import EngineGroup, Mode
from quayside.errors import ConfigError
from quayside.vessels.types import ShipType, Tier

AUX_TABLES = {"epa": "epa_imoghg3", "imo4": "imo4"}
"""Selectable auxiliary/boiler power tables: key → file prefix in ``tables/``."""

FUEL_GROUPS = ("MGO/MDO", "RM/HFO", "LNG")
BOILER = "Boiler"
"""EPA's engine-type name for boilers (not a propulsion ``EngineType``)."""

_TABLE_MODE_COLUMNS = {
    Mode.TRANSIT: "Transit",
    Mode.MANEUVERING: "Maneuvering",
    Mode.HOTELLING: "Berth",
    Mode.ANCHORAGE: "Anchorage",
}
_K = TypeVar("_K")
_V = TypeVar("_V")

SIZE_UNITS = {"TEU": "teu", "Deadweight": "dwt", "Gross_Tonnage": "gt"}
"""Size units of the power tables → the vessel column that holds that size."""


@dataclass(frozen=True, slots=True)
class Factor:
    """One sourced number."""

    value: float
    unit: str
    source: str
    valid_from: date | None = None
    valid_to: date | None = None
    assumption: bool = False

    def describe(self, name: str) -> dict[str, object]:
        """A JSON-able description, as ``estimate`` lists the factors it used."""
        out: dict[str, object] = {"name": name, "value": self.value, "unit": self.unit, "source": self.source}
        if self.assumption:
            out["assumption"] = True
        return out


@dataclass(frozen=True, slots=True)
class LlafCoefficients:
    """``LLAF(L) = (a·L^(−x) + b) / (a·0.2^(−x) + b)``; ``x`` is None for SO2, which has its own form."""

    a: float
    x: float | None
    b: float
    source: str


@dataclass(frozen=True, slots=True)
class EngineProperties:
    """How an EPA engine type is treated: diesel (DPM), Tier 0 only, and its auxiliary engine type."""

    diesel: bool
    tier0_only: bool
    aux_engine: str
    main_factor_engine: str
    source: str


@dataclass(frozen=True, slots=True)
class TierRule:
    """Keel-laid years (inclusive, None = open) of a NOx tier; ``eca_only`` tiers apply only in a NOx ECA."""

    tier: Tier
    keel_from: int | None
    keel_to: int | None
    eca_only: bool
    source: str


@dataclass(frozen=True, slots=True)
class PowerBin:
    """Auxiliary or boiler kW per mode for one ship type and size bin (``size_min < size <= size_max``)."""

    epa_ship_type: str
    size_min: float
    size_max: float
    size_unit: str
    sub_type: str
    kw: dict[Mode, float]
    source: str


@dataclass(frozen=True)
class FactorSet:
    """All factor tables of one run, validated; build it with :func:`load_factor_set`."""

    aux_table: str
    gwp_set: str
    nox: dict[tuple[EngineGroup, str, str, Tier], Factor]
    bsfc: dict[tuple[EngineGroup, str, str], Factor]
    hc: dict[tuple[EngineGroup, str], Factor]
    co: dict[tuple[EngineGroup, str], Factor]
    ch4: dict[tuple[EngineGroup, str, str], Factor]
    n2o: dict[tuple[EngineGroup, str, str], Factor]
    co2_cf: dict[str, Factor]
    pm_nominal: dict[str, Factor]
    sulfur_coefficients: dict[str, tuple[float, float, str]]  # fuel group -> (FSC, MWR, source)
    pm_fixed: dict[tuple[str, str], Factor]
    llaf: dict[str, LlafCoefficients]
    fuel_mix: dict[tuple[EngineGroup, str, str], str]  # (group, "ECA"/"OutsideECA", engine) -> fuel group
    gwp: dict[str, Factor]  # "CH4", "N2O"
    sulfur_pct: dict[str, Factor]  # "eca", "global"
    tiers: tuple[TierRule, ...]
    engines: dict[str, EngineProperties]
    aux_kw: tuple[PowerBin, ...]
    boiler_kw: tuple[PowerBin, ...]
    ship_types: dict[ShipType, str]
    constants: dict[str, Factor]
    aux_fallback_types: frozenset[str] = field(default=frozenset())

    def constant(self, name: str) -> float:
        """The value of a method constant from ``constants.csv``."""
        return self.constants[name].value


# ---------------------------------------------------------------------------------------------------------
# CSV reading


def _rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    path = resources.files("quayside.emissions") / "tables" / name
    # io.StringIO keeps csv's newline handling exact whatever the resource backend
    text = path.read_text(encoding="utf-8")
    yield from enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2)


def _date(text: str, name: str, line: int, column: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError("not an ISO date", source=name, record=line, field=column, value=text) from exc


def _float(text: str, name: str, line: int, column: str) -> float:
    if text in ("Inf", "inf"):
        return math.inf
    try:
        return float(text)
    except ValueError as exc:
        raise ConfigError("not a number", source=name, record=line, field=column, value=text) from exc


def _valid(name: str, line: int, row: dict[str, str], as_of: date | None) -> bool:
    source = row.get("source", "")
    if not source.strip():
        raise ConfigError("empty source", source=name, record=line, field="source")
    start = _date(row.get("valid_from", ""), name, line, "valid_from")
    end = _date(row.get("valid_to", ""), name, line, "valid_to")
    if start and end and start > end:
        raise ConfigError(
            "valid_from after valid_to", source=name, record=line, field="valid_from", value=start
        )
    if as_of is None:
        return end is None
    return (start is None or start <= as_of) and (end is None or as_of <= end)


def _factor(row: dict[str, str], column: str, unit: str, name: str, line: int) -> Factor:
    label = row.get("Source")
    source = row["source"] if not label else f"{row['source']} [EPA Source: {label}]"
    return Factor(
        value=_float(row[column], name, line, column),
        unit=unit,
        source=source,
        valid_from=_date(row.get("valid_from", ""), name, line, "valid_from"),
        valid_to=_date(row.get("valid_to", ""), name, line, "valid_to"),
        assumption=row.get("assumption", "no") == "yes",
    )


def _put(table: dict[_K, _V], key: _K, value: _V, name: str, line: int) -> None:
    if key in table:
        raise ConfigError("duplicate row for the same key and date", source=name, record=line, value=key)
    table[key] = value


def _check(value: str, allowed: tuple[str, ...] | frozenset[str], name: str, line: int, column: str) -> str:
    if value not in allowed:
        raise ConfigError(
            f"unknown value; expected one of {sorted(allowed)}",
            source=name,
            record=line,
            field=column,
            value=value,
        )
    return value


_ENGINES = frozenset({"SSD", "MSD", "HSD", "MSD-ED", "GT", "GT-ED", "ST", "LNG", BOILER})
_GROUP_FILE = {EngineGroup.MAIN: "main", EngineGroup.AUX: "aux", EngineGroup.BOILER: "boiler"}


def _power_bins(name: str, as_of: date | None) -> tuple[PowerBin, ...]:
    bins: list[PowerBin] = []
    for line, row in _rows(name):
        if not _valid(name, line, row, as_of):
            continue
        _check(row["sizeUnits"], tuple(SIZE_UNITS), name, line, "sizeUnits")
        kw = {mode: _float(row[col], name, line, col) for mode, col in _TABLE_MODE_COLUMNS.items()}
        if any(v < 0 for v in kw.values()):
            raise ConfigError("negative kW", source=name, record=line)
        low, high = (
            _float(row["sizeMin"], name, line, "sizeMin"),
            _float(row["sizeMax"], name, line, "sizeMax"),
        )
        if not low < high:
            raise ConfigError("sizeMin must be below sizeMax", source=name, record=line, value=(low, high))
        bins.append(PowerBin(row["shipType"], low, high, row["sizeUnits"], row["subType"], kw, row["source"]))
    return tuple(bins)


def _load(aux_table: str, gwp_set: str, as_of: date | None) -> FactorSet:
    nox: dict[tuple[EngineGroup, str, str, Tier], Factor] = {}
    bsfc: dict[tuple[EngineGroup, str, str], Factor] = {}
    hc: dict[tuple[EngineGroup, str], Factor] = {}
    co: dict[tuple[EngineGroup, str], Factor] = {}
    fuel_mix: dict[tuple[EngineGroup, str, str], str] = {}
    tiers_by_name = {t.value: t for t in Tier}
    for group, stem in _GROUP_FILE.items():
        name = f"epa_{stem}noxef.csv"
        for line, row in _rows(name):
            if _valid(name, line, row, as_of):
                key = (
                    group,
                    _check(row["engineType"], _ENGINES, name, line, "engineType"),
                    _check(row["fuelType"], FUEL_GROUPS, name, line, "fuelType"),
                    tiers_by_name[_check(row["tier"], tuple(tiers_by_name), name, line, "tier")],
                )
                _put(nox, key, _factor(row, "nox", "g/kWh", name, line), name, line)
        name = f"epa_{stem}bsfc.csv"
        for line, row in _rows(name):
            if _valid(name, line, row, as_of):
                key2 = (
                    group,
                    _check(row["engineType"], _ENGINES, name, line, "engineType"),
                    _check(row["fuelType"], FUEL_GROUPS, name, line, "fuelType"),
                )
                _put(bsfc, key2, _factor(row, "BSFC", "g/kWh", name, line), name, line)
        name = f"epa_{stem}_hc_co_ef.csv"
        for line, row in _rows(name):
            if _valid(name, line, row, as_of):
                engine = _check(row["engineType"], _ENGINES, name, line, "engineType")
                _put(hc, (group, engine), _factor(row, "hc", "g/kWh", name, line), name, line)
                _put(co, (group, engine), _factor(row, "co", "g/kWh", name, line), name, line)
        name = f"epa_{stem}fuelmixtable.csv"
        shares: dict[tuple[EngineGroup, str, str], float] = {}
        for line, row in _rows(name):
            if not _valid(name, line, row, as_of):
                continue
            share = _float(row["Proportion"], name, line, "Proportion")
            key3 = (group, row["Location"], _check(row["engineType"], _ENGINES, name, line, "engineType"))
            shares[key3] = shares.get(key3, 0.0) + share
            if share not in (0.0, 1.0):
                # EPA's defaults are all 0/1; a blend would need weighted factors, which we do not model.
                raise ConfigError(
                    "fuel mix proportions must be 0 or 1", source=name, record=line, value=share
                )
            if share == 1.0:
                fuel_mix[key3] = _check(row["fuelType"], FUEL_GROUPS, name, line, "fuelType")
        if any(abs(total - 1.0) > 1e-9 for total in shares.values()):
            raise ConfigError("fuel mix proportions do not sum to 1", source=name)

    co2_cf: dict[str, Factor] = {}
    name = "epa_co2conversionfactor.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            fuel = _check(row["fuelType"], FUEL_GROUPS, name, line, "fuelType")
            _put(co2_cf, fuel, _factor(row, "conversionFactor", "t CO2/t fuel", name, line), name, line)

    pm_nominal: dict[str, Factor] = {}
    sulfur_coefficients: dict[str, tuple[float, float, str]] = {}
    name = "epa_efsulfureqcoefficients.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            fuel = _check(row["fuelType"], FUEL_GROUPS, name, line, "fuelType")
            _put(pm_nominal, fuel, _factor(row, "PMnom", "g/kWh", name, line), name, line)
            sulfur_coefficients[fuel] = (
                _float(row["FSC"], name, line, "FSC"),
                _float(row["MWR"], name, line, "MWR"),
                row["source"],
            )

    pm_fixed: dict[tuple[str, str], Factor] = {}
    name = "epa_ef_pm_st_gt_lng.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            key4 = (
                _check(row["engineType"], _ENGINES, name, line, "engineType"),
                _check(row["fuelType"], FUEL_GROUPS, name, line, "fuelType"),
            )
            _put(pm_fixed, key4, _factor(row, "pm10EF", "g/kWh", name, line), name, line)

    llaf: dict[str, LlafCoefficients] = {}
    name = "epa_llafcoeff.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            x = None if row["x"] == "NA" else _float(row["x"], name, line, "x")
            coeff = LlafCoefficients(
                _float(row["a"], name, line, "a"), x, _float(row["b"], name, line, "b"), row["source"]
            )
            _put(llaf, row["pollutant"], coeff, name, line)
    for needed in ("nox", "hc", "co", "pm10", "so2", "co2"):
        if needed not in llaf:
            raise ConfigError("missing low-load coefficients", source=name, field="pollutant", value=needed)

    ch4: dict[tuple[EngineGroup, str, str], Factor] = {}
    n2o: dict[tuple[EngineGroup, str, str], Factor] = {}
    name = "ghg_ch4_n2o.csv"
    groups = {g.value: g for g in EngineGroup}
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            key5 = (
                groups[_check(row["group"], tuple(groups), name, line, "group")],
                _check(row["engineType"], _ENGINES, name, line, "engineType"),
                _check(row["fuelType"], FUEL_GROUPS, name, line, "fuelType"),
            )
            target = ch4 if _check(row["gas"], ("ch4", "n2o"), name, line, "gas") == "ch4" else n2o
            _put(target, key5, _factor(row, "g_per_kwh", "g/kWh", name, line), name, line)

    gwp_all: dict[str, dict[str, Factor]] = {}
    name = "gwp.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            gwp_all.setdefault(row["gwp_set"], {})[row["gas"]] = _factor(
                row, "gwp100", "g CO2e/g", name, line
            )
    if gwp_set not in gwp_all:
        raise ConfigError("unknown GWP set", field="gwp", value=gwp_set, hint=f"use one of {sorted(gwp_all)}")

    sulfur_pct: dict[str, Factor] = {}
    name = "fuel_sulfur.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            region = _check(row["region"], ("eca", "global"), name, line, "region")
            _put(sulfur_pct, region, _factor(row, "sulfur_pct", "% by mass", name, line), name, line)
    if set(sulfur_pct) != {"eca", "global"}:
        raise ConfigError("fuel sulfur needs one 'eca' and one 'global' row valid on the date", source=name)

    tiers: list[TierRule] = []
    name = "nox_tiers.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            tiers.append(
                TierRule(
                    tiers_by_name[_check(row["tier"], tuple(tiers_by_name), name, line, "tier")],
                    int(row["keel_from"]) if row["keel_from"] else None,
                    int(row["keel_to"]) if row["keel_to"] else None,
                    row["eca_only"] == "yes",
                    row["source"],
                )
            )

    engines: dict[str, EngineProperties] = {}
    name = "engines.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            props = EngineProperties(
                row["diesel"] == "yes",
                row["tier0_only"] == "yes",
                _check(row["aux_engineType"], _ENGINES, name, line, "aux_engineType"),
                _check(row["main_factor_engineType"], _ENGINES, name, line, "main_factor_engineType"),
                row["source"],
            )
            _put(engines, _check(row["engineType"], _ENGINES, name, line, "engineType"), props, name, line)

    constants: dict[str, Factor] = {}
    name = "constants.csv"
    for line, row in _rows(name):
        if _valid(name, line, row, as_of):
            _put(constants, row["name"], _factor(row, "value", row["unit"], name, line), name, line)

    ship_types: dict[ShipType, str] = {}
    name = "ship_type_map.csv"
    by_value = {s.value: s for s in ShipType}
    for line, row in _rows(name):
        if not row["source"].strip():
            raise ConfigError("empty source", source=name, record=line, field="source")
        ship = by_value[_check(row["ship_type"], tuple(by_value), name, line, "ship_type")]
        _put(ship_types, ship, row["epa_ship_type"], name, line)
    missing = [s.value for s in ShipType if s not in ship_types]
    if missing:
        raise ConfigError("ship types without an EPA name", source=name, value=missing)

    if aux_table not in AUX_TABLES:
        raise ConfigError(
            "unknown auxiliary power table",
            field="aux_table",
            value=aux_table,
            hint=f"use one of {sorted(AUX_TABLES)}",
        )
    epa_aux = _power_bins("epa_imoghg3_aux_kw.csv", as_of)
    epa_boiler = _power_bins("epa_imoghg3_boiler_kw.csv", as_of)
    aux_kw, boiler_kw, fallback = epa_aux, epa_boiler, frozenset[str]()
    if aux_table != "epa":
        prefix = AUX_TABLES[aux_table]
        chosen_aux = _power_bins(f"{prefix}_aux_kw.csv", as_of)
        chosen_boiler = _power_bins(f"{prefix}_boiler_kw.csv", as_of)
        covered = {b.epa_ship_type for b in chosen_aux}
        fallback = frozenset(b.epa_ship_type for b in epa_aux) - covered
        aux_kw = chosen_aux + tuple(b for b in epa_aux if b.epa_ship_type in fallback)
        boiler_kw = chosen_boiler + tuple(b for b in epa_boiler if b.epa_ship_type in fallback)
    for epa_name in set(ship_types.values()):
        if not any(b.epa_ship_type == epa_name for b in aux_kw):
            raise ConfigError(
                "ship type missing from the auxiliary power table", field="shipType", value=epa_name
            )

    return FactorSet(
        aux_table=aux_table,
        gwp_set=gwp_set,
        nox=nox,
        bsfc=bsfc,
        hc=hc,
        co=co,
        ch4=ch4,
        n2o=n2o,
        co2_cf=co2_cf,
        pm_nominal=pm_nominal,
        sulfur_coefficients=sulfur_coefficients,
        pm_fixed=pm_fixed,
        llaf=llaf,
        fuel_mix=fuel_mix,
        gwp=gwp_all[gwp_set],
        sulfur_pct=sulfur_pct,
        tiers=tuple(tiers),
        engines=engines,
        aux_kw=aux_kw,
        boiler_kw=boiler_kw,
        ship_types=ship_types,
        constants=constants,
        aux_fallback_types=fallback,
    )


@lru_cache(maxsize=16)
def load_factor_set(aux_table: str = "epa", gwp: str = "AR5", as_of: date | None = None) -> FactorSet:
    """Load and validate the factor tables (cached per argument set).

    Parameters
    ----------
    aux_table
        ``"epa"`` (EPA guidance default, IMO Third GHG Study loads) or ``"imo4"`` (IMO Fourth GHG Study
        Table 17; ship types it lacks here fall back to ``"epa"``, see ``FactorSet.aux_fallback_types``).
        ``"epa2022"`` is accepted as an alias of ``"epa"``.
    gwp
        Global-warming-potential set for CO2e: ``"AR5"`` (CH4 28, N2O 265) or ``"AR6"`` (29.8, 273).
    as_of
        Keep the factor rows valid on this date (e.g. the inventory year's mid-point). ``None`` keeps the
        current rows (empty ``valid_to``).

    Raises
    ------
    ConfigError
        Unknown table or GWP name, or a table that fails validation (the message names file and line).
    """
    return _load("epa" if aux_table == "epa2022" else aux_table, gwp, as_of)
