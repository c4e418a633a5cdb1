"""The carbon side of the store: idempotent upserts and the annual reads, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quayside.emissions.types import Pollutant
from quayside.equipment.types import ActivityRecord, EquipmentKind, EquipmentUnit, PowerSource, SourceCategory
from quayside.store.access import Principal
from quayside.store.models import (
    EquipmentActivityRow,
    Event,
    MoveCountRow,
    PortCall,
    PortCallTimestamp,
    ShipCallEmissionRow,
    TruckVisitRow,
    Vessel,
)
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    equipment_activity,
    equipment_units,
    find_units,
    gram_column,
    replace_ship_calls,
    ship_emissions,
    teu_moved,
    truck_visits,
    upsert_activity,
    upsert_units,
    years_held,
)
from quayside.store.types import OrgRole
from quayside.visibility.codes import JitEventType, JitServiceType
from quayside.visibility.model import Classifier, EventType

SPB = "san-pedro-bay"


def _unit(unit_id: str, port: str = SPB, **changes: object) -> EquipmentUnit:
    values: dict[str, object] = {
        "unit_id": unit_id,
        "port": port,
        "unlocode": "USLAX",
        "operator": "YUSEN",
        "kind": EquipmentKind.RTG_CRANE,
        "power_source": PowerSource.DIESEL,
        "rated_kw": 450.0,
        "model_year": 2012,
        "tier": None,
        "source": "reg.csv",
        "line": 2,
        **changes,
    }
    return EquipmentUnit(**values)  # type: ignore[arg-type]


def test_units_load_once_and_update_when_their_values_change(session: Session) -> None:
    first = upsert_units(
        session, [_unit("RTG01"), _unit("RTG02"), _unit("RTG01", "nagoya", unlocode="JPNGO")]
    )
    session.commit()
    assert (first.stored, first.updated, first.unchanged) == ([0, 1, 2], [], [])
    again = upsert_units(
        session, [_unit("RTG02"), _unit("RTG01", power_source=PowerSource.DIESEL_HYBRID, line=9)]
    )
    session.commit()
    assert (again.stored, again.updated, again.unchanged) == ([], [1], [0])
    units = equipment_units(session, SPB)
    assert [(u.unit_id, u.power_source, u.line) for u in units] == [
        ("RTG01", PowerSource.DIESEL_HYBRID, 9),
        ("RTG02", PowerSource.DIESEL, 2),
    ]
    assert units[1] == _unit("RTG02")  # every field comes back as it went in
    assert [u.unlocode for u in equipment_units(session, "nagoya")] == ["JPNGO"]
    found = find_units(session, ["RTG01", "RTG02", "NOPE"])
    assert sorted(u.port for u in found["RTG01"]) == ["nagoya", SPB]
    assert "NOPE" not in found


def _record(unit_id: str, start: date, end: date, **values: object) -> ActivityRecord:
    return ActivityRecord(unit_id, start, end, source="act.csv", line=2, **values)  # type: ignore[arg-type]


def _pk(session: Session, unit_id: str, port: str = SPB) -> int:
    return next(u.pk for u in find_units(session, [unit_id])[unit_id] if u.port == port)


def test_activity_loads_once_and_refuses_overlapping_periods(session: Session) -> None:
    upsert_units(session, [_unit("RTG01"), _unit("RTG02")])
    pk1, pk2 = _pk(session, "RTG01"), _pk(session, "RTG02")
    jan = _record("RTG01", date(2024, 1, 1), date(2024, 1, 31), hours=300.0, fuel_l=4800.0, moves=5000)
    feb = _record("RTG01", date(2024, 2, 1), date(2024, 2, 29), hours=280.0)
    done, refused = upsert_activity(session, [(pk1, jan), (pk1, feb)])
    session.commit()
    assert (done.stored, refused) == ([0, 1], {})
    mid = _record("RTG01", date(2024, 1, 20), date(2024, 2, 10), hours=1.0)
    other = _record("RTG02", date(2024, 1, 20), date(2024, 2, 10), hours=1.0)
    jan_again = _record("RTG01", date(2024, 1, 1), date(2024, 1, 31), hours=300.0, fuel_l=4800.0, moves=5000)
    feb_fixed = _record("RTG01", date(2024, 2, 1), date(2024, 2, 29), hours=281.5)
    done, refused = upsert_activity(session, [(pk1, mid), (pk2, other), (pk1, jan_again), (pk1, feb_fixed)])
    session.commit()
    assert (done.stored, done.updated, done.unchanged) == ([1], [3], [2])
    assert list(refused) == [0]
    assert "2024-01-01..2024-01-31" in refused[0]
    hours = session.scalars(select(EquipmentActivityRow.hours).order_by(EquipmentActivityRow.id)).all()
    assert hours == [300.0, 281.5, 1.0]


def test_activity_of_a_year_is_every_record_overlapping_it_of_the_port_s_units(session: Session) -> None:
    upsert_units(session, [_unit("RTG01"), _unit("NCB-1", "nagoya", unlocode="JPNGO")])
    pk, other = _pk(session, "RTG01"), _pk(session, "NCB-1", "nagoya")
    december = _record("RTG01", date(2023, 12, 15), date(2024, 1, 14), hours=100.0)
    june = _record("RTG01", date(2024, 6, 1), date(2024, 6, 30), kwh=900.0)
    last_day = _record("RTG01", date(2024, 12, 31), date(2025, 1, 30), hours=5.0)
    later = _record("RTG01", date(2025, 2, 1), date(2025, 2, 28), hours=7.0)
    elsewhere = _record("NCB-1", date(2024, 6, 1), date(2024, 6, 30), hours=9.0)
    upsert_activity(session, [(pk, december), (pk, june), (pk, last_day), (pk, later), (other, elsewhere)])
    session.commit()
    records = equipment_activity(session, SPB, 2024)
    # Whole records, not clipped to the year: clipping is the emission method's.
    assert records == [december, june, last_day]
    assert equipment_activity(session, SPB, 2022) == []
    assert years_held(session, SPB) == [2023, 2024, 2025]


def _call(
    mmsi: int, arrival: datetime, category: SourceCategory, co2e: float, *, port: str = SPB, **kw: object
) -> ShipCallEmissions:
    grams = {p: 0.0 for p in Pollutant} | {Pollutant.CO2E: co2e, Pollutant.NOX: co2e / 100}
    values: dict[str, object] = {"unlocode": "USLAX", "terminal_code": "YUSEN", **kw}
    return ShipCallEmissions(
        port=port,
        mmsi=mmsi,
        arrival=arrival,
        year=arrival.year,
        category=category,
        grams=grams,
        source="calls.parquet",
        **values,  # type: ignore[arg-type]
    )


T0 = datetime(2024, 3, 1, 12, tzinfo=UTC)


def test_ship_emissions_sum_the_calls_of_the_year_by_category(session: Session) -> None:
    calls = [
        _call(366_000_001, T0, SourceCategory.OGV, 100.0),
        _call(366_000_002, T0 + timedelta(days=3), SourceCategory.OGV, 250.0),
        _call(366_000_003, T0, SourceCategory.HARBOR_CRAFT, 40.0, unlocode=None, terminal_code=None),
        _call(366_000_004, datetime(2023, 6, 1, tzinfo=UTC), SourceCategory.OGV, 7.0),
    ]
    replace_ship_calls(session, SPB, calls, span=None)
    replace_ship_calls(
        session, "nagoya", [_call(431_000_001, T0, SourceCategory.OGV, 9.0, port="nagoya")], span=None
    )
    session.commit()
    totals = ship_emissions(session, SPB, 2024)
    assert set(totals) == {"ogv", "harbor_craft"}
    assert totals["ogv"]["CO2e"] == 350.0  # 100 + 250; the 2023 call and the Nagoya call are not in it
    assert totals["ogv"]["NOx"] == 3.5
    assert totals["harbor_craft"]["CO2e"] == 40.0
    assert set(totals["ogv"]) == {p.value for p in Pollutant}
    assert ship_emissions(session, SPB, 2025) == {}
    assert years_held(session, SPB) == [2023, 2024]


def test_every_pollutant_has_its_column() -> None:
    for pollutant in Pollutant:
        assert hasattr(ShipCallEmissionRow, gram_column(pollutant))
    assert gram_column(Pollutant.PM2_5) == "pm2_5_g"


def test_an_inventory_loaded_again_replaces_its_period(session: Session) -> None:
    a = _call(366_000_001, T0, SourceCategory.OGV, 100.0)
    b = _call(366_000_002, T0 + timedelta(days=1), SourceCategory.OGV, 200.0)
    c = _call(366_000_003, T0 + timedelta(days=9), SourceCategory.OGV, 300.0)
    before = _call(366_000_004, T0 - timedelta(days=30), SourceCategory.OGV, 5.0)
    first = replace_ship_calls(session, SPB, [a, b, c, before], span=(before.arrival, c.arrival))
    session.commit()
    assert (first.upserted.stored, first.removed) == ([0, 1, 2, 3], 0)
    # A second run: a is unchanged, b arrives an hour later (another call), c has other grams; the earlier
    # call is outside the new run's period and stays.
    b_moved = _call(366_000_002, b.arrival + timedelta(hours=1), SourceCategory.OGV, 200.0)
    c_fixed = _call(366_000_003, c.arrival, SourceCategory.OGV, 330.0)
    second = replace_ship_calls(session, SPB, [a, b_moved, c_fixed], span=(a.arrival, c.arrival))
    session.commit()
    up = second.upserted
    assert (up.stored, up.updated, up.unchanged, second.removed) == ([1], [2], [0], 1)
    assert ship_emissions(session, SPB, 2024)["ogv"]["CO2e"] == 5.0 + 100.0 + 200.0 + 330.0
    # Loaded a third time, nothing changes.
    third = replace_ship_calls(session, SPB, [a, b_moved, c_fixed], span=(a.arrival, c.arrival))
    assert (third.upserted.unchanged, third.removed) == ([0, 1, 2], 0)


def test_a_replacement_keeps_unreadable_calls_and_other_ports_calls(session: Session) -> None:
    lax = _call(366_000_001, T0, SourceCategory.OGV, 100.0)
    lgb = _call(366_000_002, T0 + timedelta(days=1), SourceCategory.OGV, 200.0, unlocode="USLGB")
    kept = _call(366_000_003, T0 + timedelta(days=2), SourceCategory.OGV, 300.0)
    replace_ship_calls(session, SPB, [lax, lgb, kept], span=(lax.arrival, kept.arrival))
    result = replace_ship_calls(
        session,
        SPB,
        [],
        span=(lax.arrival, kept.arrival),
        keep=[(kept.mmsi, kept.arrival)],
        only_unlocode="USLAX",
    )
    session.commit()
    assert result.removed == 1  # the USLAX call not kept; USLGB's is not USLAX's to replace
    left = session.scalars(select(ShipCallEmissionRow.mmsi).order_by(ShipCallEmissionRow.mmsi)).all()
    assert left == [366_000_002, 366_000_003]


def test_truck_visits_of_a_local_year_each_physical_visit_once(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    terminal = make_org("APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT")
    trucker = make_org("Harbor Drayage", OrgRole.TRUCKER, code="HBDY")

    def visit(owner: Principal, visit_id: str, gate_in: datetime, plate: str | None = "7ABC123") -> None:
        session.add(
            TruckVisitRow(
                visit_id=visit_id,
                un_location_code="USLAX",
                facility_code="APMT",
                trucking_company="HBDY",
                truck_license_plate=plate,
                gate_in=gate_in,
                gate_out=gate_in + timedelta(minutes=70),
                owner_org_id=owner.org_id,
            )
        )

    new_year_eve = datetime(2024, 1, 1, 7, 30, tzinfo=UTC)  # 23:30 on 31 December 2023 in Los Angeles
    new_year = datetime(2024, 1, 1, 8, 30, tzinfo=UTC)  # 00:30 on 1 January 2024
    visit(terminal, "V1", new_year_eve)
    visit(terminal, "V2", new_year)
    visit(trucker, "V2", new_year)  # the same visit recorded by the trucker too
    visit(trucker, "V1", new_year + timedelta(days=3), plate="8XYZ999")  # the trucker's own V1: another visit
    session.add(
        TruckVisitRow(
            visit_id="N1",
            un_location_code="JPNGO",
            facility_code="NCB",
            trucking_company="HBDY",
            truck_license_plate=None,
            gate_in=datetime(2023, 12, 31, 15, 30, tzinfo=UTC),  # 00:30 on 1 January 2024 in Nagoya
            gate_out=None,
            owner_org_id=trucker.org_id,
        )
    )
    session.commit()
    visits = truck_visits(session, ["USLAX", "JPNGO"], 2024)
    assert [(v.visit_id, v.unlocode, v.plate, v.gate_in) for v in visits] == [
        ("N1", "JPNGO", None, datetime(2023, 12, 31, 15, 30, tzinfo=UTC)),
        ("V2", "USLAX", "7ABC123", new_year),
        ("V1", "USLAX", "8XYZ999", new_year + timedelta(days=3)),
    ]
    assert visits[1].gate_out == new_year + timedelta(minutes=70)
    assert [v.visit_id for v in truck_visits(session, ["USLAX"], 2023)] == ["V1"]
    assert truck_visits(session, [], 2024) == []


def _event(
    owner: int, container: str, size: str | None, at: datetime, *, voyage: str, imo: str = "9300001"
) -> Event:
    key = hashlib.sha256(f"{container}{voyage}{at}".encode()).hexdigest()
    return Event(
        event_id=key[:36],
        idempotency_key=key,
        owner_org_id=owner,
        event_type=EventType.EQUIPMENT,
        event_type_code="DISC",
        classifier=Classifier.ACT,
        event_datetime=at,
        equipment_reference=container,
        iso_equipment_code=size,
        un_location_code="USLAX",
        facility_code="APMT",
        vessel_imo=imo,
        carrier_voyage_number=voyage,
        document={},
    )


def _count(
    owner: int, voyage: str, discharges: int, loads: int, *, imo: str = "9300001", loaded: datetime = T0
) -> MoveCountRow:
    return MoveCountRow(
        vessel_imo=imo,
        carrier_voyage_number=voyage,
        un_location_code="USLAX",
        facility_code="APMT",
        discharges=discharges,
        loads=loads,
        restows=10,
        owner_org_id=owner,
        created_at=loaded,
    )


def test_teu_moved_from_move_counts_and_events(session: Session, make_org: Callable[..., Principal]) -> None:
    owner = make_org("APM Terminals", OrgRole.TERMINAL_OPERATOR, code="APMT").org_id
    # V1: a BAPLIE of 100 discharges + 50 loads (restows move no cargo), and three of its DISC events with
    # sizes 45G1, 45G1, 22G1: 5 TEU in 3 boxes, so 150 x 5/3 = 250 TEU.
    session.add(_count(owner, "V1", 100, 50))
    for box, size in (("MSKU0000001", "45G1"), ("MSKU0000002", "45G1"), ("MSKU0000003", "22G1")):
        session.add(_event(owner, box, size, T0, voyage="V1"))
    # V2: no move count; its events: two 40 ft (2 TEU each), one 45 ft (L5G1, 2.25 TEU), one without a
    # size (the default 1.74 TEU): 4 + 2.25 + 1.74 = 7.99 TEU. The same box twice counts once.
    for box, size in (
        ("CMAU0000001", "42G1"),
        ("CMAU0000002", "42G1"),
        ("CMAU0000003", "L5G1"),
        ("CMAU0000004", None),
    ):
        session.add(_event(owner, box, size, T0 + timedelta(days=5), voyage="V2", imo="9300002"))
    session.add(
        _event(owner, "CMAU0000001", "42G1", T0 + timedelta(days=5, hours=1), voyage="V2", imo="9300002")
    )
    # V3: a move count without events, loaded in 2023 and with no port call: a 2023 call.
    session.add(_count(owner, "V3", 500, 500, imo="9300003", loaded=datetime(2023, 11, 1, tzinfo=UTC)))
    # V4: a move count loaded in 2023 whose JIT berth arrival (ACT) was in 2024: 20 boxes x 1.74 = 34.8 TEU.
    session.add(_count(owner, "V4", 10, 10, imo="9300004", loaded=datetime(2023, 12, 1, tzinfo=UTC)))
    vessel = Vessel(imo="9300004")
    session.add(vessel)
    session.flush()
    call = PortCall(
        vessel_id=vessel.id, un_location_code="USLAX", carrier_voyage_number="V4", owner_org_id=owner
    )
    session.add(call)
    session.flush()
    session.add(
        PortCallTimestamp(
            port_call_id=call.id,
            service_type=JitServiceType.BERTH,
            event_type=JitEventType.ARRI,
            classifier=Classifier.ACT,
            date_time=datetime(2024, 1, 2, tzinfo=UTC),
            owner_org_id=owner,
        )
    )
    session.commit()
    assert teu_moved(session, ["USLAX"], 2024) == pytest.approx(250 + 7.99 + 34.8)
    assert teu_moved(session, ["USLAX"], 2023) == pytest.approx(1000 * 1.74)
    assert teu_moved(session, ["USLAX"], 2022) is None
    assert teu_moved(session, ["USLGB"], 2024) is None
