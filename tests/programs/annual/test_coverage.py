"""``annual.json``'s ``coverage``: what part of the year each category's data cover, with a note when a
category covers less than a full year; and the annual report from a small store where the TEU come from a
loaded throughput, not the hub's moves (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from quayside.emissions.types import Pollutant
from quayside.equipment.throughput import PortThroughput
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.programs.annual.coverage import FULL_YEAR_DAYS, Coverage, Span, year_coverage
from quayside.programs.annual.report import write_annual
from quayside.programs.annual.store import annual_from_store
from quayside.store.models import MoveCountRow, TruckVisitRow
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    find_units,
    replace_ship_calls,
    upsert_activity,
    upsert_throughput,
    upsert_units,
)
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole

LA = ZoneInfo("America/Los_Angeles")
PORT = "san-pedro-bay"


def _month(unit_id: str, year: int, month: int, **logged: float) -> ActivityRecord:
    first = date(year, month, 1)
    last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return ActivityRecord(unit_id, first, last, **logged)  # type: ignore[arg-type]


def test_the_spans_and_the_note_by_hand() -> None:
    # Ships: first arrival 08:00 UTC on 1 November 2022 (01:00 in Los Angeles), last 20:00 UTC on 30 November
    # (12:00 local): 1 to 30 November, 30 days.
    ships = (datetime(2022, 11, 1, 8, tzinfo=UTC), datetime(2022, 11, 30, 20, tzinfo=UTC))
    # Trucks: first gate-in 06:30 UTC on 1 November = 23:30 on 31 October local; last 28 November: 29 days.
    trucks = (datetime(2022, 11, 1, 6, 30, tzinfo=UTC), datetime(2022, 11, 28, 18, tzinfo=UTC))
    # Equipment: monthly records of 2022, and one from 15 December 2021 to 14 January 2022 (clipped to the
    # year): 1 January to 31 December, 365 days.
    activity = [_month("RTG01", 2022, m, hours=100.0) for m in range(2, 13)]
    activity.append(ActivityRecord("RTG02", date(2021, 12, 15), date(2022, 1, 14), hours=50.0))
    coverage = year_coverage(2022, tz=LA, ship_arrivals=ships, activity=activity, truck_gate_ins=trucks)
    assert coverage.ships == Span(date(2022, 11, 1), date(2022, 11, 30))
    assert coverage.trucks == Span(date(2022, 10, 31), date(2022, 11, 28))
    assert coverage.equipment == Span(date(2022, 1, 1), date(2022, 12, 31))
    assert (coverage.ships.days, coverage.trucks.days, coverage.equipment.days) == (30, 29, 365)
    assert coverage.to_dict() == {
        "year_days": 365,
        "ships": {"first": "2022-11-01", "last": "2022-11-30", "days": 30},
        "equipment": {"first": "2022-01-01", "last": "2022-12-31", "days": 365},
        "trucks": {"first": "2022-10-31", "last": "2022-11-28", "days": 29},
        "note": "ships: 30 days of AIS in 2022 (2022-11-01 to 2022-11-30); equipment: activity logs for the "
        "whole year; trucks: 29 days of truck visits in 2022 (2022-10-31 to 2022-11-28); totals are not a "
        "full year",
    }


def test_no_note_when_every_category_held_covers_a_full_year() -> None:
    full = Span(date(2024, 1, 1), date(2024, 12, 31))
    assert full.days == 366  # a leap year
    assert Coverage(2024, ships=full, equipment=full, trucks=None).note is None
    # 330 days is a full year for the note, 329 is not.
    assert Span(date(2024, 1, 1), date(2024, 11, 25)).days == FULL_YEAR_DAYS
    enough = Coverage(2024, ships=Span(date(2024, 1, 1), date(2024, 11, 25)), equipment=full, trucks=None)
    assert enough.note is None
    short = Coverage(2024, ships=Span(date(2024, 1, 2), date(2024, 11, 25)), equipment=None, trucks=None)
    assert (
        short.note == "ships: 329 days of AIS in 2024 (2024-01-02 to 2024-11-25); totals are not a full year"
    )
    # Equipment short of the year but not of the note's threshold is named with its days.
    most = Span(date(2024, 1, 1), date(2024, 12, 1))
    assert Coverage(
        2024, ships=Span(date(2024, 3, 1), date(2024, 3, 1)), equipment=most, trucks=None
    ).note == (
        "ships: 1 day of AIS in 2024 (2024-03-01 to 2024-03-01); equipment: 336 days of activity logs; "
        "totals are not a full year"
    )
    nothing = year_coverage(2024, tz=LA, ship_arrivals=None, activity=[], truck_gate_ins=None)
    assert nothing.to_dict() == {
        "year_days": 366,
        "ships": None,
        "equipment": None,
        "trucks": None,
        "note": None,
    }


DIESEL_RTG = EquipmentUnit(
    "RTG01", PORT, "USLAX", "TRM", EquipmentKind.RTG_CRANE, PowerSource.DIESEL, 300.0, 2015
)


def _ship_call(mmsi: int, arrival: datetime) -> ShipCallEmissions:
    grams = dict.fromkeys(Pollutant, 0.0)
    grams[Pollutant.CO2E] = 1e6
    return ShipCallEmissions(PORT, mmsi, arrival, 2024, SourceCategory.OGV, "USLAX", None, grams)


def _fill(session: Session) -> None:
    """2024 at San Pedro Bay: two ship calls in November (a 30-day AIS window), a diesel RTG logging 100 h
    every month of the year, three truck visits in November and the hub's move count of 1,000 boxes."""
    upsert_units(session, [DIESEL_RTG])
    pk = find_units(session, ["RTG01"])["RTG01"][0].pk
    upsert_activity(session, [(pk, _month("RTG01", 2024, m, hours=100.0)) for m in range(1, 13)])
    calls = [
        _ship_call(1, datetime(2024, 11, 1, 8, tzinfo=UTC)),
        _ship_call(2, datetime(2024, 11, 30, 20, tzinfo=UTC)),
    ]
    replace_ship_calls(session, PORT, calls, span=None)
    org = create_organisation(session, "A terminal", OrgRole.TERMINAL_OPERATOR, code="TRM")
    for i, day in enumerate((3, 10, 17)):
        gate_in = datetime(2024, 11, day, 17, tzinfo=UTC)
        session.add(
            TruckVisitRow(
                visit_id=f"V{i}",
                un_location_code="USLAX",
                facility_code="TRM",
                trucking_company="HRBT",
                truck_license_plate=None,
                gate_in=gate_in,
                gate_out=gate_in + timedelta(hours=1),
                owner_org_id=org.id,
            )
        )
    session.add(
        MoveCountRow(
            vessel_imo="9300001",
            carrier_voyage_number="001E",
            un_location_code="USLAX",
            facility_code="TRM",
            discharges=600,
            loads=400,
            owner_org_id=org.id,
            created_at=datetime(2024, 11, 2, tzinfo=UTC),
        )
    )
    session.commit()


