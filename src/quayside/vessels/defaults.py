"""Fill the particulars a registry lacks, from AIS static data, the vessel's own track, and default tables.

Resolution order, per field; ``inferred`` on the result maps each field that did not come from the
registry or from AIS static data to how it was found, and ``defaulted`` lists those fields:

1. ``category``, ``subtype`` and ``ship_type``: :func:`quayside.vessels.inference.infer_identity`
   (registry; the terminal the vessel berths at; the AIS ship-type code and length; assumptions).
2. **Ocean-going vessels.** Size, in the unit the ship type is binned by (TEU for container ships; DWT for
   bulk, tankers, general cargo, reefers, vehicle carriers; GT otherwise, as in EPA's auxiliary-load
   tables): registry; else, for container ships, TEU from DWT by the inverse Kristensen regression
   (``data/teu_dwt.csv``); else from the AIS length (``data/size_from_length.csv``, assumed values); else
   the typical size of the type's default bin. A container ship's DWT, when missing, comes from its TEU
   by the same regression. ``mcr_kw``, ``service_speed_kn``, ``engine``, ``keel_laid_year``: registry;
   else the size bin of ``data/defaults.csv`` (EPA Ports Emissions Inventory Guidance 2022, Table C.3).
3. **Harbour craft.** ``mcr_kw`` (propulsion), ``aux_rated_kw``, ``service_speed_kn`` and
   ``keel_laid_year`` (the engines' model year): registry; else ``data/harbor_craft_defaults.csv`` by
   subtype. Engine ``HSD``; no size is needed by their method.
4. ``fuel``: registry; else ``None``, meaning "by region" (and ``"fuel"`` is inferred).
5. ``shore_power``: registry; else ``False``. Auxiliary and boiler kW per mode: registry; else ``None``
   (the emissions model uses its load tables); these are never listed as inferred.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pyarrow as pa

from quayside.ais.schema import STATIC_CONTENT_COLUMNS
from quayside.emissions.types import Mode
from quayside.errors import ConfigError
from quayside.vessels._reference import (
    DefaultRow,
    SizeUnit,
    ais_type_rows,
    default_rows,
    harbor_craft_defaults,
    length_rows,
    teu_dwt_rows,
)
from quayside.vessels.inference import Evidence, infer_identity
from quayside.vessels.registry import Registry, RegistryRow, imo_check_digit_ok
from quayside.vessels.types import Category, EngineType, Fuel, HarborCraftType, ShipType, Tier


@dataclass(frozen=True, slots=True)
class Vessel:
    """The particulars of one vessel, every field filled (see the module docstring for ``None`` meanings).

    Units: ``teu`` TEU, ``dwt`` tonnes, ``gt`` gross tonnage, ``mcr_kw`` kW, ``service_speed_kn`` knots,
    ``aux_kw_<mode>`` / ``boiler_kw_<mode>`` kW (``None``: use the load tables).
    """

    mmsi: int
    imo: int | None
    name: str | None
    category: Category
    subtype: HarborCraftType | None
    ship_type: ShipType
    teu: float | None
    dwt: float | None
    gt: float | None
    mcr_kw: float
    service_speed_kn: float
    engine: EngineType
    fuel: Fuel | None
    keel_laid_year: int
    aux_kw_transit: float | None
    aux_kw_maneuvering: float | None
    aux_kw_anchorage: float | None
    aux_kw_hotelling: float | None
    boiler_kw_transit: float | None
    boiler_kw_maneuvering: float | None
    boiler_kw_anchorage: float | None
    boiler_kw_hotelling: float | None
    shore_power: bool
    length_m: float | None
    aux_rated_kw: float | None
    inferred: tuple[tuple[str, str], ...]

    @property
    def defaulted(self) -> tuple[str, ...]:
        """The fields that came neither from the registry nor from AIS static data, in field order."""
        return tuple(name for name, _ in self.inferred)

    @property
    def tier(self) -> Tier:
        """NOx tier by keel-laid year (Tier 3 only applies inside a NOx ECA; see ``emissions/tables/nox_tiers.csv``)."""
        return tier_for_keel_year(self.keel_laid_year)

    def aux_kw(self, mode: Mode) -> float | None:
        """Auxiliary-engine kW from the registry for ``mode``, or ``None``."""
        value: float | None = getattr(self, f"aux_kw_{mode.value}")
        return value

    def boiler_kw(self, mode: Mode) -> float | None:
        """Boiler kW from the registry for ``mode``, or ``None``."""
        value: float | None = getattr(self, f"boiler_kw_{mode.value}")
        return value


def tier_for_keel_year(year: int) -> Tier:
    """IMO NOx tier for a keel-laid year inside a NOx ECA (the emission factors' own tier table)."""
    from quayside.emissions.factors import load_factor_set
    from quayside.emissions.fuel import nox_tier

    return nox_tier(year, True, load_factor_set())


def ship_type_from_ais(code: int | None, length_m: float | None = None) -> ShipType | None:
    """:class:`ShipType` for an AIS ship-type code (ITU-R M.1371 Table 53); ``None`` for a missing code.

    Codes outside 0-99 map to ``other``. Passenger codes (60-69) give ``cruise`` from the length in
    ``data/ais_ship_types.csv`` up, else ``ferry``.
    """
    if code is None:
        return None
    for row in ais_type_rows():
        if row.code_min <= code <= row.code_max:
            if (
                row.large_ship_type is not None
                and row.large_length_m is not None
                and length_m is not None
                and length_m >= row.large_length_m
            ):
                return row.large_ship_type
            return row.ship_type
    return ShipType.OTHER


def _rows_for(ship_type: ShipType) -> tuple[DefaultRow, ...]:
    rows = tuple(r for r in default_rows() if r.ship_type == ship_type)
    if not rows:
        raise ConfigError("no default rows for this ship type in vessels/data/defaults.csv", value=ship_type)
    return rows


def size_unit(ship_type: ShipType) -> SizeUnit:
    """The measure the ship type is binned by: ``teu``, ``dwt`` or ``gt``."""
    return _rows_for(ship_type)[0].size_unit


def default_row(ship_type: ShipType, size: float | None) -> DefaultRow:
    """The ``defaults.csv`` row for a ship type and a size (in :func:`size_unit`); default bin if ``None``."""
    rows = _rows_for(ship_type)
    if size is not None:
        for row in rows:
            if row.contains(size):
                return row
    return next((r for r in rows if r.default_bin), rows[0])


def dwt_from_teu(teu: float) -> float:
    """Container-ship DWT from TEU: DWT = c x TEU^e, in the first regime whose DWT range holds the result."""
    regimes = teu_dwt_rows()
    for row in regimes:
        dwt = float(row.coefficient * teu**row.exponent)
        if dwt <= row.dwt_max:
            return dwt
    return float(regimes[-1].coefficient * teu ** regimes[-1].exponent)


def teu_from_dwt(dwt: float) -> float:
    """Container-ship TEU from DWT: TEU = (DWT / c)^(1/e) in the regime holding DWT (EPA ``calcTEU``)."""
    for row in teu_dwt_rows():
        if dwt <= row.dwt_max:
            return float((dwt / row.coefficient) ** (1.0 / row.exponent))
    raise ConfigError("teu_dwt.csv does not cover this deadweight", field="dwt", value=dwt)


def size_from_length(ship_type: ShipType, length_m: float) -> float | None:
    """Typical size (in :func:`size_unit`) for an overall length; ``None`` if the type has no length rows."""
    for row in length_rows():
        if row.ship_type == ship_type and row.length_min_m <= length_m < row.length_max_m:
            return row.size
    return None


def _positive(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _static_imo(value: Any) -> int | None:
    try:
        imo = int(value)
    except (TypeError, ValueError):
        return None
    return imo if 1_000_000 <= imo <= 9_999_999 and imo_check_digit_ok(imo) else None


def _static_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    # AIS pads names with '@' (6-bit ASCII null)
    cleaned = value.replace("@", " ").strip()
    return cleaned or None


def resolve_vessel(
    mmsi: int,
    row: RegistryRow | None,
    ais_static: Mapping[str, Any] | None,
    evidence: Evidence | None = None,
) -> Vessel:
    """Every particular of one vessel: registry first, then AIS static data and the track, then defaults.

    Parameters
    ----------
    mmsi
        The vessel's MMSI.
    row
        Its registry row, or ``None``.
    ais_static
        Its latest AIS static data with keys of ``STATIC_SCHEMA`` (``imo``, ``name``, ``ship_type_ais``,
        ``length_m``...), or ``None``.
    evidence
        What its track says (the terminal it berths at, Class B only), or ``None``.

    Returns
    -------
    Vessel
        With ``inferred`` naming, in field order, each field that came from inference or defaults.
    """
    static: Mapping[str, Any] = ais_static or {}
    length_m = _positive(static.get("length_m"))
    code = static.get("ship_type_ais")
    get = (lambda name: getattr(row, name)) if row is not None else (lambda name: None)
    identity = infer_identity(
        registry_category=get("category"),
        registry_subtype=get("subtype"),
        registry_ship_type=get("ship_type"),
        registry_teu=get("teu"),
        ais_code=int(code) if code is not None else None,
        length_m=length_m,
        evidence=evidence,
    )
    inferred: dict[str, str] = dict(identity.inferred)
    ship_type = identity.ship_type

    def pick(name: str, given: Any, fallback: Any, how: str) -> Any:
        if given is not None:
            return given
        inferred[name] = how
        return fallback

    sizes: dict[str, float | None] = {"teu": get("teu"), "dwt": get("dwt"), "gt": get("gt")}
    aux_rated_kw: float | None = None
    if identity.category is Category.HARBOR_CRAFT:
        subtype = identity.subtype or HarborCraftType.WORK_BOAT
        hc = harbor_craft_defaults()[subtype]
        how = f"harbor_craft_defaults.csv {subtype}"
        mcr_kw = float(pick("mcr_kw", get("mcr_kw"), hc.main_kw, how))
        service_speed_kn = float(pick("service_speed_kn", get("service_speed_kn"), hc.service_speed_kn, how))
        engine: EngineType = pick("engine", get("engine"), EngineType.HSD, "harbor craft: high-speed diesel")
        keel_laid_year = int(pick("keel_laid_year", get("keel_laid_year"), hc.model_year, how))
        aux_rated_kw = hc.aux_kw
    else:
        unit = size_unit(ship_type)
        if sizes[unit] is None:
            derived: float | None = None
            dwt_known = sizes["dwt"]
            if ship_type == ShipType.CONTAINER and dwt_known:
                derived = teu_from_dwt(dwt_known)
                inferred[unit] = f"teu_dwt.csv from dwt {dwt_known:g}"
            if derived is None and length_m is not None:
                derived = size_from_length(ship_type, length_m)
                if derived is not None:
                    inferred[unit] = f"size_from_length.csv, length {length_m:g} m (U)"
            if derived is None:
                derived = default_row(ship_type, None).size_typical
                inferred[unit] = f"defaults.csv default bin of {ship_type}"
            sizes[unit] = derived
        teu_known = sizes["teu"]
        if ship_type == ShipType.CONTAINER and sizes["dwt"] is None and teu_known:
            sizes["dwt"] = dwt_from_teu(teu_known)
            inferred["dwt"] = f"teu_dwt.csv from teu {teu_known:g}"
        bin_row = default_row(ship_type, sizes[unit])
        how = f"defaults.csv {ship_type} {unit} {bin_row.size_min:g}-{bin_row.size_max:g}"
        mcr_kw = float(pick("mcr_kw", get("mcr_kw"), bin_row.mcr_kw, how))
        service_speed_kn = float(
            pick("service_speed_kn", get("service_speed_kn"), bin_row.service_speed_kn, how)
        )
        engine = pick("engine", get("engine"), bin_row.engine, how)
        keel_laid_year = int(pick("keel_laid_year", get("keel_laid_year"), bin_row.keel_laid_year, how))
    fuel: Fuel | None = pick("fuel", get("fuel"), None, "by region (EPA fuel mix tables)")
    shore_power = bool(pick("shore_power", get("shore_power"), False, "none assumed"))
    aux: Mapping[Mode, float] = row.aux_kw if row is not None else {}
    boiler: Mapping[Mode, float] = row.boiler_kw if row is not None else {}

    order = [f.name for f in fields(Vessel)]
    return Vessel(
        mmsi=mmsi,
        imo=(row.imo if row is not None and row.imo is not None else _static_imo(static.get("imo"))),
        name=(row.name if row is not None and row.name else _static_name(static.get("name"))),
        category=identity.category,
        subtype=identity.subtype,
        ship_type=ship_type,
        teu=sizes["teu"],
        dwt=sizes["dwt"],
        gt=sizes["gt"],
        mcr_kw=mcr_kw,
        service_speed_kn=service_speed_kn,
        engine=engine,
        fuel=fuel,
        keel_laid_year=keel_laid_year,
        aux_kw_transit=aux.get(Mode.TRANSIT),
        aux_kw_maneuvering=aux.get(Mode.MANEUVERING),
        aux_kw_anchorage=aux.get(Mode.ANCHORAGE),
        aux_kw_hotelling=aux.get(Mode.HOTELLING),
        boiler_kw_transit=boiler.get(Mode.TRANSIT),
        boiler_kw_maneuvering=boiler.get(Mode.MANEUVERING),
        boiler_kw_anchorage=boiler.get(Mode.ANCHORAGE),
        boiler_kw_hotelling=boiler.get(Mode.HOTELLING),
        shore_power=shore_power,
        length_m=length_m,
        aux_rated_kw=aux_rated_kw,
        inferred=tuple((name, inferred[name]) for name in order if name in inferred),
    )


def latest_static(static: pa.Table) -> dict[int, dict[str, Any]]:
    """Per MMSI, the AIS static fields merged over time: the latest non-null value of each field wins.

    ``static`` has the columns of ``STATIC_SCHEMA``; rows without a time count as older than timed rows.
    """
    if static.num_rows == 0:
        return {}
    records = static.to_pylist()
    # Untimed rows first, then by time; rows of the same time by content (independent of input order).
    records.sort(key=lambda r: (r.get("ts") is not None, r.get("ts"), _content_key(r)))
    merged: dict[int, dict[str, Any]] = {}
    for record in records:
        target = merged.setdefault(int(record["mmsi"]), {})
        for key, value in record.items():
            if value is not None:
                target[key] = value
    return merged


def _content_key(record: Mapping[str, Any]) -> tuple[tuple[bool, str], ...]:
    """A total order on a static row's content (nulls first), for ties in time."""
    keys = (*STATIC_CONTENT_COLUMNS[1:], "source", "record")  # the MMSI is the same within a vessel
    return tuple((record.get(k) is not None, str(record.get(k))) for k in keys)


def resolve_fleet(
    mmsis: Iterable[int],
    registry: Registry | None,
    static: pa.Table | None = None,
    evidence: Mapping[int, Evidence] | None = None,
) -> list[Vessel]:
    """:func:`resolve_vessel` for many MMSIs (each once, first-seen order) with their latest static data."""
    by_mmsi = latest_static(static) if static is not None else {}
    seen: dict[int, None] = dict.fromkeys(int(m) for m in mmsis)
    found = evidence or {}
    return [
        resolve_vessel(m, registry.get(m) if registry is not None else None, by_mmsi.get(m), found.get(m))
        for m in seen
    ]


_VESSEL_FIELDS: list[tuple[str, pa.DataType]] = [
    ("mmsi", pa.int64()),
    ("imo", pa.int64()),
    ("name", pa.string()),
    ("category", pa.string()),
    ("subtype", pa.string()),
    ("ship_type", pa.string()),
    ("teu", pa.float64()),
    ("dwt", pa.float64()),
    ("gt", pa.float64()),
    ("mcr_kw", pa.float64()),
    ("service_speed_kn", pa.float64()),
    ("engine", pa.string()),
    ("fuel", pa.string()),
    ("keel_laid_year", pa.int32()),
    *[(f"aux_kw_{m.value}", pa.float64()) for m in Mode],
    *[(f"boiler_kw_{m.value}", pa.float64()) for m in Mode],
    ("shore_power", pa.bool_()),
    ("length_m", pa.float64()),
    ("aux_rated_kw", pa.float64()),
    ("defaulted", pa.string()),
    ("inferred", pa.string()),
]
VESSEL_SCHEMA = pa.schema(_VESSEL_FIELDS)
"""Columns of :func:`vessel_table`: the :class:`Vessel` fields; enums as their values, ``defaulted``
comma-joined, ``inferred`` as ``field=method`` pairs joined by ``; ``."""


def vessel_table(vessels: Sequence[Vessel] | Iterable[Vessel]) -> pa.Table:
    """One row per MMSI (the last vessel wins when an MMSI repeats), columns as :data:`VESSEL_SCHEMA`."""
    unique: dict[int, Vessel] = {v.mmsi: v for v in vessels}
    columns: dict[str, list[Any]] = {name: [] for name in VESSEL_SCHEMA.names}
    for v in unique.values():
        for name in VESSEL_SCHEMA.names:
            value = getattr(v, name)
            if name == "defaulted":
                value = ",".join(value)
            elif name == "inferred":
                value = "; ".join(f"{field}={how}" for field, how in value)
            elif name in ("category", "subtype", "ship_type", "engine", "fuel") and value is not None:
                value = value.value
            columns[name].append(value)
    return pa.table(columns, schema=VESSEL_SCHEMA)
