"""Authentication by API key (``Authorization: Bearer qsk_...``) and scope checks.

Two ways to use them, the same rules either way:

- ``session: SessionDep`` and ``principal: Annotated[Principal, Depends(require(scope))]`` in a plain route:
  the key is read, authenticated and its scope checked in *one* dependency (which shares the request's
  session), then the route runs.
- :func:`run_authorized` in an ``async def`` route: the session, the authentication, the scope check and the
  route's own database work all run in a single call, on the event loop (or in one worker thread with
  ``quayside serve --read-threads``). FastAPI runs every sync dependency and sync route in a thread of its own, and on
  a hot read route those hops cost more than the query.

Authentication goes through :func:`quayside.store.repositories.orgs.authenticate`, which caches a valid
key's principal for a few seconds but checks on every request that the key has not been revoked, so a
revocation holds at once in every server process (see that module).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from quayside.errors import AuthenticationError
from quayside.store.access import Principal
from quayside.store.repositories.orgs import authenticate
from quayside.store.types import Scope

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="An API key issued by `quayside key create`.")

#: The ``Authorization: Bearer`` credentials, or None; an async dependency, so it costs no thread hop.
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request; routes commit what they write, the rest is rolled back."""
    factory: sessionmaker[Session] = request.app.state.sessions
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def principal_from(session: Session, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The organisation the request's API key belongs to.

    Raises
    ------
    AuthenticationError
        No ``Authorization: Bearer`` header, or a key that is malformed, unknown or revoked (401).
    """
    if credentials is None or not credentials.credentials:
        raise AuthenticationError(
            "missing API key", hint="send the header 'Authorization: Bearer <key>' with a key from the port"
        )
    return authenticate(session, credentials.credentials)


def get_principal(session: SessionDep, credentials: BearerDep) -> Principal:
    """Dependency: the authenticated :class:`Principal` (401 without a valid key)."""
    return principal_from(session, credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*scopes: Scope) -> Callable[[Session, HTTPAuthorizationCredentials | None], Principal]:
    """A dependency that authenticates the key and passes the principal on only when it has every scope.

    401 without a valid key, 403 without one of ``scopes``. It takes the request's session itself, so
    authentication and the scope check cost one dependency, not a chain of them.
    """

    def check(session: SessionDep, credentials: BearerDep) -> Principal:
        principal = principal_from(session, credentials)
        for scope in scopes:
            principal.require(scope)
        return principal

    return check


def _authorized_call(
    sessions: sessionmaker[Session],
    credentials: HTTPAuthorizationCredentials | None,
    scope: Scope,
    work: Callable[[Session, Principal], T],
) -> T:
    session = sessions()
    try:
        principal = principal_from(session, credentials)
        principal.require(scope)
        return work(session, principal)
    finally:
        session.rollback()
        session.close()


async def run_authorized(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    scope: Scope,
    work: Callable[[Session, Principal], T],
) -> T:
    """Authenticate, check ``scope`` and run ``work(session, principal)`` in one call.

    The session is rolled back and closed afterwards, so ``work`` must only read (or commit itself).
    Errors raised by ``work`` (and the 401/403 of the checks) propagate to the app's error handlers.

    With ``app.state.inline_reads`` (the default) the call runs on the event loop itself, through a
    session in autocommit (``app.state.read_sessions``). These reads take a millisecond or two and never
    wait for a writer (SQLite in WAL mode, PostgreSQL's MVCC), and handing them to a worker thread cost
    more than the reads: under 8 concurrent requests the thread hand-offs and the contention for the GIL
    between the loop and the threads doubled the CPU of a container request on SQLite (3.2–3.4 ms against
    1.3–1.4 ms), and on PostgreSQL the equipment query saturated at 800/s instead of 1,100/s
    (docs/performance.md). When the database is far away on the network, the waits dominate instead:
    ``quayside serve --read-threads`` then sends the work to a worker thread and the loop serves other
    requests meanwhile.
    """
    sessions: sessionmaker[Session] = request.app.state.read_sessions
    if request.app.state.inline_reads:
        return _authorized_call(sessions, credentials, scope, work)
    return await run_in_threadpool(_authorized_call, sessions, credentials, scope, work)
