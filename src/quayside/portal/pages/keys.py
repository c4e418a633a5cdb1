"""Subscriptions and keys: an organisation administrator's API keys and event subscriptions.

Routes (every one for an administrator of the organisation; a member gets the 403 page):

- ``GET /portal/keys``: the organisation's API keys (key id, scopes, created, revoked; never the secret,
  which is not stored) and the form for a new key.
- ``POST /portal/keys`` (``scopes``, repeated): issue a key with
  :func:`quayside.store.repositories.orgs.issue_api_key`; the answer (201) shows the whole key once.
- ``POST /portal/keys/{key_id}/revoke``: revoke with
  :func:`quayside.store.repositories.orgs.revoke_api_key` (refused by the API from its next request on),
  then 303 back to the list.
- ``GET /portal/subscriptions``: the organisation's event subscriptions
  (:func:`~quayside.store.repositories.subscriptions.list_subscriptions`, the read behind
  ``GET /v2/event-subscriptions``), with whether each still delivers.
- ``GET /portal/subscriptions/{subscription_id}``: one subscription and its delivery log: the latest
  deliveries (event, status, attempts, last answer) and the latest callback attempts.
- ``POST /portal/subscriptions/{subscription_id}/delete``: delete it
  (:func:`~quayside.store.repositories.subscriptions.delete_subscription`), then 303 back to the list.

Whose keys and subscriptions
    Only the signed-in user's organisation's: a key is read and revoked only where its organisation is
    the user's, and a subscription through the repository with the user's principal. Another
    organisation's key or subscription answers the very 404 page an unknown id does. (Through the API, a
    port authority administers its members' keys too; the portal does not: it is each organisation's own
    page.)

Scopes of a new key
    A key gets at most the scopes the user's organisation acts with in the portal (its role's default
    scopes, :data:`~quayside.store.repositories.orgs.DEFAULT_SCOPES`), and
    :func:`~quayside.store.repositories.orgs.issue_api_key` refuses the ``admin`` scope for a role that may
    not hold it. So a carrier's administrator cannot make an ``admin`` key, nor a cargo owner's an
    ``events:write`` one.

Subscriptions are made through the API (``POST /v2/event-subscriptions``), not here: a subscription follows
the API key that made it and delivers only while that key is valid, and a person signed in to the portal
acts without a key. Revoking that key stops the subscription; its page then says so.

Every answer is sent with ``Cache-Control: no-store``: the answer to a new key holds the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from quayside.api.auth import SessionDep
from quayside.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    QuaysideError,
)
from quayside.portal.pages import error_page, render_page
from quayside.portal.render import Column, TableQuery, TableView
from quayside.portal.session import PortalUser, portal_user
from quayside.store.models import ApiKey, Delivery, DeliveryAttempt, Event, Subscription
from quayside.store.repositories import subscriptions as subscriptions_repo
from quayside.store.repositories.orgs import (
    IssuedKey,
    get_organisation,
    issue_api_key,
    parse_scopes,
    revoke_api_key,
)
from quayside.store.types import Scope

__all__ = [
    "KEY_COLUMNS",
    "MAX_ATTEMPTS",
    "MAX_DELIVERIES",
    "MAX_SUBSCRIPTIONS",
    "SUBSCRIPTION_COLUMNS",
    "KeyRow",
    "SubscriptionRow",
    "router",
]

router = APIRouter(tags=["portal"], include_in_schema=False)
User = Annotated[PortalUser, Depends(portal_user)]
KeyID = Annotated[str, Path()]
SubscriptionID = Annotated[str, Path()]
#: Subscriptions one page lists at most (the page says when there are more).
MAX_SUBSCRIPTIONS = 1000
#: Deliveries and callback attempts a subscription's page shows: the latest ones.
MAX_DELIVERIES = 100
MAX_ATTEMPTS = 50
#: The key the portal's navigation table (``quayside.portal.pages.PAGES``) names this page by.
PAGE_KEY = "keys"
_NO_STORE = {"Cache-Control": "no-store"}
_SCOPE_HELP: dict[Scope, str] = {
    Scope.EVENTS_READ: "read the events, containers and calls the organisation may see",
    Scope.EVENTS_WRITE: "post events and feeds as the organisation",
    Scope.SUBSCRIPTIONS: "make and manage event subscriptions (with events:read)",
    Scope.ADMIN: "administer the port's members, their keys and facilities",
}


@dataclass(frozen=True)
class KeyRow:
    """One API key of the organisation: its public id (``qsk_<id>_...``), scopes and dates (UTC)."""

    key_id: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class SubscriptionRow:
    """One event subscription, as ``GET /v2/event-subscriptions`` documents it (never its secret)."""

    subscription_id: str
    callback_url: str
    filters: str
    key_id: str | None
    delivery: str  # "active" or "stopped"
    stopped_reason: str | None
    created_at: datetime


KEY_COLUMNS: tuple[Column[KeyRow], ...] = (
    Column("key", "Key ID", lambda k: k.key_id),
    Column("scopes", "Scopes", lambda k: k.scopes),
    Column("created", "Created (UTC)", lambda k: k.created_at),
    Column("revoked", "Revoked (UTC)", lambda k: k.revoked_at),
)


def _subscription_link(row: SubscriptionRow) -> str:
    return f"/portal/subscriptions/{quote(row.subscription_id, safe='')}"


SUBSCRIPTION_COLUMNS: tuple[Column[SubscriptionRow], ...] = (
    Column("subscription", "Subscription", lambda s: s.subscription_id, link=_subscription_link),
    Column("callback", "Callback URL", lambda s: s.callback_url),
    Column("filters", "Filters", lambda s: s.filters),
    Column("key", "API key", lambda s: s.key_id),
    Column("delivery", "Delivery", lambda s: s.delivery),
    Column("created", "Created (UTC)", lambda s: s.created_at),
)


# --- who may -----------------------------------------------------------------------------------------------


def _require_admin(user: PortalUser) -> None:
    """Refuse (403) anyone but an administrator of the organisation."""
    if not user.is_admin:
        raise PermissionDeniedError(
            "only an administrator of the organisation manages its API keys and subscriptions",
            source=user.principal.org_name,
            hint="ask one of your organisation's administrators",
        )


def _require_subscriptions(user: PortalUser) -> None:
    """Refuse (403) a member, and an organisation whose role has no subscriptions (as the API would)."""
    _require_admin(user)
    for scope in subscriptions_repo.SUBSCRIPTION_SCOPES:
        user.principal.require(scope)


def _headers(response: Response) -> Response:
    response.headers.update(_NO_STORE)
    return response


# --- keys --------------------------------------------------------------------------------------------------


def org_keys(session: Session, user: PortalUser) -> list[KeyRow]:
    """The API keys of the user's organisation (administrators only), newest first."""
    _require_admin(user)
    rows = session.scalars(
        select(ApiKey)
        .where(ApiKey.org_id == user.principal.org_id)
        .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    )
    return [KeyRow(row.prefix, row.scopes, row.created_at, row.revoked_at) for row in rows]


