"""What the visibility commands of ``quayside`` do, kept out of ``cli.py`` so that it stays thin.

Each action migrates the database first (idempotent), so the commands work on a fresh data directory.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from quayside.api.delivery import WORKER_ENV, DeliveryChoice, delivery_wanted, server_delivery
from quayside.api.ingest import IngestOutcome, ingest_events
from quayside.api.routes_ingest import FeedKind, FeedOutcome, decode_feed, ingest_feed
from quayside.errors import InputError
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
    from fastapi import FastAPI

    from quayside.api.routes_jit import AisOutcome


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


def load_event_file(url: str | None, path: Path, as_org: str | None) -> IngestOutcome:
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

    from quayside.api.routes_jit import ingest_ais_port_calls
    from quayside.geo.profiles import load_profile

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


# --- quayside serve ------------------------------------------------------------------------------------------


def default_workers() -> int:
    """Server processes by default: the CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ServePlan:
    """How ``quayside serve`` runs: processes, and whether it runs the subscription delivery worker.

    The delivery worker runs once per ``serve``, in the serving process itself (``delivery_in_supervisor``),
    whether it answers requests itself (one process) or supervises several. ``child_env`` goes into the
    environment before any app is built: it turns every app's own worker off (and, with several processes,
    gives the spawned children the database URL).
    """

    workers: int
    delivery_in_supervisor: bool
    child_env: dict[str, str]
    delivery: DeliveryChoice


def plan_serve(url: str, workers: int, environ: Mapping[str, str], delivery: bool | None = None) -> ServePlan:
    """The :class:`ServePlan` for ``workers`` processes on ``url``.

    ``delivery`` is ``--delivery/--no-delivery`` (None: not given); without it ``environ``'s
    ``QUAYSIDE_DELIVERY_WORKER`` decides, and delivery is on unless that says off.
    """
    if workers < 1:
        raise InputError("must be at least 1", field="--workers", value=workers)
    choice = delivery_wanted(delivery, environ)
    child_env = {WORKER_ENV: "0"}
    if workers > 1:
        # Each child builds the app from QUAYSIDE_DB_URL (served_app).
        child_env[db.DB_URL_ENV] = url
    return ServePlan(
        workers=workers, delivery_in_supervisor=choice.enabled, child_env=child_env, delivery=choice
    )


def served_app() -> FastAPI:
    """The app of one ``quayside serve --workers N`` process (a factory: the URL is in the environment)."""
    from quayside.api.app import create_app

    return create_app(None)


def serve(
    url: str | None,
    *,
    host: str,
    port: int,
    workers: int,
    access_log: bool,
    read_threads: bool = False,
    delivery: bool | None = None,
    out: TextIO | None = None,
) -> None:
    """``quayside serve``: migrate, then run the API in ``workers`` processes until interrupted.

    Subscription callbacks are delivered by one worker thread in this process unless ``delivery`` is False
    (or, when it is None, ``QUAYSIDE_DELIVERY_WORKER`` says off); a line on ``out`` (default: stdout) says
    which.
    """
    import uvicorn

    from quayside.api.app import READ_THREADS_ENV, create_app

    if read_threads:
        # In the environment, so that spawned worker processes see it too.
        os.environ[READ_THREADS_ENV] = "1"
    resolved = db.resolve_url(url)
    db.upgrade(resolved)
    plan = plan_serve(resolved, workers, os.environ, delivery)
    # The children are spawned (not forked) and read their settings from the inherited environment.
    os.environ.update(plan.child_env)
    with server_delivery(resolved, plan.delivery, out=out or sys.stdout):
        if plan.workers == 1:
            uvicorn.run(create_app(resolved), host=host, port=port, access_log=access_log)
            return
        uvicorn.run(
            "quayside.api.cli_actions:served_app",
            factory=True,
            host=host,
            port=port,
            workers=plan.workers,
            access_log=access_log,
        )
