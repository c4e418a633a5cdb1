"""Sign-in, sessions, CSRF and user administration of the portal, through HTTP."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import Depends
from fastapi.responses import PlainTextResponse
from sqlalchemy import select
from starlette.exceptions import StarletteDeprecationWarning

from quayside.api.app import create_app
from quayside.hub import users
from quayside.hub.users import SIGN_IN_REFUSED, CookieSecurity, PortalSettings
from quayside.portal.auth import DEFAULT_NEXT, LOGIN_CSRF_COOKIE, install_portal, router, safe_next
from quayside.portal.session import PASSWORD_PATH, SESSION_COOKIE, PortalUser, portal_user
from quayside.store import db
from quayside.store.models import PortalSessionRow, User
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with", category=StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
SETTINGS = PortalSettings(idle_minutes=30, absolute_hours=12, max_failed_sign_ins=5, lockout_minutes=15)
T = TypeVar("T")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small parameters: the suite signs in often (production uses the library's defaults)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)
    monkeypatch.setattr(users, "_dummy_hash", lambda: cheap.hash("dummy password"))


@dataclass
class Clock:
    """The portal's clock, moved by the test."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Portal:
    client: TestClient
    clock: Clock
    url: str
    org_ids: dict[str, int] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def sign_in(self, email: str, password: str = PASSWORD, next_path: str | None = None) -> httpx.Response:
        page = self.client.get("/login", params={"next": next_path} if next_path else None)
        assert page.status_code == 200
        token = _TOKEN.search(page.text)
        assert token is not None
        data = {"email": email, "password": password, "csrf_token": token.group(1)}
        if next_path is not None:
            data["next"] = next_path
        answer: httpx.Response = self.client.post("/login", data=data, follow_redirects=False)
        return answer

    def csrf(self, path: str = "/portal/users") -> str:
        match = _TOKEN.search(self.client.get(path).text)
        assert match is not None
        return match.group(1)


def _seed(url: str) -> tuple[dict[str, int], dict[str, int]]:
    engine = db.make_engine(url)
    with db.session_scope(db.session_factory(engine)) as session:
        port = create_organisation(
            session, "Port of Los Angeles", OrgRole.PORT_AUTHORITY, port_unlocode="USLAX"
        )
        carrier = create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU")
        made: dict[str, User] = {}
        for key, org, email, admin in [
            ("port_admin", port, "admin@port.example", True),
            ("port_member", port, "member@port.example", False),
            ("carrier_admin", carrier, "admin@maersk.example", True),
        ]:
            made[key] = users.create_user(
                session,
                org,
                email=email,
                name=key.replace("_", " "),
                admin=admin,
                password=PASSWORD,
                now=START,
            )
        session.flush()
        orgs = {"port": port.id, "carrier": carrier.id}
        ids = {key: user.id for key, user in made.items()}
    engine.dispose()
    return orgs, ids


@pytest.fixture
def portal(db_url: str) -> Iterator[Portal]:
    clock = Clock()
    app = create_app(db_url)
    install_portal(app, settings=SETTINGS, clock=clock)
    app.include_router(router)

    @app.get("/portal/whoami", response_class=PlainTextResponse)
    async def whoami(user: PortalUser = Depends(portal_user)) -> str:
        return f"{user.email} of {user.principal.org_name}"

    orgs, ids = _seed(db_url)
    with TestClient(app) as client:
        yield Portal(client=client, clock=clock, url=db_url, org_ids=orgs, user_ids=ids)


def _rows(url: str, model: type[T]) -> list[T]:
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        rows = list(session.scalars(select(model)).all())
    engine.dispose()
    return rows