def grantable_scopes(user: PortalUser) -> list[Scope]:
    """The scopes a new key of the user's organisation may get, in the order of :class:`Scope`."""
    return [scope for scope in Scope if scope in user.principal.scopes]


def issue_org_key(session: Session, user: PortalUser, scopes: Sequence[str]) -> IssuedKey:
    """A new key of the user's organisation with ``scopes``; commits.

    Raises
    ------
    InputError
        No scope, an unknown one, one the organisation does not act with, or ``admin`` for a role that
        may not hold it.
    """
    _require_admin(user)
    chosen = parse_scopes(scopes)
    allowed = grantable_scopes(user)
    for scope in chosen:
        if scope not in allowed:
            raise InputError(
                f"a key of a {user.principal.role.value} cannot get this scope",
                source=user.principal.org_name,
                field="scopes",
                value=scope.value,
                hint="choose among " + ", ".join(s.value for s in allowed),
            )
    issued = issue_api_key(session, get_organisation(session, user.principal.org_id), chosen)
    session.commit()
    return issued


def revoke_org_key(session: Session, user: PortalUser, key_id: str) -> None:
    """Revoke the key ``key_id`` of the user's organisation; commits.

    Raises
    ------
    NotFoundError
        No such key in the user's organisation (another organisation's key alike).
    ConflictError
        The key is revoked already.
    """
    _require_admin(user)
    owner = session.scalar(select(ApiKey.org_id).where(ApiKey.prefix == key_id))
    if owner is None or owner != user.principal.org_id:
        raise NotFoundError("no such API key", field="keyID", value=key_id)
    revoke_api_key(session, key_id)
    session.commit()


