"""Factor tables: one reader per CSV file (or family of files) in ``tables/``, into typed records.

Each reader keeps the rows valid on ``as_of`` (see ``_factor_csv.valid_on``), checks the key columns against
their allowed values and refuses two rows for one key. ``factors.load_factor_set`` calls the readers in a
fixed order, so a broken table always gives the same first error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from quayside.emissions._factor_csv import (
    check_allowed,
    parse_float,
    put_once,
    read_rows,
    to_factor,
    valid_on,
)
from quayside.emissions._factor_records import (
    BOILER,
    FUEL_GROUPS,
    SIZE_UNITS,
    EngineProperties,
    Factor,
    LlafCoefficients,
    PowerBin,
    TierRule,
)
from quayside.emissions.types import EngineGroup, Mode
from quayside.errors import ConfigError
from quayside.vessels.types import ShipType, Tier

AUX_TABLES = {"epa": "epa_imoghg3", "imo4": "imo4"}
"""Selectable auxiliary/boiler power tables: key → file prefix in ``tables/``."""

_ENGINES = frozenset({"SSD", "MSD", "HSD", "MSD-ED", "GT", "GT-ED", "ST", "LNG", BOILER})
_GROUP_FILE = {EngineGroup.MAIN: "main", EngineGroup.AUX: "aux", EngineGroup.BOILER: "boiler"}
_TABLE_MODE_COLUMNS = {
    Mode.TRANSIT: "Transit",
    Mode.MANEUVERING: "Maneuvering",
    Mode.HOTELLING: "Berth",
    Mode.ANCHORAGE: "Anchorage",
}
_TIERS = {t.value: t for t in Tier}
_GROUPS = {g.value: g for g in EngineGroup}
_SHIP_TYPES = {s.value: s for s in ShipType}
_LLAF_POLLUTANTS = ("nox", "hc", "co", "pm10", "so2", "co2")


def _engine(row: dict[str, str], name: str, line: int, column: str = "engineType") -> str:
    return check_allowed(row[column], _ENGINES, name, line, column)


def _fuel(row: dict[str, str], name: str, line: int) -> str:
    return check_allowed(row["fuelType"], FUEL_GROUPS, name, line, "fuelType")


def _tier(row: dict[str, str], name: str, line: int) -> Tier:
    return _TIERS[check_allowed(row["tier"], tuple(_TIERS), name, line, "tier")]


# ---------------------------------------------------------------------------------------------------------
# EPA ShipEF tables per engine group: epa_{main,aux,boiler}{noxef,bsfc,_hc_co_ef,fuelmixtable}.csv


@dataclass(frozen=True)
class EngineTables:
    """The EPA per-engine-group tables, all groups merged (each key starts with its ``EngineGroup``)."""

    nox: dict[tuple[EngineGroup, str, str, Tier], Factor] = field(default_factory=dict)
    bsfc: dict[tuple[EngineGroup, str, str], Factor] = field(default_factory=dict)
    hc: dict[tuple[EngineGroup, str], Factor] = field(default_factory=dict)
    co: dict[tuple[EngineGroup, str], Factor] = field(default_factory=dict)
    fuel_mix: dict[tuple[EngineGroup, str, str], str] = field(default_factory=dict)


def read_engine_tables(as_of: date | None) -> EngineTables:
    """NOx, BSFC, HC/CO and fuel-mix tables of the main, auxiliary and boiler groups, group by group."""
    tables = EngineTables()
    for group, stem in _GROUP_FILE.items():
        _read_nox(f"epa_{stem}noxef.csv", group, as_of, tables.nox)
        _read_bsfc(f"epa_{stem}bsfc.csv", group, as_of, tables.bsfc)
        _read_hc_co(f"epa_{stem}_hc_co_ef.csv", group, as_of, tables)
        _read_fuel_mix(f"epa_{stem}fuelmixtable.csv", group, as_of, tables.fuel_mix)
    return tables


def _read_nox(
    name: str, group: EngineGroup, as_of: date | None, nox: dict[tuple[EngineGroup, str, str, Tier], Factor]
) -> None:
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            key = (group, _engine(row, name, line), _fuel(row, name, line), _tier(row, name, line))
            put_once(nox, key, to_factor(row, "nox", "g/kWh", name, line), name, line)


def _read_bsfc(
    name: str, group: EngineGroup, as_of: date | None, bsfc: dict[tuple[EngineGroup, str, str], Factor]
) -> None:
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            key = (group, _engine(row, name, line), _fuel(row, name, line))
            put_once(bsfc, key, to_factor(row, "BSFC", "g/kWh", name, line), name, line)


def _read_hc_co(name: str, group: EngineGroup, as_of: date | None, tables: EngineTables) -> None:
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            engine = _engine(row, name, line)
            put_once(tables.hc, (group, engine), to_factor(row, "hc", "g/kWh", name, line), name, line)
            put_once(tables.co, (group, engine), to_factor(row, "co", "g/kWh", name, line), name, line)


def _read_fuel_mix(
    name: str, group: EngineGroup, as_of: date | None, fuel_mix: dict[tuple[EngineGroup, str, str], str]
) -> None:
    shares: dict[tuple[EngineGroup, str, str], float] = {}
    for line, row in read_rows(name):
        if not valid_on(name, line, row, as_of):
            continue
        share = parse_float(row["Proportion"], name, line, "Proportion")
        key = (group, row["Location"], _engine(row, name, line))
        shares[key] = shares.get(key, 0.0) + share
        if share not in (0.0, 1.0):
            # EPA's defaults are all 0/1; a blend would need weighted factors, which we do not model.
            raise ConfigError("fuel mix proportions must be 0 or 1", source=name, record=line, value=share)
        if share == 1.0:
            fuel_mix[key] = _fuel(row, name, line)
    if any(abs(total - 1.0) > 1e-9 for total in shares.values()):
        raise ConfigError("fuel mix proportions do not sum to 1", source=name)


# ---------------------------------------------------------------------------------------------------------
# EPA ShipEF tables per fuel or pollutant


def read_co2_conversion(as_of: date | None) -> dict[str, Factor]:
    """``epa_co2conversionfactor.csv``: t CO2 per t fuel, by fuel group."""
    name = "epa_co2conversionfactor.csv"
    co2_cf: dict[str, Factor] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            fuel = _fuel(row, name, line)
            put_once(co2_cf, fuel, to_factor(row, "conversionFactor", "t CO2/t fuel", name, line), name, line)
    return co2_cf


def read_sulfur_equivalents(
    as_of: date | None,
) -> tuple[dict[str, Factor], dict[str, tuple[float, float, str]]]:
    """``epa_efsulfureqcoefficients.csv``: nominal PM (g/kWh) and ``(FSC, MWR, source)``, by fuel group."""
    name = "epa_efsulfureqcoefficients.csv"
    pm_nominal: dict[str, Factor] = {}
    sulfur_coefficients: dict[str, tuple[float, float, str]] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            fuel = _fuel(row, name, line)
            put_once(pm_nominal, fuel, to_factor(row, "PMnom", "g/kWh", name, line), name, line)
            sulfur_coefficients[fuel] = (
                parse_float(row["FSC"], name, line, "FSC"),
                parse_float(row["MWR"], name, line, "MWR"),
                row["source"],
            )
    return pm_nominal, sulfur_coefficients


def read_pm_fixed(as_of: date | None) -> dict[tuple[str, str], Factor]:
    """``epa_ef_pm_st_gt_lng.csv``: fixed PM10 (g/kWh) of steam turbines, gas turbines and LNG engines."""
    name = "epa_ef_pm_st_gt_lng.csv"
    pm_fixed: dict[tuple[str, str], Factor] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            key = (_engine(row, name, line), _fuel(row, name, line))
            put_once(pm_fixed, key, to_factor(row, "pm10EF", "g/kWh", name, line), name, line)
    return pm_fixed


def read_llaf(as_of: date | None) -> dict[str, LlafCoefficients]:
    """``epa_llafcoeff.csv``: low-load adjustment coefficients by pollutant; each pollutant must be present."""
    name = "epa_llafcoeff.csv"
    llaf: dict[str, LlafCoefficients] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            x = None if row["x"] == "NA" else parse_float(row["x"], name, line, "x")
            a, b = parse_float(row["a"], name, line, "a"), parse_float(row["b"], name, line, "b")
            put_once(llaf, row["pollutant"], LlafCoefficients(a, x, b, row["source"]), name, line)
    for needed in _LLAF_POLLUTANTS:
        if needed not in llaf:
            raise ConfigError("missing low-load coefficients", source=name, field="pollutant", value=needed)
    return llaf


# ---------------------------------------------------------------------------------------------------------
# Greenhouse gases and fuel sulfur


def read_ch4_n2o(
    as_of: date | None,
) -> tuple[dict[tuple[EngineGroup, str, str], Factor], dict[tuple[EngineGroup, str, str], Factor]]:
    """``ghg_ch4_n2o.csv``: CH4 and N2O (g/kWh) by engine group, engine and fuel group."""
    name = "ghg_ch4_n2o.csv"
    ch4: dict[tuple[EngineGroup, str, str], Factor] = {}
    n2o: dict[tuple[EngineGroup, str, str], Factor] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            key = (
                _GROUPS[check_allowed(row["group"], tuple(_GROUPS), name, line, "group")],
                _engine(row, name, line),
                _fuel(row, name, line),
            )
            target = ch4 if check_allowed(row["gas"], ("ch4", "n2o"), name, line, "gas") == "ch4" else n2o
            put_once(target, key, to_factor(row, "g_per_kwh", "g/kWh", name, line), name, line)
    return ch4, n2o


def read_gwp(gwp_set: str, as_of: date | None) -> dict[str, Factor]:
    """``gwp.csv``: the 100-year global-warming potentials of the set ``gwp_set``, by gas."""
    name = "gwp.csv"
    gwp_all: dict[str, dict[str, Factor]] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            factor = to_factor(row, "gwp100", "g CO2e/g", name, line)
            gwp_all.setdefault(row["gwp_set"], {})[row["gas"]] = factor
    if gwp_set not in gwp_all:
        raise ConfigError("unknown GWP set", field="gwp", value=gwp_set, hint=f"use one of {sorted(gwp_all)}")
    return gwp_all[gwp_set]


def read_fuel_sulfur(as_of: date | None) -> dict[str, Factor]:
    """``fuel_sulfur.csv``: fuel sulfur (% by mass) inside (``eca``) and outside (``global``) an ECA."""
    name = "fuel_sulfur.csv"
    sulfur_pct: dict[str, Factor] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            region = check_allowed(row["region"], ("eca", "global"), name, line, "region")
            put_once(sulfur_pct, region, to_factor(row, "sulfur_pct", "% by mass", name, line), name, line)
    if set(sulfur_pct) != {"eca", "global"}:
        raise ConfigError("fuel sulfur needs one 'eca' and one 'global' row valid on the date", source=name)
    return sulfur_pct


# ---------------------------------------------------------------------------------------------------------
# Engines, NOx tiers, method constants and ship types


def read_nox_tiers(as_of: date | None) -> tuple[TierRule, ...]:
    """``nox_tiers.csv``: the keel-laid years of each NOx tier."""
    name = "nox_tiers.csv"
    tiers: list[TierRule] = []
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            tiers.append(
                TierRule(
                    _tier(row, name, line),
                    int(row["keel_from"]) if row["keel_from"] else None,
                    int(row["keel_to"]) if row["keel_to"] else None,
                    row["eca_only"] == "yes",
                    row["source"],
                )
            )
    return tuple(tiers)


def read_engines(as_of: date | None) -> dict[str, EngineProperties]:
    """``engines.csv``: how each EPA engine type is treated, by engine type."""
    name = "engines.csv"
    engines: dict[str, EngineProperties] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            props = EngineProperties(
                row["diesel"] == "yes",
                row["tier0_only"] == "yes",
                _engine(row, name, line, "aux_engineType"),
                _engine(row, name, line, "main_factor_engineType"),
                row["source"],
            )
            put_once(engines, _engine(row, name, line), props, name, line)
    return engines


def read_constants(as_of: date | None) -> dict[str, Factor]:
    """``constants.csv``: the method constants, by name, each in its row's ``unit``."""
    name = "constants.csv"
    constants: dict[str, Factor] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            put_once(constants, row["name"], to_factor(row, "value", row["unit"], name, line), name, line)
    return constants


