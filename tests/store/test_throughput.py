"""Port throughput in the store and the reads the annual report's TEU and coverage take, on SQLite and
PostgreSQL: idempotent upserts (the last load wins), throughput winning over the hub's moves, and the first
and last ship arrival and truck gate-in of a local year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quayside.emissions.types import Pollutant
from quayside.equipment.throughput import PortThroughput
from quayside.equipment.types import SourceCategory
from quayside.store.access import Principal
from quayside.store.models import MoveCountRow, TruckVisitRow
from quayside.store.models.equipment import PortThroughputRow
from quayside.store.repositories.equipment import (
    ShipCallEmissions,
    TeuBasis,
    port_throughput,
    replace_ship_calls,
    ship_arrival_span,
    teu_handled,
    truck_visit_span,
    upsert_throughput,
)
from quayside.store.types import OrgRole

SPB = "san-pedro-bay"
SPB_UNLOCODES = ("USLAX", "USLGB")
TEU_PER_BOX = 1.74  # equipment/data/defaults.csv: a move count's containers without a size


def _figure(
    unlocode: str | None, year: int, teu: float, source: str = "port stats", line: int = 2
) -> PortThroughput:
    return PortThroughput(SPB, unlocode, year, teu, source, loaded_from="teu.csv", line=line)


def test_figures_load_once_and_the_last_load_wins(session: Session) -> None:
    first = upsert_throughput(
        session,
        [_figure(None, 2023, 16_617_000.0), _figure("USLAX", 2023, 8_634_000.0), _figure("USLAX", 2022, 9e6)],
    )
    session.commit()
    assert (first.stored, first.updated, first.unchanged) == ([0, 1, 2], [], [])
    # The same figures again: nothing changes. The whole port's figure is stored once, not twice (its
    # UN/LOCODE is '' in the unique key, not NULL).
    again = upsert_throughput(
        session, [_figure(None, 2023, 16_617_000.0), _figure("USLAX", 2023, 8_634_000.0)]
    )
    session.commit()
    assert (again.stored, again.updated, again.unchanged) == ([], [], [0, 1])
    assert session.scalar(select(func.count()).select_from(PortThroughputRow)) == 3
    # Other values for the same port, UN/LOCODE and year: an update, which keeps where it was read.
    fixed = upsert_throughput(
        session,
        [_figure(None, 2023, 16_600_000.0, line=7), _figure("USLAX", 2023, 8_634_000.0, "revised", 3)],
    )
    session.commit()
    assert (fixed.stored, fixed.updated, fixed.unchanged) == ([], [0, 1], [])
    stored = port_throughput(session, SPB, 2023)
    assert [(f.unlocode, f.teu, f.source, f.line) for f in stored] == [
        (None, 16_600_000.0, "port stats", 7),
        ("USLAX", 8_634_000.0, "revised", 3),
    ]
    assert stored[0] == _figure(None, 2023, 16_600_000.0, line=7)  # every field comes back as it went in
    # The same key twice in one batch: the second is an update of the first (the later row wins).
    batch = upsert_throughput(session, [_figure("USLGB", 2023, 1.0), _figure("USLGB", 2023, 2.0)])
    session.commit()
    assert (batch.stored, batch.updated) == ([0], [1])
    assert [f.teu for f in port_throughput(session, SPB, 2023) if f.unlocode == "USLGB"] == [2.0]


def _move_count(owner: int, voyage: str, unlocode: str, boxes: int, loaded: datetime) -> MoveCountRow:
    return MoveCountRow(
        vessel_imo="9300001",
        carrier_voyage_number=voyage,
        un_location_code=unlocode,
        facility_code="TRM",
        discharges=boxes,
        loads=0,
        owner_org_id=owner,
        created_at=loaded,
    )


def test_a_loaded_throughput_wins_over_the_hub_s_moves(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    owner = make_org("A terminal", OrgRole.TERMINAL_OPERATOR, code="TRM").org_id
    # The hub saw one call at USLAX in 2024: a move count of 1,000 boxes without sizes = 1,740 TEU.
    session.add(_move_count(owner, "V1", "USLAX", 1000, datetime(2024, 6, 2, tzinfo=UTC)))
    session.commit()
    hub = teu_handled(session, SPB, SPB_UNLOCODES, 2024)
    assert hub.teu == pytest.approx(1000 * TEU_PER_BOX)
    assert hub.basis == (TeuBasis.HUB_MOVES,)
    assert hub.to_dict() == {
        "teu": pytest.approx(1740.0),
        "basis": ["hub_moves"],
        "throughput": [],
        "hub_moves": {"unlocodes": ["USLAX", "USLGB"], "teu": pytest.approx(1740.0)},
    }
    # Nothing known in 2023.
    assert teu_handled(session, SPB, SPB_UNLOCODES, 2023).teu is None
    assert teu_handled(session, SPB, SPB_UNLOCODES, 2023).basis == ()

    # USLAX's own figure replaces its moves; USLGB has neither, so it adds nothing.
    upsert_throughput(session, [_figure("USLAX", 2024, 5_000.0)])
    upsert_throughput(session, [PortThroughput("nagoya", None, 2024, 1e6, "another port")])
    session.commit()
    la = teu_handled(session, SPB, SPB_UNLOCODES, 2024)
    assert (la.teu, la.basis, la.hub_unlocodes, la.hub_teu) == (
        5_000.0,
        (TeuBasis.THROUGHPUT,),
        ("USLGB",),
        None,
    )

    # The hub saw USLGB's call: 200 boxes x 1.74 = 348 TEU, added to USLAX's figure.
    session.add(_move_count(owner, "V2", "USLGB", 200, datetime(2024, 7, 1, tzinfo=UTC)))
    session.commit()
    both = teu_handled(session, SPB, SPB_UNLOCODES, 2024)
    assert both.teu == pytest.approx(5_000.0 + 200 * TEU_PER_BOX)
    assert both.basis == (TeuBasis.THROUGHPUT, TeuBasis.HUB_MOVES)
    assert [f.unlocode for f in both.throughput] == ["USLAX"]

    # A figure for the whole port stands for all its UN/LOCODEs, whatever else is held.
    upsert_throughput(session, [_figure(None, 2024, 9_000.0, "the port's annual report")])
    session.commit()
    whole = teu_handled(session, SPB, SPB_UNLOCODES, 2024)
    assert (whole.teu, whole.basis, whole.hub_unlocodes) == (9_000.0, (TeuBasis.THROUGHPUT,), ())
    assert whole.to_dict()["throughput"] == [
        {"unlocode": None, "teu": 9_000.0, "source": "the port's annual report", "file": "teu.csv"}
    ]


def _ship_call(mmsi: int, arrival: datetime, year: int) -> ShipCallEmissions:
    grams = dict.fromkeys(Pollutant, 1.0)
    return ShipCallEmissions(SPB, mmsi, arrival, year, SourceCategory.OGV, "USLAX", None, grams)


def test_the_first_and_last_ship_arrival_of_a_year(session: Session) -> None:
    # The stored year is the local one: 07:00 UTC on 1 January 2023 is 23:00 on 31 December 2022 in LA.
    eve = datetime(2023, 1, 1, 7, tzinfo=UTC)
    first, last = datetime(2023, 1, 1, 9, tzinfo=UTC), datetime(2023, 11, 30, 20, tzinfo=UTC)
    calls = [_ship_call(1, eve, 2022), _ship_call(2, last, 2023), _ship_call(3, first, 2023)]
    replace_ship_calls(session, SPB, calls, span=None)
    session.commit()
    assert ship_arrival_span(session, SPB, 2023) == (first, last)
    assert ship_arrival_span(session, SPB, 2022) == (eve, eve)
    assert ship_arrival_span(session, SPB, 2021) is None
    assert ship_arrival_span(session, "nagoya", 2023) is None


def test_the_first_and_last_gate_in_of_a_local_year(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    owner = make_org("Harbor Drayage", OrgRole.TRUCKER, code="HBDY").org_id

    def visit(visit_id: str, unlocode: str, gate_in: datetime) -> None:
        session.add(
            TruckVisitRow(
                visit_id=visit_id,
                un_location_code=unlocode,
                facility_code="TRM",
                trucking_company="HBDY",
                truck_license_plate="7ABC123",
                gate_in=gate_in,
                gate_out=gate_in + timedelta(hours=1),
                owner_org_id=owner,
            )
        )

    eve = datetime(2024, 1, 1, 7, 30, tzinfo=UTC)  # 23:30 on 31 December 2023 in Los Angeles
    visit("V0", "USLAX", eve)
    visit("V1", "USLAX", datetime(2024, 1, 1, 8, 30, tzinfo=UTC))
    visit("V2", "USLGB", datetime(2024, 3, 5, 12, tzinfo=UTC))
    visit("V3", "USLAX", datetime(2024, 2, 1, tzinfo=UTC))
    session.commit()
    assert truck_visit_span(session, SPB_UNLOCODES, 2024) == (
        datetime(2024, 1, 1, 8, 30, tzinfo=UTC),
        datetime(2024, 3, 5, 12, tzinfo=UTC),
    )
    assert truck_visit_span(session, ["USLAX"], 2024) == (
        datetime(2024, 1, 1, 8, 30, tzinfo=UTC),
        datetime(2024, 2, 1, tzinfo=UTC),
    )
    assert truck_visit_span(session, SPB_UNLOCODES, 2023) == (eve, eve)
    assert truck_visit_span(session, SPB_UNLOCODES, 2022) is None
    assert truck_visit_span(session, [], 2024) is None
