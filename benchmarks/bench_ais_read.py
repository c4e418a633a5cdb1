"""Benchmark: the MarineCadastre reader, old (per row) against new (per distinct value), and read_ais.

Run: ``.venv/bin/python benchmarks/bench_ais_read.py [--days 30] [--rows 1000000] [--repeat 3]``.

- **readers** (default): ``simulate_traffic("san-pedro-bay", days, seed=1)`` writes a MarineCadastre
  Parquet file (reused from ``benchmarks/_data/``); the same rows are written as MarineCadastre CSV and
  CSV.gz. Each format is read to the canonical batches by the reference reader
  (``tests/ais/mc_reference.py``, the reader before issue 13) and by the current one
  (:mod:`quayside.ais.marinecadastre`), each in a subprocess of its own so that its peak resident memory
  (``ru_maxrss``) is its own. Printed: rows/s of the best of ``--repeat`` runs (wall), the CPU seconds of
  that run (every thread), the peak RSS, and whether both readers gave the same rows and rejects.
- **generated** (``--parts generated``): a generated ``--rows`` MarineCadastre CSV through ``read_ais`` and
  ``clean_positions``, against a ``csv.DictReader`` loop.

The figures depend on the machine and its load; no assertion is made on them.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import importlib.util
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import polars as pl

from quayside.ais import _source, marinecadastre
from quayside.ais._batch import AisBatch
from quayside.ais.clean import clean_positions
from quayside.ais.readers import read_ais
from quayside.ais.report import IngestReport

DATA = Path(__file__).parent / "_data"


def _reference() -> ModuleType:
    """The per-row reader of before issue 13, which the tests keep (``tests/ais/mc_reference.py``)."""
    path = Path(__file__).resolve().parents[1] / "tests" / "ais" / "mc_reference.py"
    spec = importlib.util.spec_from_file_location("mc_reference", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


READERS = {"reference": _reference(), "fast": marinecadastre}
HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass\n"
)


def peak_mb() -> float:
    """Peak resident memory of this process in MB (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- readers: reference against fast ---------------------------------------------------------------


def inputs(days: int) -> dict[str, Path]:
    """The simulated Parquet file and the same rows as CSV and CSV.gz (made once, then reused)."""
    from quayside.simulate.traffic import simulate_traffic

    out = DATA / f"mc_read_{days}d"
    parquet = out / "ais.parquet"
    if not parquet.exists():
        simulate_traffic("san-pedro-bay", days, seed=1, out_dir=out)
    plain = out / "ais.csv"
    if not plain.exists():
        pl.read_parquet(parquet).write_csv(plain, datetime_format="%Y-%m-%dT%H:%M:%S")
    packed = out / "ais.csv.gz"
    if not packed.exists():
        with plain.open("rb") as src, gzip.open(packed, "wb", compresslevel=6) as dst:
            while chunk := src.read(1 << 24):
                dst.write(chunk)
    return {"parquet": parquet, "csv": plain, "csv.gz": packed}


def _batches(reader: str, path: Path, report: IngestReport) -> Iterator[AisBatch]:
    """The batches of one reader, opened as ``iter_ais_batches`` opens them (200,000-row Parquet batches)."""
    module = READERS[reader]
    member = _source.members(path)[0]
    with _source.open_member(path, None) as (fh, _):
        if member.fmt is _source.Format.PARQUET:
            yield from module.iter_marinecadastre_parquet(str(path), str(path), report, batch_rows=200_000)
        else:
            yield from module.iter_marinecadastre_csv(fh, str(path), report)


def child(reader: str, path: Path, repeat: int) -> dict[str, object]:
    """Read ``path`` ``repeat`` times with one reader; the best run's figures and a digest of the output."""
    best: dict[str, object] = {}
    for _ in range(repeat):
        report = IngestReport()
        digest = hashlib.sha256()
        t, c = time.perf_counter(), cpu_s()
        for batch in _batches(reader, path, report):
            for part in (batch.positions, batch.static):
                # Values, not buffers: the two readers may lay out equal arrays differently.
                digest.update(str(part.schema).encode())
                digest.update(pl.DataFrame(pl.from_arrow(part)).hash_rows(seed=1).to_numpy().tobytes())
        wall, cpu = time.perf_counter() - t, cpu_s() - c
        digest.update(repr((report.to_dict(), report.rejects)).encode())
        if not best or wall < float(str(best["wall_s"])):
            best = {"rows": report.read, "wall_s": wall, "cpu_s": cpu, "digest": digest.hexdigest()}
    best["peak_mb"] = peak_mb()
    return best


def run_readers(days: int, repeat: int) -> None:
    files = inputs(days)
    print(f"input: san-pedro-bay, {days} days, seed 1; best of {repeat}; 2 cores")
    print(
        f"{'format':<8} {'reader':<10} {'rows':>10} {'wall s':>7} {'rows/s':>12} {'CPU s':>6} {'peak MB':>8}"
    )
    for fmt, path in files.items():
        digests = set()
        for reader in READERS:
            out = subprocess.run(
                [sys.executable, __file__, "--child", reader, str(path), "--repeat", str(repeat)],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            digests.add(r["digest"])
            rate = r["rows"] / r["wall_s"]
            print(
                f"{fmt:<8} {reader:<10} {r['rows']:>10,} {r['wall_s']:>7.2f} {rate:>12,.0f} "
                f"{r['cpu_s']:>6.2f} {r['peak_mb']:>8.0f}"
            )
        print(f"{fmt:<8} same output: {'yes' if len(digests) == 1 else 'NO'}")


# --- generated: read_ais and clean_positions ------------------------------------------------------


def generate(path: Path, rows: int, vessels: int = 500, seed: int = 7) -> None:
    """Write a MarineCadastre-like CSV: ``vessels`` tracks reporting every 10 s, row order by time."""
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    state = [(33.5 + rng.random(), -118.5 + rng.random()) for _ in range(vessels)]
    with path.open("w") as fh:
        fh.write(HEADER)
        for i in range(rows):
            v = i % vessels
            lat, lon = state[v]
            lat += rng.uniform(-1e-4, 1e-4)
            lon += rng.uniform(-1e-4, 1e-4)
            state[v] = (lat, lon)
            ts = (start + timedelta(seconds=10 * (i // vessels))).strftime("%Y-%m-%dT%H:%M:%S")
            fh.write(
                f"{366000000 + v},{ts},{lat:.5f},{lon:.5f},"
                f"{rng.uniform(0, 20):.1f},{rng.uniform(0, 359):.1f},511.0,"
                f"VESSEL {v},IMO{9000000 + v},WX{v},70,0,200.0,32.0,10.5,70,A\n"
            )


def baseline(path: Path) -> int:
    """The straightforward way: csv.DictReader and float() per row."""
    n = 0
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            float(row["LAT"])
            float(row["LON"])
            datetime.fromisoformat(row["BaseDateTime"])
            int(row["MMSI"])
            n += 1
    return n


def run_generated(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ais.csv"
        t = time.perf_counter()
        generate(path, rows)
        print(
            f"generated {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s"
        )
        print(f"peak RSS before reading: {peak_mb():.0f} MB")

        t = time.perf_counter()
        result = read_ais(path)
        dt = time.perf_counter() - t
        print(f"read_ais:        {result.report.accepted:,} rows in {dt:.2f} s = {rows / dt:,.0f} rows/s")
        print(f"peak RSS after read_ais: {peak_mb():.0f} MB")

        t = time.perf_counter()
        cleaned, _ = clean_positions(result.positions)
        dt = time.perf_counter() - t
        print(f"clean_positions: {cleaned.num_rows:,} rows in {dt:.2f} s = {rows / dt:,.0f} rows/s")
        print(f"peak RSS after clean: {peak_mb():.0f} MB")

        t = time.perf_counter()
        n = baseline(path)
        dt = time.perf_counter() - t
        print(f"csv-module loop: {n:,} rows in {dt:.2f} s = {rows / dt:,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--parts", default="readers", help="comma-separated: readers, generated")
    parser.add_argument("--days", type=int, default=30, help="days of simulated traffic (readers)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated CSV")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader; the best counts")
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.repeat)))
        return
    parts = set(args.parts.split(","))
    if "readers" in parts:
        run_readers(args.days, args.repeat)
    if "generated" in parts:
        run_generated(args.rows)


if __name__ == "__main__":
    main()
