"""The pure emissions kernel: whole tracks in, one row per interval out (polars expressions, no I/O).

Input ``track`` — cleaned positions sorted by ``mmsi, ts``: ``mmsi`` (i64), ``ts`` (datetime, UTC),
``lat``, ``lon`` (deg), ``sog_kn`` (kn, nullable), ``segment`` (i32), ``in_boundary``, ``in_eca`` (bool),
``zone_kind`` (``"berth"`` | ``"anchorage"`` | null), ``zone_id`` (str | null).

Input ``vessels`` — one row per MMSI with the columns of ``VESSEL_COLUMNS`` (see
:mod:`quayside.emissions.vessel_params`): ``mmsi``, ``ship_type``, ``size_value`` (or ``teu`` / ``dwt`` /
``gt``), ``mcr_kw``, ``service_speed_kn``, ``engine``, ``fuel`` (nullable), ``keel_laid_year``,
``shore_power`` and the nullable overrides ``aux_kw_<mode>`` / ``boiler_kw_<mode>``.

Optional track column ``stay`` (bool): the vessel stayed where it was from this report to the next — a
reception gap inside the harbour filled as a stay (:mod:`quayside.engines.gaps`); the interval's speed is
0, so its mode is that of its zone (hotelling at a berth, anchorage in an anchorage), and ``filled`` is
true on it.

Optional vessel columns ``category`` and ``subtype``: vessels of category ``harbor_craft`` are computed
with the harbour-craft method (:mod:`quayside.emissions.harbor_craft`) from ``mcr_kw``, ``aux_rated_kw``
and ``keel_laid_year``; every other vessel with the OGV method below.

Intervals: between consecutive reports of the same ``mmsi`` and ``segment``. Speed is the mean of the two
reports' SOG; when either SOG is missing it is distance / time. Distance is the haversine great-circle
distance in nm. An interval takes ``in_boundary``, ``in_eca``, ``zone_kind`` and ``zone_id`` of its START
report (the position the vessel held during most of a short interval's first half, and the only choice
that never looks ahead past a gap). Intervals of an MMSI absent from ``vessels`` get null power and
emissions (the caller resolves every vessel, with defaults, before calling).

Output, one row per interval: ``mmsi``, ``segment``, ``ts_start``, ``ts_end``, ``hours``, ``dist_nm``,
``speed_kn``, ``mode`` (enum of ``Mode``), ``in_boundary``, ``in_eca``, ``zone_id``, ``lon``, ``lat``
(of the start point), ``filled``, ``load_main``
(fraction of MCR), ``main_kw``, ``aux_kw``, ``boiler_kw``, ``energy_<group>_kwh``, ``fuel_<group>_t`` and
``<pollutant.column>_<group>_g`` for every ``Pollutant`` and group (``nox_main_g``, ``pm2_5_aux_g``, ...).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from quayside.emissions.factors import FactorSet
from quayside.emissions.harbor_craft import harbor_craft_intervals
from quayside.emissions.llaf import llaf_expr, load_powers
from quayside.emissions.modes import MODE_DTYPE, mode_expr
from quayside.emissions.options import EmissionOptions
from quayside.emissions.power import propulsion_load_expr
from quayside.emissions.types import EngineGroup, Mode, Pollutant
from quayside.emissions.vessel_params import VESSEL_COLUMNS, vessel_frame
from quayside.errors import InputError

__all__ = ["OUTPUT_COLUMNS", "TRACK_COLUMNS", "VESSEL_COLUMNS", "activity_emissions", "compute_intervals"]

TRACK_COLUMNS = (
    "mmsi",
    "ts",
    "lat",
    "lon",
    "sog_kn",
    "segment",
    "in_boundary",
    "in_eca",
    "zone_kind",
    "zone_id",
)

_GROUPS = tuple(EngineGroup)
EMISSION_COLUMNS = tuple(f"{p.column}_{g.value}_g" for g in _GROUPS for p in Pollutant)
OUTPUT_COLUMNS = (
    "mmsi",
    "segment",
    "ts_start",
    "ts_end",
    "hours",
    "dist_nm",
    "speed_kn",
    "mode",
    "in_boundary",
    "in_eca",
    "zone_id",
    "lon",
    "lat",
    "filled",
    "load_main",
    "main_kw",
    "aux_kw",
    "boiler_kw",
    *(f"energy_{g.value}_kwh" for g in _GROUPS),
    *(f"fuel_{g.value}_t" for g in _GROUPS),
    *EMISSION_COLUMNS,
)
"""Columns of :func:`compute_intervals`, in order."""

_TONNES_PER_GRAM = 1e-6
_HOURS_PER_US = 1.0 / 3.6e9
_MODES = tuple(Mode)
_ROW = "_row"
"""Column of the kernel's intervals: the row of the parameter table (vessel × region) that applies."""

