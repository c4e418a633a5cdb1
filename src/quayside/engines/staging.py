"""Staging: canonical positions written to Parquet partitions by vessel, then grouped into buckets.

The engine reads its inputs once, in bounded batches, and writes every position to the partition of its
vessel (``mmsi % partitions``), one Parquet file per partition. A bucket is a group of whole partitions, so
a bucket holds whole tracks, is read once (no rescan of the other partitions) and its size — the engine's
peak memory — is set by ``bucket_rows``, whatever the size of the input.

Columns: those of :data:`quayside.ais.schema.POSITION_SCHEMA`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from quayside.ais.schema import POSITION_SCHEMA

#: Input bytes per partition when choosing how many partitions to write: about 200,000 positions of
#: MarineCadastre Parquet (~20 bytes a row), fewer of CSV or NMEA, so that buckets of the default size are
#: made of several partitions; bounds on the number of partitions (one open file each while staging).
BYTES_PER_PARTITION = 4 * 2**20
MIN_PARTITIONS = 16
MAX_PARTITIONS = 1024


def partitions_for(inputs: Sequence[Path]) -> int:
    """How many vessel partitions to stage ``inputs`` into, from their size on disk."""
    size = sum(p.stat().st_size for p in inputs if p.is_file())
    return max(MIN_PARTITIONS, min(MAX_PARTITIONS, math.ceil(size / BYTES_PER_PARTITION)))


class Staging:
    """Writes position batches to ``directory/part-<k>.parquet`` by ``mmsi % partitions``."""

    def __init__(self, directory: Path, partitions: int) -> None:
        _allow_open_files(partitions + 64)
        self.directory = directory
        self.partitions = partitions
        self.rows = np.zeros(partitions, dtype=np.int64)
        self.untimed = 0
        self._writers: dict[int, pq.ParquetWriter] = {}

    def path(self, partition: int) -> Path:
        return self.directory / f"part-{partition:04d}.parquet"

    def write(self, batch: pa.RecordBatch) -> None:
        """Append the rows of ``batch`` (canonical positions) to their vessels' partitions."""
        if batch.num_rows == 0:
            return
        self.untimed += batch.column("ts").null_count
        part = batch.column("mmsi").to_numpy(zero_copy_only=False) % self.partitions
        order = np.argsort(part, kind="stable")
        counts = np.bincount(part, minlength=self.partitions)
        table = pa.Table.from_batches([batch]).take(order)
        start = 0
        for k in np.flatnonzero(counts):
            n = int(counts[k])
            writer = self._writers.get(int(k))
            if writer is None:
                writer = pq.ParquetWriter(self.path(int(k)), POSITION_SCHEMA)
                self._writers[int(k)] = writer
            writer.write_table(table.slice(start, n))
            self.rows[k] += n
            start += n

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    @property
    def total_rows(self) -> int:
        return int(self.rows.sum())

    def files(self) -> list[str]:
        """Every partition file written, in partition order."""
        return [str(self.path(k)) for k in range(self.partitions) if self.rows[k]]

    def buckets(self, max_rows: int, count: int | None = None) -> list[list[str]]:
        """Groups of partition files: ``count`` groups of about equal size, or groups of ≤ ``max_rows`` rows.

        A partition larger than ``max_rows`` is a bucket of its own (partitions are never split: a split
        would cut vessel tracks).
        """
        written = [k for k in range(self.partitions) if self.rows[k]]
        if not written:
            return []
        target = max(1, math.ceil(self.total_rows / count)) if count is not None else max_rows
        groups: list[list[str]] = []
        current: list[str] = []
        size = 0
        for k in written:
            n = int(self.rows[k])
            if current and size + n > target and (count is None or len(groups) < count - 1):
                groups.append(current)
                current, size = [], 0
            current.append(str(self.path(k)))
            size += n
        groups.append(current)
        return groups


def _allow_open_files(count: int) -> None:
    """Raise the soft limit of open files to ``count`` when the hard limit allows (one writer a partition)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count:
        target = count if hard == resource.RLIM_INFINITY else min(count, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
