"""The simulated shore-power log: which calls get a connection, and how the drawn times fall."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from quayside.equipment.shore_power_log import read_shore_power_log
from quayside.programs.incentives.at_berth import assess_visits
from quayside.programs.incentives.at_berth_types import BerthVisit, Verdict
from quayside.simulate._shore_power import ShorePowerAssumptions, write_shore_power_log
from quayside.vessels.types import ShipType

TRUTH = """call_id,mmsi,imo,ship_type,berth_id,terminal_code,berth_start,berth_end,shift_berth_id,shift_start,shift_end
C1,563828048,9419230,container,pola-apm-pier400,APMT,2025-03-01T13:00:00Z,2025-03-03T13:00:00Z,,,
C2,563448570,9778789,container,polb-pct-pierj,PCT,2025-03-01T13:00:00Z,2025-03-03T13:00:00Z,,,
C3,416524034,9527506,bulk,polb-pier-f,LBBT,2025-03-01T13:00:00Z,2025-03-03T13:00:00Z,,,
C4,636621908,9074729,cruise,pola-cruise-93,CRUISE,2025-03-01T06:00:00Z,2025-03-01T12:00:00Z,pola-cruise-91,2025-03-01T12:30:00Z,2025-03-01T20:00:00Z
"""
REGISTRY = """mmsi,imo,name,ship_type,shore_power
563828048,9419230,A,container,true
563448570,9778789,B,container,false
416524034,9527506,C,bulk,true
636621908,9074729,D,cruise,true
"""
ON_TIME = ShorePowerAssumptions(no_connection=0.0, late=0.0, early=0.0, capture=0.0)


def _write(tmp_path: Path, assumptions: ShorePowerAssumptions, seed: int = 3) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "calls_truth.csv").write_text(TRUTH, encoding="utf-8")
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    return write_shore_power_log(
        tmp_path / "calls_truth.csv",
        tmp_path / "registry.csv",
        tmp_path / "out",
        seed,
        assumptions=assumptions,
    )


def test_only_controlled_types_with_shore_power_get_a_connection(tmp_path: Path) -> None:
    path = _write(tmp_path, ON_TIME)
    assert path == tmp_path / "out" / "programs" / "shore_power.csv"
    log = read_shore_power_log(path.read_text(encoding="utf-8"), source=str(path))
    assert log.rejects == []
    # C2's ship has no shore power, C3 is bulk (not controlled)
    assert [c.imo for c in log.connections] == [9419230, 9074729]
    cruise = log.connections[1]
    # the shifted cruise call: one connection to the end of the stay (shift_end 20:00), 0.2-0.9 h before
    assert cruise.disconnected_at is not None
    assert (
        timedelta(hours=0.2) <= datetime.fromisoformat("2025-03-01T20:00:00+00:00") - cruise.disconnected_at
    )
    assert cruise.berth == "pola-cruise-93"


def test_on_time_connections_comply(tmp_path: Path) -> None:
    log = read_shore_power_log(_write(tmp_path, ON_TIME).read_text(encoding="utf-8"), source="sim")
    start = datetime.fromisoformat("2025-03-01T13:00:00+00:00")
    visit = BerthVisit("san-pedro-bay", ShipType.CONTAINER, start, start + timedelta(days=2), imo=9419230)
    [done] = assess_visits([visit], log.connections)
    assert done.verdict is Verdict.COMPLIANT
    assert done.connected_within_h is not None
    assert 0.5 <= done.connected_within_h <= 1.75


@pytest.mark.parametrize(
    ("assumptions", "reason"),
    [
        (ShorePowerAssumptions(no_connection=0.0, late=1.0, early=0.0, capture=0.0), "late connection"),
        (ShorePowerAssumptions(no_connection=0.0, late=0.0, early=1.0, capture=0.0), "early disconnection"),
    ],
)
def test_late_and_early_shares(tmp_path: Path, assumptions: ShorePowerAssumptions, reason: str) -> None:
    log = read_shore_power_log(_write(tmp_path, assumptions).read_text(encoding="utf-8"), source="sim")
    start = datetime.fromisoformat("2025-03-01T13:00:00+00:00")
    visit = BerthVisit("san-pedro-bay", ShipType.CONTAINER, start, start + timedelta(days=2), imo=9419230)
    [done] = assess_visits([visit], log.connections)
    assert done.verdict is Verdict.NOT_COMPLIANT
    assert done.reason is not None
    assert done.reason.startswith(reason)


def test_no_connection_share_leaves_the_log_empty(tmp_path: Path) -> None:
    never = ShorePowerAssumptions(no_connection=1.0)
    assert _write(tmp_path, never).read_text(encoding="utf-8").strip().count("\n") == 0  # the header only


def test_same_seed_same_file(tmp_path: Path) -> None:
    first = _write(tmp_path / "a", ShorePowerAssumptions(), seed=11).read_text(encoding="utf-8")
    second = _write(tmp_path / "b", ShorePowerAssumptions(), seed=11).read_text(encoding="utf-8")
    assert first == second
