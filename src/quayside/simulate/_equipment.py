"""The simulated port's equipment: a register of its terminals' machines and drayage trucks, and a year of logs.

``simulate_equipment`` writes ``OUT/equipment/register.csv`` (columns of
:data:`quayside.equipment.register.REGISTER_COLUMNS`), ``OUT/equipment/activity.csv``
(:data:`quayside.equipment.activity.ACTIVITY_COLUMNS`) and ``OUT/equipment/throughput.csv``
(:data:`quayside.equipment.throughput.THROUGHPUT_COLUMNS`) from the simulated container calls and truck
visits. Every figure comes from ``equipment.toml``; its "(U)" figures are assumptions.

How the logs follow the simulated calls (the consistency the tests check):

1. A container call's quay moves = its hours alongside (``berth_end - berth_start``) x
   ``berth_moves_per_hour``, rounded; the moves count at the call's berth arrival, in the port's local time.
2. The year is the calendar year of the window start (local). A month's quay moves at a terminal are the
   moves of the calls berthing in it inside the window, plus the window's rate (moves / window days) times
   the days of the month the window does not cover (elapsed time).
3. Fleet: per terminal with moves, ``units_per_100k_moves`` of each kind per 100,000 quay moves a year
   (at least one), power sources in the port's shares; named units (the Yusen hydrogen RTG) from their
   first day in service, on their own daily hours.
4. Monthly work per unit: a lift kind's lifts (quay moves x ``lifts_per_quay_move``, rounded) are shared
   among the units by their utilisation weights, whole lifts each, and ``hours = lifts / lifts_per_hour``;
   other kinds share ``quay moves x hours_per_quay_move`` hours, or work ``hours_per_day`` each. Energy:
   litres = hours x the unit's L/h (drawn once per unit in ``fuel_l_per_hour``), kWh = hours x
   ``kwh_per_hour``, kg H2 = hours x ``kg_h2_per_hour``; a power source without a rate logs hours only.
5. Drayage trucks: one per licence plate of the simulated truck visits, with the trucking company as
   operator, power sources in the port's truck shares and model years from ``oldest_model_year`` (the
   trucks' activity is their truck visits, so they have no rows in the activity log).
6. Throughput: one row per UN/LOCODE of the terminals with moves, for the year: TEU = the year's quay moves
   of its terminals (the moves of 2., which the STS cranes log as lifts, one per quay move) x the default
   TEU per container of ``equipment/data/defaults.csv`` (the one ``teu_moved`` gives boxes without a size),
   rounded to whole TEU. The simulated calls and truck visits cover only the window; this file gives the
   annual report the year's TEU that the year of equipment activity moved.

The draws use their own random stream, so the traffic and visibility files of a seed do not change.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from quayside.equipment.activity import ACTIVITY_COLUMNS
from quayside.equipment.defaults import equipment_defaults
from quayside.equipment.register import REGISTER_COLUMNS
from quayside.equipment.throughput import THROUGHPUT_COLUMNS
from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import ConfigError
from quayside.simulate._equipment_params import EquipmentParams, Machine, PortEquipment, load_equipment_params
from quayside.simulate.traffic import SimulatedCall

__all__ = ["EquipmentFiles", "annual_teu", "call_moves", "monthly_moves", "simulate_equipment"]

#: Share of a month's hours a machine can work at most (the rest: shifts changes, maintenance) (U).
MAX_UTILISATION = 0.95
_RANDOM_STREAM = 14083  # ISO 14083, the standard the terminal's per-TEU figure follows


@dataclass(frozen=True)
class EquipmentFiles:
    """What :func:`simulate_equipment` wrote."""

    directory: Path
    year: int
    terminals: int
    machines: int
    trucks: int
    records: int
    teu: int = 0  # the year's TEU of throughput.csv, all UN/LOCODEs

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"  equipment of {self.terminals} terminals: {self.machines} machines, {self.trucks} drayage trucks; "
            f"{self.records} monthly activity records and {self.teu:,} TEU for {self.year} -> {self.directory}"
        )


@dataclass
class _Unit:
    row: dict[str, str]
    machine: Machine | None
    power: PowerSource
    weight: float = 1.0
    fuel_l_per_hour: float | None = None
    hours_per_day: float | None = None
    in_service: date | None = None


def call_moves(call: SimulatedCall, berth_moves_per_hour: float) -> int:
    """Quay moves of a container call: hours alongside x gross berth productivity, rounded."""
    hours = (call.berth_end - call.berth_start).total_seconds() / 3600.0
    return round(hours * berth_moves_per_hour)


def annual_teu(quay_moves: int, teu_per_container: float) -> int:
    """TEU of a year's quay moves (one container each): moves x TEU per container, rounded (module
    docstring, 6)."""
    return round(quay_moves * teu_per_container)


def _throughput(
    moves: Mapping[str, Sequence[int]], terminals: Mapping[str, str], year: int, port_key: str
) -> list[dict[str, str]]:
    """One ``throughput.csv`` row per UN/LOCODE of the terminals with moves (module docstring, 6)."""
    default = equipment_defaults().teu_per_container.value
    by_unlocode: dict[str, int] = {}
    for terminal, months in moves.items():
        if sum(months) > 0:
            by_unlocode[terminals[terminal]] = by_unlocode.get(terminals[terminal], 0) + sum(months)
    return [
        {
            "port": port_key,
            "unlocode": unlocode,
            "year": str(year),
            "teu": str(annual_teu(quay, default)),
            "source": f"simulated (quayside simulate): {quay:,} quay moves in {year} x {default} TEU per "
            "container (equipment/data/defaults.csv, U)",
        }
        for unlocode, quay in sorted(by_unlocode.items())
    ]


def _month_bounds(year: int, month: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month in UTC (aware local datetimes of one zone subtract as wall clocks, so convert first)."""
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return (
        datetime(year, month, 1, tzinfo=tz).astimezone(UTC),
        datetime(*after, 1, tzinfo=tz).astimezone(UTC),
    )


