"""Sign-in, sign-out and the organisation's users: ``/login``, ``/logout``, ``/portal/users``.

- ``GET /login?next=/portal/...``: the form (fields ``email``, ``password``). The form itself is protected
  from cross-site posts by a double-submit token: a random value in the cookie ``quayside_login_csrf``
  (HttpOnly, SameSite=Strict, Path=/login) and the same value in the form's hidden ``csrf_token`` field.
- ``POST /login``: 303 to ``next`` when it is a local path (else ``/portal/``), with the session cookie
  ``quayside_session`` (HttpOnly, SameSite=Lax, Path=/, Secure per :class:`~quayside.hub.users.CookieSecurity`).
  A refusal answers 401 with the form and :data:`~quayside.hub.users.SIGN_IN_REFUSED`, whatever the reason.
- ``POST /logout``: deletes the session and the cookie, 303 to ``/login``.
- ``GET``/``POST /portal/account/password`` (``current_password``, ``new_password``, ``confirm_password``):
  a user changes their password; their other sessions end.
- ``GET /portal/users``, ``POST /portal/users`` (invite: ``email``, ``name``, ``role`` = member|admin),
  ``POST /portal/users/{id}/remove``: an organisation administrator's user list. An invited user gets a
  generated one-time password, shown once on the page that answers the invitation; after signing in with
  it they must choose their own before any other page. Members get 403; another organisation's user is not
  found (404).

An app serving these calls :func:`install_portal` once (the sign-in redirect, the refusal pages, the
settings and the clock), then ``app.include_router(router)``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from quayside.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    QuaysideError,
)
from quayside.hub.users import (
    MIN_PASSWORD_LENGTH,
    CookieSecurity,
    InvitedUser,
    PortalSettings,
    authenticate,
    change_password,
    close_session,
    invite_user,
    list_org_users,
    open_session,
    remove_user,
)
from quayside.portal.session import (
    PASSWORD_PATH,
    SESSION_COOKIE,
    PortalRefused,
    PortalUser,
    SignInRequired,
    portal_clock,
    portal_settings,
    portal_user,
)

__all__ = ["DEFAULT_NEXT", "LOGIN_CSRF_COOKIE", "install_portal", "router", "safe_next"]

#: Where a sign-in goes when no (acceptable) ``next`` was given.
DEFAULT_NEXT = "/portal/"
#: The sign-in form's own CSRF cookie (double submit; there is no session yet).
LOGIN_CSRF_COOKIE = "quayside_login_csrf"
_LOGIN_CSRF_MAX_AGE_S = 3600
#: Headers of every page here: never cached (they hold tokens), never framed, nothing loaded from elsewhere.
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'self'",
}
_TITLES = {403: "Not allowed", 404: "Not found", 409: "Not possible"}

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)


def safe_next(value: str | None) -> str:
    """``value`` if it is a path on this site (``/...``), else :data:`DEFAULT_NEXT`: no open redirect.

    Refused: absolute URLs, scheme-relative ``//host``, backslashes (``/\\host``, which browsers read as
    ``//host``) and control characters.
    """
    if not value or not value.startswith("/") or value.startswith("//"):
        return DEFAULT_NEXT
    if "\\" in value or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return value


def _db(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessions
    with factory() as session:
        yield session


DbSession = Annotated[Session, Depends(_db)]
SignedIn = Annotated[PortalUser, Depends(portal_user)]


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=_PAGE_HEADERS)


def _secure(request: Request, settings: PortalSettings) -> bool:
    if settings.secure_cookie is CookieSecurity.ALWAYS:
        return True
    if settings.secure_cookie is CookieSecurity.NEVER:
        return False
    return request.url.scheme == "https"


def _refusal(exc: QuaysideError) -> PortalRefused:
    return PortalRefused(exc.http_status, str(exc))


# --- sign-in and sign-out ---------------------------------------------------------------------------------


def _login_page(
    request: Request, *, next_path: str, email: str = "", error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    context = {"csrf_token": token, "next": next_path, "email": email, "error": error, "user": None}
    response = _page(request, "auth/login.html", context, status_code)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=_LOGIN_CSRF_MAX_AGE_S,
        path="/login",
        secure=_secure(request, portal_settings(request)),
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> HTMLResponse:
    """The sign-in form."""
    return _login_page(request, next_path=safe_next(next_path))


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Check the password, open a session and go to ``next`` (a local path) or ``/portal/``."""
    target = safe_next(next_path)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not csrf_token or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        raise PortalRefused(
            403,
            "the sign-in form's security token is missing or wrong; reload the sign-in page and try again",
        )
    settings = portal_settings(request)
    now = portal_clock(request)
    try:
        user = authenticate(session, email, password, settings, now)
    except AuthenticationError as exc:
        return _login_page(request, next_path=target, email=email.strip(), error=exc.message, status_code=401)
    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:
        close_session(session, earlier)  # a new sign-in in this browser replaces its old session
    opened = open_session(session, user, settings, now)
    if user.must_change_password:  # a one-time password: choose one's own first
        target = f"{PASSWORD_PATH}?next={quote(target, safe='/')}"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=int(settings.absolute.total_seconds()),
        path="/",
        secure=_secure(request, settings),
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login", httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout(request: Request, user: SignedIn, session: DbSession) -> RedirectResponse:
    """Delete the session and its cookie (the CSRF token is checked by :func:`portal_user`)."""
    close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=_secure(request, portal_settings(request)),
        httponly=True,
        samesite="lax",
    )
    return response


