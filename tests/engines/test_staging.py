"""Staging by vessel partition: whole tracks per bucket, buckets bounded in rows, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from quayside.ais.schema import POSITION_SCHEMA
from quayside.engines.staging import Staging


def _batch(mmsis: list[int]) -> pa.RecordBatch:
    n = len(mmsis)
    columns = {
        name: pa.nulls(n, type=field.type)
        for name, field in zip(POSITION_SCHEMA.names, POSITION_SCHEMA, strict=True)
    }
    columns["mmsi"] = pa.array(mmsis, pa.int64())
    columns["lat"] = pa.array([33.7] * n)
    columns["lon"] = pa.array([-118.2] * n)
    columns["source"] = pa.array(["t"] * n)
    columns["record"] = pa.array(range(1, n + 1), pa.int64())
    return pa.RecordBatch.from_pydict(columns, schema=POSITION_SCHEMA)


def test_each_vessel_lands_in_one_partition_and_rows_are_kept(tmp_path: Path) -> None:
    staging = Staging(tmp_path, partitions=4)
    # MMSI % 4: 100000001 -> 1, 100000002 -> 2, 100000004 -> 0 (two batches, rows of one vessel in both).
    staging.write(_batch([100000001, 100000002, 100000001, 100000004]))
    staging.write(_batch([100000002, 100000004, 100000004]))
    staging.close()
    assert staging.total_rows == 7
    assert list(staging.rows) == [3, 2, 2, 0]
    assert staging.untimed == 7  # ts is null in these rows
    for k, expected in ((0, {100000004}), (1, {100000001}), (2, {100000002})):
        mmsis = set(pq.read_table(staging.path(k)).column("mmsi").to_pylist())
        assert mmsis == expected


def test_buckets_group_whole_partitions_by_size(tmp_path: Path) -> None:
    staging = Staging(tmp_path, partitions=4)
    staging.rows[:] = [5, 3, 4, 2]  # rows per partition, as after staging
    paths = [str(staging.path(k)) for k in range(4)]
    # At most 8 rows a bucket: 5+3, then 4+2 (14 rows in all).
    assert staging.buckets(max_rows=8) == [paths[0:2], paths[2:4]]
    # A partition bigger than the limit is a bucket of its own; partitions are never split.
    assert staging.buckets(max_rows=4) == [[paths[0]], [paths[1]], [paths[2]], [paths[3]]]
    # Two buckets of about 14 / 2 = 7 rows, filled in partition order: 5 (adding 3 would make 8 > 7), then
    # the last bucket takes the rest, 3 + 4 + 2.
    assert staging.buckets(max_rows=100, count=2) == [paths[0:1], paths[1:4]]
    assert staging.buckets(max_rows=100, count=1) == [paths]
