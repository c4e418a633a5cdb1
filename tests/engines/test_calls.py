"""Calls from intervals, on a hand-made track: visits, berth shifts, call types and per-mode sums."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from quayside.engines.calls import GROUPS, POLLUTANTS, summarise_calls

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _intervals(rows: list[tuple[int, int, str, bool, str | None, float]]) -> pl.DataFrame:
    """Rows of (mmsi, segment, mode, in_boundary, zone_id, hours), one hour each after the previous."""
    data: dict[str, list[object]] = {
        k: []
        for k in (
            "mmsi",
            "segment",
            "ts_start",
            "ts_end",
            "hours",
            "dist_nm",
            "mode",
            "in_boundary",
            "zone_id",
        )
    }
    t = T0
    for mmsi, segment, mode, inside, zone, hours in rows:
        data["mmsi"].append(mmsi)
        data["segment"].append(segment)
        data["ts_start"].append(t)
        data["ts_end"].append(t + timedelta(hours=hours))
        data["hours"].append(hours)
        data["dist_nm"].append(10.0 if mode in ("transit", "maneuvering") else 0.0)
        data["mode"].append(mode)
        data["in_boundary"].append(inside)
        data["zone_id"].append(zone)
        t += timedelta(hours=hours)
    frame = pl.DataFrame(data)
    # Every emission column: 1 g per hour in each group, so sums can be checked by counting hours.
    extra = {f"{p}_{g}_g": pl.col("hours") for p in POLLUTANTS for g in GROUPS}
    extra |= {f"energy_{g}_kwh": pl.col("hours") * 100 for g in GROUPS}
    extra |= {f"fuel_{g}_t": pl.col("hours") * 0.01 for g in GROUPS}
    return frame.with_columns(**extra)


def test_a_call_with_anchorage_and_a_berth_shift() -> None:
    track = _intervals(
        [
            (1, 0, "transit", False, None, 2.0),  # outside the boundary: not part of the call
            (1, 0, "transit", True, None, 1.0),
            (1, 0, "anchorage", True, "anch-f", 5.0),
            (1, 0, "maneuvering", True, None, 1.0),
            (1, 0, "hotelling", True, "pier-a", 10.0),
            (1, 0, "maneuvering", True, None, 0.5),
            (1, 0, "hotelling", True, "pier-b", 4.0),
            (1, 0, "transit", True, None, 1.5),
            (1, 0, "transit", False, None, 3.0),
        ]
    )
    calls = summarise_calls(track)
    assert calls.height == 1
    call = calls.row(0, named=True)
    assert call["call_type"] == "berth"
    assert call["berths"] == "pier-a;pier-b"
    assert call["berth_shifts"] == 1
    # The call starts when the vessel enters the boundary (after 2 h outside) and ends when it leaves.
    assert call["arrival"] == T0 + timedelta(hours=2)
    assert call["departure"] == T0 + timedelta(hours=2 + 1 + 5 + 1 + 10 + 0.5 + 4 + 1.5)
    assert call["anchorage_arrival"] == T0 + timedelta(hours=3)
    assert call["berth_arrival"] == T0 + timedelta(hours=9)
    assert call["berth_departure"] == T0 + timedelta(hours=9 + 10 + 0.5 + 4)
    assert (
        call["hours_transit"],
        call["hours_anchorage"],
        call["hours_maneuvering"],
        call["hours_hotelling"],
    ) == (
        2.5,
        5.0,
        1.5,
        14.0,
    )
    assert call["nm_transit"] == 20.0
    assert call["nm_maneuvering"] == 20.0
    assert call["hours_total"] == 23.0
    # 1 g per hour and group: 23 h x 3 groups; by mode, hotelling 14 h x 3 groups.
    assert call["nox_g"] == pytest.approx(69.0)
    assert call["co2_hotelling_g"] == pytest.approx(42.0)
    assert call["energy_aux_kwh"] == pytest.approx(2300.0)


def test_visits_split_on_leaving_the_boundary_on_a_new_segment_and_per_vessel() -> None:
    track = _intervals(
        [
            (1, 0, "anchorage", True, "anch-f", 3.0),
            (1, 0, "transit", False, None, 4.0),  # 4 h outside: more than the 3 h a call may step out
            (1, 0, "transit", True, None, 1.0),  # back in: a second visit, passing through
            (1, 1, "transit", True, None, 1.0),  # new track segment (after a gap): a third visit
            (2, 0, "transit", True, None, 1.0),  # another vessel
        ]
    )
    calls = summarise_calls(track).sort("arrival")
    assert calls.get_column("call_type").to_list() == [
        "anchorage",
        "pass_through",
        "pass_through",
        "pass_through",
    ]
    assert calls.get_column("mmsi").to_list() == [1, 1, 1, 2]
    assert calls.get_column("berth_shifts").to_list() == [0, 0, 0, 0]


def test_a_short_excursion_outside_the_boundary_stays_in_the_call() -> None:
    track = _intervals(
        [
            (1, 0, "anchorage", True, "anch-f", 5.0),
            (1, 0, "maneuvering", False, None, 1.0),  # a fairway crossing the boundary line: 1 h outside
            (1, 0, "hotelling", True, "pier-a", 10.0),
        ]
    )
    merged = summarise_calls(track, merge_gap_hours=3.0)
    assert merged.height == 1
    assert merged.row(0, named=True)["call_type"] == "berth"
    assert merged.row(0, named=True)["hours_total"] == 15.0  # the hour outside counts for nothing
    assert summarise_calls(track, merge_gap_hours=0.5).height == 2
