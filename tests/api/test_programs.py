"""``GET /programs/statements``: a carrier reads its own statement, the port authority its port's, no one else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from quayside.store import db
from quayside.store.repositories.orgs import create_organisation, issue_api_key
from quayside.store.repositories.statements import replace_statements
from quayside.store.types import OrgRole

Bearer = Callable[[str], dict[str, str]]


def _statement(code: str, year: int, calls: int) -> dict[str, Any]:
    return {"operator": code, "port": "san-pedro-bay", "year": year, "calls": calls}


def _store(
    db_url: str, year: int, statements: dict[str, dict[str, Any]]
) -> tuple[list[int], list[int], list[int]]:
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        done = replace_statements(session, "san-pedro-bay", ["USLAX", "USLGB"], year, statements)
        session.commit()
    engine.dispose()
    return done.stored, done.updated, done.unchanged


def _others(db_url: str) -> dict[str, str]:
    """A second carrier (MSCU) and the port authority of another port, with keys."""
    engine = db.make_engine(db_url)
    with db.session_factory(engine)() as session:
        msc = create_organisation(session, "MSC", OrgRole.CARRIER, code="MSCU")
        nagoya = create_organisation(session, "Port of Nagoya", OrgRole.PORT_AUTHORITY, port_unlocode="JPNGO")
        out = {"msc": issue_api_key(session, msc).key, "nagoya": issue_api_key(session, nagoya).key}
        session.commit()
    engine.dispose()
    return out


def test_each_carrier_reads_its_own_statement_only(
    client: TestClient, keys: Any, bearer: Bearer, db_url: str
) -> None:
    other = _others(db_url)
    assert _store(
        db_url, 2022, {"MAEU": _statement("MAEU", 2022, 7), "MSCU": _statement("MSCU", 2022, 5)}
    ) == (
        [0, 1],
        [],
        [],
    )
    _store(db_url, 2023, {"MAEU": _statement("MAEU", 2023, 9)})
    # Maersk: its own, the latest year by default, a given year on request.
    mine = client.get("/programs/statements/MAEU", headers=bearer(keys.carrier))
    assert (mine.status_code, mine.json()["calls"]) == (200, 9)
    assert (
        client.get("/programs/statements/MAEU?year=2022", headers=bearer(keys.carrier)).json()["calls"] == 7
    )
    # MSC's statement, by its code or in a list, is not Maersk's to read, and not even said to exist.
    assert client.get("/programs/statements/MSCU", headers=bearer(keys.carrier)).status_code == 404
    assert client.get("/programs/statements/NONE", headers=bearer(keys.carrier)).status_code == 404
    listed = client.get("/programs/statements", headers=bearer(keys.carrier)).json()
    assert sorted((s["operator"], s["year"]) for s in listed) == [("MAEU", 2022), ("MAEU", 2023)]
    assert [
        s["operator"] for s in client.get("/programs/statements", headers=bearer(other["msc"])).json()
    ] == ["MSCU"]
    # The port authority of Los Angeles reads every statement of San Pedro Bay; Nagoya's reads none.
    port = client.get("/programs/statements?year=2022", headers=bearer(keys.port)).json()
    assert sorted(s["operator"] for s in port) == ["MAEU", "MSCU"]
    assert client.get("/programs/statements/MSCU", headers=bearer(keys.port)).status_code == 200
    assert client.get("/programs/statements/MSCU", headers=bearer(other["nagoya"])).status_code == 404
    assert client.get("/programs/statements", headers=bearer(other["nagoya"])).json() == []
    # A terminal and a cargo owner are neither the operator nor the authority.
    assert client.get("/programs/statements/MAEU", headers=bearer(keys.terminal)).status_code == 404
    assert client.get("/programs/statements", headers=bearer(keys.shipper)).json() == []
    assert client.get("/programs/statements/MAEU").status_code == 401


def test_storing_the_same_statements_again_changes_nothing(
    client: TestClient, keys: Any, bearer: Bearer, db_url: str
) -> None:
    first = {"MAEU": _statement("MAEU", 2022, 7), "ZZZZ": _statement("ZZZZ", 2022, 1)}
    assert _store(db_url, 2022, first) == ([0, 1], [], [])
    assert _store(db_url, 2022, first) == ([], [], [0, 1])
    changed = {"MAEU": _statement("MAEU", 2022, 8), "ZZZZ": _statement("ZZZZ", 2022, 1)}
    assert _store(db_url, 2022, changed) == ([], [0], [1])
    assert client.get("/programs/statements/MAEU", headers=bearer(keys.carrier)).json()["calls"] == 8
    # An operator the hub has no carrier for: only the port authority reads it.
    assert client.get("/programs/statements/ZZZZ", headers=bearer(keys.carrier)).status_code == 404
    assert client.get("/programs/statements/ZZZZ", headers=bearer(keys.port)).json()["calls"] == 1
