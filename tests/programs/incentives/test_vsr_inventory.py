"""``quayside inventory`` writes ``transits.parquet``; on simulated traffic it agrees with the simulator.

The simulator slows a compliant vessel to 10.5–12 kn inside the 20 nm ring (or the 40 nm one) and leaves a
non-compliant one at its sea speed, and says which it did (``vsr_compliant`` in ``calls_truth.csv``): every
complete 20 nm transit must come out compliant exactly when the simulator made it so.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from quayside.engines.inventory import run_inventory
from quayside.errors import InputError
from quayside.programs.incentives.vsr import TRANSIT_SCHEMA, TRANSITS_FILE, read_transits, transits_frame
from quayside.simulate.traffic import simulate_traffic


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    sim = tmp_path_factory.mktemp("sim")
    simulate_traffic(port="san-pedro-bay", days=1, seed=3, out_dir=sim)
    out = tmp_path_factory.mktemp("inv")
    run_inventory([sim / "ais.parquet"], registry=sim / "registry.csv", port="san-pedro-bay", out_dir=out)
    return sim, out


def test_transits_parquet_has_the_documented_columns(inventory: tuple[Path, Path]) -> None:
    _, out = inventory
    transits = pl.read_parquet(out / TRANSITS_FILE)
    assert transits.schema == pl.Schema(TRANSIT_SCHEMA)
    assert transits.height > 0
    assert set(transits.get_column("ring_nm").unique()) == {20.0, 40.0}
    assert set(transits.get_column("direction").unique()) <= {"inbound", "outbound"}
    # only ocean-going vessels: the simulated tugs never appear
    vessels = pl.read_csv(out / "vessels.csv")
    tugs = vessels.filter(pl.col("category") == "harbor_craft").get_column("mmsi")
    assert tugs.len() > 0
    assert not transits.get_column("mmsi").is_in(tugs.implode()).any()


def test_complete_20_nm_transits_agree_with_the_simulator(inventory: tuple[Path, Path]) -> None:
    sim, out = inventory
    truth = (
        pl.read_csv(sim / "calls_truth.csv")
        .group_by("mmsi")
        .agg(pl.col("vsr_compliant").n_unique().alias("n"), pl.col("vsr_compliant").first())
        .filter(pl.col("n") == 1)  # a vessel with two calls of different behaviour is left out
    )
    transits = pl.read_parquet(out / TRANSITS_FILE).filter(pl.col("complete") & (pl.col("ring_nm") == 20.0))
    joined = transits.join(truth, on="mmsi")
    assert joined.height >= 10
    assert joined.get_column("vsr_compliant").any()
    assert not joined.get_column("vsr_compliant").all()
    disagree = joined.filter(pl.col("compliant") != pl.col("vsr_compliant"))
    assert disagree.height == 0, disagree.select("mmsi", "direction", "mean_sog_kn", "vsr_compliant")
    # a compliant transit slower than the service speed saved NOx
    slow = joined.filter(pl.col("compliant") & (pl.col("service_speed_kn") > 13))
    assert (slow.get_column("nox_saved_g") > 0).all()


def test_read_transits_round_trip_and_bad_file(inventory: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = inventory
    frame = pl.read_parquet(out / TRANSITS_FILE)
    transits = read_transits(out / TRANSITS_FILE)
    assert len(transits) == frame.height
    assert transits_frame(transits).equals(frame)
    broken = tmp_path / "broken.parquet"
    frame.drop("compliant").write_parquet(broken)
    with pytest.raises(InputError) as err:
        read_transits(broken)
    assert (err.value.source, err.value.field) == (str(broken), "compliant")
