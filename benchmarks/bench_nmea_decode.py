"""Benchmark: NMEA decoding, the fast decoder against pyais, on real samples repeated and generated logs.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_nmea_decode.py [lines]``. For each input it runs
:func:`quayside.ais.nmea.iter_nmea` with ``decoder="fast"`` and with ``decoder="pyais"``, each in a fresh
process (so each peak resident memory, ``ru_maxrss``, is its own), reading the file from disk into the
canonical Arrow batches with the ingest report. It prints sentences (physical lines) per second of wall
time, the CPU seconds (one core: the decoders run on one thread; under load the CPU time is the
fairer figure, since wall time counts waiting for the core) and the peak memory, and
checks that both decoders gave the same rows and counts. The figures depend on the machine; no assertion
is made on them.

Inputs:

- ``real``: the real receiver logs under ``tests/ais/data/pyais`` (a Piraeus sample without timestamps,
  Unix-time prefixes, Gatehouse wrappers, a multi-sentence type 5) repeated to ``lines``;
- ``generated``: a port's traffic as an archive writes it, NMEA 4.10 tag blocks with ``s:`` and ``c:``
  on every line: types 1 and 3 (76 %), 18 (8 %), 4 (6 %, ignored), two-part type 5 (4 %, 8 % of lines),
  24 A/B (3 %), 19 and 27 (1 % each), 1 % of lines with a bad checksum.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from functools import reduce
from operator import xor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

REAL = Path(__file__).resolve().parent.parent / "tests" / "ais" / "data" / "pyais"
_BITS = {1: 168, 3: 168, 4: 168, 5: 424, 18: 168, 19: 312, 24: 168, 27: 96}
_MIX = [(1, 60), (3, 16), (18, 8), (4, 6), (5, 4), (24, 3), (19, 1), (27, 1)]


def _checksum(text: str) -> str:
    return f"{reduce(xor, text.encode(), 0):02X}"


def _armour(bits: int, nbits: int) -> tuple[str, int]:
    fill = -nbits % 6
    value = bits << fill
    chars = (nbits + fill) // 6
    return "".join(
        chr(v + 48 if v < 40 else v + 56) for v in ((value >> (6 * i)) & 63 for i in reversed(range(chars)))
    ), fill


def _line(stamp: int, payload: str, fill: int, frag: tuple[int, int] = (1, 1), seq: str = "") -> str:
    tag = f"s:2573485,c:{stamp}"
    body = f"AIVDM,{frag[1]},{frag[0]},{seq},B,{payload},{fill}"
    return f"\\{tag}*{_checksum(tag)}\\!{body}*{_checksum(body)}\n"


def generate(path: Path, lines: int, seed: int = 13) -> None:
    """A tag-blocked port log of about ``lines`` lines (see the module docstring for the mix)."""
    rng = random.Random(seed)
    types = [t for t, _ in _MIX]
    weights = [w for _, w in _MIX]
    stamp = 1_672_531_200
    written = 0
    with path.open("w") as fh:
        while written < lines:
            mtype = rng.choices(types, weights)[0]
            nbits = _BITS[mtype]
            bits = rng.getrandbits(nbits - 6) | (mtype << (nbits - 6))
            if mtype == 24:
                bits &= ~(3 << (nbits - 40))
                bits |= rng.randrange(2) << (nbits - 40)
            payload, fill = _armour(bits, nbits)
            stamp += rng.randrange(2)
            if mtype == 5:
                seq = str(rng.randrange(10))
                fh.write(_line(stamp, payload[:60], 0, (1, 2), seq))
                fh.write(_line(stamp, payload[60:], fill, (2, 2), seq))
                written += 2
                continue
            text = _line(stamp, payload, fill)
            if rng.random() < 0.01:
                text = text[:-3] + ("00" if text[-3:-1] != "00" else "01") + "\n"
            fh.write(text)
            written += 1


def repeat_real(path: Path, lines: int) -> None:
    """The real samples, concatenated and repeated to about ``lines`` lines."""
    block = b"".join(p.read_bytes().rstrip(b"\n") + b"\n" for p in sorted(REAL.glob("pyais_*")))
    per = block.count(b"\n")
    with path.open("wb") as fh:
        for _ in range(max(1, lines // per)):
            fh.write(block)


_DIGEST_COLUMNS: list[tuple[str, Any]] = [
    ("mmsi", pa.int64()),
    ("ts", pa.int64()),
    ("lat", pa.float64()),
    ("lon", pa.float64()),
    ("sog_kn", pa.float64()),
    ("cog_deg", pa.float64()),
    ("heading_deg", pa.float64()),
    ("nav_status", pa.int64()),
    ("msg_type", pa.int64()),
    ("record", pa.int64()),
]


def _run(path: str, decoder: str, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from quayside.ais.nmea import iter_nmea
    from quayside.ais.report import IngestReport

    report = IngestReport()
    digest = hashlib.sha256()
    wall = cpu = 0.0
    rows = 0
    with open(path, "rb") as fh:
        batches = iter_nmea(fh, "bench", report, batch_rows=200_000, decoder=decoder)  # type: ignore[arg-type]
        while True:
            # Only the decoder is timed, not the check below.
            t, c = time.perf_counter(), time.process_time()
            batch = next(batches, None)
            wall += time.perf_counter() - t
            cpu += time.process_time() - c
            if batch is None:
                break
            rows += batch.positions.num_rows + batch.static.num_rows
            # Row by row, whatever the batch boundaries: every position column and the static rows.
            for col, kind in _DIGEST_COLUMNS:
                column: Any = batch.positions.column(col).cast(kind)
                values: Any = pc.fill_null(column, -1)
                digest.update(values.to_numpy().tobytes())
            for row in batch.static.to_pylist():
                digest.update(repr(row).encode())
    rusage = resource.getrusage(resource.RUSAGE_SELF)
    counts = (report.read, report.accepted, report.static, report.ignored, report.rejected, report.untimed)
    out.put((wall, cpu, rusage.ru_maxrss / 1024, rows, counts, digest.hexdigest()))


def measure(path: Path, decoder: str) -> tuple[float, float, float, int, tuple[int, ...], str]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    proc = ctx.Process(target=_run, args=(str(path), decoder, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("real", repeat_real), ("generated", generate)):
            path = Path(tmp) / f"{name}.nmea"
            make(path, lines)
            with path.open("rb") as fh:
                n = sum(1 for _ in fh)
            print(f"{name}: {n:,} lines, {path.stat().st_size / 1e6:.0f} MB")
            results = {}
            for decoder in ("fast", "pyais"):
                wall, cpu, peak, rows, counts, digest = measure(path, decoder)
                results[decoder] = (counts, digest)
                print(
                    f"  {decoder:>5}: {wall:6.2f} s wall ({n / wall / 1e6:5.2f} M sentences/s), {cpu:6.2f} s CPU"
                    f" ({n / cpu / 1e6:5.2f} M sentences/s of CPU),"
                    f" peak RSS {peak:,.0f} MB, {rows:,} rows (read, accepted, static, ignored, rejected,"
                    f" untimed = {counts})"
                )
            same = results["fast"] == results["pyais"]
            print(f"  same rows and counts: {same}")


if __name__ == "__main__":
    main()
