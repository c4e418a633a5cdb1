"""The equipment activity CSV: good rows kept, each bad value a reject naming its line and column."""

from __future__ import annotations

from datetime import date

import pytest

from quayside.equipment.activity import read_activity
from quayside.errors import InputError

HEADER = "unit_id,period_start,period_end,hours,fuel_l,fuel_kg,kwh,kg_h2,miles,moves"
GOOD_FIRST = "RTG01,2024-01-01,2024-01-31,300,4800,,,,,5000"
GOOD_LAST = "RTG02,2024-01-01,2024-01-31,,,,12000,,,"


def _text(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def test_good_rows_are_read_with_their_values() -> None:
    text = _text(GOOD_FIRST, "TRK9,2024-02-01,2024-02-01,9.5,,40.25,,1.5,120.5,0", GOOD_LAST)
    log = read_activity(text, source="act.csv")
    assert log.rejects == []
    assert log.records == 3
    first, truck, electric = (row.record for row in log.rows)
    assert (first.unit_id, first.period_start, first.period_end) == (
        "RTG01",
        date(2024, 1, 1),
        date(2024, 1, 31),
    )
    assert (first.hours, first.fuel_l, first.moves, first.kwh) == (300.0, 4800.0, 5000, None)
    assert (first.source, first.line) == ("act.csv", 2)
    # A one-day period; zero moves is logged (0), not missing.
    assert (truck.hours, truck.fuel_kg, truck.kg_h2, truck.miles, truck.moves) == (9.5, 40.25, 1.5, 120.5, 0)
    assert (electric.hours, electric.kwh, electric.fuel_l) == (None, 12000.0, None)
    assert all(row.port is None for row in log.rows)


@pytest.mark.parametrize(
    ("column", "row", "reason"),
    [
        ("unit_id", ",2024-02-01,2024-02-29,10,,,,,,", "required value is empty"),
        ("period_start", "X1,2024/02/01,2024-02-29,10,,,,,,", "not a date as YYYY-MM-DD"),
        ("period_start", "X1,,2024-02-29,10,,,,,,", "required value is empty"),
        ("period_end", "X1,2024-02-01,2024-02-30,10,,,,,,", "no such date"),
        ("period_end", "X1,2024-02-01,2024-01-31,10,,,,,,", "before period_start 2024-02-01"),
        ("hours", "X1,2024-02-01,2024-02-29,ten,,,,,,", "not a number"),
        ("hours", "X1,2024-02-01,2024-02-29,-1,,,,,,", "must not be negative"),
        ("hours", "X1,2024-02-01,2024-02-29,nan,,,,,,", "not a finite number"),
        # 29 days of February 2024 have 696 hours.
        ("hours", "X1,2024-02-01,2024-02-29,696.5,,,,,,", "more than the 696 hours of the period"),
        ("fuel_l", "X1,2024-02-01,2024-02-29,10,-3,,,,,", "must not be negative"),
        ("fuel_kg", "X1,2024-02-01,2024-02-29,10,,1e999,,,,", "not a finite number"),
        ("kwh", "X1,2024-02-01,2024-02-29,,,,12 kWh,,,", "not a number"),
        ("kg_h2", "X1,2024-02-01,2024-02-29,,,,,-0.5,,", "must not be negative"),
        ("miles", "X1,2024-02-01,2024-02-29,,,,,,abc,", "not a number"),
        ("moves", "X1,2024-02-01,2024-02-29,10,,,,,,1.5", "not a whole number"),
        ("moves", "X1,2024-02-01,2024-02-29,10,,,,,,-1", "between 0 and"),
        (
            "hours, fuel_l, fuel_kg, kwh, kg_h2, miles, moves",
            "X1,2024-02-01,2024-02-29,,,,,,,",
            "nothing logged",
        ),
    ],
)
def test_each_bad_value_is_a_reject_naming_line_and_column(column: str, row: str, reason: str) -> None:
    log = read_activity(_text(GOOD_FIRST, row, GOOD_LAST), source="act.csv")
    assert [r.record.unit_id for r in log.rows] == ["RTG01", "RTG02"]  # the neighbours are kept
    assert [(r.index, r.field, r.source) for r in log.rejects] == [(3, column, "act.csv")]
    assert reason in log.rejects[0].reason


def test_all_the_hours_of_the_period_may_be_logged() -> None:
    log = read_activity(_text("X1,2024-02-01,2024-02-29,696,,,,,,"), source="act.csv")
    assert log.rejects == []
    assert log.rows[0].record.hours == 696.0


def test_overlapping_periods_of_one_unit_reject_the_later_row() -> None:
    text = _text(
        GOOD_FIRST,
        "RTG01,2024-02-01,2024-02-29,10,,,,,,",  # adjacent: no overlap
        "RTG01,2024-01-31,2024-02-01,10,,,,,,",  # overlaps both, reported against the earlier one
        "RTG01,2023-12-01,2024-01-01,10,,,,,,",  # overlaps January by one day
        "RTG02,2024-01-15,2024-01-20,10,,,,,,",  # another unit's days are its own
        "RTG01,2024-01-01,2024-01-31,1,,,,,,",  # the same period again
    )
    log = read_activity(text, source="act.csv")
    assert [(r.record.unit_id, r.record.line) for r in log.rows] == [("RTG01", 2), ("RTG01", 3), ("RTG02", 6)]
    assert [(r.index, r.field) for r in log.rejects] == [
        (4, "period_start"),
        (5, "period_start"),
        (7, "period_start"),
    ]
    assert "2024-01-01..2024-01-31 of the same unit at line 2" in log.rejects[0].reason
    assert "at line 2" in log.rejects[1].reason


def test_the_optional_port_column_names_the_unit_s_port() -> None:
    text = _text(
        "RTG01,2024-01-01,2024-01-31,10,nagoya",
        "RTG01,2024-01-01,2024-01-31,10,shenzhen",
        header="unit_id,period_start,period_end,hours,port",
    )
    log = read_activity(text, source="act.csv")
    assert log.rejects == []  # the same id at two ports: two units, so no overlap
    assert [(r.port, r.record.hours) for r in log.rows] == [("nagoya", 10.0), ("shenzhen", 10.0)]


def test_only_the_required_columns_must_be_in_the_header() -> None:
    log = read_activity("unit_id,period_start,period_end,kwh\nE1,2024-03-01,2024-03-31,500\n", source="a.csv")
    assert log.rejects == []
    assert (log.rows[0].record.kwh, log.rows[0].record.hours) == (500.0, None)


@pytest.mark.parametrize("missing", ["unit_id", "period_start", "period_end"])
def test_a_header_without_a_required_column_reads_nothing(missing: str) -> None:
    names = [c for c in HEADER.split(",") if c != missing]
    with pytest.raises(InputError, match=missing):
        read_activity(",".join(names) + "\n" + GOOD_FIRST + "\n", source="act.csv")
