"""Who may see what: the access rules, as SQL filters the repositories add to every query.

Rules (the owner of a record always sees it; scopes decide actions, roles and links decide data):

========================  ====================================================================================
role                      raw events it sees
========================  ====================================================================================
carrier                   events naming its bookings / transport documents / containers, and events it posted
terminal_operator         events at a facility it operates (UN/LOCODE + SMDG code), and events it posted
cargo_owner               events linked to its bookings or bills of lading (reference or container)
trucker                   events it posted; its own truck visits (``trucking_company`` = its code)
port_authority            every event and truck visit whose UN/LOCODE is its port, and events it posted
partner_port              none: only aggregates shared with it
========================  ====================================================================================

The links are rows of ``event_parties``, written when an event is stored and when a facility or booking link
is added, so the rule is one indexed ``EXISTS`` and pagination and counts stay right. A record the caller may
not see is reported as not found, so its existence is not leaked.

Aggregates (KPIs) are visible to every member, with two guards against isolating one party: a filter that
names a single party other than the caller is refused, and a group built from fewer distinct parties than
``min_group_size`` (``access_policy.toml``) is suppressed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import ColumnElement, exists, false, or_

from quayside.errors import ConfigError, PermissionDeniedError
from quayside.store.models import Event, EventParty, TruckVisitRow
from quayside.store.types import OrgRole, Scope

_POLICY_FILE = Path(__file__).parent / "access_policy.toml"


@dataclass(frozen=True)
class Principal:
    """The organisation behind a request (or a CLI command) and the scopes of its key."""

    org_id: int
    org_name: str
    role: OrgRole
    code: str | None
    port_unlocode: str | None
    scopes: frozenset[Scope]
    key_prefix: str | None = None

    def require(self, scope: Scope) -> None:
        """Raise :class:`PermissionDeniedError` unless the key has ``scope``."""
        if scope not in self.scopes:
            raise PermissionDeniedError(
                f"this API key lacks the scope '{scope.value}'",
                source=self.org_name,
                hint=f"ask an administrator for a key with scope {scope.value}",
            )


@dataclass(frozen=True)
class AccessPolicy:
    """Tunable parts of the rules, read from ``access_policy.toml``."""

    min_group_size: int
    source: str


@cache
def load_policy(path: Path = _POLICY_FILE) -> AccessPolicy:
    """The access policy in ``path`` (default: the bundled one)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        size = int(data["aggregates"]["min_group_size"])
        source = str(data["aggregates"]["source"])
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read access policy: {exc}", source=str(path)) from exc
    if size < 1:
        raise ConfigError("must be at least 1", source=str(path), field="min_group_size", value=size)
    return AccessPolicy(min_group_size=size, source=source)


def event_visibility(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on :class:`Event` rows that ``principal`` may read."""
    if principal.role is OrgRole.PARTNER_PORT:
        return false()
    linked = exists().where(EventParty.event_seq == Event.seq, EventParty.org_id == principal.org_id)
    if principal.role is OrgRole.PORT_AUTHORITY and principal.port_unlocode:
        return or_(linked, Event.un_location_code == principal.port_unlocode)
    return linked


def truck_visit_visibility(
    principal: Principal, terminal_facilities: ColumnElement[bool]
) -> ColumnElement[bool]:
    """SQL condition on :class:`TruckVisitRow` rows that ``principal`` may read.

    ``terminal_facilities`` is the condition "the visit's facility is operated by the principal", built by
    the caller (it needs a join to ``facilities``).
    """
    role = principal.role
    if role is OrgRole.PARTNER_PORT:
        return false()
    own = TruckVisitRow.owner_org_id == principal.org_id
    if role is OrgRole.TRUCKER and principal.code:
        return or_(own, TruckVisitRow.trucking_company == principal.code)
    if role is OrgRole.TERMINAL_OPERATOR:
        return or_(own, terminal_facilities)
    if role is OrgRole.PORT_AUTHORITY and principal.port_unlocode:
        return or_(own, TruckVisitRow.un_location_code == principal.port_unlocode)
    return own


def administers(principal: Principal, org_role: OrgRole, org_port: str | None) -> bool:
    """Whether ``principal`` administers an organisation of ``org_role`` in ``org_port``.

    The hub operator administers every organisation. A port authority administers the members of its own
    port (organisations whose port is its UN/LOCODE, itself included) and the members of no particular
    port (carriers and others the ports of a shared hub have in common), but never another port's members,
    another port authority or the hub operator. Nobody else administers anyone.
    """
    if principal.role is OrgRole.HUB_OPERATOR:
        return True
    if principal.role is not OrgRole.PORT_AUTHORITY or principal.port_unlocode is None:
        return False
    if org_role is OrgRole.HUB_OPERATOR:
        return False
    if org_port is None:
        return org_role is not OrgRole.PORT_AUTHORITY
    return org_port == principal.port_unlocode


def guard_party_filter(principal: Principal, party_code: str | None, *, field: str) -> None:
    """Refuse an aggregate filter that isolates one party other than the caller.

    Raises
    ------
    PermissionDeniedError
        If ``party_code`` is set and is not the caller's own code.
    """
    if party_code is not None and party_code != principal.code:
        raise PermissionDeniedError(
            "an aggregate may not be narrowed to another single organisation",
            field=field,
            value=party_code,
            hint="leave the filter out to get the community figure, or filter on your own code",
        )


def group_is_large_enough(distinct_parties: int, *, own_only: bool = False) -> bool:
    """Whether a group of ``distinct_parties`` may be shown (always, when it is the caller's own data)."""
    return own_only or distinct_parties >= load_policy().min_group_size


__all__ = [
    "AccessPolicy",
    "Principal",
    "administers",
    "event_visibility",
    "group_is_large_enough",
    "guard_party_filter",
    "load_policy",
    "truck_visit_visibility",
]