def test_the_report_s_coverage_and_teu_from_the_store(session: Session, tmp_path: Path) -> None:
    _fill(session)
    hub = annual_from_store(session, PORT, 2024)
    # Without a throughput, the TEU are the hub's: 1,000 boxes x 1.74.
    assert hub.current.teu == pytest.approx(1740.0)
    assert hub.to_json()["sources"]["teu"]["basis"] == ["hub_moves"]

    upsert_throughput(session, [PortThroughput(PORT, None, 2024, 250_000.0, "the ports' 2024 statistics")])
    session.commit()
    report = annual_from_store(session, PORT, 2024)
    doc = report.to_json()
    # A loaded throughput wins, and the report says so; kg CO2e per TEU is the same scope 1+2 over it.
    assert report.current.teu == 250_000.0
    assert doc["sources"]["teu"] == {
        "teu": 250_000.0,
        "basis": ["throughput"],
        "throughput": [
            {"unlocode": None, "teu": 250_000.0, "source": "the ports' 2024 statistics", "file": None}
        ],
        "hub_moves": None,
    }
    scope12 = report.current.terminal_scope12_co2e_g
    assert scope12 == hub.current.terminal_scope12_co2e_g > 0
    assert doc["kg_co2e_per_teu"] == pytest.approx(scope12 / 1000 / 250_000.0)
    # 2024 is a leap year: the RTG's months cover its 366 days; ships 1 to 30 November (local), 30 days;
    # trucks 3 to 17 November, 15 days.
    assert doc["coverage"] == {
        "year_days": 366,
        "ships": {"first": "2024-11-01", "last": "2024-11-30", "days": 30},
        "equipment": {"first": "2024-01-01", "last": "2024-12-31", "days": 366},
        "trucks": {"first": "2024-11-03", "last": "2024-11-17", "days": 15},
        "note": "ships: 30 days of AIS in 2024 (2024-11-01 to 2024-11-30); equipment: activity logs for the "
        "whole year; trucks: 15 days of truck visits in 2024 (2024-11-03 to 2024-11-17); totals are not a "
        "full year",
    }
    paths = write_annual(report, tmp_path / "annual")
    assert json.loads(paths["annual_json"].read_text(encoding="utf-8"))["coverage"] == doc["coverage"]
    page = paths["annual_html"].read_text(encoding="utf-8")
    assert "<strong>Not a full year.</strong> ships: 30 days of AIS in 2024" in page
    assert "Data held for 2024: ships: 2024-11-01 to 2024-11-30 (30 days)" in page
