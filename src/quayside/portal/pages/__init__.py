"""The portal's pages: which role may open which page, the home page, and rendering a page or an error.

Each page module (``containers``, ``calls``) is an ``APIRouter`` named ``router``; this module's ``router``
serves the home page ``GET /portal/``. Every page reads its data through the repositories the API reads
through, with the signed-in user's principal, so a page shows exactly what the API would answer that
organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from quayside.errors import NotFoundError, PermissionDeniedError, QuaysideError
from quayside.portal.render import environment
from quayside.portal.session import PortalUser, portal_user
from quayside.store.types import OrgRole

__all__ = [
    "PAGES",
    "ROLE_LABELS",
    "PortalPage",
    "error_page",
    "pages_for",
    "render_page",
    "require_page",
    "router",
]

#: How the portal names each role.
ROLE_LABELS: dict[OrgRole, str] = {
    OrgRole.PORT_AUTHORITY: "Port authority",
    OrgRole.TERMINAL_OPERATOR: "Terminal operator",
    OrgRole.CARRIER: "Carrier",
    OrgRole.TRUCKER: "Trucker",
    OrgRole.CARGO_OWNER: "Cargo owner",
    OrgRole.PARTNER_PORT: "Partner port",
    OrgRole.HUB_OPERATOR: "Hub operator",
}


@dataclass(frozen=True)
class PortalPage:
    """A page of the portal and the roles that may open it (issue 11, "Pages")."""

    key: str
    title: str
    path: str
    roles: frozenset[OrgRole]
    summary: str
    admin_only: bool = False  # for the organisation's administrators (shown to them only)


#: The pages, in the order of the navigation.
PAGES: tuple[PortalPage, ...] = (
    PortalPage(
        "containers",
        "My containers",
        "/portal/containers",
        frozenset({OrgRole.CARGO_OWNER, OrgRole.CARRIER, OrgRole.TRUCKER}),
        "Find a container by its number, booking or bill of lading: status, location, holds, the "
        "carrying vessel's arrival, its event timeline and its carbon footprint.",
    ),
    PortalPage(
        "calls",
        "Vessel calls",
        "/portal/calls",
        frozenset({OrgRole.CARRIER, OrgRole.TERMINAL_OPERATOR, OrgRole.PORT_AUTHORITY}),
        "Vessel calls: schedule against actual, anchorage wait, berth time, moves and productivity.",
    ),
    PortalPage(
        "terminal",
        "Terminal",
        "/portal/terminal",
        frozenset({OrgRole.TERMINAL_OPERATOR}),
        "Your terminals' truck turn times, dual transactions and gate volume by hour, and the empty-return "
        "rules you publish for the Return Signal.",
    ),
    PortalPage(
        "emissions",
        "Emissions",
        "/portal/emissions",
        frozenset(OrgRole),
        "The port's emissions inventory by source and year, kg CO2e per TEU and progress against its targets.",
    ),
    PortalPage(
        "keys",
        "Subscriptions and keys",
        "/portal/keys",
        frozenset(OrgRole),
        "Your organisation's API keys (create, revoke) and event subscriptions with their delivery log.",
        admin_only=True,
    ),
)


def pages_for(role: OrgRole, *, admin: bool = False) -> list[PortalPage]:
    """The pages ``role`` may open, in navigation order (an administrator's pages too when ``admin``)."""
    return [page for page in PAGES if role in page.roles and (admin or not page.admin_only)]


def require_page(user: PortalUser, key: str) -> PortalPage:
    """The page ``key``, if the user's role may open it.

    Raises
    ------
    PermissionDeniedError
        The role may not open it (a 403 page).
    """
    page = next(page for page in PAGES if page.key == key)
    if user.principal.role not in page.roles:
        allowed = ", ".join(sorted(ROLE_LABELS[role].lower() for role in page.roles))
        raise PermissionDeniedError(
            f"the page '{page.title}' is for {allowed} organisations",
            source=user.principal.org_name,
            hint="the home page lists the pages of your organisation's role",
        )
    return page


def render_page(
    request: Request,
    user: PortalUser,
    template: str,
    *,
    title: str,
    current: str | None = None,
    status_code: int = HTTPStatus.OK,
    **context: Any,
) -> HTMLResponse:
    """``template`` inside the layout (``base.html``): the user's organisation, role and navigation."""
    html = (
        environment()
        .get_template(template)
        .render(
            request_path=request.url.path,
            user=user,
            role_label=ROLE_LABELS[user.principal.role],
            nav=pages_for(user.principal.role, admin=user.is_admin),
            current=current,
            title=title,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, user: PortalUser, error: QuaysideError) -> HTMLResponse:
    """The page for a refused request: 404 (not found, or not the user's to see: the same page) or 403.

    The text is the error's message, the same as the API's; a 404's names only what the user asked for.
    """
    status = error.http_status
    heading = "Not found" if isinstance(error, NotFoundError) else HTTPStatus(status).phrase
    return render_page(
        request,
        user,
        "pages/error.html",
        title=heading,
        status_code=status,
        heading=heading,
        message=str(error),
    )


router = APIRouter(tags=["portal"], include_in_schema=False)


@router.get("/portal/", response_class=HTMLResponse)
def home(request: Request, user: PortalUser = Depends(portal_user)) -> HTMLResponse:
    """The pages the user's role may use."""
    return render_page(request, user, "pages/home.html", title="Home", current="home")
