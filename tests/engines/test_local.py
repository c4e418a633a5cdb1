"""The local engine end to end: simulated traffic in, calls and totals out; bad input; idempotency."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from quayside.emissions.types import Pollutant
from quayside.engines.inventory import InventoryOptions, run_inventory
from quayside.errors import ConfigError, InputError
from quayside.geo.profiles import load_profile
from quayside.simulate.traffic import simulate_traffic

# Real receiver logs copied from pyais (MIT, see tests/ais/data/pyais/LICENSE).
PYAIS_DATA = Path(__file__).resolve().parents[1] / "ais" / "data" / "pyais"
MC_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,"
    "Cargo,TransceiverClass"
)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    simulate_traffic(port="san-pedro-bay", days=4, seed=11, out_dir=out)
    return out


@pytest.fixture(scope="module")
def inventory(simulated: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("inv")
    result = run_inventory(
        [simulated / "ais.parquet"], registry=simulated / "registry.csv", port="san-pedro-bay", out_dir=out
    )
    return out, result


def test_every_simulated_berth_stay_is_found_as_a_call(
    simulated: Path, inventory: tuple[Path, object]
) -> None:
    out, _ = inventory
    calls = pl.read_parquet(out / "calls.parquet")
    window = pl.read_parquet(simulated / "ais.parquet").get_column("BaseDateTime")
    first, last = window.min(), window.max()
    truth = pl.read_csv(simulated / "calls_truth.csv").filter(pl.col("berth_id").is_not_null())
    checked = 0
    for row in truth.iter_rows(named=True):
        berth_start = datetime.fromisoformat(row["berth_start"].replace("Z", "+00:00"))
        if not first + timedelta(hours=1) < berth_start < last:
            continue  # a stay already under way when the simulated window opens has no arrival to find
        checked += 1
        mine = calls.filter(
            (pl.col("mmsi") == row["mmsi"])
            & (pl.col("call_type") == "berth")
            & pl.col("berths").str.contains(row["berth_id"], literal=True)
        )
        assert mine.height == 1, f"call of {row['mmsi']} at {row['berth_id']} not found once"
        found = mine.row(0, named=True)["berth_arrival"]
        # The berth stay starts when the ship has slowed to <= 1 kn inside the berth polygon: within the
        # last minutes of its approach, never hours away from the simulator's own berthing time.
        assert abs(found - berth_start) < timedelta(minutes=30)
        if row["shift_berth_id"]:
            assert row["shift_berth_id"] in mine.row(0, named=True)["berths"]
            assert mine.row(0, named=True)["berth_shifts"] == 1
    assert checked > 5


def test_outputs_and_totals_add_up(inventory: tuple[Path, object]) -> None:
    out, _ = inventory
    for name in ("calls.csv", "calls.parquet", "inventory.json", "report.html", "vessels.csv"):
        assert (out / name).stat().st_size > 0
    doc = json.loads((out / "inventory.json").read_text())
    calls = pl.read_parquet(out / "calls.parquet")
    for key in ("read", "accepted", "rejected", "duplicates", "vessels"):
        assert isinstance(doc[key], int)
    assert doc["read"] > 10_000
    port = calls.filter(pl.col("in_totals"))
    assert 0 < port.height < calls.height  # some simulated ships pass through without calling
    assert set(port.get_column("call_type").unique()) <= {"berth", "anchorage"}
    for p in Pollutant:
        total = port.get_column(f"{p.column}_g").sum()
        assert doc["totals_g"][p.value] == pytest.approx(total, rel=1e-12)
        by_engine = sum(doc["by_engine_g"][g][p.value] for g in ("main", "aux", "boiler"))
        assert by_engine == pytest.approx(total, rel=1e-9)
        by_category = sum(doc["by_category_g"][c][p.value] for c in ("ogv", "harbor_craft"))
        assert by_category == pytest.approx(total, rel=1e-9)
        through = calls.filter(pl.col("call_type") == "pass_through").get_column(f"{p.column}_g").sum()
        assert doc["pass_through"]["totals_g"][p.value] == pytest.approx(through, rel=1e-12)
    assert doc["by_category_g"]["harbor_craft"]["CO2"] > 0  # the simulated tugs
    # Every call's pollutant total is the sum of its engine groups.
    diff = calls.select(
        (pl.col("nox_g") - pl.col("nox_main_g") - pl.col("nox_aux_g") - pl.col("nox_boiler_g")).abs().max()
    ).item()
    assert diff < 1e-6
    # Mode hours add up to the call's hours.
    hours = calls.select(
        (
            pl.col("hours_total")
            - pl.col("hours_transit")
            - pl.col("hours_maneuvering")
            - pl.col("hours_anchorage")
            - pl.col("hours_hotelling")
        )
        .abs()
        .max()
    ).item()
    assert hours < 1e-9
    assert doc["vessels"] == pl.read_csv(out / "vessels.csv").height


def test_loading_the_same_file_twice_changes_nothing(simulated: Path, tmp_path: Path) -> None:
    once = run_inventory(
        [simulated / "ais.parquet"],
        registry=simulated / "registry.csv",
        port="san-pedro-bay",
        out_dir=tmp_path / "a",
    )
    twice = run_inventory(
        [simulated / "ais.parquet", simulated / "ais.parquet"],
        registry=simulated / "registry.csv",
        port="san-pedro-bay",
        out_dir=tmp_path / "b",
    )
    assert twice.totals_g == pytest.approx(once.totals_g, rel=1e-12)
    assert twice.calls.height == once.calls.height
    assert twice.ingest.read == 2 * once.ingest.read
    # The second copy adds only duplicates: what is accepted and rejected is the same as for one copy.
    assert twice.ingest.accepted == once.ingest.accepted
    assert twice.ingest.rejected == once.ingest.rejected
    assert twice.ingest.duplicates == once.ingest.duplicates + once.ingest.read


def test_bucketing_does_not_change_the_result(simulated: Path, tmp_path: Path) -> None:
    one = run_inventory(
        [simulated / "ais.parquet"],
        registry=simulated / "registry.csv",
        port="san-pedro-bay",
        out_dir=tmp_path / "one",
        options=InventoryOptions(buckets=1, write_report=False),
    )
    five = run_inventory(
        [simulated / "ais.parquet"],
        registry=simulated / "registry.csv",
        port="san-pedro-bay",
        out_dir=tmp_path / "five",
        options=InventoryOptions(buckets=5, write_report=False),
    )
    cols = ["call_id", "co2_g", "nox_g", "hours_total"]
    assert one.calls.select(cols).sort("call_id").equals(five.calls.select(cols).sort("call_id"))


def _write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(MC_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


_BERTH = load_profile("san-pedro-bay").zone("pola-apm-pier400").geometry.representative_point()


def _berth_rows(
    mmsi: int, start: datetime, n: int, lat: float = _BERTH.y, lon: float = _BERTH.x
) -> list[str]:
    return [
        f"{mmsi},{(start + timedelta(minutes=10 * i)).strftime('%Y-%m-%dT%H:%M:%S')},{lat},{lon},0.0,0,0,"
        f"TEST,IMO9000001,CALL,70,5,300,40,12,70,A"
        for i in range(n)
    ]


def test_bad_rows_are_counted_and_good_rows_kept(tmp_path: Path) -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    rows = _berth_rows(366000001, start, 7)
    rows.insert(
        3, f"366000001,2024-03-01T00:25:00,abc,{_BERTH.x},0.0,0,0,TEST,IMO9000001,CALL,70,5,300,40,12,70,A"
    )
    rows.insert(
        5, f"366000001,2024-03-01T00:35:00,91,{_BERTH.x},0.0,0,0,TEST,IMO9000001,CALL,70,5,300,40,12,70,A"
    )
    src = _write_csv(tmp_path / "mixed.csv", rows)
    rejects = tmp_path / "rejects.csv"
    result = run_inventory(
        [src],
        registry=None,
        port="san-pedro-bay",
        out_dir=tmp_path / "out",
        options=InventoryOptions(rejects_path=rejects, write_report=False),
    )
    assert result.ingest.read == 9
    assert result.ingest.rejected == 2
    written = pl.read_csv(rejects)
    assert set(written.get_column("record").to_list()) == {5, 7}  # header is line 1
    assert (
        set(written.get_column("field").to_list()) == {"LAT", "lat"}
        or "lat" in written.get_column("field").str.to_lowercase().to_list()
    )
    # The seven good reports still make one hour of berth stay: six 10-minute intervals.
    assert result.calls.height == 1
    assert result.calls.row(0, named=True)["hours_hotelling"] == pytest.approx(1.0)


def test_reports_outside_the_boundary_add_nothing(tmp_path: Path) -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    inside = _berth_rows(366000001, start, 4)
    # 300 nm west of Los Angeles: accepted and stored, but outside the inventory boundary.
    outside = _berth_rows(366000002, start, 4, lat=33.0, lon=-124.5)
    src = _write_csv(tmp_path / "two.csv", inside + outside)
    result = run_inventory(
        [src],
        registry=None,
        port="san-pedro-bay",
        out_dir=tmp_path / "out",
        options=InventoryOptions(write_report=False),
    )
    assert result.outside_boundary == 4
    assert result.calls.get_column("mmsi").to_list() == [366000001]


@pytest.mark.parametrize("sample", ["pyais_timestamped.ais", "pyais_gatehouse.nmea", "pyais_mixed.txt"])
def test_real_nmea_samples_ingest(sample: str, tmp_path: Path) -> None:
    # Real receiver logs from the Aegean: they decode and count, and none of it lies in San Pedro Bay.
    result = run_inventory(
        [PYAIS_DATA / sample],
        registry=None,
        port="san-pedro-bay",
        out_dir=tmp_path,
        options=InventoryOptions(write_report=False),
    )
    assert result.ingest.read > 0
    assert result.calls.height == 0
    assert result.totals_g["CO2"] == 0.0


def test_empty_input_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match=r"empty\.csv"):
        run_inventory([empty], registry=None, port="san-pedro-bay", out_dir=tmp_path / "out")


def test_unknown_port_is_a_config_error(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "a.csv", _berth_rows(366000001, datetime(2024, 3, 1, tzinfo=UTC), 3))
    with pytest.raises(ConfigError, match="atlantis"):
        run_inventory([src], registry=None, port="atlantis", out_dir=tmp_path / "out")


def test_registry_without_mmsi_column_is_an_error(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "a.csv", _berth_rows(366000001, datetime(2024, 3, 1, tzinfo=UTC), 3))
    registry = tmp_path / "registry.csv"
    registry.write_text("imo,name\n9000001,TEST\n")
    with pytest.raises(InputError, match="mmsi"):
        run_inventory([src], registry=registry, port="san-pedro-bay", out_dir=tmp_path / "out")