def monthly_moves(
    calls: Sequence[SimulatedCall],
    *,
    terminals: Sequence[str],
    tz: ZoneInfo,
    window_start: datetime,
    window_end: datetime,
    berth_moves_per_hour: float,
) -> dict[str, list[int]]:
    """Quay moves per terminal and month (January first) of the window start's year (module docstring, 2)."""
    start, end = window_start.astimezone(UTC), window_end.astimezone(UTC)
    year = start.astimezone(tz).year
    window_days = (end - start).total_seconds() / 86400.0
    inside: dict[str, list[int]] = {t: [0] * 12 for t in terminals}
    total = dict.fromkeys(terminals, 0)
    for call in calls:
        if call.terminal_code not in inside or not start <= call.berth_start < end:
            continue
        moves = call_moves(call, berth_moves_per_hour)
        total[call.terminal_code] += moves
        local = call.berth_start.astimezone(tz)
        if local.year == year:
            inside[call.terminal_code][local.month - 1] += moves
    out: dict[str, list[int]] = {}
    for terminal in terminals:
        rate = total[terminal] / window_days
        months = []
        for month in range(1, 13):
            lo, hi = _month_bounds(year, month, tz)
            covered = max(0.0, (min(hi, end) - max(lo, start)).total_seconds())
            uncovered_days = ((hi - lo).total_seconds() - covered) / 86400.0
            months.append(round(inside[terminal][month - 1] + rate * uncovered_days))
        out[terminal] = months
    return out


def _counts(shares: Mapping[PowerSource, float], n: int) -> list[PowerSource]:
    """``n`` power sources in ``shares`` by largest remainder (ties: the order of the table)."""
    exact = {p: s * n for p, s in shares.items()}
    counts = {p: int(v) for p, v in exact.items()}
    order = sorted(exact, key=lambda p: -(exact[p] - counts[p]))
    for p in order[: n - sum(counts.values())]:
        counts[p] += 1
    return [p for p in shares for _ in range(counts[p])]


