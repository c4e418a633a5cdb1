"""Whose activity is the port's: calls at berth or anchor count, pass-through and leisure are reported apart;
berths are found where ships stop inside the harbour; reception gaps there are filled as stays."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from quayside.engines.inventory import InventoryOptions, run_inventory
from quayside.geo.profiles import load_profile

HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,"
    "Cargo,TransceiverClass"
)
T0 = datetime(2024, 3, 1, tzinfo=UTC)
TTI = next(t for t in load_profile("san-pedro-bay").terminals if t.code == "TTI")
BOX, THROUGH, LEISURE, ANCHOR = 366100001, 366100002, 366100003, 366100004


def _row(
    mmsi: int, t: datetime, lat: float, lon: float, sog: float, kind: int, name: str, cls: str = "A"
) -> str:
    return f"{mmsi},{t:%Y-%m-%dT%H:%M:%S},{lat:.6f},{lon:.6f},{sog},90,90,{name},,,{kind},,,,,,{cls}"


def _leg(
    mmsi: int,
    start: datetime,
    a: tuple[float, float],
    b: tuple[float, float],
    minutes: int,
    sog: float,
    kind: int,
    name: str,
    cls: str = "A",
) -> list[str]:
    """One report a minute from ``a`` to ``b`` (lat, lon), inclusive."""
    rows = []
    for i in range(minutes + 1):
        f = i / minutes
        lat, lon = a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        rows.append(_row(mmsi, start + timedelta(minutes=i), lat, lon, sog, kind, name, cls))
    return rows


def _stay(
    mmsi: int, start: datetime, at: tuple[float, float], hours: float, kind: int, name: str
) -> list[str]:
    """A report every 10 minutes at rest."""
    return [
        _row(mmsi, start + timedelta(minutes=10 * i), at[0], at[1], 0.0, kind, name)
        for i in range(int(hours * 6) + 1)
    ]


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sea, quay = (33.700, -118.200), (TTI.lat, TTI.lon)
    rows: list[str] = []
    # A cargo ship (AIS 71, no registry) comes in at 8 kn, lies 2 h at the TTI terminal's position, is lost
    # to the receiver for 20 h, is seen 2 h more at the quay, and leaves.
    t = T0
    rows += _leg(BOX, t, sea, quay, 30, 8.0, 71, "BOXSHIP")
    t += timedelta(minutes=31)
    rows += _stay(BOX, t, quay, 2.0, 71, "BOXSHIP")
    t += timedelta(hours=22)
    rows += _stay(BOX, t, quay, 2.0, 71, "BOXSHIP")
    t += timedelta(hours=2, minutes=1)
    rows += _leg(BOX, t, quay, sea, 30, 8.0, 71, "BOXSHIP")
    # A cargo ship crossing the boundary at 14 kn, 20 nm south of the harbour: never berths nor anchors.
    rows += _leg(THROUGH, T0, (33.40, -118.60), (33.40, -118.00), 120, 14.0, 70, "PASSING")
    # A pleasure craft (AIS 37, Class B) cruising the bay.
    rows += _leg(LEISURE, T0, (33.65, -118.30), (33.60, -118.20), 60, 6.0, 37, "LEISURE", "B")
    # A bulk carrier (AIS 70) anchored 6 h inside the Long Beach breakwater, far from every terminal.
    rows += _leg(ANCHOR, T0, (33.70, -118.16), (33.733, -118.16), 20, 6.0, 70, "WAITING")
    rows += _stay(ANCHOR, T0 + timedelta(minutes=21), (33.733, -118.16), 6.0, 70, "WAITING")
    path = tmp_path_factory.mktemp("attribution") / "traffic.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(traffic: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("inv")
    return run_inventory([traffic], registry=None, port="san-pedro-bay", out_dir=out), out


def _call(calls: pl.DataFrame, mmsi: int) -> dict[str, object]:
    mine = calls.filter(pl.col("mmsi") == mmsi)
    assert mine.height == 1, mine
    return mine.row(0, named=True)


def test_a_ship_stopped_in_the_harbour_is_at_its_terminal(result) -> None:  # type: ignore[no-untyped-def]
    res, _ = result
    call = _call(res.calls, BOX)
    assert call["call_type"] == "berth"
    assert call["terminal"] == "TTI"  # SMDG code of the nearest terminal
    assert call["terminal_type"] == "container"
    assert call["main_berth"] == "harbor:TTI"
    assert call["category"] == "ogv"
    assert call["ship_type"] == "container"  # inferred from the terminal, not AIS 71 "cargo"
    vessel = res.vessels.filter(pl.col("mmsi") == BOX).row(0, named=True)
    assert "ship_type=terminal TTI (container)" in vessel["inferred"]


def test_a_reception_gap_at_the_quay_is_filled_as_a_stay(result) -> None:  # type: ignore[no-untyped-def]
    res, _ = result
    call = _call(res.calls, BOX)
    # Reports at rest from T0+31 min to +2 h 31 min, then from +22 h 31 min to +24 h 31 min; the 20 h between
    # is filled (the gap is longer than 6 h, so without filling it would split the track and the call).
    assert call["hours_filled"] == pytest.approx(20.0, abs=1e-9)
    assert call["hours_hotelling"] == pytest.approx(24.0, abs=1e-9)
    assert call["berth_shifts"] == 0


def test_pass_through_and_leisure_are_reported_apart(result) -> None:  # type: ignore[no-untyped-def]
    res, out = result
    calls = res.calls
    assert _call(calls, THROUGH)["call_type"] == "pass_through"
    assert not _call(calls, THROUGH)["in_totals"]
    leisure = _call(calls, LEISURE)
    assert (leisure["category"], leisure["subtype"]) == ("harbor_craft", "recreational")
    assert not leisure["in_totals"]
    anchored = _call(calls, ANCHOR)
    assert anchored["call_type"] == "anchorage"
    assert anchored["main_berth"] is None
    assert anchored["in_totals"]
    counted = calls.filter(pl.col("in_totals"))
    assert set(counted.get_column("mmsi").to_list()) == {BOX, ANCHOR}
    doc = json.loads((out / "inventory.json").read_text())
    assert doc["totals_g"]["CO2"] == pytest.approx(counted.get_column("co2_g").sum(), rel=1e-12)
    assert doc["pass_through"]["calls"] == 1
    assert doc["pass_through"]["vessels"] == 1
    assert doc["pass_through"]["totals_g"]["CO2"] == pytest.approx(_call(calls, THROUGH)["co2_g"], rel=1e-12)
    assert doc["excluded"]["recreational"]["vessels"] == 1
    assert doc["by_category_g"]["harbor_craft"]["CO2"] == 0.0
    assert doc["by_category_g"]["ogv"]["CO2"] == pytest.approx(doc["totals_g"]["CO2"], rel=1e-12)


def test_include_pass_through_adds_it_to_the_totals(traffic: Path, result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res, _ = result
    wide = run_inventory(
        [traffic],
        registry=None,
        port="san-pedro-bay",
        out_dir=tmp_path,
        options=InventoryOptions(include_pass_through=True, write_report=False),
    )
    through = _call(res.calls, THROUGH)["co2_g"]
    assert wide.totals_g["CO2"] == pytest.approx(res.totals_g["CO2"] + through, rel=1e-12)
    assert _call(wide.calls, THROUGH)["in_totals"]
    assert not _call(wide.calls, LEISURE)["in_totals"]  # recreational craft stay out


def test_registry_rejects_are_counted_and_written(traffic: Path, tmp_path: Path) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(
        f"mmsi,ship_type,teu\n{BOX},containership,8000\n{ANCHOR},spaceship,\n{THROUGH},bulk,abc\n"
    )
    rejects = tmp_path / "rejects.csv"
    res = run_inventory(
        [traffic],
        registry=registry,
        port="san-pedro-bay",
        out_dir=tmp_path / "out",
        options=InventoryOptions(rejects_path=rejects, write_report=False),
    )
    doc = json.loads((tmp_path / "out" / "inventory.json").read_text())
    assert {k: doc["registry"][k] for k in ("rows", "accepted", "rejected")} == {
        "rows": 3,
        "accepted": 1,
        "rejected": 2,
    }
    assert [(e["record"], e["field"]) for e in doc["registry"]["examples"]] == [(3, "ship_type"), (4, "teu")]
    written = pl.read_csv(rejects).filter(pl.col("source") == str(registry))
    assert written.select("record", "field").rows() == [(3, "ship_type"), (4, "teu")]
    assert _call(res.calls, BOX)["ship_type"] == "container"
    assert "ship_type" not in _call(res.calls, BOX)["defaulted"]