def test_sign_in_lands_on_next_and_sign_out_ends_the_session(portal: Portal) -> None:
    answer = portal.sign_in("Admin@Port.example", next_path="/portal/whoami")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal/whoami"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=lax"):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain http (the test client), CookieSecurity.AUTO
    page = portal.client.get("/portal/whoami")
    assert page.text == "admin@port.example of Port of Los Angeles"

    done = portal.client.post("/logout", data={"csrf_token": portal.csrf()}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/login")
    assert _rows(portal.url, PortalSessionRow) == []
    again = portal.client.get("/portal/whoami", follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/login?next=/portal/whoami")


def test_without_a_session_a_page_redirects_to_sign_in_keeping_the_query(portal: Portal) -> None:
    answer = portal.client.get("/portal/whoami?x=1&y=a b", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/portal/whoami%3Fx%3D1%26y%3Da%2520b"
    portal.client.cookies.set(SESSION_COOKIE, "forged-token")
    assert portal.client.get("/portal/whoami", follow_redirects=False).status_code == 303


def test_default_target_and_secure_cookie_over_https(portal: Portal) -> None:
    portal.client.base_url = portal.client.base_url.copy_with(scheme="https")
    answer = portal.sign_in("admin@port.example")
    assert answer.headers["location"] == DEFAULT_NEXT
    assert "Secure" in answer.headers["set-cookie"]


@pytest.mark.parametrize(
    ("email", "password"), [("admin@port.example", "not the password"), ("who@x.org", PASSWORD)]
)
def test_wrong_password_and_unknown_email_get_the_same_answer(
    portal: Portal, email: str, password: str
) -> None:
    answer = portal.sign_in(email, password)
    assert answer.status_code == 401
    assert SIGN_IN_REFUSED in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def _refusal_text(page: str) -> str:
    match = re.search(r'<p class="error" role="alert">([^<]*)</p>', page)
    assert match is not None
    return match.group(1)


def test_lockout_after_five_failures_answers_like_a_wrong_password(portal: Portal) -> None:
    wrong = [portal.sign_in("admin@port.example", "not the password") for _ in range(5)]
    assert {a.status_code for a in wrong} == {401}
    locked = portal.sign_in("admin@port.example")  # the right password, while locked
    assert locked.status_code == 401
    assert _refusal_text(locked.text) == _refusal_text(wrong[0].text) == SIGN_IN_REFUSED
    portal.clock.advance(minutes=14)
    assert portal.sign_in("admin@port.example").status_code == 401
    portal.clock.advance(minutes=1)
    assert portal.sign_in("admin@port.example").status_code == 303


def test_idle_expiry(portal: Portal) -> None:
    portal.sign_in("admin@port.example")
    for _ in range(3):
        portal.clock.advance(minutes=29)
        assert portal.client.get("/portal/whoami", follow_redirects=False).status_code == 200
    portal.clock.advance(minutes=30)
    assert portal.client.get("/portal/whoami", follow_redirects=False).status_code == 303


def test_absolute_expiry(portal: Portal) -> None:
    portal.sign_in("admin@port.example")
    for _ in range(int(12 * 60 / 25)):
        portal.clock.advance(minutes=25)
        assert portal.client.get("/portal/whoami", follow_redirects=False).status_code == 200
    portal.clock.now = START + timedelta(hours=12)
    assert portal.client.get("/portal/whoami", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_post_without_the_right_csrf_token_is_refused(portal: Portal, token: str | None) -> None:
    portal.sign_in("admin@port.example")
    data = {"email": "new@port.example", "name": "New"}
    if token is not None:
        data["csrf_token"] = token
    for path, body in [("/logout", {} if token is None else {"csrf_token": token}), ("/portal/users", data)]:
        answer = portal.client.post(path, data=body, follow_redirects=False)
        assert answer.status_code == 403
        assert "security token (csrf_token) is missing or wrong" in answer.text
    assert portal.client.get("/portal/whoami").status_code == 200  # still signed in
    assert len(_rows(portal.url, User)) == 3  # nobody invited


def test_sign_in_form_needs_its_own_token(portal: Portal) -> None:
    portal.client.get("/login")
    data = {"email": "admin@port.example", "password": PASSWORD, "csrf_token": "made-up"}
    answer = portal.client.post("/login", data=data, follow_redirects=False)
    assert answer.status_code == 403
    assert "reload the sign-in page" in answer.text
    portal.client.cookies.delete(LOGIN_CSRF_COOKIE, path="/login")
    assert portal.client.post("/login", data=data, follow_redirects=False).status_code == 403


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\tx",
        "",
    ],
)
def test_next_never_leaves_the_site(portal: Portal, target: str) -> None:
    answer = portal.sign_in("admin@port.example", next_path=target)
    assert answer.status_code == 303
    assert answer.headers["location"] == DEFAULT_NEXT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/portal/containers?q=MSKU1", "/portal/containers?q=MSKU1"),
        (None, DEFAULT_NEXT),
        ("///x", DEFAULT_NEXT),
    ],
)
def test_safe_next(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_admin_invites_and_removes_a_user_of_its_organisation(portal: Portal) -> None:
    portal.sign_in("admin@port.example")
    page = portal.client.get("/portal/users")
    assert page.status_code == 200
    assert "member@port.example" in page.text
    assert "admin@maersk.example" not in page.text  # another organisation's user
    answer = portal.client.post(
        "/portal/users",
        data={"csrf_token": portal.csrf(), "email": "New@Port.example", "name": "New", "role": "member"},
    )
    assert answer.status_code == 201
    assert answer.headers["cache-control"] == "no-store"
    shown = re.search(r'<code class="secret" id="invited-password">([^<]+)</code>', answer.text)
    assert shown is not None
    assert "new@port.example" in portal.client.get("/portal/users").text
    assert shown.group(1) not in portal.client.get("/portal/users").text  # shown once

    new_id = next(u.id for u in _rows(portal.url, User) if u.email == "new@port.example")
    removed = portal.client.post(
        f"/portal/users/{new_id}/remove", data={"csrf_token": portal.csrf()}, follow_redirects=False
    )
    assert (removed.status_code, removed.headers["location"]) == (303, "/portal/users")
    assert "new@port.example" not in portal.client.get("/portal/users").text

    other = portal.user_ids["carrier_admin"]
    refused = portal.client.post(f"/portal/users/{other}/remove", data={"csrf_token": portal.csrf()})
    assert refused.status_code == 404
    assert "no such user" in refused.text
    assert len(_rows(portal.url, User)) == 3

    duplicate = portal.client.post(
        "/portal/users", data={"csrf_token": portal.csrf(), "email": "ADMIN@maersk.example", "role": "member"}
    )
    assert duplicate.status_code == 409
    assert "a user with this email exists" in duplicate.text


def test_invited_user_signs_in_once_then_chooses_a_password(portal: Portal) -> None:
    portal.sign_in("admin@port.example")
    answer = portal.client.post(
        "/portal/users", data={"csrf_token": portal.csrf(), "email": "new@port.example", "role": "admin"}
    )
    shown = re.search(r'id="invited-password">([^<]+)<', answer.text)
    assert shown is not None
    one_time = shown.group(1)
    portal.client.cookies.clear()

    first = portal.sign_in("new@port.example", one_time, "/portal/users")
    assert (first.status_code, first.headers["location"]) == (303, f"{PASSWORD_PATH}?next=/portal/users")
    held = portal.client.get("/portal/users", follow_redirects=False)  # no page before a new password
    assert (held.status_code, held.headers["location"]) == (303, f"{PASSWORD_PATH}?next=/portal/users")
    token = portal.csrf(PASSWORD_PATH)
    posted = portal.client.post("/portal/users", data={"csrf_token": token, "email": "x@port.example"})
    assert posted.url.path == PASSWORD_PATH
    assert len(_rows(portal.url, User)) == 4

    def change(current: str, new: str, confirm: str | None = None) -> httpx.Response:
        data = {
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "next": "/portal/users",
        }
        answer: httpx.Response = portal.client.post(PASSWORD_PATH, data=data, follow_redirects=False)
        return answer

    for current, new, confirm, message in [
        ("not it", "a brand new password", None, "the current password is not right"),
        (one_time, "short", None, "password is too short"),
        (
            one_time,
            "a brand new password",
            "another new password",
            "the new password and its confirmation differ",
        ),
        (one_time, one_time, None, "the same as the current one"),
    ]:
        refused = change(current, new, confirm)
        assert refused.status_code == 422
        assert message in refused.text
    done = change(one_time, "a brand new password")
    assert (done.status_code, done.headers["location"]) == (303, "/portal/users")
    assert portal.client.get("/portal/users").status_code == 200

    portal.client.cookies.clear()
    assert portal.sign_in("new@port.example", one_time).status_code == 401
    assert portal.sign_in("new@port.example", "a brand new password").headers["location"] == DEFAULT_NEXT


def test_changing_the_password_ends_the_other_sessions(portal: Portal) -> None:
    portal.sign_in("admin@port.example")
    elsewhere = TestClient(portal.client.app)
    elsewhere.cookies.set(SESSION_COOKIE, portal.client.cookies[SESSION_COOKIE])
    portal.client.cookies.clear()
    portal.sign_in("admin@port.example")
    data = {
        "csrf_token": portal.csrf(PASSWORD_PATH),
        "current_password": PASSWORD,
        "new_password": "a brand new password",
        "confirm_password": "a brand new password",
    }
    assert (
        portal.client.post(PASSWORD_PATH, data=data, follow_redirects=False).headers["location"]
        == DEFAULT_NEXT
    )
    assert portal.client.get("/portal/whoami", follow_redirects=False).status_code == 200
    assert elsewhere.get("/portal/whoami", follow_redirects=False).status_code == 303
    elsewhere.close()


def test_names_are_shown_as_text(portal: Portal) -> None:
    portal.sign_in("admin@port.example")
    data = {"csrf_token": portal.csrf(), "email": "x@port.example", "name": "<script>alert(1)</script>"}
    page = portal.client.post("/portal/users", data=data)
    assert page.status_code == 201
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_a_member_cannot_manage_users(portal: Portal) -> None:
    portal.sign_in("member@port.example")
    page = portal.client.get("/portal/users")
    assert page.status_code == 403
    assert "only an administrator" in page.text
    invite = portal.client.post("/portal/users", data={"csrf_token": _csrf_of(portal)})
    assert invite.status_code == 403
    target = portal.user_ids["port_admin"]
    assert (
        portal.client.post(
            f"/portal/users/{target}/remove", data={"csrf_token": _csrf_of(portal)}
        ).status_code
        == 403
    )
    assert len(_rows(portal.url, User)) == 3


def _csrf_of(portal: Portal) -> str:
    """The session's CSRF token, read from the store's row (a member has no page with a form here)."""
    rows = _rows(portal.url, PortalSessionRow)
    assert len(rows) == 1
    return rows[0].csrf_token


def test_passwords_and_session_tokens_are_stored_hashed(portal: Portal) -> None:
    answer = portal.sign_in("admin@port.example")
    token = answer.cookies[SESSION_COOKIE]
    stored = _rows(portal.url, User)
    assert all(row.password_hash.startswith("$argon2id$") for row in stored)
    assert all(PASSWORD not in row.password_hash for row in stored)
    sessions = _rows(portal.url, PortalSessionRow)
    assert [row.token_sha256 for row in sessions] == [users.token_digest(token)]
    assert token not in {row.token_sha256 for row in sessions}


def test_settings_choose_the_secure_flag(db_url: str) -> None:
    app = create_app(db_url)
    install_portal(app, settings=PortalSettings(secure_cookie=CookieSecurity.ALWAYS))
    app.include_router(router)
    with TestClient(app) as client:
        assert "Secure" in client.get("/login").headers["set-cookie"]
