"""clean_positions on a hand-made table with every case worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from quayside.ais.clean import CLEAN_SCHEMA, clean_positions
from quayside.ais.report import IngestReport
from quayside.ais.schema import POSITION_SCHEMA
from quayside.errors import ConfigError

T0 = datetime(2023, 1, 1, tzinfo=UTC)
A, B = 367000001, 367000002
ARCMIN = 1 / 60


def _row(
    mmsi: int, minutes: float | None, lat: float, lon: float = -118.0, **kw: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "mmsi": mmsi,
        "ts": None if minutes is None else T0 + timedelta(minutes=minutes),
        "lat": lat,
        "lon": lon,
        "sog_kn": 10.0,
        "cog_deg": 90.0,
        "heading_deg": 90.0,
        "nav_status": 0,
        "msg_type": 1,
        "source": "hand",
    }
    row.update(kw)
    return row


def _table() -> pa.Table:
    rows = [
        _row(A, 0, 33.0),  # r1
        # r2: 1 arcmin north in 10 min. 1' = R·π/10800 = 3440.0695 nm × 2.9089e-4 = 1.000675 nm
        # (R = 6371.0088 km / 1.852), so 1.000675 nm / (1/6 h) = 6.0 kn: kept. COG 360, heading 511 = n/a.
        _row(A, 10, 33.0 + ARCMIN, cog_deg=360.0, heading_deg=511.0),
        # r3: to 34°N, 59' from r2 in 10 min: 59.04 nm / (1/6 h) = 354 kn > 50: speed jump.
        _row(A, 20, 34.0),
        # r4: 2' north of r1; from r2 (the previous *kept*) 1' in 20 min = 3.0 kn: kept.
        # (Against r3 it would be 58' in 10 min = 348 kn.)
        _row(A, 30, 33.0 + 2 * ARCMIN),
        # r5: 7 h after r4 (> 6 h gap): new segment; 1' in 7 h = 0.14 kn.
        _row(A, 450, 33.0 + 3 * ARCMIN),
        # r6: same (mmsi, ts) as r1, read later: duplicate, r1 is kept.
        _row(A, 0, 33.0, sog_kn=5.0),
        # r7: SOG 102.3 = not available: kept with sog null; 1' in 30 min = 2.0 kn.
        _row(A, 480, 33.0 + 4 * ARCMIN, sog_kn=102.3),
        # r8: MMSI of 5 digits.
        _row(12345, 10, 33.0),
        # r9: lat 91 / lon 181 = not available.
        _row(B, 10, 91.0, lon=181.0),
        # r10: no time: kept, segment null.
        _row(B, None, 33.5),
    ]
    for i, row in enumerate(rows, start=1):
        row["record"] = i
    return pa.Table.from_pylist(rows, schema=POSITION_SCHEMA)


def test_clean_worked_example() -> None:
    out, delta = clean_positions(_table(), max_speed_kn=50.0, gap_hours=6.0)
    assert out.schema == CLEAN_SCHEMA
    rows = out.to_pylist()
    assert [r["record"] for r in rows] == [1, 2, 4, 5, 7, 10]
    assert [r["segment"] for r in rows] == [0, 0, 0, 1, 1, None]
    by_record = {r["record"]: r for r in rows}
    assert by_record[1]["sog_kn"] == 10.0  # the first of the duplicates
    assert by_record[2]["cog_deg"] is None
    assert by_record[2]["heading_deg"] is None
    assert by_record[7]["sog_kn"] is None
    assert delta.rejected_by_reason == {"bad_mmsi": 1, "lat_not_available": 1, "speed_jump": 1}
    assert (delta.read, delta.accepted, delta.rejected, delta.duplicates) == (0, -4, 3, 1)
    jump = next(r for r in delta.rejects if r.reason == "speed_jump")
    assert (jump.source, jump.record) == ("hand", 3)
    assert next(r for r in delta.rejects if r.reason == "lat_not_available").raw.startswith(
        f"mmsi={B};ts=2023-01-01 00:10:00"
    )


def test_delta_keeps_ingest_counts_balanced() -> None:
    ingest = IngestReport(read=10, accepted=10, untimed=1)
    _, delta = clean_positions(_table())
    merged = ingest.merge(delta)
    assert merged.balanced
    assert (merged.accepted, merged.rejected, merged.duplicates, merged.untimed) == (6, 3, 1, 1)


def test_lower_speed_limit_drops_more() -> None:
    # With max 5 kn, r2 (6.0 kn from r1) goes too; r3 compared with r1: 60' in 20 min = 180 kn, dropped;
    # r4 from r1: 2' in 30 min = 4.0 kn, kept; r5 0.14 kn and r7 2.0 kn kept.
    out, delta = clean_positions(_table(), max_speed_kn=5.0)
    assert [r for r in out.column("record").to_pylist()] == [1, 4, 5, 7, 10]
    assert delta.rejected_by_reason["speed_jump"] == 2


def test_sorted_by_vessel_then_time() -> None:
    shuffled = _table().take([9, 4, 0, 3, 1, 6])
    out, _ = clean_positions(shuffled)
    assert out.column("record").to_pylist() == [1, 2, 4, 5, 7, 10]


@pytest.mark.parametrize(("speed", "gap"), [(0.0, 6.0), (50.0, -1.0), (float("nan"), 6.0)])
def test_bad_options(speed: float, gap: float) -> None:
    with pytest.raises(ConfigError):
        clean_positions(_table(), max_speed_kn=speed, gap_hours=gap)
