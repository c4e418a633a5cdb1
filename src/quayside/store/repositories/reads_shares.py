"""A port authority shares KPIs of its port with partner ports (``aggregate_shares``)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from quayside.errors import InputError, PermissionDeniedError
from quayside.store.access import Principal
from quayside.store.models import AggregateShare, KpiName
from quayside.store.models.base import utcnow
from quayside.store.repositories.orgs import get_organisation
from quayside.store.types import OrgRole


def _port_of(principal: Principal) -> str:
    if principal.role is not OrgRole.PORT_AUTHORITY or not principal.port_unlocode:
        raise PermissionDeniedError(
            "only the port authority of a port shares its aggregates", source=principal.org_name
        )
    return principal.port_unlocode


def share_kpi(session: Session, principal: Principal, kpi: KpiName, partner_org_id: int) -> bool:
    """Share ``kpi`` of the caller's port with a partner port; False if it was already shared."""
    port = _port_of(principal)
    partner = get_organisation(session, partner_org_id)
    if partner.role is not OrgRole.PARTNER_PORT:
        raise InputError(
            "aggregates are shared with partner_port organisations only",
            field="partnerOrganisationID",
            value=partner_org_id,
        )
    existing = session.scalar(
        select(AggregateShare.id).where(
            AggregateShare.port_unlocode == port,
            AggregateShare.kpi == kpi,
            AggregateShare.partner_org_id == partner.id,
        )
    )
    if existing is not None:
        return False
    session.add(
        AggregateShare(
            port_unlocode=port,
            kpi=kpi,
            partner_org_id=partner.id,
            owner_org_id=principal.org_id,
            created_at=utcnow(),
        )
    )
    session.flush()
    return True


def unshare_kpi(session: Session, principal: Principal, kpi: KpiName, partner_org_id: int) -> None:
    """Stop sharing ``kpi`` of the caller's port with a partner port (nothing happens if it was not shared)."""
    port = _port_of(principal)
    session.execute(
        delete(AggregateShare).where(
            AggregateShare.port_unlocode == port,
            AggregateShare.kpi == kpi,
            AggregateShare.partner_org_id == partner_org_id,
        )
    )


__all__ = ["share_kpi", "unshare_kpi"]
