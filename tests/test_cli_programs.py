"""``quayside programs run`` and ``quayside statement`` on a small simulated port, through the command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polars as pl
import pytest


def quayside(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quayside.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("programs")
    steps = [
        ["simulate", "--days", "2", "--seed", "5", "--start", "2023-11-01", "--out", str(out)],
        ["inventory", str(out / "ais.parquet"), "--registry", str(out / "registry.csv"), "--port",
         "san-pedro-bay", "--out", str(out / "inventory")],
        ["demo-load", "--data", str(out)],
    ]  # fmt: skip
    for step in steps:
        done = quayside(*step)
        assert done.returncode == 0, done.stderr
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_programs_run_writes_each_programme_and_the_statements(port: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{port / 'visibility' / 'quayside.sqlite'}"
    out = tmp_path / "programs"
    done = quayside("programs", "run", "--port", "san-pedro-bay", "--year", "2023", "--inventory",
                    str(port / "inventory"), "--esi", str(port / "programs" / "esi.csv"), "--db", db,
                    "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.glob("*.csv")} == {"vsr.csv", "esi.csv", "at_berth.csv", "cii.csv"}
    document = json.loads((out / "statements.json").read_text(encoding="utf-8"))
    calls = pl.read_parquet(port / "inventory" / "calls.parquet").filter(pl.col("category") == "ogv")
    # Every ocean-going call of the year is in one statement, or counted as of no known operator.
    attributed = sum(s["calls"] for s in document["statements"].values())
    assert attributed + document["unattributed_calls"] == document["calls"] == calls.height
    assert document["statements"], "the simulated carriers publish schedules: some calls are theirs"
    # A statement's VSR shares are its own transits of vsr.csv.
    vsr = _rows(out / "vsr.csv")
    for code, statement in document["statements"].items():
        mine = [r for r in vsr if r["operator"] == code and r["complete"] == "true"]
        for ring in (statement["vsr"] or {}).get("rings", []):
            in_ring = [r for r in mine if float(r["ring_nm"]) == ring["ring_nm"]]
            assert ring["transits"] == len(in_ring)
            assert ring["compliant"] == sum(r["compliant"] == "true" for r in in_ring)
    # At-Berth: one row per visit with berth times; the shore-power log demo-load stored is used.
    berth = _rows(out / "at_berth.csv")
    assert len(berth) == calls.filter(pl.col("berth_arrival").is_not_null()).height
    assert Counter(r["verdict"] for r in berth)["compliant"] > 0
    # Run again: the statements stored are unchanged; one is read back, as JSON and HTML.
    again = quayside("programs", "run", "--port", "san-pedro-bay", "--year", "2023", "--inventory",
                     str(port / "inventory"), "--esi", str(port / "programs" / "esi.csv"), "--db", db,
                     "--out", str(out))  # fmt: skip
    assert f"0 stored, 0 updated, {len(document['statements'])} unchanged" in again.stdout
    code = sorted(document["statements"])[0]
    shown = quayside("statement", code, "--year", "2023", "--db", db, "--out", str(tmp_path / "st"))
    assert shown.returncode == 0, shown.stderr
    assert json.loads((tmp_path / "st" / f"{code}-2023.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(document["statements"][code], default=str)
    )
    assert "Incentive statement" in (tmp_path / "st" / f"{code}-2023.html").read_text(encoding="utf-8")


def test_programs_run_without_an_inventory_and_an_unknown_statement_are_one_line_errors(
    port: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{port / 'visibility' / 'quayside.sqlite'}"
    done = quayside("programs", "run", "--port", "san-pedro-bay", "--year", "2023", "--inventory",
                    str(tmp_path), "--db", db, "--out", str(tmp_path / "o"))  # fmt: skip
    assert done.returncode != 0
    assert "calls.parquet" in done.stderr
    assert "Traceback" not in done.stderr
    missing = quayside("statement", "ZZZZ", "--db", db, "--out", str(tmp_path))
    assert missing.returncode != 0
    assert "field 'operator'" in missing.stderr


def test_a_calculator_reads_standard_input_and_names_an_unknown_field(tmp_path: Path) -> None:
    document = {"ship_type": "container", "dwt": 80000, "year": 2026, "fuel_t": {"HFO": 21000, "MGO": 1200},
                "distance_nm": 98000}  # fmt: skip
    path = tmp_path / "cii.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = quayside("programs", "cii", str(path))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    # (21,000 x 3.114 + 1,200 x 3.206) t CO2 = 69,241.2 t; / (80,000 dwt x 98,000 nm) = 8.8318 g/dwt-nm
    assert answer["result"]["attained"] == pytest.approx(8.8318, abs=1e-4)
    assert answer["result"]["rating"] == "E"
    path.write_text(json.dumps({**document, "dwtt": 1}), encoding="utf-8")
    bad = quayside("programs", "cii", str(path))
    assert bad.returncode != 0
    assert "dwtt" in bad.stderr