_BASE_POLLUTANTS = ("co2", "so2", "pm10", "nox", "hc", "co", "ch4", "n2o")
"""Pollutants with a factor of their own; CO2e, PM2.5 and DPM are derived from them."""
_LLAF_CURVES = ("nox", "hc", "co", "pm10", "co2", "so2")
"""Low-load curves computed once per row (``_llaf_<name>``); N2O reuses NOx and CH4 reuses HC."""
_LLAF_COLUMN = {
    "nox": "nox",
    "n2o": "nox",
    "hc": "hc",
    "ch4": "hc",
    "co": "co",
    "pm10": "pm10",
    "co2": "co2",
    "so2": "so2",
}


def _base_factors(group: EngineGroup, bsfc: pl.Expr, col: Callable[[str], pl.Expr]) -> dict[str, pl.Expr]:
    """g/kWh of each directly-factored pollutant of one group, from the ``fuel.GROUP_COLUMNS`` columns."""
    g = group.value
    return {
        "co2": bsfc * col(f"cf_{g}"),
        "so2": bsfc * col(f"kso2_{g}"),
        "pm10": col(f"pmnom_{g}") + bsfc * col(f"kpm_{g}"),
        "nox": col(f"ef_nox_{g}"),
        "hc": col(f"ef_hc_{g}"),
        "co": col(f"ef_co_{g}"),
        "ch4": col(f"ef_ch4_{g}"),
        "n2o": col(f"ef_n2o_{g}"),
    }


def _combined_columns() -> list[pl.Expr]:
    """``_ef_<pollutant>_<group>`` (g/kWh at the table BSFC) over parameter rows."""
    return [
        expr.alias(f"_ef_{name}_{g.value}")
        for g in _GROUPS
        for name, expr in _base_factors(g, pl.col(f"bsfc_{g.value}"), pl.col).items()
    ]


class _Params:
    """Where the per-vessel parameters of each activity row come from.

    Either the rows carry the parameter columns themselves (``table`` None: the ``estimate`` legs, joined
    onto their vessel's rows), or they carry ``_row``, an index into ``table`` — one row per vessel and
    region — and each parameter is gathered by that index. Gathering only the columns a formula needs,
    from a table a few hundred rows long, is what keeps the kernel fast: a join would copy every
    parameter column onto every interval.
    """

    def __init__(self, table: pl.DataFrame | None) -> None:
        self._table = table
        self._kw: dict[str, pl.Series] = {}
        if table is not None:
            for prefix in ("aux", "boiler"):
                # row-major (parameter row, mode): entry row × 4 + mode code
                stacked = np.column_stack([table.get_column(f"{prefix}_kw_{m.value}") for m in _MODES])
                self._kw[prefix] = pl.Series(stacked.reshape(-1), dtype=pl.Float64)

    def col(self, name: str) -> pl.Expr:
        if self._table is None:
            return pl.col(name)
        return pl.lit(self._table.get_column(name)).gather(pl.col(_ROW))

    def mode_kw(self, prefix: str) -> pl.Expr:
        """kW of an auxiliary group in the row's ``mode``."""
        mode = pl.col("mode")
        if self._table is None:
            expr = pl.col(f"{prefix}_kw_{Mode.HOTELLING.value}")
            for m in (Mode.ANCHORAGE, Mode.MANEUVERING, Mode.TRANSIT):
                expr = pl.when(mode == m.value).then(pl.col(f"{prefix}_kw_{m.value}")).otherwise(expr)
            return expr
        index = pl.col(_ROW) * len(_MODES) + mode.cast(MODE_DTYPE).to_physical()
        return pl.lit(self._kw[prefix]).gather(index)

    def factor(self, name: str, group: EngineGroup) -> pl.Expr:
        """g/kWh of pollutant ``name`` for ``group`` at the table BSFC."""
        if self._table is None:
            return _base_factors(group, pl.col(f"bsfc_{group.value}"), pl.col)[name]
        return self.col(f"_ef_{name}_{group.value}")


