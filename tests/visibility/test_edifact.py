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