def _share_whole(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in whole parts by ``weights`` (largest remainder), adding up to ``total``."""
    exact = [total * w for w in weights]
    parts = [int(v) for v in exact]
    for i in sorted(range(len(exact)), key=lambda i: -(exact[i] - parts[i]))[: total - sum(parts)]:
        parts[i] += 1
    return parts


class _Drawer:
    """The register's random draws: one stream, drawn in a fixed order."""

    def __init__(self, params: EquipmentParams, rng: np.random.Generator, year: int) -> None:
        self.p, self.rng, self.year = params, rng, year

    def weights(self, n: int) -> list[float]:
        raw = self.rng.lognormal(0.0, self.p.utilisation_sigma, n)
        return [float(w) for w in raw / raw.sum()]

    def model_year(self, power: PowerSource, oldest: int) -> int:
        if power.zero_emission:
            oldest = max(oldest, self.year - self.p.zero_emission_max_age_years)
        return int(self.rng.integers(min(oldest, self.year), self.year + 1))

    def cells(self, power: PowerSource, rated_kw: tuple[float, float], oldest: int) -> dict[str, str]:
        """``rated_kw``, ``model_year`` and ``tier`` of a new unit, some cells left empty on purpose."""
        kw = float(self.rng.uniform(*rated_kw))
        year = self.model_year(power, oldest)
        blank_kw, blank_year = (self.rng.random(2) < self.p.blank_share).tolist()
        diesel = power in (PowerSource.DIESEL, PowerSource.DIESEL_HYBRID)
        tier = "Tier 4 Final" if diesel and not blank_year and year >= self.p.tier4_final_from else ""
        return {
            "rated_kw": "" if blank_kw else f"{kw:.0f}",
            "model_year": "" if blank_year else str(year),
            "tier": tier,
        }


def _terminal_units(
    terminal: str, unlocode: str, annual: int, port: PortEquipment, drawer: _Drawer, port_key: str
) -> list[_Unit]:
    units: list[_Unit] = []
    for machine in drawer.p.machines:
        n = max(1, round(annual / 100_000 * machine.units_per_100k_moves))
        powers = _counts(port.power[machine.kind], n)
        order = drawer.rng.permutation(n)
        weights = drawer.weights(n)
        for i in range(n):
            power = powers[int(order[i])]
            oldest = drawer.year - machine.max_age_years
            row = {
                "unit_id": f"{terminal}-{machine.abbreviation}{i + 1:02d}",
                "port": port_key,
                "unlocode": unlocode,
                "operator": terminal,
                "kind": machine.kind.value,
                "power_source": power.value,
                **drawer.cells(power, machine.rated_kw, oldest),
            }
            litres = (machine.fuel_l_per_hour or {}).get(power)
            rate = float(drawer.rng.uniform(*litres)) if litres is not None else None
            units.append(_Unit(row, machine, power, weights[i], fuel_l_per_hour=rate))
    return units


def _energy(unit: _Unit, machine: Machine | None, hours: float) -> dict[str, str]:
    """The energy columns of a record of ``hours`` (module docstring, 4)."""
    cells: dict[str, str] = {}
    if unit.fuel_l_per_hour is not None:
        cells["fuel_l"] = f"{hours * unit.fuel_l_per_hour:.0f}"
    elif machine is not None and unit.power is PowerSource.ELECTRIC and machine.kwh_per_hour is not None:
        cells["kwh"] = f"{hours * machine.kwh_per_hour:.0f}"
    elif machine is not None and unit.power is PowerSource.HYDROGEN_FUEL_CELL and machine.kg_h2_per_hour:
        cells["kg_h2"] = f"{hours * machine.kg_h2_per_hour:.1f}"
    return cells


def _month_hours(units: Sequence[_Unit], quay: int, days: int) -> dict[str, tuple[float, int | None]]:
    """Hours (and lifts, for lift kinds) of each unit on the quay's schedule in a month of ``quay`` moves."""
    by_kind: dict[EquipmentKind, list[_Unit]] = {}
    for unit in units:
        if unit.in_service is None and unit.machine is not None:
            by_kind.setdefault(unit.machine.kind, []).append(unit)
    out: dict[str, tuple[float, int | None]] = {}
    for peers in by_kind.values():
        machine = peers[0].machine
        if machine is None:
            continue
        if machine.lifts_per_hour is not None and machine.lifts_per_quay_move is not None:
            lifts = _share_whole(round(quay * machine.lifts_per_quay_move), [u.weight for u in peers])
            for unit, n in zip(peers, lifts, strict=True):
                out[unit.row["unit_id"]] = (n / machine.lifts_per_hour, n)
        elif machine.hours_per_quay_move is not None:
            for unit in peers:
                out[unit.row["unit_id"]] = (quay * machine.hours_per_quay_move * unit.weight, None)
        elif machine.hours_per_day is not None:
            for unit in peers:
                out[unit.row["unit_id"]] = (days * machine.hours_per_day * unit.weight * len(peers), None)
    return out


def _records(units: Sequence[_Unit], moves: Sequence[int], year: int) -> list[dict[str, str]]:
    """A month's record per unit of one terminal (module docstring, 4)."""
    rows: list[dict[str, str]] = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
        days = (last - first).days + 1
        scheduled = _month_hours(units, moves[month - 1], days)
        for unit in units:
            start, lifts = first, None
            if unit.in_service is not None and unit.hours_per_day is not None:
                if unit.in_service > last:
                    continue
                start = max(first, unit.in_service)
                hours = unit.hours_per_day * ((last - start).days + 1)
            else:
                hours, lifts = scheduled[unit.row["unit_id"]]
            hours = min(hours, ((last - start).days + 1) * 24.0 * MAX_UTILISATION)
            record = {
                "unit_id": unit.row["unit_id"],
                "period_start": start.isoformat(),
                "period_end": last.isoformat(),
                "hours": f"{hours:.1f}",
                **_energy(unit, unit.machine, hours),
            }
            if lifts is not None:
                record["moves"] = str(lifts)
            rows.append(record)
    return rows


def _write(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def simulate_equipment(
    calls: Sequence[SimulatedCall],
    plates: Sequence[tuple[str, str]],
    *,
    port_key: str,
    terminals: Mapping[str, str],
    tz: ZoneInfo,
    seed: int,
    out_dir: Path,
    window_start: datetime,
    window_end: datetime,
    params: EquipmentParams | None = None,
) -> EquipmentFiles:
    """Write ``out_dir/equipment/register.csv``, ``activity.csv`` and ``throughput.csv`` for the simulated
    port (module docstring).

    Parameters
    ----------
    calls
        The simulated container calls (only those at ``terminals`` berthing inside the window count).
    plates
        ``(trucking company, licence plate)`` of the simulated truck visits, in gate-in order.
    port_key
        The port profile key; ``equipment.toml`` must have an entry for it.
    terminals
        Terminal code → UN/LOCODE of the port's container terminals.
    tz
        The port's time zone (months and the year are local).
    seed
        Seed; the same inputs and seed give byte-identical files.
    out_dir
        The simulation's output directory.
    window_start, window_end
        The simulated window (timezone-aware).
    params
        The parameters (default: the bundled ``equipment.toml``).
    """
    p = params or load_equipment_params()
    port = p.ports.get(port_key)
    if port is None:
        raise ConfigError(
            "no equipment parameters for this port",
            field="port",
            value=port_key,
            hint=f"add [ports.{port_key}] to equipment.toml (have: {', '.join(sorted(p.ports))})",
        )
    if window_start.tzinfo is None or window_end.tzinfo is None or window_end <= window_start:
        raise ConfigError("the window needs timezone-aware start < end", field="window_start")
    year = window_start.astimezone(tz).year
    codes = sorted(terminals)
    moves = monthly_moves(
        calls,
        terminals=codes,
        tz=tz,
        window_start=window_start,
        window_end=window_end,
        berth_moves_per_hour=p.berth_moves_per_hour,
    )
    drawer = _Drawer(p, np.random.default_rng([seed, _RANDOM_STREAM]), year)
    register: list[dict[str, str]] = []
    activity: list[dict[str, str]] = []
    used = 0
    for terminal in codes:
        annual = sum(moves[terminal])
        if annual <= 0:
            continue
        used += 1
        units = _terminal_units(terminal, terminals[terminal], annual, port, drawer, port_key)
        machines = {m.kind: m for m in p.machines}
        for named in port.units:
            if named.terminal == terminal and named.in_service.year <= year:
                row = {
                    "unit_id": named.unit_id,
                    "port": port_key,
                    "unlocode": terminals[terminal],
                    "operator": terminal,
                    "kind": named.kind.value,
                    "power_source": named.power_source.value,
                    "model_year": str(named.model_year),
                }
                machine = machines.get(named.kind)
                units.append(
                    _Unit(
                        row,
                        machine,
                        named.power_source,
                        hours_per_day=named.hours_per_day,
                        in_service=named.in_service,
                    )
                )
        register += [u.row for u in units]
        activity += _records(units, moves[terminal], year)
    trucks = _trucks(plates, port, drawer, port_key)
    directory = out_dir / "equipment"
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / "register.csv", REGISTER_COLUMNS, [*register, *trucks])
    activity.sort(key=lambda r: (r["unit_id"], r["period_start"]))
    _write(directory / "activity.csv", ACTIVITY_COLUMNS, activity)
    throughput = _throughput(moves, terminals, year, port_key)
    _write(directory / "throughput.csv", THROUGHPUT_COLUMNS, throughput)
    teu = sum(int(row["teu"]) for row in throughput)
    return EquipmentFiles(directory, year, used, len(register), len(trucks), len(activity), teu)


def _trucks(
    plates: Sequence[tuple[str, str]], port: PortEquipment, drawer: _Drawer, port_key: str
) -> list[dict[str, str]]:
    """One register row per distinct plate (module docstring, 5)."""
    seen: dict[str, str] = {}
    for company, plate in plates:
        seen.setdefault(plate, company)
    fleet = port.trucks
    powers = _counts(fleet.power, len(seen))
    order = drawer.rng.permutation(len(seen))
    rows = []
    for i, (plate, company) in enumerate(seen.items()):
        power = powers[int(order[i])]
        rows.append(
            {
                "unit_id": plate,
                "port": port_key,
                "unlocode": "",
                "operator": company,
                "kind": EquipmentKind.DRAYAGE_TRUCK.value,
                "power_source": power.value,
                **drawer.cells(power, fleet.rated_kw, fleet.oldest_model_year),
                "tier": "",  # on-road trucks are certified to model-year standards, not nonroad tiers
            }
        )
    return rows