def _main_stage(factors: FactorSet, options: EmissionOptions, params: _Params) -> list[pl.Expr]:
    """Load-dependent main-engine columns: effective BSFC and the low-load factors."""
    load = pl.col("load_main")
    exprs = []
    if options.load_based_bsfc:
        curve = (
            factors.constant("bsfc_curve_a") * load**2
            + factors.constant("bsfc_curve_b") * load
            + factors.constant("bsfc_curve_c")
        )
        bsfc = params.col("bsfc_main") * pl.when(load > 0).then(curve).otherwise(1.0)
        exprs.append(bsfc.alias("_bsfc_eff_main"))
    exprs.extend(
        llaf_expr(name, load, pl.col("_llaf_on"), pl.col("_sulfur_main"), factors, shared=True).alias(
            f"_llaf_{name}"
        )
        for name in _LLAF_CURVES
    )
    return exprs


def _group_grams(group: EngineGroup, options: EmissionOptions, params: _Params) -> list[pl.Expr]:
    """Fuel (t) and grams of the directly-factored pollutants of one group."""
    g = group.value
    energy = pl.col(f"energy_{g}_kwh")
    main = group is EngineGroup.MAIN
    if main and options.load_based_bsfc:
        bsfc = pl.col("_bsfc_eff_main")
        base = _base_factors(group, bsfc, params.col)
    else:
        bsfc = params.col(f"bsfc_{g}")
        base = {name: params.factor(name, group) for name in _BASE_POLLUTANTS}
    fuel = energy * bsfc * _TONNES_PER_GRAM
    if main:
        # CO2 low-load factor = extra fuel per kWh; fuel and CO2 stay consistent (CO2 = fuel × Cf).
        fuel = fuel * pl.col("_llaf_co2")
    exprs = [fuel.alias(f"fuel_{g}_t")]
    for name, ef in base.items():
        grams = energy * ef * pl.col(f"_llaf_{_LLAF_COLUMN[name]}") if main else energy * ef
        exprs.append(grams.alias(f"{name}_{g}_g"))
    return exprs


def _derived(group: EngineGroup, factors: FactorSet, params: _Params) -> list[pl.Expr]:
    """CO2e, PM2.5 and DPM from the grams of one group."""
    g = group.value
    gwp_ch4, gwp_n2o = factors.gwp["CH4"].value, factors.gwp["N2O"].value
    pm10 = pl.col(f"pm10_{g}_g")
    return [
        (pl.col(f"co2_{g}_g") + gwp_ch4 * pl.col(f"ch4_{g}_g") + gwp_n2o * pl.col(f"n2o_{g}_g")).alias(
            f"co2e_{g}_g"
        ),
        (pm10 * factors.constant("pm25_pm10_ratio")).alias(f"pm2_5_{g}_g"),
        (pm10 * params.col(f"dpm_{g}")).alias(f"dpm_{g}_g"),
    ]


