"""Read AIS files of any supported format into the canonical position and static tables.

Formats are detected by content (see :mod:`quayside.ais._source`): NMEA 0183 logs
(:mod:`quayside.ais.nmea`), MarineCadastre CSV and Parquet (:mod:`quayside.ais.marinecadastre`), each
plain, ``.gz`` or ``.zip``. :func:`iter_ais_batches` streams one file in bounded batches (for staging to
Parquet); :func:`read_ais` reads whole files into memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import polars as pl
import pyarrow as pa

from quayside.ais import _source
from quayside.ais._batch import AisBatch
from quayside.ais._source import Format
from quayside.ais.marinecadastre import iter_marinecadastre_csv, iter_marinecadastre_parquet
from quayside.ais.nmea import iter_nmea
from quayside.ais.report import IngestReport
from quayside.ais.schema import POSITION_SCHEMA, STATIC_CONTENT_COLUMNS, STATIC_SCHEMA
from quayside.errors import InputError

ProgressCallback = Callable[[int, int], None]
"""``on_progress(bytes_done, bytes_total)``, bytes of the files on disk (compressed when they are)."""

__all__ = ["AisBatch", "IngestResult", "ProgressCallback", "iter_ais_batches", "read_ais"]


@dataclass(frozen=True)
class IngestResult:
    """What :func:`read_ais` returns.

    ``positions`` follows :data:`~quayside.ais.schema.POSITION_SCHEMA` in input order (not yet cleaned);
    ``static`` follows :data:`~quayside.ais.schema.STATIC_SCHEMA`, one row per MMSI and distinct content
    (the first seen); ``report`` counts the whole ingestion.
    """

    positions: pa.Table
    static: pa.Table
    report: IngestReport


def iter_ais_batches(
    path: str | Path,
    report: IngestReport | None = None,
    *,
    batch_rows: int = 200_000,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[AisBatch]:
    """Stream one AIS file as batches of position and static rows, in bounded memory.

    Parameters
    ----------
    path
        A file in any supported format, optionally ``.gz`` or ``.zip`` (every member of a zip is read).
    report
        Updated in place while batches are produced; complete once the iterator is exhausted.
    batch_rows
        Approximate rows per batch for NMEA and Parquet (CSV is cut in blocks of 16 MB).
    on_progress
        Called with the bytes of ``path`` consumed so far (compressed bytes for compressed files).

    Raises
    ------
    InputError
        Missing file, unrecognised format, missing required columns, or no record at all.
    """
    path = Path(path)
    report = report if report is not None else IngestReport()
    before = report.read
    for member in _source.members(path):
        with _source.open_member(path, member.zip_member) as (fh, consumed):

            def tick(consumed: Callable[[], int] = consumed) -> None:
                if on_progress is not None:
                    on_progress(consumed())

            if member.fmt is Format.NMEA:
                yield from iter_nmea(fh, member.name, report, batch_rows=batch_rows, tick=tick)
            elif member.fmt is Format.MARINECADASTRE_CSV:
                yield from iter_marinecadastre_csv(fh, member.name, report, tick=tick)
            else:
                src = _source.read_all(fh) if member.compressed else str(path)
                yield from iter_marinecadastre_parquet(
                    src, member.name, report, batch_rows=batch_rows, tick=tick
                )
    if report.read == before:
        raise InputError("empty AIS input: no records at all", source=str(path))


def _dedupe_static(static: pa.Table) -> pa.Table:
    df = cast(pl.DataFrame, pl.from_arrow(static))
    df = df.unique(subset=list(STATIC_CONTENT_COLUMNS), keep="first", maintain_order=True)
    return df.to_arrow().cast(STATIC_SCHEMA)


def read_ais(
    paths: str | Path | Iterable[str | Path], *, on_progress: ProgressCallback | None = None
) -> IngestResult:
    """Read AIS files into canonical position and static tables with an ingestion report.

    Parameters
    ----------
    paths
        One path or several; formats may be mixed.
    on_progress
        ``on_progress(bytes_done, bytes_total)`` after each batch, for a progress bar.

    Raises
    ------
    InputError
        A missing file, an unrecognised format (the message lists the accepted ones), or a file with no
        record at all. Bad records inside a file are counted and reported, never raised.
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    for f in files:
        _source.check_exists(f)
    total = _source.total_bytes(files)
    report = IngestReport()
    positions: list[pa.RecordBatch] = []
    static: list[pa.RecordBatch] = []
    done = 0
    for f in files:

        def progress(n: int, base: int = done) -> None:
            if on_progress is not None:
                on_progress(base + n, total)

        for batch in iter_ais_batches(f, report, on_progress=progress):
            if batch.positions.num_rows:
                positions.append(batch.positions)
            if batch.static.num_rows:
                static.append(batch.static)
        done += f.stat().st_size
    return IngestResult(
        positions=pa.Table.from_batches(positions, schema=POSITION_SCHEMA),
        static=_dedupe_static(pa.Table.from_batches(static, schema=STATIC_SCHEMA)),
        report=report,
    )
