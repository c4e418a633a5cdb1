"""The equipment register CSV: good rows kept, each bad value a reject naming its line and column."""

from __future__ import annotations

import pytest

from quayside.equipment.register import read_register
from quayside.equipment.types import EquipmentKind, PowerSource
from quayside.errors import InputError

HEADER = "unit_id,port,unlocode,operator,kind,power_source,rated_kw,model_year,tier"
GOOD_FIRST = "RTG01,san-pedro-bay,USLAX,YUSEN,rtg_crane,diesel,450,2012,Tier 3"
GOOD_LAST = "7ABC123,san-pedro-bay,,HBDY,drayage_truck,electric,,,"


def _text(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def test_good_rows_are_read_with_their_values() -> None:
    text = _text(GOOD_FIRST, "sts-1,nagoya,jpngo,NCB,STS Crane,Electric,1500.5,1998,", GOOD_LAST)
    register = read_register(text, source="reg.csv")
    assert register.rejects == []
    assert register.records == 3
    first, crane, truck = register.units
    assert (first.unit_id, first.port, first.unlocode, first.operator) == (
        "RTG01",
        "san-pedro-bay",
        "USLAX",
        "YUSEN",
    )
    assert (first.kind, first.power_source) == (EquipmentKind.RTG_CRANE, PowerSource.DIESEL)
    assert (first.rated_kw, first.model_year, first.tier) == (450.0, 2012, "Tier 3")
    assert (first.source, first.line) == ("reg.csv", 2)
    # Case and spacing of codes are forgiven; the UN/LOCODE is upper-cased.
    assert (crane.unlocode, crane.kind, crane.power_source) == (
        "JPNGO",
        EquipmentKind.STS_CRANE,
        PowerSource.ELECTRIC,
    )
    assert (crane.rated_kw, crane.model_year, crane.tier, crane.line) == (1500.5, 1998, None, 3)
    # Empty optional cells are unknown, not zero.
    assert (truck.unlocode, truck.rated_kw, truck.model_year, truck.tier) == (None, None, None, None)
    assert truck.kind.category.value == "trucks"


@pytest.mark.parametrize(
    ("column", "row", "reason"),
    [
        ("unit_id", ",san-pedro-bay,USLAX,APMT,rtg_crane,diesel,450,2012,", "required value is empty"),
        ("unit_id", "U" * 51 + ",san-pedro-bay,USLAX,APMT,rtg_crane,diesel,,,", "longer than 50"),
        ("port", "X1,atlantis,USLAX,APMT,rtg_crane,diesel,450,2012,", "not a bundled port profile"),
        ("port", "X1,,USLAX,APMT,rtg_crane,diesel,450,2012,", "required value is empty"),
        ("unlocode", "X1,san-pedro-bay,JPNGO,APMT,rtg_crane,diesel,450,2012,", "not a UN/LOCODE of port"),
        ("kind", "X1,san-pedro-bay,USLAX,APMT,crane,diesel,450,2012,", "unknown value"),
        ("kind", "X1,san-pedro-bay,USLAX,APMT,,diesel,450,2012,", "required value is empty"),
        ("power_source", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,steam,450,2012,", "unknown value"),
        ("rated_kw", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,abc,2012,", "not a number"),
        ("rated_kw", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,-450,2012,", "must not be negative"),
        ("rated_kw", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,0,2012,", "more than 0"),
        ("rated_kw", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,450000,2012,", "is it in kW"),
        ("rated_kw", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,inf,2012,", "not a finite number"),
        ("model_year", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,450,2012.5,", "not a whole number"),
        ("model_year", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,450,1850,", "between 1,900 and 2,100"),
        ("tier", "X1,san-pedro-bay,USLAX,APMT,rtg_crane,diesel,450,2012," + "T" * 33, "longer than 32"),
        (
            "operator",
            "X1,san-pedro-bay,USLAX," + "O" * 101 + ",rtg_crane,diesel,450,2012,",
            "longer than 100",
        ),
    ],
)
def test_each_bad_value_is_a_reject_naming_line_and_column(column: str, row: str, reason: str) -> None:
    register = read_register(_text(GOOD_FIRST, row, GOOD_LAST), source="reg.csv")
    assert [u.unit_id for u in register.units] == ["RTG01", "7ABC123"]  # the neighbours are kept
    assert len(register.rejects) == 1
    reject = register.rejects[0]
    assert (reject.index, reject.field, reject.source) == (3, column, "reg.csv")
    assert reason in reject.reason
    assert register.records == 3


def test_a_unit_given_twice_keeps_its_first_row() -> None:
    again = GOOD_FIRST.replace("diesel", "electric")
    register = read_register(_text(GOOD_FIRST, GOOD_LAST, again), source="reg.csv")
    assert [(u.unit_id, u.power_source) for u in register.units] == [
        ("RTG01", PowerSource.DIESEL),
        ("7ABC123", PowerSource.ELECTRIC),
    ]
    assert [(r.index, r.field, r.value) for r in register.rejects] == [(4, "unit_id", "RTG01")]
    assert "first at line 2" in register.rejects[0].reason


def test_the_same_id_at_two_ports_is_two_units() -> None:
    other = "RTG01,nagoya,JPNGO,NCB,rtg_crane,diesel,450,2012,"
    register = read_register(_text(GOOD_FIRST, other), source="reg.csv")
    assert [(u.port, u.unit_id) for u in register.units] == [("san-pedro-bay", "RTG01"), ("nagoya", "RTG01")]


def test_only_the_required_columns_must_be_in_the_header() -> None:
    register = read_register("Unit_ID,Port,Kind,Power_Source\nF1,shenzhen,forklift,propane\n", source="r.csv")
    assert register.rejects == []
    assert (register.units[0].unlocode, register.units[0].rated_kw) == (None, None)


@pytest.mark.parametrize("missing", ["unit_id", "port", "kind", "power_source"])
def test_a_header_without_a_required_column_reads_nothing(missing: str) -> None:
    names = [c for c in HEADER.split(",") if c != missing]
    with pytest.raises(InputError, match=missing) as info:
        read_register(",".join(names) + "\n", source="reg.csv")
    assert info.value.source == "reg.csv"


def test_an_empty_file_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty"):
        read_register("", source="reg.csv")


def test_unreadable_and_overlong_rows_are_rejects_of_their_line() -> None:
    text = _text(GOOD_FIRST, GOOD_FIRST.replace("RTG01", "RTG02") + ",extra", "", GOOD_LAST)
    register = read_register(text, source="reg.csv")
    assert [u.unit_id for u in register.units] == ["RTG01", "7ABC123"]  # the blank line is skipped
    assert [(r.index, r.field, r.value) for r in register.rejects] == [(3, "row", "extra")]
    assert register.records == 3


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("B,san\rpedro,forklift,diesel", "carriage return inside an unquoted field"),
        ('"B' + "x" * 200_000 + '",nagoya,forklift,diesel', "longer than the CSV limit"),
    ],
)
def test_a_row_the_csv_module_refuses_is_a_reject_and_reading_goes_on(bad: str, reason: str) -> None:
    text = f"unit_id,port,kind,power_source\nA,shenzhen,forklift,diesel\n{bad}\nC,nagoya,forklift,diesel\n"
    register = read_register(text, source="reg.csv")
    assert [u.unit_id for u in register.units] == ["A", "C"]
    assert [(r.index, r.field) for r in register.rejects] == [(3, "row")]
    assert reason in register.rejects[0].reason
