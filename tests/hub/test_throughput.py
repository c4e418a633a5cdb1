"""Loading a port throughput file (TEU a year): the third kind of ``quayside load equipment``, told by its
header; partial and idempotent, the last load winning; the write rule; the command line and the demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from quayside.cli import app
from quayside.equipment.throughput import ThroughputFile
from quayside.errors import InputError
from quayside.hub.demo.equipment import load_carbon_inputs
from quayside.hub.demo.summary import DemoSummary
from quayside.hub.equipment import (
    EquipmentFileKind,
    command_line_operator,
    load_equipment_text,
    read_equipment,
)
from quayside.store import db
from quayside.store.access import Principal
from quayside.store.repositories.equipment import port_throughput
from quayside.store.types import OrgRole

THROUGHPUT = """port,unlocode,year,teu,source
san-pedro-bay,,2023,16617000,ports' statistics
san-pedro-bay,USLAX,2023,8634000,Port of Los Angeles
san-pedro-bay,USLGB,2023,-5,Port of Long Beach
nagoya,JPNGO,2023,2680000,Nagoya Port Authority
"""
OPERATOR = command_line_operator()


def test_a_throughput_file_loads_once_and_the_last_load_wins(session: Session) -> None:
    first = load_equipment_text(session, OPERATOR, THROUGHPUT, source="teu.csv")
    assert first.kind is EquipmentFileKind.THROUGHPUT
    assert first.stored == ["san-pedro-bay/2023", "san-pedro-bay/USLAX/2023", "nagoya/JPNGO/2023"]
    assert [(r.index, r.field, r.value) for r in first.rejected] == [(4, "teu", "-5")]
    assert (first.records, first.accepted) == (4, True)
    assert first.to_dict()["kind"] == "throughput"
    again = load_equipment_text(session, OPERATOR, THROUGHPUT, source="teu.csv")
    assert (again.stored, again.updated) == ([], [])
    assert [(d.index, d.id) for d in again.duplicates] == [
        (2, "san-pedro-bay/2023"),
        (3, "san-pedro-bay/USLAX/2023"),
        (5, "nagoya/JPNGO/2023"),
    ]
    revised = THROUGHPUT.replace("8634000,Port of Los Angeles", "8700000,Port of Los Angeles (revised)")
    later = load_equipment_text(session, OPERATOR, revised, source="v2.csv")
    assert later.updated == ["san-pedro-bay/USLAX/2023"]
    stored = {f.unlocode: f for f in port_throughput(session, "san-pedro-bay", 2023)}
    assert set(stored) == {None, "USLAX"}
    assert (stored["USLAX"].teu, stored["USLAX"].loaded_from) == (8_700_000.0, "v2.csv")
    assert stored["USLAX"].source == "Port of Los Angeles (revised)"


def test_a_port_authority_loads_the_teu_of_its_own_port_only(
    session: Session, make_org: Callable[..., Principal]
) -> None:
    lax = make_org("Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX")
    outcome = load_equipment_text(session, lax, THROUGHPUT, source="teu.csv")
    assert outcome.stored == ["san-pedro-bay/USLAX/2023"]
    refused = [(r.index, r.field, r.value) for r in outcome.rejected if r.field == "unlocode"]
    # The whole port's figure is the hub operator's, like a unit of no UN/LOCODE; Nagoya is not its port.
    assert refused == [(2, "unlocode", None), (5, "unlocode", "JPNGO")]


@pytest.mark.parametrize(
    ("header", "needle"),
    [
        ("port,teu", "a port throughput file without its required columns"),
        ("unit_id,port,kind,power_source,teu", "the columns of both a register and a throughput file"),
        ("kind,period_start,teu", "a register, an activity log and a throughput file at once"),
        ("port,year,source", "neither an equipment register nor an activity log, nor a port throughput file"),
    ],
)
def test_the_header_tells_a_throughput_file(header: str, needle: str) -> None:
    assert isinstance(read_equipment(THROUGHPUT, source="teu.csv"), ThroughputFile)
    with pytest.raises(InputError, match=needle):
        read_equipment(header + "\n", source="x.csv")


def test_load_equipment_prints_the_throughput_counts(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "throughput.csv"
    path.write_text(THROUGHPUT, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(app, ["load", "equipment", str(path), "--db", db_url])
    assert done.exit_code == 0, done.output
    lines = done.stdout.strip().splitlines()
    assert lines == [
        f"rejected {path} record 4 teu: must not be negative (value '-5')",
        "throughput figures stored 3, updated 0, duplicates 0, rejected 1",
    ]
    again = runner.invoke(app, ["load", "equipment", str(path), "--db", db_url])
    assert (
        again.stdout.strip().splitlines()[-1]
        == "throughput figures stored 0, updated 0, duplicates 3, rejected 1"
    )
    hopeless = tmp_path / "hopeless.csv"
    hopeless.write_text("port,year,teu,source\natlantis,2023,1,s\n", encoding="utf-8")
    assert runner.invoke(app, ["load", "equipment", str(hopeless), "--db", db_url]).exit_code == 1


def test_the_demo_loads_the_throughput_with_the_equipment_files(tmp_path: Path, db_url: str) -> None:
    (tmp_path / "equipment").mkdir()
    (tmp_path / "equipment" / "throughput.csv").write_text(THROUGHPUT, encoding="utf-8")
    engine = db.make_engine(db_url)
    try:
        for stored, duplicates in ((3, 0), (0, 3)):
            summary = DemoSummary(database=db_url, keys_path=tmp_path / "keys.json")
            with db.session_factory(engine)() as session:
                load_carbon_inputs(session, tmp_path, "san-pedro-bay", summary)
            counts = summary.feeds["equipment/throughput.csv"]
            assert (counts.stored, counts.duplicates, counts.rejected) == (stored, duplicates, 1)
    finally:
        engine.dispose()
