"""What the hub's operator does from the command line: members and keys, and loading files as a member.

``quayside org``/``key`` and ``quayside load`` call these, so that ``cli.py`` stays thin. The command line
is run by the hub's operator: it acts for the organisation named by ``--as`` with the write scope, through
the same services as the API (:mod:`quayside.hub.events`, :mod:`quayside.hub.feeds`, :mod:`quayside.hub.jit`);
equipment registers, activity logs, throughput files and inventories are loaded as the hub operator itself
(:mod:`quayside.hub.equipment`).
Each action migrates the database first (idempotent), so the commands work on a fresh data directory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from quayside.errors import InputError
from quayside.hub.events import ingest_events
from quayside.hub.feeds import FeedKind, FeedOutcome, decode_feed, ingest_feed
from quayside.hub.outcome import Outcome
from quayside.store import db
from quayside.store.models import Organisation
from quayside.store.repositories.orgs import (
    DEFAULT_SCOPES,
    IssuedKey,
    create_organisation,
    get_organisation,
    issue_api_key,
    parse_role,
    parse_scopes,
    principal_for,
    revoke_api_key,
)
from quayside.store.types import OrgRole, Scope

if TYPE_CHECKING:
    from quayside.hub.equipment import EquipmentOutcome, InventoryOutcome
    from quayside.hub.jit import AisOutcome


def _sessions(url: str | None) -> tuple[Engine, sessionmaker[Session]]:
    resolved = db.resolve_url(url)
    db.upgrade(resolved)
    engine = db.make_engine(resolved)
    return engine, db.session_factory(engine)


def create_org_with_key(
    url: str | None, name: str, role: str, *, code: str | None, port_unlocode: str | None
) -> tuple[int, IssuedKey]:
    """Create an organisation and its first key (the role's default scopes)."""
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            org = create_organisation(session, name, parse_role(role), code=code, port_unlocode=port_unlocode)
            return org.id, issue_api_key(session, org)
    finally:
        engine.dispose()


def create_key(url: str | None, org_ref: str, scopes: Sequence[str] | None) -> IssuedKey:
    """Issue a key for the organisation named (or numbered) ``org_ref``."""
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            org = get_organisation(session, org_ref)
            return issue_api_key(session, org, parse_scopes(scopes) if scopes else None)
    finally:
        engine.dispose()


def revoke_key(url: str | None, key_id: str) -> None:
    """Revoke the key with id ``key_id``."""
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            revoke_api_key(session, key_id)
    finally:
        engine.dispose()


def load_event_file(url: str | None, path: Path, as_org: str | None) -> Outcome:
    """Load a DCSA JSON file as ``as_org`` (default: the only port authority).

    The CLI is run by the hub's operator, so it posts with the write scope whatever the organisation's keys.
    """
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=str(path), record=f"line {exc.lineno}") from exc
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            if as_org is not None:
                org = get_organisation(session, as_org)
            else:
                authorities = list(
                    session.scalars(select(Organisation).where(Organisation.role == OrgRole.PORT_AUTHORITY))
                )
                if len(authorities) != 1:
                    raise InputError(
                        "say which organisation posts the events", field="--as", hint="pass --as ORG"
                    )
                org = authorities[0]
            scopes = {*DEFAULT_SCOPES[org.role], Scope.EVENTS_WRITE}
            principal = principal_for(org, scopes)
            # A file may hold any number of events: stored in bounded batches, each committed.
            return ingest_events(session, principal, payload, source=str(path), batched=True)
    finally:
        engine.dispose()


# --- feeds: EDIFACT, gate transactions, vessel schedule (quayside load edifact | gate-transactions | schedule)


def _poster(session: Session, as_org: str | None) -> Organisation:
    """The organisation named by ``--as``, else the only port authority."""
    if as_org is not None:
        return get_organisation(session, as_org)
    authorities = list(
        session.scalars(select(Organisation).where(Organisation.role == OrgRole.PORT_AUTHORITY))
    )
    if len(authorities) != 1:
        raise InputError("say which organisation posts the records", field="--as", hint="pass --as ORG")
    return authorities[0]


def load_feed_file(url: str | None, kind: FeedKind, path: Path, as_org: str | None) -> FeedOutcome:
    """Load an EDIFACT interchange or a gate / schedule CSV as ``as_org`` (default: the only port authority).

    Like ``load events``, the hub's operator posts with the write scope whatever the organisation's keys.

    Raises
    ------
    InputError
        When the file cannot be read or is not a feed of that kind at all (nothing could be parsed).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    text = decode_feed(data, kind, source=str(path))
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            org = _poster(session, as_org)
            scopes = {*DEFAULT_SCOPES[org.role], Scope.EVENTS_WRITE}
            return ingest_feed(session, principal_for(org, scopes), kind, text, source=str(path))
    finally:
        engine.dispose()


# --- port calls seen by AIS (quayside load port-calls) ------------------------------------------------------


def load_port_call_file(url: str | None, path: Path, port: str, as_org: str | None) -> AisOutcome:
    """Post the berth calls of an inventory's ``calls.parquet`` as JIT port calls with ACT timestamps.

    Posted as ``as_org`` (default: the only port authority), which must be the port authority of the port;
    calls at the profile's other ports are counted, not posted.

    Raises
    ------
    InputError
        When the file cannot be read as Parquet or lacks the inventory's call columns.
    ConfigError
        When ``port`` is not a known port profile.
    """
    import polars as pl

    from quayside.geo.profiles import load_profile
    from quayside.hub.jit import ingest_ais_port_calls

    profile = load_profile(port)
    try:
        calls = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"cannot read Parquet file: {exc}", source=str(path)) from exc
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            org = _poster(session, as_org)
            scopes = {*DEFAULT_SCOPES[org.role], Scope.EVENTS_WRITE}
            return ingest_ais_port_calls(
                session, principal_for(org, scopes), calls, profile, source=str(path)
            )
    finally:
        engine.dispose()


# --- a port's carbon inputs (quayside load equipment | inventory) --------------------------------------------


def load_equipment_file(url: str | None, path: Path) -> EquipmentOutcome:
    """Load an equipment register, activity log or port throughput CSV (told apart by its header) as the hub
    operator.

    Raises
    ------
    InputError
        When the file cannot be read as UTF-8 text, or is none of the three (or more than one).
    """
    from quayside.hub.equipment import command_line_operator, load_equipment_text

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 text at byte {exc.start}", source=str(path), hint="save the file as UTF-8"
        ) from None
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            return load_equipment_text(session, command_line_operator(), text, source=str(path))
    finally:
        engine.dispose()


def load_inventory_dir(url: str | None, directory: Path, port: str) -> InventoryOutcome:
    """Store the per-call emissions of the inventory in ``directory`` (its ``calls.parquet``) as the hub
    operator; ``directory`` may also name the ``calls.parquet`` itself.

    Raises
    ------
    InputError
        When ``calls.parquet`` cannot be read or lacks the inventory's call and emission columns.
    ConfigError
        When ``port`` is not a known port profile.
    """
    import polars as pl

    from quayside.geo.profiles import load_profile
    from quayside.hub.equipment import command_line_operator, store_ship_emissions

    profile = load_profile(port)
    path = directory / "calls.parquet" if directory.is_dir() else directory
    try:
        calls = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"cannot read Parquet file: {exc}", source=str(path)) from exc
    engine, sessions = _sessions(url)
    try:
        with db.session_scope(sessions) as session:
            return store_ship_emissions(session, command_line_operator(), calls, profile, source=str(path))
    finally:
        engine.dispose()


# --- quayside serve ------------------------------------------------------------------------------------------
