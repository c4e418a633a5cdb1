"""``/portal/terminal``: a terminal operator's turn times and dual transactions (its own terminals only, the
API's figures) and its empty-return rules form, through HTTP with a real sign-in (so the CSRF check is the
portal's own), on SQLite and PostgreSQL.

The community (``keys`` fixture): port authority of USLAX, terminal APMT, carrier MAEU, shippers X and Y;
here also a second terminal operator, "Other Terminal" with terminal OTHT at USLAX, and three trucking
companies (AAAA, BBBB, CCCC) whose visits make the groups large enough not to be suppressed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from quayside.api.app import create_app
from quayside.hub import users
from quayside.portal.pages.terminal import router as terminal_router
from quayside.store.models.base import utcnow
from quayside.store.repositories.links import register_facility
from quayside.store.repositories.operations import store_truck_visits
from quayside.store.repositories.orgs import create_organisation, get_organisation, principal_for
from quayside.store.types import OrgRole, Scope
from quayside.visibility.model import GateTransaction, TransactionKind, TruckVisit

Bearer = Callable[[str], dict[str, str]]
SignIn = Callable[[str], None]
PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# 2024-03-05 08:00 in Los Angeles (PST, UTC-8) is 16:00Z.
MORNING = datetime(2024, 3, 5, 16, 0, tzinfo=UTC)
PERIOD = {"from": "2024-03-05", "to": "2024-03-06"}
DUAL = (
    GateTransaction("APZU4812090", TransactionKind.DROP, "EMPTY"),
    GateTransaction("MSKU9070323", TransactionKind.PICK, "LADEN"),
)
#: Columns of the turn-time table (quayside.portal.pages.terminal.TURN_COLUMNS).
TERMINAL, DAY, PARTIES, VISITS, MEAN, P50, _P90, _P95, MAX, DUAL_SHARE, SUPPRESSED = range(11)


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the tests sign in often (production uses the library's defaults)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)
    monkeypatch.setattr(users, "_dummy_hash", lambda: cheap.hash("dummy password"))


def portal_app(db_url: str) -> FastAPI:
    """The API app with this page's router (unless ``create_app`` mounts it already)."""
    app = create_app(db_url)
    if not any(getattr(route, "path", None) == "/portal/terminal" for route in app.routes):
        app.include_router(terminal_router)
    return app


def _visit(
    n: int, facility: str, company: str, minutes: int, start: datetime, *, dual: bool = False
) -> TruckVisit:
    return TruckVisit(
        visit_id=f"{facility}-V{n}",
        facility_code=facility,
        un_location_code="USLAX",
        trucking_company=company,
        truck_license_plate=None,
        gate_in=start + timedelta(minutes=n),
        gate_out=start + timedelta(minutes=n + minutes),
        transactions=DUAL if dual else (),
    )


@pytest.fixture
def client(db_url: str, keys: Any, session: Session) -> Iterator[TestClient]:
    """Users of APMT, of the other terminal and of the carrier; truck visits at both terminals."""
    other = create_organisation(session, "Other Terminal", OrgRole.TERMINAL_OPERATOR, code="OTHR")
    register_facility(session, un_location_code="USLAX", facility_code="OTHT", operator_org_id=other.id)
    for code in ("AAAA", "BBBB", "CCCC"):
        create_organisation(session, f"Trucking {code}", OrgRole.TRUCKER, code=code)
    organisations = {
        "ops@apmt.example": get_organisation(session, keys.org_ids["terminal"]),
        "ops@other.example": other,
        "ops@maersk.example": get_organisation(session, keys.org_ids["carrier"]),
    }
    for email, organisation in organisations.items():
        users.create_user(
            session, organisation, email=email, name="Ops", admin=False, password=PASSWORD, now=utcnow()
        )
    apmt = principal_for(organisations["ops@apmt.example"], tuple(Scope))
    # APMT, 5 March: turn times 20, 30, 40, 50, 100 min (mean 48, median 40), two of five visits dual;
    # 6 March: one company only, so that day is suppressed (as the API suppresses it).
    store_truck_visits(
        session,
        [
            _visit(1, "APMT", "AAAA", 20, MORNING, dual=True),
            _visit(2, "APMT", "BBBB", 30, MORNING, dual=True),
            _visit(3, "APMT", "CCCC", 40, MORNING),
            _visit(4, "APMT", "AAAA", 50, MORNING),
            _visit(5, "APMT", "BBBB", 100, MORNING),
            _visit(6, "APMT", "AAAA", 25, MORNING + timedelta(days=1)),
        ],
        apmt,
    )
    # OTHT, 5 March: 200, 210, 220 min.
    store_truck_visits(
        session,
        [
            _visit(n, "OTHT", code, 190 + 10 * n, MORNING)
            for n, code in enumerate(("AAAA", "BBBB", "CCCC"), 1)
        ],
        principal_for(other, tuple(Scope)),
    )
    session.commit()
    with TestClient(portal_app(db_url)) as test_client:
        yield test_client


