"""Berth visits from the hub's JIT port calls, loads attached to connected visits, and the at_berth.csv row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from quayside.emissions.types import Pollutant
from quayside.programs.incentives.at_berth import assess_visits
from quayside.programs.incentives.at_berth_types import BerthVisit, Connection, ControlSystem
from quayside.programs.incentives.at_berth_visits import attach_loads, port_call_visits
from quayside.store.models import PortCall, PortCallTimestamp, Vessel
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole
from quayside.vessels.types import ShipType
from quayside.visibility.codes import JitEventType, JitServiceType
from quayside.visibility.model import Classifier

T0 = datetime(2025, 3, 1, 14, tzinfo=UTC)


def _stamp(
    call: PortCall, org: int, event: JitEventType, when: datetime, classifier: Classifier
) -> PortCallTimestamp:
    return PortCallTimestamp(
        port_call_id=call.id, service_type=JitServiceType.BERTH, event_type=event, classifier=classifier,
        date_time=when, owner_org_id=org,
    )  # fmt: skip


def test_port_call_visits_take_the_actual_berth_times(session: Session) -> None:
    org = create_organisation(
        session, "Port of Long Beach", OrgRole.PORT_AUTHORITY, code="POLB", port_unlocode="USLGB"
    )
    ship = Vessel(imo="9074729", name="A", mmsi=366000001)
    other = Vessel(imo="9419230", name="B", mmsi=366000002)
    session.add_all([ship, other])
    session.flush()
    call = PortCall(jit_port_call_id="pc-1", vessel_id=ship.id, un_location_code="USLGB", owner_org_id=org.id)
    elsewhere = PortCall(
        jit_port_call_id="pc-2", vessel_id=other.id, un_location_code="JPNGO", owner_org_id=org.id
    )
    no_departure = PortCall(
        jit_port_call_id="pc-3", vessel_id=other.id, un_location_code="USLAX", owner_org_id=org.id
    )
    session.add_all([call, elsewhere, no_departure])
    session.flush()
    session.add_all(
        [
            _stamp(call, org.id, JitEventType.ARRI, T0 - timedelta(hours=1), Classifier.EST),  # not actual
            _stamp(call, org.id, JitEventType.ARRI, T0, Classifier.ACT),
            _stamp(call, org.id, JitEventType.DEPA, T0 + timedelta(hours=20), Classifier.ACT),
            _stamp(elsewhere, org.id, JitEventType.ARRI, T0, Classifier.ACT),
            _stamp(elsewhere, org.id, JitEventType.DEPA, T0 + timedelta(hours=5), Classifier.ACT),
            _stamp(no_departure, org.id, JitEventType.ARRI, T0, Classifier.ACT),
        ]
    )
    session.commit()
    visits = port_call_visits(
        session,
        "san-pedro-bay",
        ["USLAX", "USLGB"],
        {9074729: ShipType.CONTAINER},
        T0 - timedelta(days=1),
        T0 + timedelta(days=1),
    )
    assert [(v.call_id, v.imo, v.mmsi, v.ship_type, v.berth_h) for v in visits] == [
        ("pc-1", 9074729, 366000001, ShipType.CONTAINER, 20.0)
    ]
    assert visits[0].berth_arrival == T0
    assert (
        port_call_visits(
            session, "san-pedro-bay", ["USLGB"], {}, T0 + timedelta(hours=1), T0 + timedelta(days=1)
        )
        == []
    )


VESSEL = {
    "ship_type": "container", "teu": 6000, "mcr_kw": 40000, "service_speed_kn": 22, "engine": "SSD",
    "fuel": "MGO", "keel_laid_year": 2010,
}  # fmt: skip


def test_loads_are_attached_to_shore_powered_visits_only() -> None:
    plugged = BerthVisit(
        "san-pedro-bay", ShipType.CONTAINER, T0, T0 + timedelta(hours=10), imo=9074729, mmsi=1
    )
    bare = BerthVisit("san-pedro-bay", ShipType.CONTAINER, T0, T0 + timedelta(hours=10), imo=9419230, mmsi=2)
    capture = BerthVisit(
        "san-pedro-bay", ShipType.CONTAINER, T0, T0 + timedelta(hours=10), imo=9778789, mmsi=3
    )
    connections = [
        Connection("san-pedro-bay", 9074729, T0 + timedelta(hours=1), None, ControlSystem.SHORE_POWER),
        Connection("san-pedro-bay", 9778789, T0 + timedelta(hours=1), None, ControlSystem.CAPTURE),
    ]
    done = attach_loads(
        [plugged, bare, capture], connections, {1: VESSEL, 2: VESSEL, 3: VESSEL}, source="v.csv"
    )
    assert done[1].load is None
    assert done[2].load is None
    load = done[0].load
    assert load is not None
    # EPA Table E.1: 970 kW at berth for 5,000-8,000 TEU x 10 h = 9,700 kWh
    assert load.aux_kwh == pytest.approx(9_700)


def test_row_of_at_berth_csv() -> None:
    """Shore power 1 h after berthing to departure: 9 of 10 h, share 0.9. Aux CO2e of 9,700 kWh on MGO:
    CO2 9,700 x 217 x 3.206 = 6,748,309.4 g; CH4 9,700 x 0.01 = 97 g x 28 (AR5) = 2,716 g; N2O 9,700 x 0.03
    = 291 g x 265 = 77,115 g; total 6,828,140.4 g. Ship CO2e avoided 0.9 x 6,828,140.4; grid 0.9 x 9,700 =
    8,730 kWh x 298.5 = 2,605,905 g."""
    visit = BerthVisit(
        "san-pedro-bay", ShipType.CONTAINER, T0, T0 + timedelta(hours=10), imo=9074729, mmsi=1, call_id="c1"
    )
    plug = Connection("san-pedro-bay", 9074729, T0 + timedelta(hours=1), None, ControlSystem.SHORE_POWER)
    [loaded] = attach_loads([visit], [plug], {1: VESSEL}, source="v.csv")
    assert loaded.load is not None
    assert loaded.load.aux_g[Pollutant.CO2E] == pytest.approx(6_828_140.4)
    [done] = assess_visits([loaded], [plug])
    row = done.to_row()
    assert (row["call_id"], row["verdict"], row["compliant"], row["systems"]) == (
        "c1",
        "compliant",
        True,
        "shore_power",
    )
    assert row["connected_h"] == pytest.approx(9.0)
    assert row["avoided_co2e_g"] == pytest.approx(0.9 * 6_828_140.4)
    assert row["grid_kwh"] == pytest.approx(8_730)
    assert row["grid_co2e_g"] == pytest.approx(2_605_905)
    assert row["net_co2e_g"] == pytest.approx(0.9 * 6_828_140.4 - 2_605_905)
