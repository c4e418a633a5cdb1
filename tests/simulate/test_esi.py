"""The simulated ESI register: readable by the register reader, deterministic, within the IMO limits."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from quayside.errors import InputError
from quayside.programs.incentives.esi_register import read_esi_register
from quayside.programs.incentives.esi_rules import load_rules
from quayside.programs.incentives.esi_score import nox_limit
from quayside.simulate._esi import write_esi_register

REGISTRY_HEADER = (
    "mmsi,imo,name,ship_type,teu,dwt,gt,mcr_kw,service_speed_kn,engine,fuel,keel_laid_year,shore_power"
)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    lines = [REGISTRY_HEADER]
    for i in range(40):
        keel = 1995 + i  # 1995..2034: Tier 0, I, II and III years
        fuel, engine = ("LNG", "LNG") if i % 10 == 0 else ("HFO", "SSD")
        shore = "true" if i % 2 else "false"
        lines.append(
            f"3660000{i:02d},{9100000 + i * 7},SHIP {i},container,8000,100000,90000,50000,22,"
            f"{engine},{fuel},{keel},{shore}"
        )
    lines.append("366000099,,NO IMO,tug,,,,2000,12,HSD,MGO,2005,false")
    path = tmp_path / "registry.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_writes_programs_esi_csv_that_reads_without_rejects(registry: Path, tmp_path: Path) -> None:
    path = write_esi_register(registry, tmp_path / "out", seed=7)
    assert path == tmp_path / "out" / "programs" / "esi.csv"
    register = read_esi_register(path)
    assert register.rejects == []
    # participation share 0.7 of 40 ships with an IMO: some, not all, and never the one without an IMO
    assert 10 < len(register.vessels) < 40
    scores = register.scores()
    assert all(0 <= s.total <= 100 for s in scores.values())


def test_same_seed_same_file_other_seed_other_file(registry: Path, tmp_path: Path) -> None:
    a = write_esi_register(registry, tmp_path / "a", seed=7).read_text(encoding="utf-8")
    b = write_esi_register(registry, tmp_path / "b", seed=7).read_text(encoding="utf-8")
    c = write_esi_register(registry, tmp_path / "c", seed=8).read_text(encoding="utf-8")
    assert a == b
    assert a != c


def test_engines_are_certified_within_the_limit_of_their_keel_year(registry: Path, tmp_path: Path) -> None:
    rules = load_rules()
    keel = {r["imo"]: int(r["keel_laid_year"]) for r in rows(registry) if r["imo"]}
    fuel = {r["imo"]: r["fuel"] for r in rows(registry) if r["imo"]}
    shore = {r["imo"]: r["shore_power"] for r in rows(registry) if r["imo"]}
    for row in rows(write_esi_register(registry, tmp_path / "out", seed=7)):
        rpm, certified = float(row["rated_rpm"]), float(row["certified_nox_g_kwh"])
        year = keel[row["imo"]]
        # Reg. 13: Tier I from 2000, Tier II from 2011; LNG engines are drawn at Tier III
        tier = 3 if fuel[row["imo"]] == "LNG" else 2 if year >= 2011 else 1 if year >= 2000 else None
        if tier is not None:
            assert certified <= nox_limit(rules, tier, rpm)[0]
        assert row["ops_fitted"] == shore[row["imo"]]
        assert float(row["power_kw"]) in (50000.0, 3500.0)  # MCR, and 7 % of it per auxiliary


def test_missing_registry_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_esi_register(tmp_path / "none.csv", tmp_path, seed=1)
    assert "none.csv" in str(caught.value)