# --- one's own password ---------------------------------------------------------------------------------


def _password_page(
    request: Request, user: PortalUser, *, next_path: str, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    context = {"user": user, "next": next_path, "error": error, "min_length": MIN_PASSWORD_LENGTH}
    return _page(request, "auth/password.html", context, status_code)


@router.get(PASSWORD_PATH, response_class=HTMLResponse)
def password_form(
    request: Request, user: SignedIn, next_path: Annotated[str | None, Query(alias="next")] = None
) -> HTMLResponse:
    """The form to change one's password (the only page open with a one-time password)."""
    return _password_page(request, user, next_path=safe_next(next_path))


@router.post(PASSWORD_PATH, response_model=None)
def password_change(
    request: Request,
    user: SignedIn,
    session: DbSession,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Change the password (other sessions of the user end), then go on to ``next``."""
    target = safe_next(next_path)
    if new_password != confirm_password:
        return _password_page(
            request,
            user,
            next_path=target,
            error="the new password and its confirmation differ",
            status_code=422,
        )
    try:
        change_password(
            session,
            user,
            request.cookies.get(SESSION_COOKIE, ""),
            current=current_password,
            new=new_password,
            now=portal_clock(request),
        )
    except InputError as exc:
        session.rollback()
        return _password_page(request, user, next_path=target, error=str(exc), status_code=exc.http_status)
    return RedirectResponse(target, status_code=303)


# --- the organisation's users ---------------------------------------------------------------------------


def _users_page(
    request: Request,
    session: Session,
    user: PortalUser,
    *,
    invited: InvitedUser | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        rows = list_org_users(session, user)
    except PermissionDeniedError as exc:
        raise _refusal(exc) from None
    context = {"user": user, "users": rows, "invited": invited, "error": error}
    return _page(request, "auth/users.html", context, status_code)


@router.get("/portal/users", response_class=HTMLResponse)
def users_page(request: Request, user: SignedIn, session: DbSession) -> HTMLResponse:
    """The organisation's users, with the invitation form (administrators only)."""
    return _users_page(request, session, user)


@router.post("/portal/users", response_class=HTMLResponse)
def invite(
    request: Request,
    user: SignedIn,
    session: DbSession,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "member",
) -> HTMLResponse:
    """Invite a user; the answer shows their generated password once."""
    if role not in ("member", "admin"):
        return _users_page(
            request, session, user, error=f"unknown role {role!r}; use member or admin", status_code=422
        )
    try:
        invited = invite_user(
            session,
            user,
            email=email,
            name=name.strip() or None,
            admin=role == "admin",
            now=portal_clock(request),
        )
    except PermissionDeniedError as exc:
        raise _refusal(exc) from None
    except (InputError, ConflictError) as exc:
        session.rollback()
        return _users_page(request, session, user, error=str(exc), status_code=exc.http_status)
    return _users_page(request, session, user, invited=invited, status_code=201)


@router.post("/portal/users/{user_id}/remove")
def remove(user_id: int, user: SignedIn, session: DbSession) -> RedirectResponse:
    """Remove a user of the organisation (404 for anyone else's), then back to the list."""
    try:
        remove_user(session, user, user_id)
    except (PermissionDeniedError, NotFoundError, ConflictError) as exc:
        raise _refusal(exc) from None
    return RedirectResponse("/portal/users", status_code=303)


# --- installation ---------------------------------------------------------------------------------------


def _redirect_to_sign_in(_request: Request, exc: Exception) -> Response:
    location = exc.location if isinstance(exc, SignInRequired) else "/login"
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


def _refused_page(request: Request, exc: Exception) -> Response:
    status, message = (exc.status_code, exc.message) if isinstance(exc, PortalRefused) else (400, "refused")
    context = {"title": _TITLES.get(status, "Refused"), "message": message, "back": "/portal/", "user": None}
    return _page(request, "auth/error.html", context, status)


def install_portal(
    app: FastAPI, *, settings: PortalSettings | None = None, clock: Callable[[], datetime] | None = None
) -> None:
    """Make ``app`` ready for the portal: the sign-in redirect, refusal pages, settings and clock.

    ``settings`` default to :meth:`PortalSettings.from_env`; ``clock`` (aware UTC now) to the real time.
    """
    app.state.portal_settings = PortalSettings.from_env() if settings is None else settings
    if clock is not None:
        app.state.portal_clock = clock
    app.add_exception_handler(SignInRequired, _redirect_to_sign_in)
    app.add_exception_handler(PortalRefused, _refused_page)