def _keys_page(
    request: Request,
    session: Session,
    user: PortalUser,
    *,
    issued: IssuedKey | None = None,
    error: str | None = None,
    chosen: Sequence[str] = (),
    status_code: int = 200,
) -> Response:
    rows = org_keys(session, user)
    query = TableQuery.parse(
        request.query_params, KEY_COLUMNS, default_sort="created", default_descending=True
    )
    view = TableView.build("API keys", "/portal/keys", rows, KEY_COLUMNS, query)
    revoked = {row.key_id for row in rows if row.revoked_at is not None}
    just_revoked = request.query_params.get("revoked", "")
    scopes = grantable_scopes(user)
    checked = set(chosen) if chosen or error else {s.value for s in scopes if s is not Scope.ADMIN}
    response = render_page(
        request,
        user,
        "pages/keys.html",
        title="Subscriptions and keys",
        current=PAGE_KEY,
        view=view,
        revoked=revoked,
        just_revoked=just_revoked if just_revoked in revoked else None,
        issued=issued,
        error=error,
        scopes=[(scope.value, _SCOPE_HELP[scope], scope.value in checked) for scope in scopes],
        status_code=status_code,
    )
    return _headers(response)


@router.get("/portal/keys", response_class=HTMLResponse)
def keys_page(request: Request, session: SessionDep, user: User) -> Response:
    """The organisation's API keys and the form for a new one."""
    try:
        return _keys_page(request, session, user)
    except QuaysideError as error:
        return _headers(error_page(request, user, error))


