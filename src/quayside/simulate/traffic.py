"""Seeded port traffic: AIS positions in NOAA MarineCadastre columns, a vessel registry and the true calls.

``simulate_traffic(port, days, seed, out_dir)`` writes

- ``ais.parquet`` — the 17 MarineCadastre columns (``shared/data/schemas/marinecadastre_csv_schema.json``),
  typed as that schema says (STRING, TIMESTAMP in UTC, FLOAT), sorted by time then MMSI;
- ``registry.csv`` — ``mmsi, imo, name, ship_type, teu, dwt, gt, mcr_kw, service_speed_kn, engine, fuel,
  keel_laid_year, shore_power``, some cells deliberately empty;
- ``calls_truth.csv`` — one row per simulated call (berth, terminal, anchorage, times), the ground truth for
  call detection and for container-flow simulation.

Container ships, tankers, car carriers and cruise ships arrive along the profile's inbound lanes from
outside the outer VSR ring, most slow down inside the rings, some wait at anchor, manoeuvre to a mooring
slot, lie at berth (sometimes shifting once), and leave along an outbound lane; tugs assist every berthing
and unberthing and otherwise lie at their base. Parameters and their sources are in ``params.toml`` and
``particulars.csv``. The same ``(port, days, seed)`` gives byte-identical files.

Size: a 30-day San Pedro Bay run gives about 1.5 million rows (about 300 calls of 3,000-6,000 reports:
30 s under way, 10 s manoeuvring, 3 min at rest; plus eight tugs).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from quayside.errors import ConfigError
from quayside.geo.geodesy import NM_M, NM_PER_DEG
from quayside.geo.profiles import load_profile
from quayside.simulate._fleet import FleetFactory, SimVessel, write_registry
from quayside.simulate._motion import STATUS_MOORED, Reports, move, stay
from quayside.simulate._params import Reporting, load_params
from quayside.simulate._schedule import CallPlan, Scheduler, TugJob, tug_base_point
from quayside.vessels.types import ShipType

#: Columns of NOAA MarineCadastre AIS files, in their published order, with the schema's types.
_MC_FIELDS: list[pa.Field[Any]] = [
    pa.field("MMSI", pa.string()),
    pa.field("BaseDateTime", pa.timestamp("us", tz="UTC")),
    pa.field("LAT", pa.float64()),
    pa.field("LON", pa.float64()),
    pa.field("SOG", pa.float64()),
    pa.field("COG", pa.float64()),
    pa.field("Heading", pa.float64()),
    pa.field("VesselName", pa.string()),
    pa.field("IMO", pa.string()),
    pa.field("CallSign", pa.string()),
    pa.field("VesselType", pa.string()),
    pa.field("Status", pa.string()),
    pa.field("Length", pa.float64()),
    pa.field("Width", pa.float64()),
    pa.field("Draft", pa.float64()),
    pa.field("Cargo", pa.string()),
    pa.field("TransceiverClass", pa.string()),
]
MARINECADASTRE_SCHEMA = pa.schema(_MC_FIELDS)
CALLS_COLUMNS = (
    "call_id",
    "mmsi",
    "imo",
    "vessel_name",
    "ship_type",
    "inbound_lane",
    "outbound_lane",
    "vsr_compliant",
    "track_start",
    "anchorage_id",
    "anchor_start",
    "anchor_end",
    "berth_id",
    "terminal",
    "terminal_code",
    "berth_start",
    "berth_end",
    "shift_berth_id",
    "shift_start",
    "shift_end",
    "track_end",
)
SOG_NOT_AVAILABLE = 102.3  # ITU-R M.1371-5: SOG 1023 (in 1/10 kn) means "not available"


@dataclass(frozen=True)
class SimulatedCall:
    """One port call as simulated (times in UTC; a call may start or end outside the window)."""

    call_id: str
    mmsi: int
    imo: int
    vessel_name: str
    ship_type: ShipType
    inbound_lane: str
    outbound_lane: str
    vsr_compliant: bool
    track_start: datetime
    anchorage_id: str | None
    anchor_start: datetime | None
    anchor_end: datetime | None
    berth_id: str
    terminal: str
    terminal_code: str
    berth_start: datetime
    berth_end: datetime
    shift_berth_id: str | None
    shift_start: datetime | None
    shift_end: datetime | None
    track_end: datetime


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate_traffic` wrote."""

    port: str
    days: int
    seed: int
    start: datetime
    ais_path: Path
    registry_path: Path
    calls_path: Path
    rows: int
    vessels: int
    calls: tuple[SimulatedCall, ...]

    def summary(self) -> str:
        """A few lines for the CLI."""
        by_type: dict[str, int] = {}
        for c in self.calls:
            by_type[c.ship_type.value] = by_type.get(c.ship_type.value, 0) + 1
        anchored = sum(1 for c in self.calls if c.anchorage_id)
        mix = ", ".join(f"{k} {v}" for k, v in sorted(by_type.items()))
        return (
            f"Simulated {self.days} days of {self.port} traffic "
            f"from {self.start:%Y-%m-%d} (seed {self.seed}):\n"
            f"  {self.rows:,} AIS rows from {self.vessels} vessels -> {self.ais_path}\n"
            f"  {len(self.calls)} calls ({mix}); {anchored} waited at anchor -> {self.calls_path}\n"
            f"  registry -> {self.registry_path}"
        )