def read_ship_types() -> dict[ShipType, str]:
    """``ship_type_map.csv``: the EPA ship-type name of every ``ShipType`` (a mapping, so not dated)."""
    name = "ship_type_map.csv"
    ship_types: dict[ShipType, str] = {}
    for line, row in read_rows(name):
        if not row["source"].strip():
            raise ConfigError("empty source", source=name, record=line, field="source")
        ship = _SHIP_TYPES[check_allowed(row["ship_type"], tuple(_SHIP_TYPES), name, line, "ship_type")]
        put_once(ship_types, ship, row["epa_ship_type"], name, line)
    missing = [s.value for s in ShipType if s not in ship_types]
    if missing:
        raise ConfigError("ship types without an EPA name", source=name, value=missing)
    return ship_types


# ---------------------------------------------------------------------------------------------------------
# Auxiliary and boiler power: {epa_imoghg3,imo4}_{aux,boiler}_kw.csv


def read_power_tables(
    aux_table: str, as_of: date | None
) -> tuple[tuple[PowerBin, ...], tuple[PowerBin, ...], frozenset[str]]:
    """The auxiliary and boiler power bins of ``aux_table`` and the EPA ship types that fell back to ``"epa"``.

    A table other than ``"epa"`` that lacks a ship type takes that type's bins from the EPA table.
    """
    if aux_table not in AUX_TABLES:
        raise ConfigError(
            "unknown auxiliary power table",
            field="aux_table",
            value=aux_table,
            hint=f"use one of {sorted(AUX_TABLES)}",
        )
    epa_aux = _read_power_bins("epa_imoghg3_aux_kw.csv", as_of)
    epa_boiler = _read_power_bins("epa_imoghg3_boiler_kw.csv", as_of)
    if aux_table == "epa":
        return epa_aux, epa_boiler, frozenset[str]()
    prefix = AUX_TABLES[aux_table]
    chosen_aux = _read_power_bins(f"{prefix}_aux_kw.csv", as_of)
    chosen_boiler = _read_power_bins(f"{prefix}_boiler_kw.csv", as_of)
    covered = {b.epa_ship_type for b in chosen_aux}
    fallback = frozenset(b.epa_ship_type for b in epa_aux) - covered
    aux_kw = chosen_aux + tuple(b for b in epa_aux if b.epa_ship_type in fallback)
    boiler_kw = chosen_boiler + tuple(b for b in epa_boiler if b.epa_ship_type in fallback)
    return aux_kw, boiler_kw, fallback


