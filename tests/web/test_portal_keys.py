"""Subscriptions and keys in Chromium: an organisation administrator signs in, makes an API key through
the form, sees it once, and revokes it through its Revoke button; the API then refuses it (401). A
screenshot of the page is written to ``build/screenshots/portal-keys.png`` (SQLite; the access rules of
the page are tested on both databases in ``tests/portal/test_pages_keys.py``).

The app is the API app with this page's router, served by uvicorn on a loopback port; the sign-in is the
real one (the forms post the session's CSRF token).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from quayside.api.app import create_app
from quayside.hub import users
from quayside.hub.users import PortalSettings, create_user
from quayside.portal.auth import install_portal
from quayside.portal.pages.keys import router as keys_router
from quayside.store import db
from quayside.store.models.base import utcnow
from quayside.store.repositories.orgs import create_organisation, issue_api_key
from quayside.store.types import OrgRole

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the page's rules are tested on both databases in ``tests/portal``."""
    path = tmp_path / "quayside.sqlite"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def _app(db_url: str) -> tuple[FastAPI, str]:
    """The app, with Maersk, its administrator and its first key (returned)."""
    app = create_app(db_url)
    install_portal(app, settings=PortalSettings())
    if not any(getattr(route, "path", None) == "/portal/keys" for route in app.routes):
        app.include_router(keys_router)
    engine = db.make_engine(db_url)
    with db.session_scope(db.session_factory(engine)) as session:
        org = create_organisation(session, "Maersk", OrgRole.CARRIER, code="MAEU")
        create_user(
            session, org, email="ops@maersk.example", name="Ops", admin=True, password=PASSWORD, now=utcnow()
        )
        first = issue_api_key(session, org).key
    engine.dispose()
    return app, first


@pytest.fixture
def live(db_url: str, serve: Callable[[Any], AbstractContextManager[str]]) -> Iterator[tuple[str, str]]:
    """The app served by uvicorn in a thread on a free loopback port: its URL, and Maersk's first key."""
    app, first = _app(db_url)
    with serve(app) as url:
        yield url, first


def test_an_admin_revokes_a_key_through_the_form(browser: Any, live: tuple[str, str]) -> None:
    url, first = live
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.goto(f"{url}/portal/keys")
        assert page.url == f"{url}/login?next=/portal/keys"
        page.get_by_label("Email").fill("ops@maersk.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/portal/keys")
        assert page.get_by_role("heading", level=1).inner_text() == "Subscriptions and keys"

        # A new key, with the scopes ticked by default (the role's, without admin): shown once.
        page.get_by_role("button", name="Create key").click()
        page.wait_for_load_state()
        key = page.get_by_label("API key", exact=True).input_value()
        key_id = key.split("_")[1]
        with httpx.Client(base_url=url) as api:
            assert api.get("/v2/events", headers={"Authorization": f"Bearer {key}"}).status_code == 200

            page.goto(f"{url}/portal/keys")
            assert key not in page.content()  # only its id from now on
            assert page.locator("#keys tbody tr").count() == 2
            page.get_by_role("button", name=f"Revoke key {key_id}").click()
            page.wait_for_url(f"{url}/portal/keys?revoked={key_id}")
            assert f"Key {key_id} is revoked" in page.locator("[role=status]").inner_text()
            revoked_row = page.locator("#keys tbody tr", has_text=key_id)
            assert revoked_row.locator("td").last.inner_text() == "revoked"
            assert page.get_by_role("button", name=f"Revoke key {first.split('_')[1]}").is_visible()

            assert api.get("/v2/events", headers={"Authorization": f"Bearer {key}"}).status_code == 401
            assert api.get("/v2/events", headers={"Authorization": f"Bearer {first}"}).status_code == 200

        page.get_by_role("button", name=f"Revoke key {key_id}").wait_for(state="detached")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "portal-keys.png"), full_page=True)
    finally:
        page.close()
    assert (SCREENSHOTS / "portal-keys.png").stat().st_size > 0
