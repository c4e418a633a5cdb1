from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quayside.errors import InputError
from quayside.visibility.edifact import parse_edifact

DATA = Path(__file__).parent / "data"
PST = timezone(timedelta(hours=-8))  # USLGB/USLAX in March before DST (2024-03-10): UTC-8


def _read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_codeco_gate_in_and_out() -> None:
    result = parse_edifact(_read("codeco_gate.edi"), source="codeco_gate.edi")
    assert result.rejects == []
    gate_in, gate_out = result.events
    # BGM 34 -> GTIN; EQD 6th element 5 -> LADEN; DTM 7 format 203 in USLGB zone
    assert (gate_in.event_type_code, gate_in.classifier) == ("GTIN", "ACT")
    assert gate_in.equipment_reference == "MSKU9070323"
    assert gate_in.iso_equipment_code == "45G1"
    assert gate_in.empty_indicator == "LADEN"
    assert gate_in.event_datetime == datetime(2024, 3, 5, 8, 12, tzinfo=PST)
    assert (gate_in.un_location_code, gate_in.facility_code) == ("USLGB", "LBCT")
    assert gate_in.mode_of_transport == "TRUCK"  # TDT DE 8067 = 3 (road)
    assert gate_in.carrier_booking_references == ("MAEU240301",)
    # BGM 36 -> GTOT; 8169 = 4 -> EMPTY; DTM format 205 with -0800 offset
    assert (gate_out.event_type_code, gate_out.empty_indicator) == ("GTOT", "EMPTY")
    assert gate_out.equipment_reference == "TGHU1234567"
    assert gate_out.event_datetime == datetime(2024, 3, 5, 17, 5, tzinfo=UTC)


def test_coarri_discharge_report() -> None:
    result = parse_edifact(_read("coarri_discharge.edi"))
    assert result.rejects == []
    first, second = result.events
    assert [e.event_type_code for e in result.events] == ["DISC", "DISC"]  # BGM 98
    assert first.classifier == "ACT"
    assert first.equipment_reference == "OOLU7612345"
    assert first.vessel_imo == "9806079"
    assert first.carrier_voyage_number == "045E"
    assert (first.un_location_code, first.facility_code) == ("USLAX", "YTI")  # header LOC 11
    assert first.mode_of_transport == "VESSEL"
    assert first.transport_document_references == ("ONEYNGOA12345",)
    assert first.event_datetime == datetime(2024, 3, 2, 1, 45, tzinfo=PST)
    assert second.equipment_reference == "CMAU5123450"
    assert second.iso_equipment_code == "22G1"
    assert second.event_datetime == datetime(2024, 3, 2, 2, 10, tzinfo=PST)
    # both boxes belong to the same vessel call
    assert first.transport_call_id == second.transport_call_id


def test_coprar_discharge_order_is_planned() -> None:
    result = parse_edifact(_read("coprar_discharge.edi"))
    assert result.rejects == []
    assert [e.equipment_reference for e in result.events] == ["OOLU7612345", "CMAU5123450", "TCNU7001236"]
    for event in result.events:
        assert (event.event_type_code, event.classifier) == ("DISC", "PLN")  # UNH 0068 DISCHARGECOPRAR
        assert event.event_datetime == datetime(2024, 3, 1, 18, 0, tzinfo=PST)  # DTM 132 vessel ETA
        assert event.facility_code == "YTI"


def test_baplie_move_counts() -> None:
    result = parse_edifact(_read("baplie_departure.edi"))
    assert result.rejects == []
    departed, next_port = result.move_counts
    # POL USLAX: EGHU3100011 and HLXU8112349 (MSKU9070323 was loaded at CNYTN) -> 2 loads at USLAX
    assert (departed.un_location_code, departed.facility_code, departed.loads) == ("USLAX", "YTI", 2)
    # POD JPNGO: EGHU3100011 and MSKU9070323 (HLXU8112349 goes to CNYTN) -> 2 discharges at JPNGO
    assert (next_port.un_location_code, next_port.facility_code, next_port.discharges) == ("JPNGO", "TOBI", 2)
    assert departed.vessel_imo == "9806079"
    assert departed.carrier_voyage_number == "045E"


def test_broken_segments_reject_their_message_only() -> None:
    result = parse_edifact(_read("broken_interchange.edi"), source="broken.edi")
    assert result.messages == 3
    assert [e.equipment_reference for e in result.events] == ["TGHU1234567"]
    first, third = result.rejects
    # message 1: EQD is segment 3 (UNH=1, BGM=2), container number in element 2 has a wrong check digit
    assert (first.index, first.field, first.value) == (1, "UNH BAD001 segment 3 EQD element 2", "MSKU9070324")
    # message 3: DTM format 203 has no zone and XXHAR is not in the port table -> rejected, not guessed
    assert (third.index, third.field) == (3, "UNH BAD003 segment 4 DTM element 1")
    assert "no zone" in third.reason
    assert third.source == "broken.edi"


