"""The port throughput CSV: good rows kept, each bad value a reject naming its line and column."""

from __future__ import annotations

import pytest

from quayside.equipment.throughput import read_throughput
from quayside.errors import InputError

HEADER = "port,unlocode,year,teu,source"
WHOLE_PORT = "san-pedro-bay,,2023,16617000,Port of LA + Port of Long Beach annual statistics"
LA = "san-pedro-bay,uslax,2023,8634000,Port of Los Angeles statistics 2023"


def _text(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def test_good_rows_are_read_with_their_values() -> None:
    text = _text(WHOLE_PORT, LA, "nagoya,JPNGO,2022,2680000.5,Nagoya Port Authority")
    read = read_throughput(text, source="teu.csv")
    assert read.rejects == []
    assert read.records == 3
    whole, la, nagoya = read.figures
    # An empty UN/LOCODE is the whole port; a UN/LOCODE is upper-cased.
    assert (whole.port, whole.unlocode, whole.year, whole.teu) == ("san-pedro-bay", None, 2023, 16_617_000.0)
    assert whole.source == "Port of LA + Port of Long Beach annual statistics"
    assert (whole.loaded_from, whole.line) == ("teu.csv", 2)
    assert (la.unlocode, la.teu, la.line) == ("USLAX", 8_634_000.0, 3)
    assert nagoya.teu == 2_680_000.5


@pytest.mark.parametrize(
    ("column", "row", "reason"),
    [
        ("port", "atlantis,,2023,100,s", "not a bundled port profile"),
        ("port", ",USLAX,2023,100,s", "required value is empty"),
        ("unlocode", "san-pedro-bay,JPNGO,2023,100,s", "not a UN/LOCODE of port san-pedro-bay"),
        ("year", "san-pedro-bay,USLAX,,100,s", "required value is empty"),
        ("year", "san-pedro-bay,USLAX,2023.5,100,s", "not a whole number"),
        ("year", "san-pedro-bay,USLAX,1850,100,s", "between 1,900 and 2,100"),
        ("teu", "san-pedro-bay,USLAX,2023,,s", "required value is empty"),
        ("teu", "san-pedro-bay,USLAX,2023,8.6 million,s", "not a number"),
        ("teu", "san-pedro-bay,USLAX,2023,-1,s", "must not be negative"),
        ("teu", "san-pedro-bay,USLAX,2023,nan,s", "not a finite number"),
        ("teu", "san-pedro-bay,USLAX,2023,100000001,s", "not thousands"),
        ("source", "san-pedro-bay,USLAX,2023,100,", "required value is empty"),
        ("source", "san-pedro-bay,USLAX,2023,100," + "s" * 501, "longer than 500"),
    ],
)
def test_each_bad_value_is_a_reject_naming_line_and_column(column: str, row: str, reason: str) -> None:
    read = read_throughput(_text(WHOLE_PORT, row, LA), source="teu.csv")
    assert [(f.unlocode, f.year) for f in read.figures] == [(None, 2023), ("USLAX", 2023)]  # neighbours kept
    assert len(read.rejects) == 1
    reject = read.rejects[0]
    assert (reject.index, reject.field, reject.source) == (3, column, "teu.csv")
    assert reason in reject.reason
    assert read.records == 3


def test_zero_teu_is_a_figure() -> None:
    read = read_throughput(_text("san-pedro-bay,USLGB,2020,0,terminal closed"), source="teu.csv")
    assert (read.rejects, read.figures[0].teu) == ([], 0.0)


def test_a_figure_given_twice_keeps_its_first_row() -> None:
    again = LA.replace("8634000", "9000000").replace("uslax", "USLAX")
    read = read_throughput(_text(LA, WHOLE_PORT, again), source="teu.csv")
    assert [(f.unlocode, f.teu) for f in read.figures] == [("USLAX", 8_634_000.0), (None, 16_617_000.0)]
    assert [(r.index, r.field, r.value) for r in read.rejects] == [(4, "year", "2023")]
    assert "first at line 2" in read.rejects[0].reason
    # Another year, or the whole port next to one of its UN/LOCODEs, is another figure.
    other = read_throughput(_text(LA, LA.replace("2023", "2022"), WHOLE_PORT), source="teu.csv")
    assert (len(other.figures), other.rejects) == (3, [])


def test_only_the_required_columns_must_be_in_the_header() -> None:
    read = read_throughput("Year,TEU,Port,Source\n2022,100,shenzhen,s\n", source="t.csv")
    assert read.rejects == []
    assert (read.figures[0].port, read.figures[0].unlocode, read.figures[0].teu) == ("shenzhen", None, 100.0)


@pytest.mark.parametrize("missing", ["port", "year", "source"])
def test_a_header_without_a_required_column_reads_nothing(missing: str) -> None:
    names = [c for c in HEADER.split(",") if c != missing]
    with pytest.raises(InputError, match=missing) as info:
        read_throughput(",".join(names) + "\n", source="teu.csv")
    assert info.value.source == "teu.csv"
