"""Harbour craft: EPA's harbor-craft method over the same AIS intervals as ocean-going vessels.

Harbour craft (tugs, towboats, ferries, excursion and crew boats, pilot, work and government boats,
fishing vessels, and recreational craft counted apart) carry Category 1/2 engines, not the Category 3
engines of the OGV method. Their emissions follow the harbor-craft form of EPA-420-B-22-011 §4 and CARB's
Commercial Harbor Craft inventories, for the propulsion and auxiliary engines separately::

    E (g) = rated power (kW) × load factor × hours × EF (g/kWh, by engine tier)

with, per interval of the vessel's track inside the port:

- *moving* (mode transit or maneuvering): propulsion ``mcr_kw × main_load_factor`` and auxiliary
  ``aux_rated_kw × aux_load_factor``;
- *stationary* (hotelling or anchorage: moored, or drifting while working): no propulsion, and the
  auxiliary engines for ``stationary_aux_share`` of the time only (craft moored overnight run nothing).

Tables (``tables/``, each row with its source; every value of the first three is an assumption, marked):

| table | what |
|---|---|
| ``harbor_craft_load_factors.csv`` | load factors and stationary auxiliary share by subtype |
| ``harbor_craft_tiers.csv`` | engine tier by model year and rated power (40 CFR 94 / 1042) |
| ``harbor_craft_ef.csv`` | NOx, PM10, HC, CO g/kWh by tier |
| ``constants.csv`` | ``harbor_craft_bsfc`` (g/kWh), ``harbor_craft_sulfur_pct``, ``harbor_craft_pm25_pm10_ratio`` |

CO2 is fuel × the distillate carbon factor (``epa_co2conversionfactor.csv``, MGO/MDO); SO2 is
fuel × 2 × 0.97753 × S% / 100 (the OGV form); CH4 and N2O use the high-speed auxiliary diesel factors of
``ghg_ch4_n2o.csv``; DPM equals PM10 (diesel engines).

Input columns of :func:`harbor_craft_intervals`: the kernel's intervals (``mmsi``, ``hours``, ``mode``,
``speed_kn``, ...); vessel columns ``mmsi``, ``subtype``, ``mcr_kw``, ``aux_rated_kw``,
``keel_laid_year`` (the engines' model year). Output: the kernel's emission columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import polars as pl

from quayside.emissions._factor_csv import (
    check_allowed,
    parse_float,
    put_once,
    read_rows,
    to_factor,
    valid_on,
)
from quayside.emissions._factor_records import Factor
from quayside.emissions.factors import FactorSet
from quayside.emissions.types import EngineGroup, Mode
from quayside.errors import ConfigError
from quayside.vessels.types import HarborCraftType

POLLUTANTS = ("nox", "pm10", "hc", "co")
_SUBTYPES = tuple(t.value for t in HarborCraftType)
_TIERS = ("Tier 0", "Tier 1", "Tier 2", "Tier 3", "Tier 4")


@dataclass(frozen=True, slots=True)
class LoadFactors:
    """Average load factors of one subtype and the share of stationary time the auxiliaries run."""

    main: Factor
    aux: Factor
    stationary_aux_share: Factor


@dataclass(frozen=True, slots=True)
class TierRow:
    """Engines of model years ``year_from..year_to`` and rated power ``kw_min <= P < kw_max``."""

    year_from: int
    year_to: int
    kw_min: float
    kw_max: float
    tier: str
    source: str


@dataclass(frozen=True)
class HarborCraftTables:
    """The harbour-craft tables of ``tables/``, validated."""

    load_factors: dict[HarborCraftType, LoadFactors]
    tiers: tuple[TierRow, ...]
    ef: dict[tuple[str, str], Factor]  # (tier, pollutant)

    def tier(self, model_year: int, kw: float) -> TierRow:
        """The tier row of an engine's model year and rated power."""
        for row in self.tiers:
            if row.year_from <= model_year <= row.year_to and row.kw_min <= kw < row.kw_max:
                return row
        raise ConfigError(
            "harbor_craft_tiers.csv has no row for this engine",
            field="keel_laid_year",
            value=(model_year, kw),
        )


