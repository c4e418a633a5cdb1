"""clean_positions on a hand-made table with every case worked by hand."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from quayside.ais.clean import CLEAN_SCHEMA, CleaningRules, clean_positions
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
    out, delta = clean_positions(_table(), CleaningRules(max_speed_kn=50.0, gap_hours=6.0))
    assert out.schema == CLEAN_SCHEMA
    rows = out.to_pylist()
    # r6 repeats r1's (mmsi, ts) at the same position: the smaller SOG (5.0 < 10.0) comes first in the
    # documented order, so r6 is kept and r1 counted as the duplicate.
    assert [r["record"] for r in rows] == [6, 2, 4, 5, 7, 10]
    assert [r["segment"] for r in rows] == [0, 0, 0, 1, 1, None]
    by_record = {r["record"]: r for r in rows}
    assert by_record[6]["sog_kn"] == 5.0
    assert by_record[2]["cog_deg"] is None
    assert by_record[2]["heading_deg"] is None
    assert by_record[7]["sog_kn"] is None
    # r3 is out of reach of r2 and of r4, which are within reach of each other: a spike.
    assert delta.rejected_by_reason == {"bad_mmsi": 1, "lat_not_available": 1, "position_spike": 1}
    assert (delta.read, delta.accepted, delta.rejected, delta.duplicates) == (0, -4, 3, 1)
    spike = next(r for r in delta.rejects if r.reason == "position_spike")
    assert (spike.source, spike.record) == ("hand", 3)
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
    # At 5 kn the allowance for r1 -> r2 (10 min apart) is 5 × (1/6 h + 10 s) + 100 m
    # = 0.8333 + 0.0139 + 0.0540 = 0.901 nm < 1.0007 nm: out of reach. r2 is no spike (r1 -> r3 is out of
    # reach too), r3 is one (r2 -> r4: 1' in 20 min fits 5 × 1/3 h + ... = 1.72 nm). r1 is no spike
    # either: r1 -> r4 (2' = 2.0013 nm in 30 min; allowance 2.568 nm) is within reach. The walk from
    # r1 then drops r2 as a speed jump and keeps r4.
    out, delta = clean_positions(_table(), CleaningRules(max_speed_kn=5.0))
    assert out.column("record").to_pylist() == [6, 4, 5, 7, 10]
    assert delta.rejected_by_reason["speed_jump"] == 1
    assert delta.rejected_by_reason["position_spike"] == 1


def test_sorted_by_vessel_then_time() -> None:
    shuffled = _table().take([9, 4, 0, 3, 1, 6, 5])
    out, _ = clean_positions(shuffled)
    assert out.column("record").to_pylist() == [6, 2, 4, 5, 7, 10]


@pytest.mark.parametrize(
    "setting",
    [
        {"max_speed_kn": 0.0},
        {"gap_hours": -1.0},
        {"max_speed_kn": float("nan")},
        {"jitter_s": -1.0},
        {"noise_m": float("inf")},
        {"shifted_share": 0.0},
    ],
)
def test_bad_rules(setting: dict[str, float]) -> None:
    with pytest.raises(ConfigError, match=next(iter(setting))):
        CleaningRules(**setting)


def _track(mmsi: int, points: list[tuple[float, float, float]], **kw: object) -> list[dict[str, object]]:
    """Rows at (seconds after T0, lat, lon)."""
    return [_row(mmsi, s / 60, lat, lon, **kw) for s, lat, lon in points]


def _clean(
    rows: list[dict[str, object]], rules: CleaningRules | None = None
) -> tuple[list[int], IngestReport]:
    for i, row in enumerate(rows, start=1):
        row["record"] = i
    out, delta = clean_positions(pa.Table.from_pylist(rows, schema=POSITION_SCHEMA), rules)
    return out.column("record").to_pylist(), delta


M_PER_DEG_LAT = 6_371_008.8 * math.pi / 180  # 111,195.08 m per degree of latitude on the sphere


def test_timestamp_jitter_is_not_a_speed_jump() -> None:
    # A fast ferry northbound at 35 kn (18.006 m/s) reports every 2 s, 36.0 m apart; the receiver stamps
    # the third report a second late, so rows 3 -> 4 are 36.0 m in 1 s (70 kn). Without tolerance that
    # is a jump over 50 kn; with the default tolerance the allowance for 1 s is
    # 50 kn × (1 + 10) s + 100 m = 25.72 m/s × 11 s + 100 m = 382.9 m, so nothing is dropped.
    step = 36.012 / M_PER_DEG_LAT
    points = [(0.0, 33.0, -118.2), (2.0, 33.0 + step, -118.2), (5.0, 33.0 + 2 * step, -118.2)]
    points.append((6.0, 33.0 + 3 * step, -118.2))
    points.append((8.0, 33.0 + 4 * step, -118.2))
    kept, delta = _clean(_track(A, points))
    assert kept == [1, 2, 3, 4, 5]
    assert delta.rejected == 0
    strict, delta = _clean(_track(A, points), CleaningRules(jitter_s=0.0, noise_m=0.0))
    assert delta.rejected_by_reason == {"speed_jump": 1}
    assert strict == [1, 2, 3, 5]


def test_spikes_at_the_ends_and_inside_a_track() -> None:
    # A ship at 12 kn (6.173 m/s) reporting every 60 s moves 370.4 m a report. Row 1 (first) and row 6
    # (last) are 0.5° (55.6 km) off the track, row 4 is 0.2° off: each out of reach of its neighbours
    # (allowance for 60 s: 25.72 m/s × 70 s + 100 m = 1.90 km) while the rows around it agree.
    step = 370.4 / M_PER_DEG_LAT
    lats = [33.5, 33.0 + step, 33.0 + 2 * step, 33.2, 33.0 + 4 * step, 32.5]
    points = [(60.0 * i, lat, -118.3) for i, lat in enumerate(lats)]
    points.insert(5, (60.0 * 4.5, 33.0 + 4.5 * step, -118.3))
    kept, delta = _clean(_track(A, points))
    assert kept == [2, 3, 5, 6]
    assert delta.rejected_by_reason == {"position_spike": 3}


def test_stale_report_is_a_speed_jump() -> None:
    # Seen on a real receiver: a report stamped minutes late repeats a position the ship had left.
    # Ship westbound at 13 kn, a report every 120 s (802.5 m apart). Row 5, stamped 27 s after row 4,
    # carries row 2's position (1,605 m back): the allowance for 27 s is 25.72 m/s × 37 s + 100 m
    # = 1,052 m, so it is out of reach of row 4. Row 6, 7 s later, is 1.5 steps back (401 m from row 5,
    # allowance 537 m): row 5 is within reach of row 6, so it is no spike, and the walk from row 4 drops
    # it as a speed jump. Row 6 is 1,204 m from row 4 in 34 s (allowance 1,232 m): kept.
    km = 802.5 / (M_PER_DEG_LAT * math.cos(math.radians(33.68)))
    pts = [(120.0 * i, 33.68, -119.1 - km * i) for i in range(4)]
    t4 = pts[-1][0]
    pts.append((t4 + 27, 33.68, -119.1 - km * 1))
    pts.append((t4 + 34, 33.68, -119.1 - km * 1.5))
    pts.append((t4 + 120, 33.68, -119.1 - km * 4))
    kept, delta = _clean(_track(A, pts))
    assert delta.rejected_by_reason == {"speed_jump": 1}
    assert kept == [1, 2, 3, 4, 6, 7]


def test_shifted_class_b_rows_are_rejected_whole() -> None:
    # Class B rows written with the columns shifted: course in "lat", latitude in "lon", heading 511 in
    # "cog". Three of the vessel's four rows show it (lat > 90 or cog > 360); the fourth (course 45°
    # in "lat") looks plausible and is rejected with them. Class A rows with the same values are judged
    # by the value rules only.
    shifted = [
        _row(B, 0, 207.7, 34.12, cog_deg=511.0, msg_type=18),
        _row(B, 1, 45.0, 34.12, cog_deg=511.0, msg_type=18),
        _row(B, 2, 12.0, 34.12, cog_deg=10.0, msg_type=18),
        _row(B, 3, 99.8, 34.12, cog_deg=12.0, msg_type=18),
    ]
    normal_b = [_row(A, m, 33.7, -118.2, cog_deg=511.0 if m == 0 else 90.0, msg_type=18) for m in range(4)]
    kept, delta = _clean(shifted + normal_b)
    # Vessel A (Class B too) has one row of four with a course over 360°: under the share of 0.5, so its
    # rows stay (that course becomes null).
    assert kept == [5, 6, 7, 8]
    assert delta.rejected_by_reason == {"lat_out_of_range": 2, "shifted_fields": 2}
    assert {r.record for r in delta.rejects if r.reason == "shifted_fields"} == {2, 3}


def test_duplicates_resolve_the_same_whatever_the_row_order() -> None:
    # Two reports stamped on the same second, 30 m apart (a receiver truncating to the second), and a
    # third with identical content: the kept one is the smallest (lat, lon, ...) whatever the order.
    rows = [
        _row(A, 0, 33.0, -118.2),
        _row(A, 1, 33.0003, -118.2, sog_kn=11.0),
        _row(A, 1, 33.0006, -118.2, sog_kn=11.0),
        _row(A, 1, 33.0003, -118.2, sog_kn=11.0, source="other"),
        _row(A, 2, 33.001, -118.2),
    ]
    for i, row in enumerate(rows, start=1):
        row["record"] = i
    table = pa.Table.from_pylist(rows, schema=POSITION_SCHEMA)
    first, delta = clean_positions(table)
    assert delta.duplicates == 2
    kept = first.to_pylist()
    assert [(r["lat"], r["source"], r["record"]) for r in kept][1] == (33.0003, "hand", 2)
    for order in ([4, 3, 2, 1, 0], [2, 0, 4, 3, 1], [3, 1, 0, 2, 4]):
        again, _ = clean_positions(table.take(order))
        assert again.equals(first)
