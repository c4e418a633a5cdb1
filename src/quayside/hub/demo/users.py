"""A portal user per demo organisation, so that ``make demo`` can be signed in to as every role.

Each load gives each organisation's demo administrator (``admin@<code or name>.demo``) a fresh random
password, as it gives each a fresh API key; both are written to ``DATA/visibility/keys.json`` (mode 0600).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from quayside.hub.demo.summary import DemoSummary
from quayside.hub.users import create_user
from quayside.store.models.parties import Organisation
from quayside.store.repositories import users as repo

__all__ = ["demo_email", "register_demo_users"]


def demo_email(org: Organisation) -> str:
    """``admin@maeu.demo``: the organisation's code, else its name, as a host name."""
    host = re.sub(r"[^a-z0-9]+", "-", (org.code or org.name).lower()).strip("-") or f"org{org.id}"
    return f"admin@{host}.demo"


def register_demo_users(session: Session, orgs: dict[str, Organisation], summary: DemoSummary) -> None:
    """Give every organisation of the demo an administrator with a new password (kept in ``summary.keys``)."""
    now = datetime.now(UTC)
    for name, org in orgs.items():
        email = demo_email(org)
        old = repo.user_by_email(session, email)
        if old is not None:
            repo.delete_user(session, old)
            session.flush()
        password = secrets.token_urlsafe(12)
        create_user(session, org, email=email, name=f"{name} (demo)", admin=True, password=password, now=now)
        summary.keys.setdefault(name, {}).update({"portalEmail": email, "portalPassword": password})
    session.commit()
