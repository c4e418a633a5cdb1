"""Simulated vessels: identities (MMSI, IMO, name, call sign), particulars and the registry CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from quayside.simulate._params import SimParams, TypeParams
from quayside.vessels.registry import PARTICULARS
from quayside.vessels.types import EngineType, Fuel, ShipType

REGISTRY_COLUMNS = ("mmsi", "imo", "name", *PARTICULARS, "shore_power")
#: Registry cells that may be left empty on purpose (identity and type always stay filled).
_NAME_DRAWS = 100  # draws of a fresh name before numbering one (the word lists are finite)
_T = TypeVar("_T")
_BLANKABLE = (
    "teu",
    "dwt",
    "gt",
    "mcr_kw",
    "service_speed_kn",
    "engine",
    "fuel",
    "keel_laid_year",
    "shore_power",
)


@dataclass(frozen=True)
class SimVessel:
    """One simulated vessel with the particulars the simulator and the registry need."""

    mmsi: int
    imo: int
    name: str
    call_sign: str
    ship_type: ShipType
    ais_type: int
    teu: int | None
    dwt: float
    gt: float
    mcr_kw: float
    service_speed_kn: float
    length_m: float
    beam_m: float
    draught_m: float
    engine: EngineType
    fuel: Fuel
    keel_laid_year: int
    shore_power: bool
    blank: tuple[str, ...]  # registry cells to leave empty


def imo_check_digit(six: int) -> int:
    """IMO number check digit: six digits weighted 7..2, last digit of the sum (IMO Res. A.1078(28))."""
    digits = [int(c) for c in f"{six:06d}"]
    return sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10


class FleetFactory:
    """Draws unique vessels from a seeded generator."""

    def __init__(self, params: SimParams, rng: np.random.Generator) -> None:
        self._p = params
        self._rng = rng
        self._mmsis: set[int] = set()
        self._imos: set[int] = set()
        self._names: set[str] = set()
        self._next_number = 20

    def _unique_mmsi(self, mids: Sequence[int]) -> int:
        while True:
            m = int(self._rng.choice(np.asarray(mids))) * 1_000_000 + int(self._rng.integers(0, 1_000_000))
            if m not in self._mmsis:
                self._mmsis.add(m)
                return m

    def _unique_imo(self) -> int:
        while True:
            six = int(self._rng.integers(900_000, 990_000))
            imo = six * 10 + imo_check_digit(six)
            if imo not in self._imos:
                self._imos.add(imo)
                return imo

    def _unique_name(self, first: Sequence[str], second: Sequence[str]) -> str:
        name = ""
        for _ in range(_NAME_DRAWS):
            name = f"{self._rng.choice(np.asarray(first))} {self._rng.choice(np.asarray(second))}"
            if self._rng.random() < 0.5:
                name = f"{name} {int(self._rng.integers(1, 20))}"
            if name not in self._names:
                self._names.add(name)
                return name
        # A year of traffic draws more vessels than the word lists make names: number past the drawn range
        # (1-19) rather than draw for ever.
        while f"{name} {self._next_number}" in self._names:
            self._next_number += 1
        name = f"{name} {self._next_number}"
        self._names.add(name)
        return name

    def _pick(self, weights: Sequence[tuple[_T, float]]) -> _T:
        w = np.array([x[1] for x in weights], dtype=np.float64)
        return weights[int(self._rng.choice(len(weights), p=w / w.sum()))][0]

    def vessel(self, tp: TypeParams, mids: Sequence[int]) -> SimVessel:
        """A new vessel of this type, its size drawn log-uniformly in the type's range."""
        rng = self._rng
        size = float(np.exp(rng.uniform(np.log(tp.size_min), np.log(tp.size_max))))
        part = tp.particulars.at(size)
        engine = self._pick(tp.engines)
        fuel = Fuel.LNG if engine is EngineType.LNG else self._pick(tp.fuels)
        is_tug = tp.ship_type is ShipType.TUG
        first = self._p.tug_first if is_tug else self._p.name_first
        second = self._p.name_second
        letters = "".join(rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), size=2))
        blank = tuple(c for c in _BLANKABLE if rng.random() < tp.blank_share)
        return SimVessel(
            mmsi=self._unique_mmsi(mids),
            imo=self._unique_imo(),
            name=self._unique_name(first, second),
            call_sign=f"{letters}{int(rng.integers(1000, 10000))}",
            ship_type=tp.ship_type,
            ais_type=tp.ais_type,
            teu=int(round(size, -1)) if tp.ship_type is ShipType.CONTAINER else None,
            dwt=round(part["dwt"] * rng.uniform(0.95, 1.05), -1),
            gt=round(part["gt"] * rng.uniform(0.95, 1.05), -1),
            mcr_kw=round(part["mcr_kw"] * rng.uniform(0.9, 1.1), -1),
            service_speed_kn=round(part["service_speed_kn"] + rng.uniform(-0.5, 0.5), 1),
            length_m=round(part["length_m"]),
            beam_m=round(part["beam_m"], 1),
            draught_m=round(part["draught_m"] * rng.uniform(0.8, 1.0), 1),
            engine=engine,
            fuel=fuel,
            keel_laid_year=int(rng.integers(tp.keel_year_min, tp.keel_year_max + 1)),
            shore_power=bool(rng.random() < tp.shore_power_share),
            blank=blank,
        )


def write_registry(vessels: Sequence[SimVessel], path: Path) -> None:
    """Write ``registry.csv`` (columns :data:`REGISTRY_COLUMNS`), one row per vessel, sorted by MMSI."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(REGISTRY_COLUMNS)
        for v in sorted(vessels, key=lambda x: x.mmsi):
            cells: dict[str, object] = {
                "mmsi": v.mmsi,
                "imo": v.imo,
                "name": v.name,
                "ship_type": v.ship_type.value,
                "teu": "" if v.teu is None else v.teu,
                "dwt": f"{v.dwt:.0f}",
                "gt": f"{v.gt:.0f}",
                "mcr_kw": f"{v.mcr_kw:.0f}",
                "service_speed_kn": f"{v.service_speed_kn:.1f}",
                "engine": v.engine.value,
                "fuel": v.fuel.value,
                "keel_laid_year": v.keel_laid_year,
                "shore_power": "true" if v.shore_power else "false",
            }
            for c in v.blank:
                cells[c] = ""
            w.writerow([cells[c] for c in REGISTRY_COLUMNS])
