"""Fill the particulars a registry lacks, from AIS static data and default tables by ship type and size bin.

Resolution order, per field (``defaulted`` on the result names each field that did not come from the
registry or from AIS static data):

1. ``ship_type``: registry; else container when the registry gives a TEU; else the AIS ship-type code
   (``data/ais_ship_types.csv``; passenger ships from 200 m up are cruise ships, an assumption); else
   ``other``. Any of these but the registry puts ``"ship_type"`` in ``defaulted``.
2. Size, in the unit the ship type is binned by (TEU for container ships; DWT for bulk, tankers, general
   cargo, reefers, vehicle carriers; GT otherwise, as in EPA's auxiliary-load tables): registry; else, for
   container ships, TEU from DWT by the inverse Kristensen regression (``data/teu_dwt.csv``); else from the
   AIS length (``data/size_from_length.csv``, assumed values); else the typical size of the type's default
   bin.
   A container ship's DWT, when missing, comes from its TEU by the same regression.
3. ``mcr_kw``, ``service_speed_kn``, ``engine``, ``keel_laid_year``: registry; else the size bin of
   ``data/defaults.csv`` (EPA Ports Emissions Inventory Guidance 2022, Table C.3; assumptions marked there).
4. ``fuel``: registry; else ``None``, meaning "by region": the emissions model takes the fuel from EPA's fuel
   mix tables for the place and date (and ``"fuel"`` is listed in ``defaulted``).
5. ``shore_power``: registry; else ``False``. Auxiliary and boiler kW: registry per mode; else ``None`` (the
   emissions model uses its load tables); these are never listed in ``defaulted``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pyarrow as pa

from quayside.emissions.types import Mode
from quayside.errors import ConfigError
from quayside.vessels._reference import (
    DefaultRow,
    SizeUnit,
    ais_type_rows,
    default_rows,
    length_rows,
    teu_dwt_rows,
)
from quayside.vessels.registry import Registry, RegistryRow, imo_check_digit_ok
from quayside.vessels.types import EngineType, Fuel, ShipType, Tier


@dataclass(frozen=True, slots=True)
class Vessel:
    """The particulars of one vessel, every field filled (see the module docstring for ``None`` meanings).

    Units: ``teu`` TEU, ``dwt`` tonnes, ``gt`` gross tonnage, ``mcr_kw`` kW, ``service_speed_kn`` knots,
    ``aux_kw_<mode>`` / ``boiler_kw_<mode>`` kW (``None``: use the load tables).
    """

    mmsi: int
    imo: int | None
    name: str | None
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
    defaulted: tuple[str, ...]

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
) -> Vessel:
    """Every particular of one vessel: registry first, then AIS static data, then defaults.

    Parameters
    ----------
    mmsi
        The vessel's MMSI.
    row
        Its registry row, or ``None``.
    ais_static
        Its latest AIS static data with keys of ``STATIC_SCHEMA`` (``imo``, ``name``, ``ship_type_ais``,
        ``length_m``...), or ``None``.

    Returns
    -------
    Vessel
        With ``defaulted`` naming, in field order, each field that came from defaults.
    """
    static: Mapping[str, Any] = ais_static or {}
    defaulted: set[str] = set()
    length_m = _positive(static.get("length_m"))

    ship_type = row.ship_type if row is not None else None
    if ship_type is None:
        defaulted.add("ship_type")
        if row is not None and row.teu:
            ship_type = ShipType.CONTAINER
        else:
            code = static.get("ship_type_ais")
            ship_type = (
                ship_type_from_ais(int(code) if code is not None else None, length_m) or ShipType.OTHER
            )

    sizes: dict[str, float | None] = {
        "teu": row.teu if row is not None else None,
        "dwt": row.dwt if row is not None else None,
        "gt": row.gt if row is not None else None,
    }
    unit = size_unit(ship_type)
    if sizes[unit] is None:
        derived: float | None = None
        dwt_known = sizes["dwt"]
        if ship_type == ShipType.CONTAINER and dwt_known:
            derived = teu_from_dwt(dwt_known)
        if derived is None and length_m is not None:
            derived = size_from_length(ship_type, length_m)
        if derived is None:
            derived = default_row(ship_type, None).size_typical
        sizes[unit] = derived
        defaulted.add(unit)
    teu_known = sizes["teu"]
    if ship_type == ShipType.CONTAINER and sizes["dwt"] is None and teu_known:
        sizes["dwt"] = dwt_from_teu(teu_known)
        defaulted.add("dwt")
    bin_row = default_row(ship_type, sizes[unit])

    def pick(name: str, given: Any, fallback: Any) -> Any:
        if given is not None:
            return given
        defaulted.add(name)
        return fallback

    get = (lambda name: getattr(row, name)) if row is not None else (lambda name: None)
    mcr_kw = float(pick("mcr_kw", get("mcr_kw"), bin_row.mcr_kw))
    service_speed_kn = float(pick("service_speed_kn", get("service_speed_kn"), bin_row.service_speed_kn))
    engine: EngineType = pick("engine", get("engine"), bin_row.engine)
    fuel: Fuel | None = pick("fuel", get("fuel"), None)
    keel_laid_year = int(pick("keel_laid_year", get("keel_laid_year"), bin_row.keel_laid_year))
    shore_power = bool(pick("shore_power", get("shore_power"), False))
    aux: Mapping[Mode, float] = row.aux_kw if row is not None else {}
    boiler: Mapping[Mode, float] = row.boiler_kw if row is not None else {}

    order = [f.name for f in fields(Vessel)]
    return Vessel(
        mmsi=mmsi,
        imo=(row.imo if row is not None and row.imo is not None else _static_imo(static.get("imo"))),
        name=(row.name if row is not None and row.name else _static_name(static.get("name"))),
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
        defaulted=tuple(name for name in order if name in defaulted),
    )


def latest_static(static: pa.Table) -> dict[int, dict[str, Any]]:
    """Per MMSI, the AIS static fields merged over time: the latest non-null value of each field wins.

    ``static`` has the columns of ``STATIC_SCHEMA``; rows without a time count as older than timed rows.
    """
    if static.num_rows == 0:
        return {}
    records = static.to_pylist()
    # stable sort: untimed rows first, in file order, then by time
    records.sort(key=lambda r: (r.get("ts") is not None, r.get("ts")))
    merged: dict[int, dict[str, Any]] = {}
    for record in records:
        target = merged.setdefault(int(record["mmsi"]), {})
        for key, value in record.items():
            if value is not None:
                target[key] = value
    return merged


def resolve_fleet(
    mmsis: Iterable[int],
    registry: Registry | None,
    static: pa.Table | None = None,
) -> list[Vessel]:
    """:func:`resolve_vessel` for many MMSIs (each once, first-seen order) with their latest static data."""
    by_mmsi = latest_static(static) if static is not None else {}
    seen: dict[int, None] = dict.fromkeys(int(m) for m in mmsis)
    return [
        resolve_vessel(m, registry.get(m) if registry is not None else None, by_mmsi.get(m)) for m in seen
    ]


_VESSEL_FIELDS: list[tuple[str, pa.DataType]] = [
    ("mmsi", pa.int64()),
    ("imo", pa.int64()),
    ("name", pa.string()),
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
    ("defaulted", pa.string()),
]
VESSEL_SCHEMA = pa.schema(_VESSEL_FIELDS)
"""Columns of :func:`vessel_table`: the :class:`Vessel` fields; enums as their values, ``defaulted``
comma-joined."""


def vessel_table(vessels: Sequence[Vessel] | Iterable[Vessel]) -> pa.Table:
    """One row per MMSI (the last vessel wins when an MMSI repeats), columns as :data:`VESSEL_SCHEMA`."""
    unique: dict[int, Vessel] = {v.mmsi: v for v in vessels}
    columns: dict[str, list[Any]] = {name: [] for name in VESSEL_SCHEMA.names}
    for v in unique.values():
        for name in VESSEL_SCHEMA.names:
            value = getattr(v, name)
            if name == "defaulted":
                value = ",".join(value)
            elif name in ("ship_type", "engine", "fuel") and value is not None:
                value = value.value
            columns[name].append(value)
    return pa.table(columns, schema=VESSEL_SCHEMA)
