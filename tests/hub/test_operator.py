"""The visibility commands of ``quayside``: org, key, load events (serve is exercised by the API tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from quayside.cli import app
from quayside.errors import AuthenticationError
from quayside.store import db
from quayside.store.repositories.orgs import authenticate
from quayside.store.types import OrgRole, Scope

runner = CliRunner()


def _run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_org_and_key_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"  # a fresh file: the command migrates it
    result = _run(
        "org", "create", "Port of LA", "--role", "port_authority", "--port-unlocode", "USLAX", "--db", url
    )
    assert result.exit_code == 0, result.output
    first_key = result.stdout.strip().splitlines()[-1]
    result = _run("key", "create", "Port of LA", "--scope", "events:read", "--db", url)
    assert result.exit_code == 0, result.output
    second_key = result.stdout.strip().splitlines()[-1]
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        principal = authenticate(session, first_key)
        assert principal.role is OrgRole.PORT_AUTHORITY
        assert Scope.ADMIN in principal.scopes
        assert authenticate(session, second_key).scopes == frozenset({Scope.EVENTS_READ})
    result = _run("key", "revoke", second_key.split("_")[1], "--db", url)
    assert result.exit_code == 0, result.output
    with db.session_factory(engine)() as session, pytest.raises(AuthenticationError, match="revoked"):
        authenticate(session, second_key)
    engine.dispose()
    bad = _run("org", "create", "X", "--role", "shipper", "--db", url)
    assert bad.exit_code != 0


def test_load_events_counts(tmp_path: Path, db_url: str) -> None:
    created = _run("org", "create", "APMT", "--role", "terminal_operator", "--code", "APMT", "--db", db_url)
    assert created.exit_code == 0, created.output
    event = {
        "eventType": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "eventDateTime": "2024-03-01T08:15:00-08:00",
        "equipmentEventTypeCode": "GTIN",
        "equipmentReference": "APZU4812090",
        "emptyIndicatorCode": "LADEN",
    }
    bad = {**event, "equipmentReference": "APZU4812091"}  # wrong ISO 6346 check digit (0 is right)
    path = tmp_path / "events.json"
    path.write_text(json.dumps([event, bad, {**event, "equipmentEventTypeCode": "GTOT"}]), encoding="utf-8")
    result = _run("load", "events", str(path), "--as", "APMT", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "stored 2, duplicates 0, rejected 1"
    assert "record 1 [1].equipmentReference" in result.stdout
    again = _run("load", "events", str(path), "--as", "APMT", "--db", db_url)
    assert again.stdout.strip().splitlines()[-1] == "stored 0, duplicates 2, rejected 1"
