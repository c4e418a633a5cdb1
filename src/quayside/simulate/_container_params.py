"""Typed parameters of the container-flow simulation, read from ``containers.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from quayside.errors import ConfigError
from quayside.visibility.codes import is_unlocode

_FILE = Path(__file__).parent / "containers.toml"


@dataclass(frozen=True)
class Clipped:
    """A lognormal distribution given by its median and log-standard-deviation, clipped to [lo, hi]."""

    median: float
    sigma: float
    lo: float
    hi: float

    def draw(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """One value (``size=None``) or an array of values."""
        values = rng.lognormal(np.log(self.median), self.sigma, size)
        return np.clip(values, self.lo, self.hi)


@dataclass(frozen=True)
class Carrier:
    """An ocean carrier: name, SCAC and the ISO 6346 owner code of its containers."""

    name: str
    scac: str
    owner_prefix: str


@dataclass(frozen=True)
class Party:
    """A fictional trucker (with a code) or cargo owner (code None)."""

    name: str
    code: str | None


@dataclass(frozen=True)
class PortParties:
    """The port authorities (UN/LOCODE → name) and terminals (SMDG code → UN/LOCODE) of one port profile."""

    authorities: Mapping[str, str]
    terminals: Mapping[str, str]


@dataclass(frozen=True)
class FlowParams:
    """Everything :mod:`quayside.simulate.containers` draws from."""

    discharges_per_call: tuple[int, int]
    loads_per_call: tuple[int, int]
    rail_share: float
    size_types: Mapping[str, float]
    containers_per_document: tuple[int, int]
    plan_noise_h: float
    schedule_noise_h: float
    import_dwell_d: Clipped
    street_dwell_d: Clipped
    export_dwell_d: Clipped
    turn_time_min: Clipped
    dual_extra_min: float
    dual_share: float
    pair_window_h: float
    gate_open_hour: int
    carriers: tuple[Carrier, ...]
    truckers: tuple[Party, ...]
    cargo_owners: tuple[Party, ...]
    ports: Mapping[str, PortParties]


def _clipped(doc: Mapping[str, Any], name: str, src: str) -> Clipped:
    try:
        c = Clipped(float(doc["median"]), float(doc["sigma"]), float(doc["min"]), float(doc["max"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"needs median, sigma, min and max: {exc}", source=src, field=name) from None
    if not (0 < c.lo <= c.median <= c.hi and c.sigma >= 0):
        raise ConfigError("needs 0 < min <= median <= max and sigma >= 0", source=src, field=name)
    return c


def _pair(doc: Mapping[str, Any], name: str, src: str) -> tuple[int, int]:
    value = doc.get(name)
    if not (isinstance(value, list) and len(value) == 2 and 0 <= int(value[0]) <= int(value[1])):
        raise ConfigError("needs [low, high] with 0 <= low <= high", source=src, field=name, value=value)
    return int(value[0]), int(value[1])


@cache
def load_flow_params(path: Path = _FILE) -> FlowParams:
    """The parameters in ``path`` (default: the bundled ``containers.toml``).

    Raises
    ------
    ConfigError
        When the file is missing, not TOML, or a value is missing or out of range.
    """
    src = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        flows, trucks = doc["flows"], doc["trucks"]
        sizes = {str(k): float(v) for k, v in flows["iso_size_types"].items()}
        ports = {
            str(key): PortParties(
                authorities={str(k): str(v) for k, v in port["authorities"].items()},
                terminals={str(k): str(v) for k, v in port["terminals"].items()},
            )
            for key, port in doc["ports"].items()
        }
        carriers = tuple(
            Carrier(str(c["name"]), str(c["scac"]), str(c["owner_prefix"])) for c in doc["carriers"]
        )
        truckers = tuple(Party(str(t["name"]), str(t["code"])) for t in doc["truckers"])
        owners = tuple(Party(str(o["name"]), None) for o in doc["cargo_owners"])
        params = FlowParams(
            discharges_per_call=_pair(flows, "discharges_per_call", src),
            loads_per_call=_pair(flows, "loads_per_call", src),
            rail_share=float(flows["rail_share"]),
            size_types=sizes,
            containers_per_document=_pair(flows, "containers_per_document", src),
            plan_noise_h=float(flows["plan_noise_hours"]),
            schedule_noise_h=float(flows["schedule_noise_hours"]),
            import_dwell_d=_clipped(flows["import_dwell_days"], "import_dwell_days", src),
            street_dwell_d=_clipped(flows["street_dwell_days"], "street_dwell_days", src),
            export_dwell_d=_clipped(flows["export_dwell_days"], "export_dwell_days", src),
            turn_time_min=_clipped(trucks["turn_time_minutes"], "turn_time_minutes", src),
            dual_extra_min=float(trucks["dual_extra_minutes"]),
            dual_share=float(trucks["dual_share"]),
            pair_window_h=float(trucks["pair_window_hours"]),
            gate_open_hour=int(trucks["gate_open_hour"]),
            carriers=carriers,
            truckers=truckers,
            cargo_owners=owners,
            ports=ports,
        )
    except OSError as exc:
        raise ConfigError(f"cannot read container-flow parameters: {exc.strerror}", source=src) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=src) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"missing or bad value: {exc}", source=src) from exc
    _check(params, src)
    return params


def _check(params: FlowParams, src: str) -> None:
    for name, share in (("rail_share", params.rail_share), ("dual_share", params.dual_share)):
        if not 0.0 <= share <= 1.0:
            raise ConfigError("a share must lie in [0, 1]", source=src, field=name, value=share)
    if abs(sum(params.size_types.values()) - 1.0) > 1e-9:
        raise ConfigError("shares must add up to 1", source=src, field="iso_size_types")
    if not 0 <= params.gate_open_hour < 24:
        raise ConfigError(
            "an hour of the day", source=src, field="gate_open_hour", value=params.gate_open_hour
        )
    if not (params.carriers and params.truckers and params.cargo_owners):
        raise ConfigError("needs at least one carrier, trucker and cargo owner", source=src)
    for key, port in params.ports.items():
        for code in (*port.authorities, *port.terminals.values()):
            if not is_unlocode(code):
                raise ConfigError("not a UN/LOCODE", source=src, field=f"ports.{key}", value=code)
        missing = set(port.terminals.values()) - set(port.authorities)
        if missing:
            raise ConfigError(
                "terminal in a port without an authority", source=src, field=f"ports.{key}", value=missing
            )