@pytest.fixture
def sign_in(client: TestClient) -> SignIn:
    """Sign in through ``/login`` (the client keeps the session cookie)."""

    def as_user(email: str) -> None:
        token = _CSRF.search(client.get("/login").text)
        assert token is not None
        data = {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        answer = client.post("/login", data=data, follow_redirects=False)
        assert answer.status_code == 303, answer.text

    return as_user


def _rows(html: str, table: str) -> list[list[str]]:
    body = html.split(f'<table id="{table}">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) > 1:
            rows.append(cells)
    return rows


def _csrf(client: TestClient) -> str:
    match = _CSRF.search(client.get("/portal/terminal/rules").text)
    assert match is not None
    return match.group(1)


def _rule(**changes: str) -> dict[str, str]:
    return {
        "facility": "USLAX/APMT",
        "carrier_code": "MAEU",
        "size_ft": "40",
        "accepts": "yes",
        "valid_from": "2024-03-01",
        "valid_to": "",
        **changes,
    }


def test_the_terminal_sees_its_own_figures_as_the_api_gives_them(
    client: TestClient, sign_in: SignIn, keys: Any, bearer: Bearer
) -> None:
    sign_in("ops@apmt.example")
    page = client.get("/portal/terminal", params=PERIOD)
    assert page.status_code == 200
    rows = _rows(page.text, "turn-times")
    assert [(r[TERMINAL], r[DAY], r[SUPPRESSED]) for r in rows] == [
        ("APMT", "2024-03-06", "yes"),
        ("APMT", "2024-03-05", ""),
    ]
    assert rows[0][PARTIES:SUPPRESSED] == [""] * (SUPPRESSED - PARTIES)
    row = rows[1]
    assert (row[PARTIES], row[VISITS], row[MEAN], row[P50], row[MAX]) == ("3", "5", "48.0", "40.0", "100.0")
    assert (row[DUAL_SHARE], row[SUPPRESSED]) == ("0.40", "")
    api = client.get(
        "/kpis/truck-turn-time",
        params={**PERIOD, "UNLocationCode": "USLAX", "facilityCode": "APMT"},
        headers=bearer(keys.terminal),
    ).json()["groups"][0]
    assert (api["count"], api["mean_min"], api["p50_min"]) == (5, 48.0, 40.0)
    assert "OTHT" not in page.text
    exported = list(csv.reader(io.StringIO(client.get("/portal/terminal.csv", params=PERIOD).text)))
    assert exported[0][0] == "Terminal"
    assert [(r[TERMINAL], r[DAY]) for r in exported[1:]] == [("APMT", "2024-03-06"), ("APMT", "2024-03-05")]

    sign_in("ops@other.example")
    other = _rows(client.get("/portal/terminal", params=PERIOD).text, "turn-times")
    assert [(r[TERMINAL], r[MEAN]) for r in other] == [("OTHT", "210.0")]


def test_gate_volume_by_hour_of_its_own_terminals(client: TestClient, sign_in: SignIn) -> None:
    sign_in("ops@apmt.example")
    page = client.get("/portal/terminal/gate", params=PERIOD)
    assert page.status_code == 200
    # Five visits gated in from 16:01Z to 16:05Z: 08:01-08:05 in Los Angeles (PST).
    assert _rows(page.text, "gate-volume") == [
        ["APMT", "2024-03-05", "08:00-09:00", "5", ""],
        ["APMT", "2024-03-06", "", "", "yes"],
    ]
    assert "OTHT" not in page.text
    exported = list(csv.reader(io.StringIO(client.get("/portal/terminal/gate.csv", params=PERIOD).text)))
    assert exported == [
        ["Terminal", "Day (gate-in, local)", "Hour (local)", "Visits gated in", "Suppressed"],
        ["APMT", "2024-03-05", "08:00-09:00", "5", ""],
        ["APMT", "2024-03-06", "", "", "yes"],
    ]


def test_a_carrier_gets_403(client: TestClient, sign_in: SignIn) -> None:
    sign_in("ops@maersk.example")
    assert client.get("/portal/terminal").status_code == 403
    assert client.get("/portal/terminal.csv").status_code == 403
    assert client.get("/portal/terminal/rules").status_code == 403
    assert client.get("/portal/terminal/gate").status_code == 403
    assert client.get("/portal/terminal/gate.csv").status_code == 403
    token = _CSRF.search(client.get("/portal/").text)
    assert token is not None
    posted = client.post("/portal/terminal/rules", data={**_rule(), "csrf_token": token.group(1)})
    assert posted.status_code == 403


def test_publishing_a_rule_through_the_form(
    client: TestClient, sign_in: SignIn, keys: Any, bearer: Bearer
) -> None:
    sign_in("ops@apmt.example")
    answer = client.post(
        "/portal/terminal/rules", data={**_rule(), "csrf_token": _csrf(client)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal/terminal/rules?published=1"
    second = client.post("/portal/terminal/rules", data={**_rule(size_ft="20"), "csrf_token": _csrf(client)})
    assert second.status_code == 200
    rules = _rows(second.text, "rules")
    assert [(r[1], r[2], r[3], r[4]) for r in rules] == [
        ("APMT", "MAEU", "40", "yes"),
        ("APMT", "MAEU", "20", "yes"),
    ]
    signal = client.get(
        "/return-signal",
        params={"carrierCode": "MAEU", "sizeFt": "40", "at": "2024-03-10T00:00:00Z"},
        headers=bearer(keys.carrier),
    )
    assert signal.json()["terminals"] == [{"UNLocationCode": "USLAX", "facilityCode": "APMT"}]


@pytest.mark.parametrize(
    ("changes", "body_changes"),
    [
        ({"size_ft": "35"}, {"sizeFt": 35}),
        ({"valid_to": "2024-02-01"}, {"validTo": "2024-02-01T00:00:00Z"}),
    ],
)
def test_a_bad_rule_shows_the_apis_error_text(
    client: TestClient,
    sign_in: SignIn,
    keys: Any,
    bearer: Bearer,
    changes: dict[str, str],
    body_changes: dict[str, Any],
) -> None:
    sign_in("ops@apmt.example")
    answer = client.post("/portal/terminal/rules", data={**_rule(**changes), "csrf_token": _csrf(client)})
    assert answer.status_code == 422
    rule = {"carrierCode": "MAEU", "sizeFt": 40, "accepts": True, "validFrom": "2024-03-01T00:00:00Z"}
    body = {"UNLocationCode": "USLAX", "facilityCode": "APMT", "rules": [{**rule, **body_changes}]}
    api = client.put("/terminal-rules/empty-return", json=body, headers=bearer(keys.terminal))
    assert api.status_code in (400, 422)
    message = api.json()["errors"][0]["message"]
    shown = re.search(r'id="rule-error">([^<]*)<', answer.text)
    assert shown is not None
    assert shown.group(1).replace("&#39;", "'") == message
    assert _rows(answer.text, "rules") == []
    assert "MAEU" in answer.text  # the form keeps what was typed


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, sign_in: SignIn) -> None:
    sign_in("ops@apmt.example")
    for data in (_rule(), {**_rule(), "csrf_token": "forged"}):
        answer = client.post("/portal/terminal/rules", data=data)
        assert answer.status_code == 403
        assert "csrf_token" in answer.text
    assert _rows(client.get("/portal/terminal/rules").text, "rules") == []