def simulate_traffic(
    port: str, days: int, seed: int, out_dir: Path, *, start: datetime | None = None
) -> SimulationResult:
    """Simulate ``days`` of traffic at a bundled port profile and write the three files to ``out_dir``.

    Parameters
    ----------
    port
        A bundled profile key with simulation parameters (``san-pedro-bay``, ``nagoya``, ``shenzhen``).
    days
        Length of the window, whole days (≥ 1).
    seed
        Seed of the numpy random generator; the same seed gives byte-identical files.
    out_dir
        Directory to write to (created if missing).
    start
        Window start (UTC); default from ``params.toml`` (1 November 2022, the calibration month).
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ConfigError("days must be a whole number ≥ 1", field="days", value=days)
    profile = load_profile(port)
    params = load_params()
    port_params = params.ports.get(profile.key)
    if port_params is None:
        raise ConfigError(
            f"no simulation parameters for port '{profile.key}'",
            field="port",
            value=port,
            hint=f"add [ports.{profile.key}] to params.toml (have: {', '.join(sorted(params.ports))})",
        )
    t_start = (start or params.start).astimezone(UTC)
    rng = np.random.default_rng(seed)
    fleet = FleetFactory(params, rng)
    sched = Scheduler(profile, params, port_params, rng, fleet, float(days))
    window_s = days * 86400.0
    calls = [c for c in sched.calls() if c.track_end_s >= 0.0 and c.track_start_s < window_s]
    tugs = [fleet.vessel(params.types[ShipType.TUG], port_params.tug_mids) for _ in range(port_params.tugs)]

    vessels: list[SimVessel] = []
    chunks: list[Reports] = []
    owners: list[int] = []
    gaps: list[tuple[int, float, float]] = []
    for call in calls:
        vi = len(vessels)
        vessels.append(call.vessel)
        for act in call.activities:
            if act.leg is not None:
                chunks.append(move(act.leg, act.t0_s, params.reporting, rng))
            else:
                chunks.append(
                    stay(
                        act.stay_lon,
                        act.stay_lat,
                        act.t0_s,
                        act.t1_s,
                        act.status,
                        act.heading_deg,
                        params.reporting,
                        rng,
                    )
                )
            owners.append(vi)
        if call.gap is not None:
            gaps.append((vi, *call.gap))
    tug_jobs = _assign_tugs(sched.tug_jobs(calls), len(tugs), params.behaviour.tugs_per_move)
    for ti, (tug, jobs) in enumerate(zip(tugs, tug_jobs, strict=True)):
        vi = len(vessels)
        vessels.append(tug)
        base = tug_base_point(port_params.tug_base, ti)
        t = 0.0
        for job in jobs:
            chunks.append(stay(base[0], base[1], t, job.start_s, STATUS_MOORED, 0.0, params.reporting, rng))
            owners.append(vi)
            for off, leg in job.legs:
                chunks.append(move(leg, job.start_s + off, params.reporting, rng))
                owners.append(vi)
            t = job.end_s
        chunks.append(stay(base[0], base[1], t, window_s, STATUS_MOORED, 0.0, params.reporting, rng))
        owners.append(vi)

    table = _build_table(chunks, owners, vessels, gaps, window_s, t_start, params.reporting, rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    ais_path = out_dir / "ais.parquet"
    pq.write_table(table, ais_path, compression="zstd")
    registry_path = out_dir / "registry.csv"
    write_registry(vessels, registry_path)
    truth = tuple(_to_call(c, t_start) for c in calls)
    calls_path = out_dir / "calls_truth.csv"
    _write_calls(truth, calls_path)
    return SimulationResult(
        port=profile.key,
        days=days,
        seed=seed,
        start=t_start,
        ais_path=ais_path,
        registry_path=registry_path,
        calls_path=calls_path,
        rows=table.num_rows,
        vessels=pc.count_distinct(table.column("MMSI")).as_py(),
        calls=truth,
    )


def _assign_tugs(jobs: Sequence[TugJob], n_tugs: int, per_move: int) -> list[list[TugJob]]:
    """Give each job up to ``per_move`` tugs that are free at its start (earliest-free first)."""
    busy = np.full(n_tugs, -np.inf)
    out: list[list[TugJob]] = [[] for _ in range(n_tugs)]
    for job in jobs:
        free = np.flatnonzero(busy <= job.start_s)
        if job.start_s < 0 or free.size == 0:
            continue
        chosen = free[np.argsort(busy[free], kind="stable")][:per_move]
        for k in chosen:
            out[int(k)].append(job)
            busy[k] = job.end_s
    return out


def _build_table(
    chunks: Sequence[Reports],
    owners: Sequence[int],
    vessels: Sequence[SimVessel],
    gaps: Sequence[tuple[int, float, float]],
    window_s: float,
    t_start: datetime,
    rep: Reporting,
    rng: np.random.Generator,
) -> pa.Table:
    """Assemble the MarineCadastre table: clip to the window, one report per vessel-second, then noise."""
    sizes = np.array([c.t_s.size for c in chunks])
    owner = np.repeat(np.asarray(owners, dtype=np.int64), sizes)
    t = np.concatenate([c.t_s for c in chunks])
    lon = np.concatenate([c.lon for c in chunks])
    lat = np.concatenate([c.lat for c in chunks])
    sog = np.concatenate([c.sog_kn for c in chunks])
    cog = np.concatenate([c.cog_deg for c in chunks])
    hdg = np.concatenate([c.heading_deg for c in chunks])
    status = np.concatenate([c.status for c in chunks])
    sec = np.floor(t).astype(np.int64)
    keep = (t >= 0.0) & (t < window_s)
    for vi, g0, g1 in gaps:
        keep &= ~((owner == vi) & (t >= g0) & (t < g1))
    idx = np.flatnonzero(keep)
    # one report per vessel and second: legs meet at their ends
    idx = idx[np.lexsort((sec[idx], owner[idx]))]
    first = np.ones(idx.size, dtype=np.bool_)
    first[1:] = (owner[idx][1:] != owner[idx][:-1]) | (sec[idx][1:] > sec[idx][:-1])
    idx = idx[first]
    n = idx.size
    # GPS noise, in degrees: sigma_m / (m per degree), longitude scaled by cos(latitude)
    m_per_deg = NM_PER_DEG * NM_M
    lat_n = lat[idx] + rng.normal(0.0, rep.jitter_m / m_per_deg, n)
    lon_n = lon[idx] + rng.normal(0.0, rep.jitter_m / m_per_deg, n) / np.cos(np.radians(lat_n))
    sog_n = sog[idx].copy()
    sog_n[rng.random(n) < rep.sog_sentinel_share] = SOG_NOT_AVAILABLE
    repeat = 1 + (rng.random(n) < rep.duplicate_share).astype(np.int64)
    idx_r = np.repeat(np.arange(n), repeat)
    order = idx_r[np.lexsort((owner[idx][idx_r], sec[idx][idx_r]))]
    # then in time order (ties by vessel), duplicates stay adjacent
    own = owner[idx][order]
    v_mmsi = np.array([str(v.mmsi) for v in vessels], dtype=object)
    v_name = np.array([v.name for v in vessels], dtype=object)
    v_imo = np.array([f"IMO{v.imo}" for v in vessels], dtype=object)
    v_call = np.array([v.call_sign for v in vessels], dtype=object)
    v_type = np.array([str(v.ais_type) for v in vessels], dtype=object)
    v_len = np.array([v.length_m for v in vessels])
    v_wid = np.array([v.beam_m for v in vessels])
    v_dra = np.array([v.draught_m for v in vessels])

    def dict_col(values: npt.NDArray[np.object_]) -> pa.Array[Any]:
        return pa.DictionaryArray.from_arrays(
            pa.array(own, pa.int32()), pa.array(values.tolist(), pa.string())
        ).cast(pa.string())

    ts_us = (sec[idx][order] * 1_000_000 + int(t_start.timestamp()) * 1_000_000).astype(np.int64)
    arrays = [
        dict_col(v_mmsi),
        pa.array(ts_us, pa.timestamp("us", tz="UTC")),
        pa.array(np.round(lat_n[order], 5)),
        pa.array(np.round(lon_n[order], 5)),
        pa.array(sog_n[order]),
        pa.array(cog[idx][order]),
        pa.array(hdg[idx][order]),
        dict_col(v_name),
        dict_col(v_imo),
        dict_col(v_call),
        dict_col(v_type),
        pa.array(status[idx][order].astype(str).astype(object).tolist(), pa.string()),
        pa.array(v_len[own]),
        pa.array(v_wid[own]),
        pa.array(v_dra[own]),
        dict_col(v_type),
        pa.array(np.full(order.size, "A", dtype=object).tolist(), pa.string()),
    ]
    return pa.Table.from_arrays(arrays, schema=MARINECADASTRE_SCHEMA)


def _ts(t_start: datetime, seconds: float | None) -> datetime | None:
    return None if seconds is None else t_start + timedelta(seconds=round(seconds))


def _to_call(c: CallPlan, t_start: datetime) -> SimulatedCall:
    def ts(x: float) -> datetime:
        return t_start + timedelta(seconds=round(x))

    return SimulatedCall(
        call_id=f"C{c.call_no:05d}",
        mmsi=c.vessel.mmsi,
        imo=c.vessel.imo,
        vessel_name=c.vessel.name,
        ship_type=c.vessel.ship_type,
        inbound_lane=c.inbound_lane,
        outbound_lane=c.outbound_lane,
        vsr_compliant=c.vsr_compliant,
        track_start=ts(c.track_start_s),
        anchorage_id=c.anchorage.id if c.anchorage else None,
        anchor_start=_ts(t_start, c.anchor_start_s),
        anchor_end=_ts(t_start, c.anchor_end_s),
        berth_id=c.berth.id,
        terminal=c.berth.terminal,
        terminal_code=c.berth.terminal_code,
        berth_start=ts(c.berth_start_s),
        berth_end=ts(c.berth_end_s),
        shift_berth_id=c.shift_berth.id if c.shift_berth else None,
        shift_start=_ts(t_start, c.shift_start_s),
        shift_end=_ts(t_start, c.shift_end_s),
        track_end=ts(c.track_end_s),
    )


def _write_calls(calls: Sequence[SimulatedCall], path: Path) -> None:
    def cell(v: object) -> object:
        if v is None:
            return ""
        if isinstance(v, datetime):
            return v.strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(v, bool):
            return "true" if v else "false"
        return v.value if isinstance(v, ShipType) else v

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CALLS_COLUMNS)
        for c in calls:
            w.writerow([cell(getattr(c, col)) for col in CALLS_COLUMNS])