def activity_emissions(
    frame: pl.LazyFrame,
    factors: FactorSet,
    options: EmissionOptions,
    *,
    params: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Power, energy, fuel and grams for rows of activity — the computation shared by kernel and estimate.

    Needs columns ``speed_kn`` (kn), ``hours`` (h), ``mode`` (``Mode`` value) and either the parameter
    columns of :func:`quayside.emissions.vessel_params.vessel_frame` or, when ``params`` (that frame) is
    given, ``_row``: the index of the row's parameter row in ``params``. Adds ``load_main``, ``main_kw``,
    ``aux_kw``, ``boiler_kw``, ``energy_<g>_kwh``, ``fuel_<g>_t`` and ``<pollutant>_<g>_g``. When the
    frame already has ``_prop_load`` (the kernel computes it to decide the mode) it is reused.
    """
    source = _Params(None if params is None else params.with_columns(_combined_columns()))
    stopped = pl.col("mode").is_in([Mode.HOTELLING.value, Mode.ANCHORAGE.value])
    if "_prop_load" in frame.collect_schema().names():
        prop = pl.col("_prop_load")
    else:
        prop = propulsion_load_expr(
            pl.col("speed_kn").fill_null(0.0), source.col("service_speed_kn"), factors, options.sea_margin_pct
        )
    hours = pl.col("hours")
    frame = (
        frame.with_columns(
            pl.when(stopped).then(0.0).otherwise(prop).alias("load_main"),
            source.mode_kw("aux").alias("aux_kw"),
            source.mode_kw("boiler").alias("boiler_kw"),
            source.col("mcr_kw").alias("_mcr_kw"),
            source.col("llaf_main").alias("_llaf_on"),
            source.col("sulfur_main").alias("_sulfur_main"),
        )
        .with_columns(
            (pl.col("load_main") * pl.col("_mcr_kw")).alias("main_kw"),
            (pl.col("aux_kw") * hours).alias("energy_aux_kwh"),
            (pl.col("boiler_kw") * hours).alias("energy_boiler_kwh"),
            *load_powers(pl.col("load_main"), factors),
        )
        .with_columns(
            (pl.col("main_kw") * hours).alias("energy_main_kwh"),
            *_main_stage(factors, options, source),
        )
    )
    frame = frame.with_columns(expr for g in _GROUPS for expr in _group_grams(g, options, source))
    return frame.with_columns(expr for g in _GROUPS for expr in _derived(g, factors, source))


def _haversine_nm(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr, radius_nm: float) -> pl.Expr:
    phi1, phi2 = lat1.radians(), lat2.radians()
    dphi = phi2 - phi1
    dlmb = (lon2 - lon1).radians()
    a = (dphi / 2).sin() ** 2 + phi1.cos() * phi2.cos() * (dlmb / 2).sin() ** 2
    return 2.0 * radius_nm * a.sqrt().clip(upper_bound=1.0).arcsin()


def _is_harbor_craft(vessels: pl.DataFrame) -> pl.Series:
    if "category" not in vessels.columns:
        return pl.Series(values=[False] * vessels.height, dtype=pl.Boolean)
    return vessels.get_column("category").eq("harbor_craft").fill_null(False)


def compute_intervals(
    track: pl.DataFrame,
    vessels: pl.DataFrame,
    factors: FactorSet,
    options: EmissionOptions | None = None,
) -> pl.DataFrame:
    """Emissions per interval of whole tracks; see the module docstring for columns and rules.

    Raises
    ------
    InputError
        A required track or vessel column is missing, or a vessel row is invalid.
    """
    options = options or EmissionOptions()
    missing = [c for c in TRACK_COLUMNS if c not in track.columns]
    if missing:
        raise InputError("missing track columns", source="track", field=missing[0], value=missing)
    harbor = _is_harbor_craft(vessels)
    craft = vessels.filter(harbor)
    params = vessel_frame(vessels.filter(~harbor), factors, options)
    stay = pl.col("stay").fill_null(False) if "stay" in track.columns else pl.lit(False)
    nxt = {c: pl.col(c).shift(-1) for c in ("mmsi", "segment", "ts", "lat", "lon", "sog_kn")}
    # A product, not a quotient: polars may evaluate "x / c" as a true division on one path and as
    # "x * (1 / c)" on another, which differ in the last bit; a product is computed one way only.
    hours = (pl.col("ts_end") - pl.col("ts_start")).dt.total_microseconds() * _HOURS_PER_US
    service = vessels.select(pl.col("mmsi").cast(pl.Int64), pl.col("service_speed_kn").cast(pl.Float64))
    service = service.unique("mmsi", keep="first", maintain_order=True)
    intervals = (
        track.lazy()
        .select(
            pl.col("mmsi").cast(pl.Int64),
            pl.col("segment"),
            pl.col("ts").alias("ts_start"),
            nxt["ts"].alias("ts_end"),
            _haversine_nm(
                pl.col("lat"), pl.col("lon"), nxt["lat"], nxt["lon"], factors.constant("earth_radius_nm")
            ).alias("dist_nm"),
            pl.when(stay).then(0.0).otherwise((pl.col("sog_kn") + nxt["sog_kn"]) / 2).alias("sog_mean_kn"),
            pl.col("in_boundary"),
            pl.col("in_eca"),
            pl.col("zone_kind"),
            pl.col("zone_id"),
            pl.col("lon"),
            pl.col("lat"),
            stay.alias("filled"),
            ((nxt["mmsi"] == pl.col("mmsi")) & (nxt["segment"] == pl.col("segment"))).alias("_same"),
        )
        .filter(pl.col("_same") & pl.col("ts_start").is_not_null() & pl.col("ts_end").is_not_null())
        .with_columns(
            hours=hours,
            _row=_param_row(pl.col("mmsi"), pl.col("in_eca"), params),
        )
        .with_columns(
            speed_kn=pl.coalesce(
                pl.col("sog_mean_kn"),
                pl.when(pl.col("hours") > 0).then(pl.col("dist_nm") / pl.col("hours")).otherwise(0.0),
            ),
            _service_speed_kn=pl.col("mmsi").replace_strict(
                service.get_column("mmsi"), service.get_column("service_speed_kn"), default=None
            ),
        )
    )
    prop = propulsion_load_expr(
        pl.col("speed_kn"), pl.col("_service_speed_kn"), factors, options.sea_margin_pct
    )
    intervals = intervals.with_columns(_prop_load=prop).with_columns(
        mode=mode_expr(pl.col("zone_kind"), pl.col("speed_kn"), pl.col("_prop_load"), factors)
    )
    # Two methods, one row order: each part keeps the row index it had, and the parts are merged on it. The
    # activity columns are materialised once, whatever the mix of vessels, so that every bucket evaluates
    # the same expressions the same way (a fused lazy plan may round differently in the last bit).
    indexed = intervals.with_row_index("_i").collect()
    is_craft = pl.col("mmsi").is_in(craft.get_column("mmsi").cast(pl.Int64).implode())
    ogv = activity_emissions(indexed.filter(~is_craft).lazy(), factors, options, params=params)
    parts = [ogv.select("_i", *OUTPUT_COLUMNS).collect()]
    if craft.height:
        hc = harbor_craft_intervals(indexed.filter(is_craft), craft, factors)
        parts.append(hc.select("_i", *OUTPUT_COLUMNS))
    return pl.concat(parts, how="vertical_relaxed").sort("_i").drop("_i")


def _param_row(mmsi: pl.Expr, in_eca: pl.Expr, params: pl.DataFrame) -> pl.Expr:
    """Index of each interval's row in ``params`` (rows ordered by vessel, then region); null if unknown.

    ``vessel_frame`` writes two rows per vessel, outside then inside the ECA, so the row is
    2 × (vessel's position) + in_eca. A vessel listed twice takes its first rows.
    """
    keys = params.get_column("mmsi").gather_every(2)
    first = keys.is_first_distinct()
    positions = pl.Series(np.arange(keys.len(), dtype=np.uint32)).filter(first)
    vessel = mmsi.replace_strict(keys.filter(first), positions, default=None, return_dtype=pl.UInt32)
    return vessel * 2 + in_eca.cast(pl.UInt32)