@lru_cache(maxsize=4)
def load_harbor_craft_tables(as_of: date | None = None) -> HarborCraftTables:
    """Read and check the harbour-craft tables (rows valid on ``as_of``; current rows when ``None``)."""
    name = "harbor_craft_load_factors.csv"
    load_factors: dict[HarborCraftType, LoadFactors] = {}
    for line, row in read_rows(name):
        if not valid_on(name, line, row, as_of):
            continue
        subtype = HarborCraftType(check_allowed(row["subtype"], _SUBTYPES, name, line, "subtype"))
        put_once(
            load_factors,
            subtype,
            LoadFactors(
                main=to_factor(row, "main_load_factor", "fraction", name, line),
                aux=to_factor(row, "aux_load_factor", "fraction", name, line),
                stationary_aux_share=to_factor(row, "stationary_aux_share", "fraction", name, line),
            ),
            name,
            line,
        )
    missing = [t.value for t in HarborCraftType if t not in load_factors]
    if missing:
        raise ConfigError("subtypes without load factors", source=name, value=missing)

    name = "harbor_craft_tiers.csv"
    tiers = []
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            tiers.append(
                TierRow(
                    year_from=int(parse_float(row["model_year_from"], name, line, "model_year_from")),
                    year_to=int(parse_float(row["model_year_to"], name, line, "model_year_to")),
                    kw_min=parse_float(row["kw_min"], name, line, "kw_min"),
                    kw_max=parse_float(row["kw_max"], name, line, "kw_max"),
                    tier=check_allowed(row["tier"], _TIERS, name, line, "tier"),
                    source=row["source"],
                )
            )

    name = "harbor_craft_ef.csv"
    ef: dict[tuple[str, str], Factor] = {}
    for line, row in read_rows(name):
        if valid_on(name, line, row, as_of):
            key = (
                check_allowed(row["tier"], _TIERS, name, line, "tier"),
                check_allowed(row["pollutant"], POLLUTANTS, name, line, "pollutant"),
            )
            put_once(ef, key, to_factor(row, "g_per_kwh", "g/kWh", name, line), name, line)
    used = {t.tier for t in tiers}
    lacking = [(t, p) for t in sorted(used) for p in POLLUTANTS if (t, p) not in ef]
    if lacking:
        raise ConfigError("tiers without an emission factor", source=name, value=lacking)
    return HarborCraftTables(load_factors, tuple(tiers), ef)


def _vessel_rows(vessels: pl.DataFrame, tables: HarborCraftTables) -> pl.DataFrame:
    """Per vessel: effective kW of each engine group and the g/kWh of each pollutant for its tier."""
    out: dict[str, list[object]] = {"mmsi": [], "_main_kw": [], "_aux_kw": [], "_aux_share": []}
    for p in POLLUTANTS:
        out[f"_ef_{p}_main"] = []
        out[f"_ef_{p}_aux"] = []
    for row in vessels.iter_rows(named=True):
        subtype = HarborCraftType(row["subtype"])
        lf = tables.load_factors[subtype]
        main_kw, aux_kw, year = (
            float(row["mcr_kw"]),
            float(row["aux_rated_kw"] or 0.0),
            int(row["keel_laid_year"]),
        )
        out["mmsi"].append(int(row["mmsi"]))
        out["_main_kw"].append(main_kw * lf.main.value)
        out["_aux_kw"].append(aux_kw * lf.aux.value)
        out["_aux_share"].append(lf.stationary_aux_share.value)
        main_tier, aux_tier = tables.tier(year, main_kw).tier, tables.tier(year, aux_kw).tier
        for p in POLLUTANTS:
            out[f"_ef_{p}_main"].append(tables.ef[(main_tier, p)].value)
            out[f"_ef_{p}_aux"].append(tables.ef[(aux_tier, p)].value)
    schema = {"mmsi": pl.Int64, **{k: pl.Float64 for k in out if k != "mmsi"}}
    return pl.DataFrame(out, schema=schema)