def test_syntax_error_breaks_one_message() -> None:
    text = (
        "UNH+M1+CODECO:D:00B:UN:SMDG20'BGM+34+X+9'EQD+CN+CSQU3054383+45G1:102:5+2+2+5'DTM+7:202403050812:203'"
        "LOC+165+USLGB:139:6+LBCT:TER:ZZZ'UNT+6+M1'"
        "UNH+M2+CODECO:D:00B:UN:SMDG20'BGM+34+Y+9'+++'UNT+4+M2'"
    )
    result = parse_edifact(text)
    assert [e.equipment_reference for e in result.events] == ["CSQU3054383"]
    (reject,) = result.rejects
    assert reject.field == "UNH M2 segment 3 element 0"


def test_not_edifact_raises() -> None:
    with pytest.raises(InputError):
        parse_edifact("hello world")


# --- a cut-short UNA, impossible DTMs, and a message that fails unforeseen ---------------------------------

# codeco_gate.edi: message 1 (GI0001) DTM format 203 at USLGB; message 2 (GO0002) DTM segment 6, format 205.
GATE_OUT_DTM = "DTM+7:202403050905-0800:205'"


@pytest.mark.parametrize("una", ["UNA:+.", "UNA", "UNA:+.? "])
def test_a_una_shorter_than_nine_characters_names_the_una(una: str) -> None:
    text = una + _read("codeco_gate.edi").split("\n", 1)[1]
    with pytest.raises(InputError) as info:
        parse_edifact(text, source="short_una.edi")
    assert (info.value.field, info.value.source) == ("UNA", "short_una.edi")
    assert "6 service characters" in info.value.message


@pytest.mark.parametrize(
    ("dtm", "needle"),
    [
        ("DTM+7:202403050905?-9900:205'", "bad time zone '-9900'"),  # 99 hours: no UTC offset at all
        ("DTM+7:202403050905?+2400:205'", "bad time zone '+2400'"),
        ("DTM+7:202403050905?+0175:205'", "bad time zone '+0175'"),  # 75 minutes
        ("DTM+7:202403050905?+99:303'", "bad time zone '+99'"),
        ("DTM+7:202402300905?-0800:205'", "not a date/time in format 205"),  # 30 February
        ("DTM+7:999912312359?-1400:205'", "out of range"),  # 10000-01-01T13:59Z
        ("DTM+7:000101010000?+1400:205'", "out of range"),  # 0000-12-31T10:00Z
        ("DTM+7:999912312359:203'", "out of range"),  # local time at USLGB, 10000-01-01 in UTC
    ],
)
def test_an_impossible_dtm_rejects_its_message_and_keeps_the_others(dtm: str, needle: str) -> None:
    text = _read("codeco_gate.edi").replace(GATE_OUT_DTM, dtm)
    result = parse_edifact(text, source="codeco.edi")
    assert [e.equipment_reference for e in result.events] == ["MSKU9070323"]  # message 1 is kept
    (reject,) = result.rejects
    assert (reject.index, reject.field) == (2, "UNH GO0002 segment 6 DTM element 1")
    assert needle in reject.reason


def test_a_message_failing_in_an_unforeseen_way_is_rejected_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from quayside.visibility import edifact
    from quayside.visibility.edifact.common import Message
    from quayside.visibility.model import NormalizedEvent

    real = edifact._EVENT_MAPPERS["CODECO"]

    def flaky(message: Message, source: str | None) -> list[NormalizedEvent]:
        if message.reference == "GO0002":
            raise ValueError("a shape no check foresaw")
        return real(message, source)

    monkeypatch.setitem(edifact._EVENT_MAPPERS, "CODECO", flaky)
    result = parse_edifact(_read("codeco_gate.edi"), source="codeco.edi")
    assert [e.equipment_reference for e in result.events] == ["MSKU9070323"]
    assert [(r.index, r.field, r.reason) for r in result.rejects] == [
        (2, "UNH GO0002", "message could not be mapped")
    ]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("+LBCT:TER", "+LBCTLBCT:TER", "UNH GI0001 segment 8 LOC element 3"),  # facilityCode: 6 at most
        ("45G1:102", "45G1X:102", "UNH GI0001 segment 4 EQD element 3"),  # ISOEquipmentCode: 4
        ("BN:MAEU240301", "BN:" + "B" * 36, "UNH GI0001 segment 5 RFF element 1"),  # booking: 35
    ],
)
def test_an_element_longer_than_its_dcsa_field_rejects_its_message(old: str, new: str, field: str) -> None:
    text = _read("codeco_gate.edi")
    first, second = text.split("UNH+GO0002", 1)
    result = parse_edifact(first.replace(old, new, 1) + "UNH+GO0002" + second)
    assert [e.equipment_reference for e in result.events] == ["TGHU1234567"]  # message 2 is kept
    assert [(r.index, r.field) for r in result.rejects] == [(1, field)]
    assert "longer than" in result.rejects[0].reason
