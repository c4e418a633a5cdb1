"""Authentication by API key (``Authorization: Bearer qsk_...``) and scope checks, as dependencies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from quayside.errors import AuthenticationError
from quayside.store.access import Principal
from quayside.store.repositories.orgs import authenticate
from quayside.store.types import Scope

_bearer = HTTPBearer(auto_error=False, description="An API key issued by `quayside key create`.")


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


def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
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


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(scope: Scope) -> Callable[[Principal], Principal]:
    """A dependency that passes the principal on only when its key has ``scope`` (403 otherwise)."""

    def check(principal: PrincipalDep) -> Principal:
        principal.require(scope)
        return principal

    return check
