"""Vessel particulars → the per-vessel, per-region parameter rows the kernel reads.

Input (one row per vessel; see ``VESSEL_COLUMNS``): ``mmsi`` (i64), ``ship_type`` (``ShipType`` value),
a size — ``size_value`` in the power table's unit for that type, or ``teu`` / ``dwt`` / ``gt`` columns
(the unit is picked per ship type) — ``mcr_kw`` (kW), ``service_speed_kn`` (kn), ``engine``
(``EngineType`` value), ``fuel`` (``Fuel`` value or null → EPA default by region), ``keel_laid_year`` (int),
``shore_power`` (bool, null = False) and the optional overrides ``aux_kw_<mode>`` / ``boiler_kw_<mode>``
(kW, null = table value) for mode in transit, maneuvering, anchorage, hotelling.

Output: two rows per vessel (``in_eca`` False / True) with ``mmsi``, ``in_eca``, ``mcr_kw``,
``service_speed_kn``, ``llaf_main`` (bool), ``aux_kw_<mode>``, ``boiler_kw_<mode>`` (kW, overrides and
shore power applied) and the ``fuel.GROUP_COLUMNS`` of each engine group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from quayside.emissions.factors import Factor, FactorSet, PowerBin
from quayside.emissions.fuel import GROUP_COLUMNS, GroupFactors, resolve_group
from quayside.emissions.options import EmissionOptions
from quayside.emissions.power import find_power_bin
from quayside.emissions.types import EngineGroup, Mode
from quayside.errors import InputError
from quayside.vessels.types import EngineType, Fuel, ShipType

OVERRIDE_COLUMNS = tuple(f"{p}_kw_{m.value}" for p in ("aux", "boiler") for m in Mode)
VESSEL_COLUMNS = (
    "mmsi",
    "ship_type",
    "size_value",
    "mcr_kw",
    "service_speed_kn",
    "engine",
    "fuel",
    "keel_laid_year",
    "shore_power",
    *OVERRIDE_COLUMNS,
)
"""Vessel-table columns the kernel reads (``size_value`` may be replaced by ``teu`` / ``dwt`` / ``gt``)."""

REQUIRED_COLUMNS = ("mmsi", "ship_type", "mcr_kw", "service_speed_kn", "engine", "keel_laid_year")


@dataclass(frozen=True, slots=True)
class VesselParams:
    """Resolved parameters of one vessel: power per mode and factors per region and engine group."""

    mmsi: int
    mcr_kw: float
    service_speed_kn: float
    llaf_main: bool
    kw: dict[str, float]  # aux_kw_<mode>, boiler_kw_<mode>
    aux_bin: PowerBin
    boiler_bin: PowerBin
    groups: dict[tuple[bool, EngineGroup], GroupFactors]  # (in_eca, group)

    def rows(self) -> list[dict[str, Any]]:
        """The two parameter rows (outside, inside the ECA) of this vessel."""
        out = []
        for in_eca in (False, True):
            row: dict[str, Any] = {
                "mmsi": self.mmsi,
                "in_eca": in_eca,
                "mcr_kw": self.mcr_kw,
                "service_speed_kn": self.service_speed_kn,
                "llaf_main": self.llaf_main,
                **self.kw,
            }
            for group in EngineGroup:
                for stem in GROUP_COLUMNS:
                    row[f"{stem}_{group.value}"] = self.groups[(in_eca, group)].values[stem]
            out.append(row)
        return out

    def used_factors(self, in_eca: bool) -> list[tuple[str, Factor]]:
        """Every sourced factor behind the rows of one region."""
        used: list[tuple[str, Factor]] = []
        for group in EngineGroup:
            used.extend(self.groups[(in_eca, group)].used)
        return used


def _parse(kind: Any, value: object, source: str, record: int | str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise InputError(
            "unknown value",
            source=source,
            record=record,
            field=field,
            value=value,
            hint=f"use one of: {allowed}",
        ) from exc


def _number(row: Mapping[str, Any], field: str, source: str, record: int | str, *, positive: bool) -> float:
    value = row.get(field)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InputError("a number is required", source=source, record=record, field=field, value=value)
    if positive and value <= 0:
        raise InputError("must be greater than 0", source=source, record=record, field=field, value=value)
    if value < 0:
        raise InputError("must not be negative", source=source, record=record, field=field, value=value)
    return float(value)


def vessel_parameters(
    row: Mapping[str, Any],
    factors: FactorSet,
    options: EmissionOptions,
    *,
    source: str = "vessels",
    record: int | str | None = None,
) -> VesselParams:
    """Resolve one vessel row (keys as ``VESSEL_COLUMNS``) into :class:`VesselParams`.

    Raises
    ------
    InputError
        A missing or invalid particular; the message names ``source``, the record (the MMSI unless
        ``record`` is given) and the field.
    """
    mmsi = int(row.get("mmsi") or 0)
    rec: int | str = record if record is not None else mmsi
    ship_type: ShipType = _parse(ShipType, row.get("ship_type"), source, rec, "ship_type")
    engine: EngineType = _parse(EngineType, row.get("engine"), source, rec, "engine")
    fuel_value = row.get("fuel")
    fuel: Fuel | None = None if fuel_value is None else _parse(Fuel, fuel_value, source, rec, "fuel")
    mcr_kw = _number(row, "mcr_kw", source, rec, positive=True)
    service_speed = _number(row, "service_speed_kn", source, rec, positive=True)
    keel = row.get("keel_laid_year")
    if not isinstance(keel, int) or isinstance(keel, bool) or not 1800 <= keel <= 2200:
        raise InputError(
            "a keel-laid year is required", source=source, record=rec, field="keel_laid_year", value=keel
        )
    epa_type = factors.ship_types[ship_type]
    sizes: dict[str, float | None] = {k: row.get(k) for k in ("teu", "dwt", "gt")}
    if row.get("size_value") is not None:
        sizes = dict.fromkeys(("teu", "dwt", "gt"), row["size_value"])
    aux_bin = find_power_bin(factors.aux_kw, epa_type, sizes)
    boiler_bin = find_power_bin(factors.boiler_kw, epa_type, sizes)
    kw: dict[str, float] = {}
    for prefix, bin_ in (("aux", aux_bin), ("boiler", boiler_bin)):
        for mode in Mode:
            name = f"{prefix}_kw_{mode.value}"
            override = row.get(name)
            kw[name] = bin_.kw[mode] if override is None else _number(row, name, source, rec, positive=False)
    if options.shore_power and bool(row.get("shore_power")):
        kw[f"aux_kw_{Mode.HOTELLING.value}"] = 0.0
    groups = {
        (in_eca, group): resolve_group(factors, group, engine, fuel, keel, in_eca, options)
        for in_eca in (False, True)
        for group in EngineGroup
    }
    llaf_main = options.low_load_adjustment and not engine.electric_drive
    return VesselParams(mmsi, mcr_kw, service_speed, llaf_main, kw, aux_bin, boiler_bin, groups)


def vessel_frame(vessels: pl.DataFrame, factors: FactorSet, options: EmissionOptions) -> pl.DataFrame:
    """Parameter rows for every vessel (two per MMSI), in vessel order, outside then inside the ECA.

    The kernel indexes the rows by that order (``2 × vessel position + in_eca``).

    Raises
    ------
    InputError
        A required column is missing, or a vessel row is invalid (the message names MMSI and field).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in vessels.columns]
    if missing:
        raise InputError("missing vessel columns", source="vessels", field=missing[0], value=missing)
    rows: list[dict[str, Any]] = []
    for row in vessels.iter_rows(named=True):
        rows.extend(vessel_parameters(row, factors, options).rows())
    return pl.DataFrame(rows, schema=PARAM_SCHEMA)


PARAM_SCHEMA: dict[str, pl.DataType] = {
    "mmsi": pl.Int64(),
    "in_eca": pl.Boolean(),
    "mcr_kw": pl.Float64(),
    "service_speed_kn": pl.Float64(),
    "llaf_main": pl.Boolean(),
    **{name: pl.Float64() for name in OVERRIDE_COLUMNS},
    **{f"{stem}_{g.value}": pl.Float64() for g in EngineGroup for stem in GROUP_COLUMNS},
}
"""Columns and dtypes of :func:`vessel_frame`."""