@router.post("/portal/keys", response_class=HTMLResponse)
def create_key(
    request: Request,
    session: SessionDep,
    user: User,
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Issue a key with the scopes ticked; the answer shows it once."""
    chosen = scopes or []
    try:
        issued = issue_org_key(session, user, chosen)
    except InputError as error:
        session.rollback()
        return _keys_page(request, session, user, error=str(error), chosen=chosen, status_code=422)
    except QuaysideError as error:
        return _headers(error_page(request, user, error))
    return _keys_page(request, session, user, issued=issued, status_code=201)


@router.post("/portal/keys/{key_id}/revoke")
def revoke_key(request: Request, key_id: KeyID, session: SessionDep, user: User) -> Response:
    """Revoke a key of the organisation, then back to the list."""
    try:
        revoke_org_key(session, user, key_id)
    except (NotFoundError, ConflictError, PermissionDeniedError) as error:
        session.rollback()
        return _headers(error_page(request, user, error))
    return RedirectResponse(f"/portal/keys?revoked={quote(key_id, safe='')}", status_code=303)


# --- subscriptions -----------------------------------------------------------------------------------------


def _filters_text(document: dict[str, Any]) -> str:
    skip = {"subscriptionID", "callbackUrl", "apiKeyID", "deliveryStatus", "stoppedReason"}
    parts = []
    for name, value in document.items():
        if name in skip or value in (None, [], ""):
            continue
        text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{name}: {text}")
    return "; ".join(parts) or "every event the organisation may see"


def _subscription_row(row: Subscription, document: dict[str, Any]) -> SubscriptionRow:
    return SubscriptionRow(
        subscription_id=row.subscription_id,
        callback_url=row.callback_url,
        filters=_filters_text(document),
        key_id=document.get("apiKeyID"),
        delivery=str(document.get("deliveryStatus", "")),
        stopped_reason=document.get("stoppedReason"),
        created_at=row.created_at,
    )


def org_subscriptions(session: Session, user: PortalUser) -> tuple[list[SubscriptionRow], bool]:
    """The organisation's subscriptions (up to :data:`MAX_SUBSCRIPTIONS`, oldest first) and whether there
    are more."""
    _require_subscriptions(user)
    rows, following = subscriptions_repo.list_subscriptions(session, user.principal, limit=MAX_SUBSCRIPTIONS)
    documents = subscriptions_repo.subscription_documents(session, rows)
    return [_subscription_row(r, d) for r, d in zip(rows, documents, strict=True)], following is not None


@dataclass(frozen=True)
class DeliveryRow:
    """One event queued for a subscription: where it stands (``DeliveryStatus``), attempts, last answer."""

    event_id: str
    status: str
    attempts: int
    queued_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None


def _latest_deliveries(session: Session, subscription: Subscription) -> list[DeliveryRow]:
    """The subscription's latest :data:`MAX_DELIVERIES` deliveries, newest event first.

    ``subscription`` comes from :func:`~quayside.store.repositories.subscriptions.get_subscription` with
    the user's principal: only the owner's subscription reaches here.
    """
    found = session.execute(
        select(Delivery, Event.event_id)
        .join(Event, Event.seq == Delivery.event_seq)
        .where(Delivery.subscription_pk == subscription.id)
        .order_by(Delivery.event_seq.desc())
        .limit(MAX_DELIVERIES)
    )
    return [
        DeliveryRow(
            event_id=event_id,
            status=delivery.status.value,
            attempts=delivery.attempts,
            queued_at=delivery.created_at,
            last_attempt_at=delivery.last_attempt_at,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            delivered_at=delivery.delivered_at,
        )
        for delivery, event_id in found
    ]


@router.get("/portal/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request, session: SessionDep, user: User) -> Response:
    """The organisation's event subscriptions."""
    try:
        rows, more = org_subscriptions(session, user)
    except QuaysideError as error:
        return _headers(error_page(request, user, error))
    query = TableQuery.parse(request.query_params, SUBSCRIPTION_COLUMNS, default_sort="created")
    view = TableView.build("Event subscriptions", "/portal/subscriptions", rows, SUBSCRIPTION_COLUMNS, query)
    response = render_page(
        request,
        user,
        "pages/subscriptions.html",
        title="Event subscriptions",
        current=PAGE_KEY,
        view=view,
        more=more,
        max_subscriptions=MAX_SUBSCRIPTIONS,
        subscription=None,
    )
    return _headers(response)


@router.get("/portal/subscriptions/{subscription_id}", response_class=HTMLResponse)
def subscription_page(
    request: Request, subscription_id: SubscriptionID, session: SessionDep, user: User
) -> Response:
    """One subscription and its delivery log; another organisation's answers 404, as an unknown one."""
    try:
        _require_subscriptions(user)
        row = subscriptions_repo.get_subscription(session, user.principal, subscription_id)
        document = subscriptions_repo.subscription_documents(session, [row])[0]
        attempts: list[DeliveryAttempt]
        attempts, _ = subscriptions_repo.list_attempts(
            session, user.principal, subscription_id, limit=MAX_ATTEMPTS
        )
    except QuaysideError as error:
        return _headers(error_page(request, user, error))
    response = render_page(
        request,
        user,
        "pages/subscriptions.html",
        title=f"Subscription {row.subscription_id}",
        current=PAGE_KEY,
        subscription=_subscription_row(row, document),
        deliveries=_latest_deliveries(session, row),
        attempts=attempts,
        max_deliveries=MAX_DELIVERIES,
        max_attempts=MAX_ATTEMPTS,
    )
    return _headers(response)


@router.post("/portal/subscriptions/{subscription_id}/delete")
def delete_subscription(
    request: Request, subscription_id: SubscriptionID, session: SessionDep, user: User
) -> Response:
    """Delete a subscription of the organisation (with its outbox and log), then back to the list."""
    try:
        _require_subscriptions(user)
        subscriptions_repo.delete_subscription(session, user.principal, subscription_id)
    except QuaysideError as error:
        session.rollback()
        return _headers(error_page(request, user, error))
    session.commit()
    return RedirectResponse("/portal/subscriptions", status_code=303)