def harbor_craft_intervals(
    intervals: pl.DataFrame, vessels: pl.DataFrame, factors: FactorSet
) -> pl.DataFrame:
    """The kernel's power, energy, fuel and emission columns for harbour-craft intervals (see module doc).

    ``intervals`` holds the kernel's activity columns (``mmsi``, ``hours``, ``mode``...) of harbour-craft
    vessels only; the result has the same rows, in the same order, with the emission columns added.
    """
    tables = load_harbor_craft_tables()
    bsfc = factors.constant("harbor_craft_bsfc")
    sulfur = factors.constant("harbor_craft_sulfur_pct")
    cf = factors.co2_cf["MGO/MDO"].value
    so2_per_g = factors.constant("so2_mw_ratio") * factors.constant("so2_sulfur_conversion") * sulfur / 100
    gwp_ch4, gwp_n2o = factors.gwp["CH4"].value, factors.gwp["N2O"].value
    ch4 = factors.ch4[(EngineGroup.AUX, "HSD", "MGO/MDO")].value
    n2o = factors.n2o[(EngineGroup.AUX, "HSD", "MGO/MDO")].value
    pm25_ratio = factors.constant("harbor_craft_pm25_pm10_ratio")
    params = _vessel_rows(vessels, tables)
    moving = pl.col("mode").is_in([Mode.TRANSIT.value, Mode.MANEUVERING.value])
    frame = intervals.join(params, on="mmsi", how="left", maintain_order="left").with_columns(
        pl.when(moving).then(pl.col("_main_kw")).otherwise(0.0).alias("main_kw"),
        (pl.col("_aux_kw") * pl.when(moving).then(1.0).otherwise(pl.col("_aux_share"))).alias("aux_kw"),
        pl.lit(0.0).alias("boiler_kw"),
    )
    mcr = vessels.select("mmsi", pl.col("mcr_kw").alias("_mcr"))
    frame = frame.join(mcr, on="mmsi", how="left", maintain_order="left").with_columns(
        (pl.col("main_kw") / pl.col("_mcr")).fill_nan(0.0).alias("load_main"),
        (pl.col("main_kw") * pl.col("hours")).alias("energy_main_kwh"),
        (pl.col("aux_kw") * pl.col("hours")).alias("energy_aux_kwh"),
        pl.lit(0.0).alias("energy_boiler_kwh"),
    )
    grams: list[pl.Expr] = []
    for g in EngineGroup:
        energy = pl.col(f"energy_{g.value}_kwh")
        fuel_g = energy * bsfc
        grams += [
            (fuel_g * 1e-6).alias(f"fuel_{g.value}_t"),
            (fuel_g * cf).alias(f"co2_{g.value}_g"),
            (fuel_g * so2_per_g).alias(f"so2_{g.value}_g"),
            (energy * ch4).alias(f"ch4_{g.value}_g"),
            (energy * n2o).alias(f"n2o_{g.value}_g"),
        ]
        ef_group = "main" if g is EngineGroup.MAIN else "aux"  # the boiler row has no energy
        grams += [(energy * pl.col(f"_ef_{p}_{ef_group}")).alias(f"{p}_{g.value}_g") for p in POLLUTANTS]
    frame = frame.with_columns(grams)
    derived: list[pl.Expr] = []
    for g in EngineGroup:
        pm10 = pl.col(f"pm10_{g.value}_g")
        derived += [
            (
                pl.col(f"co2_{g.value}_g")
                + gwp_ch4 * pl.col(f"ch4_{g.value}_g")
                + gwp_n2o * pl.col(f"n2o_{g.value}_g")
            ).alias(f"co2e_{g.value}_g"),
            (pm10 * pm25_ratio).alias(f"pm2_5_{g.value}_g"),
            pm10.alias(f"dpm_{g.value}_g"),
        ]
    return frame.with_columns(derived)
