"""Signing in to the portal in Chromium: the form, the redirect back to the page asked for, signing out.

The app is the API app with the sign-in routes, and a small protected page of the test's own that shows
the signed-in user's organisation and a sign-out button; served by uvicorn on a loopback port (SQLite).
Screenshots of the sign-in page and the users page are written under ``build/screenshots/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from html import escape
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse

from quayside.api.app import create_app
from quayside.hub import users
from quayside.hub.users import PortalSettings, create_user
from quayside.portal.auth import install_portal, router
from quayside.portal.session import PortalUser, portal_user
from quayside.store import db
from quayside.store.models.base import utcnow
from quayside.store.repositories.orgs import create_organisation
from quayside.store.types import OrgRole

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the sign-in rules themselves are tested on both databases in ``tests/portal``."""
    path = tmp_path / "quayside.sqlite"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def _app(db_url: str) -> FastAPI:
    app = create_app(db_url)
    install_portal(app, settings=PortalSettings())
    app.include_router(router)

    @app.get("/portal/whoami", response_class=HTMLResponse)
    async def whoami(user: PortalUser = Depends(portal_user)) -> str:
        return (
            f"<!doctype html><title>Who am I</title><p id='org'>{escape(user.principal.org_name)}</p>"
            "<form method='post' action='/logout'>"
            f"<input type='hidden' name='csrf_token' value='{escape(user.csrf_token)}'>"
            "<button type='submit'>Sign out</button></form>"
        )

    engine = db.make_engine(db_url)
    with db.session_scope(db.session_factory(engine)) as session:
        org = create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU")
        create_user(
            session, org, email="ops@maersk.example", name="Ops", admin=True, password=PASSWORD, now=utcnow()
        )
    engine.dispose()
    return app


@pytest.fixture
def live_url(db_url: str, serve: Callable[[Any], AbstractContextManager[str]]) -> Iterator[str]:
    """The app served on a free loopback port."""
    with serve(_app(db_url)) as url:
        yield url


def test_sign_in_through_the_form_and_out(browser: Any, live_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{live_url}/portal/whoami")
        assert page.url == f"{live_url}/login?next=/portal/whoami"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "portal-login.png"), full_page=True)

        page.get_by_label("Email").fill("ops@maersk.example")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "the email or the password is not right" in page.locator("[role=alert]").inner_text()

        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_url}/portal/whoami")
        assert page.locator("#org").inner_text() == "Maersk"
        cookie = next(c for c in page.context.cookies() if c["name"] == "quayside_session")
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Lax"

        page.goto(f"{live_url}/portal/users")
        assert page.get_by_role("heading", name="Users of Maersk").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "portal-users.png"), full_page=True)

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{live_url}/login")
        assert all(c["name"] != "quayside_session" for c in page.context.cookies())
        page.goto(f"{live_url}/portal/whoami")
        assert page.url == f"{live_url}/login?next=/portal/whoami"
    finally:
        page.close()