def check_power_coverage(ship_types: dict[ShipType, str], aux_kw: tuple[PowerBin, ...]) -> None:
    """Every EPA ship type that a ``ShipType`` maps to needs at least one auxiliary power bin."""
    for epa_name in set(ship_types.values()):
        if not any(b.epa_ship_type == epa_name for b in aux_kw):
            raise ConfigError(
                "ship type missing from the auxiliary power table", field="shipType", value=epa_name
            )


def _read_power_bins(name: str, as_of: date | None) -> tuple[PowerBin, ...]:
    bins: list[PowerBin] = []
    for line, row in read_rows(name):
        if not valid_on(name, line, row, as_of):
            continue
        check_allowed(row["sizeUnits"], tuple(SIZE_UNITS), name, line, "sizeUnits")
        kw = {mode: parse_float(row[col], name, line, col) for mode, col in _TABLE_MODE_COLUMNS.items()}
        if any(v < 0 for v in kw.values()):
            raise ConfigError("negative kW", source=name, record=line)
        low, high = (
            parse_float(row["sizeMin"], name, line, "sizeMin"),
            parse_float(row["sizeMax"], name, line, "sizeMax"),
        )
        if not low < high:
            raise ConfigError("sizeMin must be below sizeMax", source=name, record=line, value=(low, high))
        bins.append(PowerBin(row["shipType"], low, high, row["sizeUnits"], row["subType"], kw, row["source"]))
    return tuple(bins)
