"""Typed parameters of the simulated equipment register and activity logs, read from ``equipment.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import ConfigError

_FILE = Path(__file__).parent / "equipment.toml"


@dataclass(frozen=True)
class Machine:
    """How one kind of terminal machine is sized, works and draws energy (``[machines.<kind>]``)."""

    kind: EquipmentKind
    abbreviation: str
    units_per_100k_moves: float
    rated_kw: tuple[float, float]
    max_age_years: int
    lifts_per_quay_move: float | None = None
    lifts_per_hour: float | None = None
    hours_per_quay_move: float | None = None
    hours_per_day: float | None = None
    kwh_per_hour: float | None = None
    kg_h2_per_hour: float | None = None
    fuel_l_per_hour: Mapping[PowerSource, tuple[float, float]] | None = None


@dataclass(frozen=True)
class NamedUnit:
    """A machine on a fixed daily schedule from its first day in service (``[[ports.<key>.units]]``)."""

    unit_id: str
    terminal: str
    kind: EquipmentKind
    power_source: PowerSource
    model_year: int
    in_service: date
    hours_per_day: float


@dataclass(frozen=True)
class TruckFleet:
    """The drayage trucks of a port: power mix, oldest model year, rated power range."""

    power: Mapping[PowerSource, float]
    oldest_model_year: int
    rated_kw: tuple[float, float]


@dataclass(frozen=True)
class PortEquipment:
    """One port's power mix per kind, named units and truck fleet."""

    power: Mapping[EquipmentKind, Mapping[PowerSource, float]]
    units: tuple[NamedUnit, ...]
    trucks: TruckFleet


@dataclass(frozen=True)
class EquipmentParams:
    """Everything :mod:`quayside.simulate._equipment` draws from."""

    berth_moves_per_hour: float
    utilisation_sigma: float
    blank_share: float
    zero_emission_max_age_years: int
    tier4_final_from: int
    machines: tuple[Machine, ...]
    ports: Mapping[str, PortEquipment]


def _range(value: Any, name: str, src: str) -> tuple[float, float]:
    if not (isinstance(value, list) and len(value) == 2 and 0 < float(value[0]) <= float(value[1])):
        raise ConfigError("needs [low, high] with 0 < low <= high", source=src, field=name, value=value)
    return float(value[0]), float(value[1])


def _optional(doc: Mapping[str, Any], name: str) -> float | None:
    return float(doc[name]) if name in doc else None


def _machine(kind: str, doc: Mapping[str, Any], src: str) -> Machine:
    field = f"machines.{kind}"
    fuel = doc.get("fuel_l_per_hour")
    machine = Machine(
        kind=EquipmentKind(kind),
        abbreviation=str(doc["abbreviation"]),
        units_per_100k_moves=float(doc["units_per_100k_moves"]),
        rated_kw=_range(doc["rated_kw"], f"{field}.rated_kw", src),
        max_age_years=int(doc["max_age_years"]),
        lifts_per_quay_move=_optional(doc, "lifts_per_quay_move"),
        lifts_per_hour=_optional(doc, "lifts_per_hour"),
        hours_per_quay_move=_optional(doc, "hours_per_quay_move"),
        hours_per_day=_optional(doc, "hours_per_day"),
        kwh_per_hour=_optional(doc, "kwh_per_hour"),
        kg_h2_per_hour=_optional(doc, "kg_h2_per_hour"),
        fuel_l_per_hour=(
            {PowerSource(k): _range(v, f"{field}.fuel_l_per_hour", src) for k, v in fuel.items()}
            if fuel
            else None
        ),
    )
    work = [
        machine.lifts_per_hour is not None and machine.lifts_per_quay_move is not None,
        machine.hours_per_quay_move is not None,
        machine.hours_per_day is not None,
    ]
    if sum(work) != 1:
        raise ConfigError(
            "give exactly one way of working: lifts_per_quay_move with lifts_per_hour, hours_per_quay_move, "
            "or hours_per_day",
            source=src,
            field=field,
        )
    return machine


def _shares(doc: Mapping[str, Any], name: str, src: str) -> dict[PowerSource, float]:
    shares = {PowerSource(str(k)): float(v) for k, v in doc.items()}
    if any(v < 0 for v in shares.values()) or abs(sum(shares.values()) - 1.0) > 1e-9:
        raise ConfigError("shares must be >= 0 and add up to 1", source=src, field=name, value=doc)
    return shares


def _port(key: str, doc: Mapping[str, Any], kinds: set[EquipmentKind], src: str) -> PortEquipment:
    power = {EquipmentKind(k): _shares(v, f"ports.{key}.power.{k}", src) for k, v in doc["power"].items()}
    if set(power) != kinds:
        raise ConfigError("needs a power mix for every machine kind", source=src, field=f"ports.{key}.power")
    units = tuple(
        NamedUnit(
            unit_id=str(u["unit_id"]),
            terminal=str(u["terminal"]),
            kind=EquipmentKind(u["kind"]),
            power_source=PowerSource(u["power_source"]),
            model_year=int(u["model_year"]),
            in_service=date.fromisoformat(str(u["in_service"])),
            hours_per_day=float(u["hours_per_day"]),
        )
        for u in doc.get("units", [])
    )
    trucks = doc["trucks"]
    fleet = TruckFleet(
        power=_shares(trucks["power"], f"ports.{key}.trucks.power", src),
        oldest_model_year=int(trucks["oldest_model_year"]),
        rated_kw=_range(trucks["rated_kw"], f"ports.{key}.trucks.rated_kw", src),
    )
    return PortEquipment(power=power, units=units, trucks=fleet)


@cache
def load_equipment_params(path: Path = _FILE) -> EquipmentParams:
    """The parameters in ``path`` (default: the bundled ``equipment.toml``).

    Raises
    ------
    ConfigError
        When the file is missing, not TOML, or a value is missing, unknown or out of range.
    """
    src = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        fleet = doc["fleet"]
        machines = tuple(_machine(kind, spec, src) for kind, spec in doc["machines"].items())
        kinds = {m.kind for m in machines}
        params = EquipmentParams(
            berth_moves_per_hour=float(doc["moves"]["berth_moves_per_hour"]),
            utilisation_sigma=float(fleet["utilisation_sigma"]),
            blank_share=float(fleet["blank_share"]),
            zero_emission_max_age_years=int(fleet["zero_emission_max_age_years"]),
            tier4_final_from=int(fleet["tier4_final_from"]),
            machines=machines,
            ports={str(key): _port(str(key), port, kinds, src) for key, port in doc["ports"].items()},
        )
    except OSError as exc:
        raise ConfigError(f"cannot read equipment parameters: {exc.strerror}", source=src) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=src) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"missing or bad value: {exc}", source=src) from exc
    if params.berth_moves_per_hour <= 0 or not 0.0 <= params.blank_share < 1.0:
        raise ConfigError("berth_moves_per_hour must be > 0 and blank_share in [0, 1)", source=src)
    return params
