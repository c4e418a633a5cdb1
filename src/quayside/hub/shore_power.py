"""Loading shore-power connection logs (``quayside load shore-power FILE``) into the store.

:func:`load_shore_power_text` reads a log (:mod:`quayside.equipment.shore_power_log`) and stores its
good rows through :mod:`quayside.store.repositories.shore_power`, answering with a
:class:`ShorePowerOutcome` whose rejects name the line (header = line 1) and the field. Loading is partial and
idempotent: good rows are kept whatever their neighbours, a row loaded again with the same values is a
duplicate, with other values an update (the last load wins).

Who may load them (the write rule of these records):

==================  ===========================================================================================
hub operator        every port (the command line acts as the hub operator)
port authority      connections at its own port: a port profile whose UN/LOCODEs include its own
anyone else         nothing: a terminal's or a carrier's logs reach the store through the port
==================  ===========================================================================================

Each load needs the ``admin`` scope, which only these two roles can hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from quayside.equipment.shore_power import Connection
from quayside.equipment.shore_power_log import ShorePowerLog, read_shore_power_log
from quayside.errors import ConfigError, InputError, PermissionDeniedError
from quayside.geo.profiles import load_profile
from quayside.hub.limits import Limits
from quayside.hub.outcome import Duplicate, Outcome
from quayside.store import db
from quayside.store.access import Principal
from quayside.store.repositories.shore_power import upsert_connections
from quayside.store.types import OrgRole, Scope
from quayside.visibility.rejects import Reject

__all__ = ["ShorePowerOutcome", "load_shore_power_file", "load_shore_power_text", "store_shore_power_log"]


@dataclass(frozen=True, kw_only=True)
class ShorePowerOutcome(Outcome):
    """One log load: stored, duplicate, ``updated`` and rejected rows; identifiers are
    ``<port>/<imo>/<connected_at as %Y%m%dT%H%M%SZ>``; ``records`` is how many data rows the file held."""

    records: int
    updated: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Whether anything was stored, updated or found already stored."""
        return bool(self.stored or self.duplicates or self.updated)

    def to_dict(self, limits: Limits | None = None) -> dict[str, Any]:
        """The outcome's answer, with the updated rows and the number of rows."""
        return {**super().to_dict(limits), "updated": self.updated, "records": self.records}


def _require(principal: Principal) -> None:
    if principal.role not in (OrgRole.HUB_OPERATOR, OrgRole.PORT_AUTHORITY):
        raise PermissionDeniedError(
            "only the hub operator, or a port authority for its own port, loads shore-power logs",
            source=principal.org_name,
            hint="send the log to the port authority or the hub operator",
        )
    principal.require(Scope.ADMIN)


def _refusal(principal: Principal, port: str, unlocodes: dict[str, tuple[str, ...] | None]) -> str | None:
    """Why ``principal`` may not load a connection at ``port``; ``None`` when it may."""
    if principal.role is OrgRole.HUB_OPERATOR:
        return None
    if port not in unlocodes:
        try:
            unlocodes[port] = load_profile(port).unlocodes
        except (ConfigError, InputError):
            unlocodes[port] = None
    mine, theirs = principal.port_unlocode, unlocodes[port]
    if mine is not None and theirs is not None and mine in theirs:
        return None
    return f"a port authority loads only the connections of its own port ({mine or 'none'})"


def _ident(connection: Connection) -> str:
    return f"{connection.port}/{connection.imo}/{connection.connected_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def store_shore_power_log(session: Session, principal: Principal, log: ShorePowerLog) -> ShorePowerOutcome:
    """Store the connections of ``log`` that ``principal`` may load; commits.

    Raises
    ------
    PermissionDeniedError
        If the principal is neither the hub operator nor a port authority, or lacks the ``admin`` scope.
    """
    _require(principal)
    allowed: list[Connection] = []
    refused: list[Reject] = []
    ports: dict[str, tuple[str, ...] | None] = {}
    for connection in log.connections:
        reason = _refusal(principal, connection.port, ports)
        if reason is None:
            allowed.append(connection)
        else:
            refused.append(Reject(connection.line or 0, "port", reason, connection.port, log.source))
    result = upsert_connections(session, allowed)
    session.commit()
    return ShorePowerOutcome(
        id_field="connectionID",
        records=log.records,
        stored=[_ident(allowed[i]) for i in result.stored],
        updated=[_ident(allowed[i]) for i in result.updated],
        duplicates=[Duplicate(allowed[i].line or 0, _ident(allowed[i])) for i in result.unchanged],
        rejected=sorted([*log.rejects, *refused], key=lambda r: (r.index, r.field)),
    )


def load_shore_power_text(
    session: Session, principal: Principal, text: str, *, source: str
) -> ShorePowerOutcome:
    """Read ``text`` as a shore-power log and store it; commits.

    Raises
    ------
    InputError
        When the header is not a shore-power log's.
    """
    return store_shore_power_log(session, principal, read_shore_power_log(text, source=source))


def load_shore_power_file(url: str | None, path: Path) -> ShorePowerOutcome:
    """Load a shore-power log as the hub operator (``quayside load shore-power``); migrates the database first.

    Raises
    ------
    InputError
        When the file cannot be read as UTF-8 text or is not a shore-power log.
    """
    from quayside.hub.equipment import command_line_operator

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 text at byte {exc.start}", source=str(path), hint="save the file as UTF-8"
        ) from None
    with db.migrated_session(url) as session:
        return load_shore_power_text(session, command_line_operator(), text, source=str(path))
