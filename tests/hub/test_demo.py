"""``quayside demo-load`` / ``demo-serve``: the simulated community loads, and each member sees its own data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from quayside.api.serve import demo_app
from quayside.hub.demo import load_demo
from quayside.simulate.containers import simulate_container_flows
from quayside.simulate.traffic import SimulatedCall
from quayside.vessels.types import ShipType

START = datetime(2022, 11, 1, tzinfo=UTC)


def _call(n: int, terminal_code: str, berth_day: float) -> SimulatedCall:
    berth = START + timedelta(days=berth_day)
    return SimulatedCall(
        call_id=f"C{n:05d}",
        mmsi=366_000_000 + n,
        imo=9_300_000 + n,
        vessel_name=f"DEMO VESSEL {n}",
        ship_type=ShipType.CONTAINER,
        inbound_lane="north",
        outbound_lane="north",
        vsr_compliant=True,
        track_start=berth - timedelta(hours=6),
        anchorage_id=None,
        anchor_start=None,
        anchor_end=None,
        berth_id=f"b{n}",
        terminal="Test terminal",
        terminal_code=terminal_code,
        berth_start=berth,
        berth_end=berth + timedelta(hours=30),
        shift_berth_id=None,
        shift_start=None,
        shift_end=None,
        track_end=berth + timedelta(hours=34),
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    calls = [_call(1, "APMT", 1.0), _call(2, "LBCT", 2.0)]
    simulate_container_flows(
        calls, port="san-pedro-bay", seed=11, out_dir=out, window_end=START + timedelta(days=10)
    )
    (out / "inventory").mkdir()
    (out / "inventory" / "report.html").write_text("<html>inventory report</html>", encoding="utf-8")
    return out


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_demo_load_then_each_member_sees_its_own(data_dir: Path, db_url: str) -> None:
    vis = data_dir / "visibility"
    parties, events = _json(vis / "parties.json"), _json(vis / "events.json")
    codeco_messages = (vis / "codeco.edi").read_text(encoding="utf-8").count("UNH+")
    summary = load_demo(data_dir, db_url)
    # 2 port authorities + 12 terminals + 5 carriers + 4 truckers + 4 cargo owners (containers.toml)
    assert summary.organisations_created == 27
    assert summary.facilities == 12
    assert summary.bookings == len(parties["bookings"])
    assert (summary.feeds["events.json"].stored, summary.feeds["events.json"].rejected) == (len(events), 0)
    assert summary.feeds["gate_transactions.csv"].rejected == 0
    assert summary.feeds["vessel_schedule.csv"].rejected == 0
    # the CODECO repeats gate moves of the CSV: every one of its events is already stored
    assert (summary.feeds["codeco.edi"].stored, summary.feeds["codeco.edi"].duplicates) == (
        0,
        codeco_messages,
    )
    keys = _json(vis / "keys.json")
    assert len(keys) == 27

    owners = [o["name"] for o in parties["organisations"] if o["role"] == "cargo_owner"]
    boxes: dict[str, set[str]] = {name: set() for name in owners}
    for booking in parties["bookings"]:
        boxes[booking["cargoOwner"]].update(booking["equipmentReferences"])
    first, second = [name for name in owners if boxes[name]][:2]
    with TestClient(demo_app(data_dir, db_url)) as client:

        def seen(name: str, query: str = "limit=1000") -> list[dict[str, Any]]:
            response = client.get(
                f"/v2/events?{query}", headers={"Authorization": f"Bearer {keys[name]['apiKey']}"}
            )
            assert response.status_code == 200
            return list(response.json())

        mine = seen(first)
        assert mine
        assert {e["equipmentReference"] for e in mine} <= boxes[first]
        theirs = seen(second)
        assert {e["equipmentReference"] for e in theirs}.isdisjoint(boxes[first])
        other_id = theirs[0]["eventID"]
        denied = client.get(
            f"/v2/events/{other_id}", headers={"Authorization": f"Bearer {keys[first]['apiKey']}"}
        )
        assert denied.status_code == 404
        lbct = next(o["name"] for o in parties["organisations"] if o["code"] == "LBCT")
        assert {e["eventLocation"]["facilityCode"] for e in seen(lbct) if "eventLocation" in e} == {"LBCT"}
        report = client.get("/reports/report.html")
        assert report.status_code == 200
        assert "inventory report" in report.text

    again = load_demo(data_dir, db_url)
    assert (again.organisations_created, again.organisations_existing, again.bookings) == (0, 27, 0)
    assert (again.feeds["events.json"].stored, again.feeds["events.json"].duplicates) == (0, len(events))


def _inventory_calls(out: Path) -> None:
    """calls.parquet as the inventory writes it, for call 1 of the fixture (APMT, berthed START + 1 day)."""
    import polars as pl

    from quayside.visibility.jit_ais import CALL_COLUMNS

    berth = START + timedelta(days=1)
    time = pl.Datetime("us", "UTC")
    schema: dict[str, Any] = {
        "mmsi": pl.Int64,
        "imo": pl.Int64,
        "vessel_name": pl.String,
        "call_type": pl.String,
        "berths": pl.String,
        **{c: time for c in CALL_COLUMNS[5:]},
    }
    # boundary at berth - 6 h, anchored at berth - 4 h, alongside 30 h, out of the boundary 4 h later
    hours = (-6, -4, 0, 30, 34)
    row = [366_000_001, 9_300_001, "DEMO VESSEL 1", "berth", "pola-apm-pier400"]
    row += [berth + timedelta(hours=h) for h in hours]
    pl.DataFrame([dict(zip(schema, row, strict=True))], schema=schema).write_parquet(
        out / "inventory" / "calls.parquet"
    )


def test_demo_load_with_an_inventory_has_vessel_calls(data_dir: Path, db_url: str, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "demo"
    shutil.copytree(data_dir, copy)
    _inventory_calls(copy)
    summary = load_demo(copy, db_url)
    assert (summary.feeds["calls.parquet"].stored, summary.feeds["calls.parquet"].rejected) == (1, 0)
    assert summary.feeds["calls.parquet JIT timestamps"].stored == 5
    keys = _json(copy / "visibility" / "keys.json")
    parties = _json(copy / "visibility" / "parties.json")["organisations"]
    authority = next(o["name"] for o in parties if o.get("portUNLocode") == "USLAX")
    trucker = next(o["name"] for o in parties if o["role"] == "trucker")
    with TestClient(demo_app(copy, db_url)) as client:

        def calls(name: str) -> list[dict[str, Any]]:
            response = client.get(
                "/vessel-calls", headers={"Authorization": f"Bearer {keys[name]['apiKey']}"}
            )
            assert response.status_code == 200
            return list(response.json())

        seen = calls(authority)
        assert len(seen) == 1
        call = seen[0]
        assert (call["vesselIMONumber"], call["facilityCode"]) == ("9300001", "APMT")
        berth = START + timedelta(days=1)
        assert datetime.fromisoformat(call["schedule"]["berthArrival"]["ACT"]) == berth
        assert datetime.fromisoformat(call["schedule"]["berthDeparture"]["ACT"]) == berth + timedelta(
            hours=30
        )
        assert call["anchorageWaitHours"] == 4.0  # anchored berth - 4 h
        assert call["timeInPortHours"] == 36.0  # boundary at berth - 6 h to berth departure at berth + 30 h
        # the carrier's schedule estimate is matched to the call, and the call carries its voyage
        assert "EST" in call["schedule"]["berthArrival"]
        assert call["carrierVoyageNumber"] is not None
        assert calls(trucker) == []
    again = load_demo(copy, db_url)
    assert (again.feeds["calls.parquet"].stored, again.feeds["calls.parquet"].duplicates) == (0, 1)


def test_demo_load_of_more_events_than_a_request_may_carry(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The item limit is the API's, per request: a year of simulated events (over 100,000, 13,000 at one
    # terminal) was refused whole. The demo loads files, as `quayside load events` does, in batches.
    events = _json(data_dir / "visibility" / "events.json")
    monkeypatch.setenv("QUAYSIDE_LIMIT_ITEMS", "5")
    monkeypatch.setenv("QUAYSIDE_LIMIT_BATCH_ROWS", "7")
    assert len(events) > 5
    summary = load_demo(data_dir, f"sqlite:///{tmp_path / 'hub.sqlite'}")
    assert (summary.feeds["events.json"].stored, summary.feeds["events.json"].rejected) == (len(events), 0)


def test_every_demo_organisation_can_sign_in_to_the_portal(data_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    summary = load_demo(data_dir, url)
    keys = _json(summary.keys_path)
    with TestClient(demo_app(data_dir, url)) as client:
        for name in (n for n, k in keys.items() if k["role"] in ("port_authority", "cargo_owner")):
            page = client.get("/login")
            token = page.cookies.get("quayside_login_csrf")
            signed = client.post(
                "/login",
                data={
                    "email": keys[name]["portalEmail"],
                    "password": keys[name]["portalPassword"],
                    "csrf_token": token or "",
                },
                follow_redirects=False,
            )
            assert signed.status_code == 303, (name, signed.text)
            home = client.get("/portal/")
            assert home.status_code == 200
            assert name in home.text
            client.cookies.clear()
    # Loading again gives new passwords: the old ones no longer sign in.
    again = _json(load_demo(data_dir, url).keys_path)
    first = next(iter(keys))
    assert again[first]["portalPassword"] != keys[first]["portalPassword"]
