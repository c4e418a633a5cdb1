"""Who is signed in to the portal: the user, and the organisation they act for.

Every portal page takes :func:`portal_user` as a dependency and reads data through
``user.principal``, the same :class:`~quayside.store.access.Principal` the API's keys give, so the pages
and the API apply one set of access rules.

How it answers when nobody is signed in
    :func:`portal_user` raises :class:`SignInRequired`, a Starlette ``HTTPException`` with status 303 and a
    ``Location: /login?next=<path>`` header. The handler :func:`quayside.portal.auth.install_portal`
    registers turns it into a plain redirect; any handler that passes an ``HTTPException``'s headers on
    redirects too (a browser follows a 303's ``Location`` whatever the body).

A one-time password
    An invited user signs in with a generated password that serves once: until they choose their own,
    :func:`portal_user` answers every page but :data:`PASSWORD_PATH` and ``/logout`` with a 303 to
    ``/portal/account/password?next=<path>`` (the same :class:`SignInRequired`).

CSRF
    On every request that is not GET, HEAD or OPTIONS, :func:`portal_user` also checks the session's CSRF
    token, sent as the form field ``csrf_token`` (a hidden input: ``<input type="hidden" name="csrf_token"
    value="{{ user.csrf_token }}">``) or the header ``X-CSRF-Token``. A missing or wrong token raises
    :class:`PortalRefused` (403, "the form's security token is missing or wrong ..."). So a page's POST
    route needs nothing but the dependency.

Settings and clock
    ``app.state.portal_settings`` (:class:`~quayside.hub.users.PortalSettings`; default: read once from the
    ``QUAYSIDE_PORTAL_*`` variables) and ``app.state.portal_clock`` (a function returning aware UTC now;
    tests set it), both set by :func:`quayside.portal.auth.install_portal`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from quayside.hub.users import PortalSettings, SessionUser, resolve_session
from quayside.store.access import Principal
from quayside.store.models.base import utcnow

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PASSWORD_PATH",
    "SESSION_COOKIE",
    "PortalRefused",
    "PortalUser",
    "SignInRequired",
    "portal_clock",
    "portal_settings",
    "portal_user",
    "sign_in_url",
]

#: The session cookie: a random token; the store holds only its SHA-256.
SESSION_COOKIE = "quayside_session"
#: The form field (and header) that carries the session's CSRF token on every POST.
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
#: The page where a user changes their password (the only page open with a one-time password).
PASSWORD_PATH = "/portal/account/password"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_OPEN_WITH_ONE_TIME_PASSWORD = frozenset({PASSWORD_PATH, "/logout"})


@dataclass(frozen=True)
class PortalUser:
    """A signed-in person: their user row, and the principal of their organisation.

    The principal holds the organisation role's default scopes (those of a new API key), without the hub
    ``admin`` scope unless the user is an administrator of their organisation.
    """

    user_id: int
    email: str
    name: str
    is_admin: bool  # administrator of their organisation (invites and removes users, manages keys)
    principal: Principal
    csrf_token: str  # the session's token every form posts back


class SignInRequired(StarletteHTTPException):
    """No valid session: a 303 to the sign-in page, which comes back to ``next`` afterwards."""

    def __init__(self, location: str) -> None:
        super().__init__(303, detail="sign in first", headers={"Location": location})
        self.location = location


class PortalRefused(StarletteHTTPException):
    """A portal request refused with a message for a person (403 CSRF, 403 not an admin, 404 ...)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, detail=message)
        self.message = message


def sign_in_url(request: Request, page: str = "/login") -> str:
    """``/login?next=<the request's path and query>`` (or another ``page`` with that ``next``)."""
    target = request.url.path
    if request.url.query:
        target = f"{target}?{request.url.query}"
    return f"{page}?next={quote(target, safe='/')}"


def portal_settings(request: Request) -> PortalSettings:
    """The app's :class:`PortalSettings` (read from the environment once, if none was installed)."""
    state = request.app.state
    settings: PortalSettings | None = getattr(state, "portal_settings", None)
    if settings is None:
        settings = PortalSettings.from_env()
        state.portal_settings = settings
    return settings


def portal_clock(request: Request) -> datetime:
    """Now, by the app's clock (``app.state.portal_clock``; tests set one)."""
    clock: Callable[[], datetime] = getattr(request.app.state, "portal_clock", utcnow)
    return clock()


def _resolve(
    sessions: sessionmaker[Session], token: str, settings: PortalSettings, now: datetime
) -> SessionUser | None:
    with sessions() as session:
        return resolve_session(session, token, settings, now)


async def _sent_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None


async def portal_user(request: Request) -> PortalUser:
    """The user of the request's session cookie; redirects to ``/login`` when there is none or it expired.

    Raises
    ------
    SignInRequired
        No session cookie, or one whose session is unknown, idle too long or past its absolute expiry (to
        ``/login``); a user who must change their one-time password first (to :data:`PASSWORD_PATH`).
    PortalRefused
        (403) A POST (any unsafe method) without the session's CSRF token, or with a wrong one.
    """
    token = request.cookies.get(SESSION_COOKIE, "")
    found = None
    if token:
        found = await run_in_threadpool(
            _resolve, request.app.state.sessions, token, portal_settings(request), portal_clock(request)
        )
    if found is None:
        # After signing in a GET comes back to its page; a form posted without a session is not re-sent.
        raise SignInRequired(sign_in_url(request) if request.method in _SAFE_METHODS else "/login")
    if found.must_change_password and request.url.path not in _OPEN_WITH_ONE_TIME_PASSWORD:
        raise SignInRequired(
            sign_in_url(request, PASSWORD_PATH) if request.method in _SAFE_METHODS else PASSWORD_PATH
        )
    if request.method not in _SAFE_METHODS:
        sent = await _sent_csrf(request)
        if not sent or not hmac.compare_digest(sent.encode("utf-8"), found.csrf_token.encode("utf-8")):
            raise PortalRefused(
                403,
                "the form's security token (csrf_token) is missing or wrong; "
                "reload the page and send the form again",
            )
    return PortalUser(
        user_id=found.user_id,
        email=found.email,
        name=found.name,
        is_admin=found.is_admin,
        principal=found.principal,
        csrf_token=found.csrf_token,
    )
