"""The operator of each call: the carrier that published berth times for the same vessel, nearest in time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.orm import Session

from quayside.errors import InputError
from quayside.programs.held import UNKNOWN, HeldCall, call_operators, read_calls
from quayside.store.access import Principal
from quayside.store.models.reference import PortCall, PortCallTimestamp, Vessel
from quayside.store.types import OrgRole
from quayside.visibility.codes import JitEventType, JitServiceType
from quayside.visibility.model import Classifier

T0 = datetime(2023, 11, 10, 8, 0, tzinfo=UTC)


def _call(call_id: str, imo: str | None, berth: datetime) -> HeldCall:
    return HeldCall(
        call_id, 1, imo, "V", "container", berth - timedelta(hours=3), None, berth, None, "APMT", {}
    )


def _port_call(session: Session, imo: str, owner: Principal, times: list[tuple[Principal, datetime]]) -> None:
    vessel = session.query(Vessel).filter_by(imo=imo).one_or_none() or Vessel(imo=imo, name="V")
    session.add(vessel)
    session.flush()
    call = PortCall(vessel_id=vessel.id, un_location_code="USLAX", owner_org_id=owner.org_id)
    session.add(call)
    session.flush()
    for poster, when in times:
        session.add(
            PortCallTimestamp(
                port_call_id=call.id,
                service_type=JitServiceType.BERTH,
                event_type=JitEventType.ARRI,
                classifier=Classifier.EST,
                date_time=when,
                owner_org_id=poster.org_id,
            )
        )
    session.commit()


def test_the_carrier_of_the_nearest_port_call_within_48_hours(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    port = make_org("Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    maersk = make_org("Maersk", OrgRole.CARRIER, code="MAEU")
    msc = make_org("MSC", OrgRole.CARRIER, code="MSCU")
    terminal = make_org("APMT", OrgRole.TERMINAL_OPERATOR, code="APMT")
    # One vessel, two port calls: Maersk's berth time 5 h from the AIS berth arrival, MSC's 30 h away.
    _port_call(session, "9321483", port, [(maersk, T0 + timedelta(hours=5))])
    _port_call(session, "9321483", port, [(msc, T0 - timedelta(hours=30))])
    # A call a terminal published on, but no carrier: not an operator.
    _port_call(session, "9400001", port, [(terminal, T0)])
    calls = [
        _call("a", "9321483", T0),  # nearest: Maersk (5 h) over MSC (30 h)
        _call("b", "9321483", T0 - timedelta(hours=29)),  # nearest: MSC (1 h)
        _call("c", "9321483", T0 + timedelta(hours=5 + 49)),  # 49 h from Maersk's: outside the window
        _call("d", "9400001", T0),  # only a terminal's times
        _call("e", None, T0),  # no IMO
    ]
    assert call_operators(session, ["USLAX"], calls) == {
        "a": "MAEU",
        "b": "MSCU",
        "c": UNKNOWN,
        "d": UNKNOWN,
        "e": UNKNOWN,
    }
    # Port calls at another port do not count.
    assert set(call_operators(session, ["USLGB"], calls).values()) == {UNKNOWN}


def test_calls_of_the_year_in_local_time_and_a_missing_column_is_named(tmp_path: Path) -> None:
    base = {"mmsi": 1, "imo": "9321483", "vessel_name": "V", "ship_type": "container", "category": "ogv",
            "departure": None, "berth_arrival": None, "berth_departure": None, "nm_total": 1.0,
            "terminal": "APMT", "call_id": "x"}  # fmt: skip
    rows = [
        # 2023-01-01 07:00 UTC is 2022-12-31 23:00 in Los Angeles (PST): a call of 2022.
        {**base, "call_id": "new-year", "arrival": datetime(2023, 1, 1, 7, 0, tzinfo=UTC)},
        {**base, "call_id": "in-2023", "arrival": datetime(2023, 1, 1, 9, 0, tzinfo=UTC)},
        {**base, "call_id": "tug", "category": "harbor_craft", "arrival": datetime(2023, 3, 1, tzinfo=UTC)},
    ]
    pl.DataFrame(rows).write_parquet(tmp_path / "calls.parquet")
    assert [c.call_id for c in read_calls(tmp_path, 2022, "America/Los_Angeles")] == ["new-year"]
    assert [c.call_id for c in read_calls(tmp_path, 2023, "America/Los_Angeles")] == ["in-2023"]
    pl.DataFrame([{k: v for k, v in rows[0].items() if k != "berth_arrival"}]).write_parquet(
        tmp_path / "calls.parquet"
    )
    with pytest.raises(InputError, match="berth_arrival"):
        read_calls(tmp_path, 2022, "America/Los_Angeles")
