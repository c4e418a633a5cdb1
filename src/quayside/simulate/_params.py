"""Typed simulation parameters, read from ``params.toml`` and ``particulars.csv`` beside this module."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from quayside.errors import ConfigError, InputError
from quayside.vessels.types import EngineType, Fuel, ShipType

_DIR = Path(__file__).parent
PARAMS_FILE = _DIR / "params.toml"
PARTICULARS_FILE = _DIR / "particulars.csv"


@dataclass(frozen=True)
class Reporting:
    """AIS reporting intervals and noise."""

    underway_interval_s: float
    manoeuvring_interval_s: float
    manoeuvring_below_kn: float
    stationary_interval_s: float
    jitter_m: float
    duplicate_share: float
    sog_sentinel_share: float
    gap_call_share: float
    gap_hours_min: float
    gap_hours_max: float


@dataclass(frozen=True)
class Behaviour:
    """How vessels move: speeds, VSR compliance, anchoring, shifting and tug assistance."""

    vsr_compliance_share: float
    vsr_40nm_share: float
    vsr_speed_min_kn: float
    vsr_speed_max_kn: float
    sea_speed_min_factor: float
    sea_speed_max_factor: float
    harbour_speed_kn: float
    taper_min_kn: float
    taper_kn_per_nm: float
    path_step_nm: float
    anchor_if_berth_wait_h: float
    extra_anchor_share: float
    extra_anchor_median_h: float
    extra_anchor_sigma: float
    shift_share: float
    tug_transit_kn: float
    tug_escort_kn: float
    tugs_per_move: int


@dataclass(frozen=True)
class Particulars:
    """Size anchors of one ship type; particulars are interpolated linearly on ``size``."""

    size: npt.NDArray[np.float64]
    columns: dict[str, npt.NDArray[np.float64]]

    def at(self, size: float) -> dict[str, float]:
        """Particulars of a ship of this size."""
        return {k: float(np.interp(size, self.size, v)) for k, v in self.columns.items()}


@dataclass(frozen=True)
class TypeParams:
    """Per ship type: AIS code, berth cargo, stay, size range, engine/fuel mix, registry gaps."""

    ship_type: ShipType
    ais_type: int
    cargo: str
    berth_days_mean: float
    berth_days_cv: float
    size_min: float
    size_max: float
    engines: tuple[tuple[EngineType, float], ...]
    fuels: tuple[tuple[Fuel, float], ...]
    shore_power_share: float
    keel_year_min: int
    keel_year_max: int
    blank_share: float
    particulars: Particulars


@dataclass(frozen=True)
class PortParams:
    """Per port: call rates by ship type, berth stay factor, tug fleet, MMSI prefixes."""

    calls_per_day: tuple[tuple[ShipType, float], ...]
    berth_days_factor: float
    tugs: int
    tug_base: tuple[float, float]
    vessel_mids: tuple[int, ...]
    tug_mids: tuple[int, ...]


@dataclass(frozen=True)
class SimParams:
    """Everything the simulator reads from its data files."""

    start: datetime
    warmup_days: float
    reporting: Reporting
    behaviour: Behaviour
    types: dict[ShipType, TypeParams]
    ports: dict[str, PortParams]
    name_first: tuple[str, ...]
    name_second: tuple[str, ...]
    tug_first: tuple[str, ...]


def _section(doc: dict[str, Any], name: str) -> dict[str, Any]:
    value = doc.get(name)
    if not isinstance(value, dict):
        raise ConfigError(f"section [{name}] is missing", source=str(PARAMS_FILE), field=name)
    return value


def _fields(cls: type, section: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, typ in cls.__annotations__.items():
        if name not in section:
            raise ConfigError("parameter is missing", source=str(PARAMS_FILE), record=where, field=name)
        out[name] = int(section[name]) if typ == "int" else float(section[name])
    return out


def _read_particulars() -> dict[ShipType, Particulars]:
    rows: dict[ShipType, list[dict[str, str]]] = {}
    with PARTICULARS_FILE.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                st = ShipType(row["ship_type"])
            except ValueError as exc:
                raise InputError(
                    "unknown ship type",
                    source=str(PARTICULARS_FILE),
                    record=line,
                    field="ship_type",
                    value=row,
                ) from exc
            rows.setdefault(st, []).append(row)
    out = {}
    numeric = ("length_m", "beam_m", "draught_m", "dwt", "gt", "mcr_kw", "service_speed_kn")
    for st, rs in rows.items():
        rs.sort(key=lambda r: float(r["size"]))
        out[st] = Particulars(
            size=np.array([float(r["size"]) for r in rs]),
            columns={c: np.array([float(r[c]) for r in rs]) for c in numeric},
        )
    return out


def load_params() -> SimParams:
    """Read and validate ``params.toml`` and ``particulars.csv``.

    Raises
    ------
    ConfigError
        A parameter is missing or has the wrong type or value (the message names the file and key).
    """
    try:
        return _load_params()
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"bad simulation parameters: {exc!r}", source=str(PARAMS_FILE)) from exc


def _load_params() -> SimParams:
    doc = tomllib.loads(PARAMS_FILE.read_text(encoding="utf-8"))
    particulars = _read_particulars()
    types: dict[ShipType, TypeParams] = {}
    for key, sec in _section(doc, "ship_types").items():
        st = ShipType(key)
        where = f"[ship_types.{key}]"
        if st not in particulars:
            raise ConfigError("no particulars for this ship type", source=str(PARTICULARS_FILE), record=where)
        types[st] = TypeParams(
            ship_type=st,
            ais_type=int(sec["ais_type"]),
            cargo=str(sec["cargo"]),
            berth_days_mean=float(sec["berth_days_mean"]),
            berth_days_cv=float(sec["berth_days_cv"]),
            size_min=float(sec["size_min"]),
            size_max=float(sec["size_max"]),
            engines=tuple((EngineType(k), float(v)) for k, v in sec["engines"].items()),
            fuels=tuple((Fuel(k), float(v)) for k, v in sec["fuels"].items()),
            shore_power_share=float(sec["shore_power_share"]),
            keel_year_min=int(sec["keel_year_min"]),
            keel_year_max=int(sec["keel_year_max"]),
            blank_share=float(sec["blank_share"]),
            particulars=particulars[st],
        )
    ports = {}
    for key, sec in _section(doc, "ports").items():
        ports[key] = PortParams(
            calls_per_day=tuple((ShipType(k), float(v)) for k, v in sec["calls_per_day"].items()),
            berth_days_factor=float(sec["berth_days_factor"]),
            tugs=int(sec["tugs"]),
            tug_base=(float(sec["tug_base_lon"]), float(sec["tug_base_lat"])),
            vessel_mids=tuple(int(m) for m in sec["vessel_mids"]),
            tug_mids=tuple(int(m) for m in sec["tug_mids"]),
        )
    names = _section(doc, "names")
    return SimParams(
        start=datetime.fromisoformat(str(doc["start"])),
        warmup_days=float(doc["warmup_days"]),
        reporting=Reporting(**_fields(Reporting, _section(doc, "reporting"), "[reporting]")),
        behaviour=Behaviour(**_fields(Behaviour, _section(doc, "behaviour"), "[behaviour]")),
        types=types,
        ports=ports,
        name_first=tuple(names["first"]),
        name_second=tuple(names["second"]),
        tug_first=tuple(names["tug_first"]),
    )
