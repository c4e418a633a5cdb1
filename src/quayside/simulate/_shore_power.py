"""A simulated shore-power log for the simulated calls: ``OUT/programs/shore_power.csv`` in the columns of
:mod:`quayside.equipment.shore_power_log`, for ``quayside load shore-power``.

Every call of a ship type CARB controls from 2023 (container, reefer, cruise) whose ship the registry marks
``shore_power`` true gets a connection at its berth, from ``berth_start`` to the end of its stay
(``shift_end`` when it shifted berth, else ``berth_end``; one connection across the shift). How each
connection goes is drawn per call (:class:`ShorePowerAssumptions`, all U: no published distribution of
connection delays was found; the shares only make the demo show every outcome).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

__all__ = ["ShorePowerAssumptions", "write_shore_power_log"]

_COLUMNS = (
    "port",
    "imo",
    "mmsi",
    "terminal",
    "berth",
    "connected_at",
    "disconnected_at",
    "system",
    "energy_kwh",
)
_CONTROLLED = frozenset({"container", "reefer", "cruise"})


@dataclass(frozen=True)
class ShorePowerAssumptions:
    """How simulated connections go (every value U, an assumption for the demo).

    Shares of the eligible calls: ``no_connection`` (never plugged in), ``late`` (connected 2 h 05 min to
    ``late_max_h`` after berthing), ``early`` (disconnected ``early_min_h`` to ``early_max_h`` before
    departure), ``capture`` (a capture system instead of shore power); the rest connect ``on_time_min_h`` to
    ``on_time_max_h`` after berthing and disconnect ``last_min_h`` to ``last_max_h`` before departure.
    """

    no_connection: float = 0.03
    late: float = 0.07
    early: float = 0.05
    capture: float = 0.05
    on_time_min_h: float = 0.5
    on_time_max_h: float = 1.75
    late_max_h: float = 4.0
    last_min_h: float = 0.2
    last_max_h: float = 0.9
    early_min_h: float = 1.25
    early_max_h: float = 3.0


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _equipped(registry_csv: Path) -> set[str]:
    """The IMO numbers (as text) of the ships the registry marks ``shore_power`` true."""
    with registry_csv.open(newline="", encoding="utf-8") as f:
        return {row["imo"] for row in csv.DictReader(f) if row.get("shore_power", "").lower() == "true"}


def write_shore_power_log(
    calls_truth_csv: Path,
    registry_csv: Path,
    out: Path,
    seed: int,
    *,
    port: str = "san-pedro-bay",
    assumptions: ShorePowerAssumptions | None = None,
) -> Path:
    """Write ``out/programs/shore_power.csv`` for the simulated calls (see the module docstring); returns its
    path. The same inputs and ``seed`` give the same file."""
    a = assumptions or ShorePowerAssumptions()
    rng = np.random.default_rng(seed)
    equipped = _equipped(registry_csv)
    with calls_truth_csv.open(newline="", encoding="utf-8") as f:
        calls = list(csv.DictReader(f))
    rows: list[dict[str, str]] = []
    for call in calls:
        start = _time(call.get("berth_start", ""))
        end = _time(call.get("shift_end", "")) or _time(call.get("berth_end", ""))
        if call.get("ship_type") not in _CONTROLLED or call.get("imo") not in equipped:
            continue
        if start is None or end is None or end <= start:
            continue
        draw = rng.random()  # one draw per eligible call, so adding a share keeps the other calls' fate
        if draw < a.no_connection:
            continue
        if draw < a.no_connection + a.late:
            delay_h, before_h = (
                rng.uniform(2.0 + 5 / 60, a.late_max_h),
                rng.uniform(a.last_min_h, a.last_max_h),
            )
        elif draw < a.no_connection + a.late + a.early:
            delay_h, before_h = (
                rng.uniform(a.on_time_min_h, a.on_time_max_h),
                rng.uniform(a.early_min_h, a.early_max_h),
            )
        else:
            delay_h, before_h = (
                rng.uniform(a.on_time_min_h, a.on_time_max_h),
                rng.uniform(a.last_min_h, a.last_max_h),
            )
        connected, disconnected = start + timedelta(hours=delay_h), end - timedelta(hours=before_h)
        if disconnected <= connected:
            continue  # a stay too short for the drawn times: no connection
        system = "capture" if rng.random() < a.capture else "shore_power"
        rows.append(
            {
                "port": port,
                "imo": call["imo"],
                "mmsi": call.get("mmsi", ""),
                "terminal": call.get("terminal_code", ""),
                "berth": call.get("berth_id", ""),
                "connected_at": _iso(connected),
                "disconnected_at": _iso(disconnected),
                "system": system,
                "energy_kwh": "",
            }
        )
    path = out / "programs" / "shore_power.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
