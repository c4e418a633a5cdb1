"""Benchmark: read a generated ~1M-row MarineCadastre CSV with read_ais, against a csv-module loop.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_ais_read.py [rows]``. Prints rows per second and
the peak resident memory (``ru_maxrss``) after each reader. The figures depend on the machine; no
assertion is made on them.
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quayside.ais.clean import clean_positions
from quayside.ais.readers import read_ais

HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass\n"
)


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


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
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


if __name__ == "__main__":
    main()
