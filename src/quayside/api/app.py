"""The Quayside data hub API: ``create_app(db_url)``.

Every route requires ``Authorization: Bearer <key>``; OpenAPI is served at ``/openapi.json``. The database
schema must already be migrated (``quayside.store.db.upgrade``; ``quayside serve`` does it at start).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI
from starlette.staticfiles import StaticFiles

from quayside.api.bodies import require_text_charset
from quayside.api.errors import install_error_handlers
from quayside.api.limits import BodyLimitMiddleware
from quayside.api.responses import FastJSONResponse
from quayside.api.routes_admin import router as admin_router
from quayside.api.routes_containers import router as containers_router
from quayside.api.routes_events import router as events_router
from quayside.api.routes_footprint import router as footprint_router
from quayside.api.routes_ingest import router as ingest_router
from quayside.api.routes_jit import router as jit_router
from quayside.api.routes_kpis import router as kpis_router
from quayside.api.routes_lookahead import router as lookahead_router
from quayside.api.routes_programs import router as programs_router
from quayside.api.routes_subscriptions import router as subscriptions_router
from quayside.api.routes_vessel_calls import router as vessel_calls_router
from quayside.hub.limits import Limits
from quayside.portal.auth import install_portal
from quayside.portal.auth import router as portal_auth_router
from quayside.portal.pages import router as portal_home_router
from quayside.portal.pages.calls import router as portal_calls_router
from quayside.portal.pages.containers import router as portal_containers_router
from quayside.portal.pages.emissions import router as portal_emissions_router
from quayside.portal.pages.keys import router as portal_keys_router
from quayside.portal.pages.terminal import router as portal_terminal_router
from quayside.store import db

#: Set to 1 to run the hot reads in worker threads (``quayside serve --read-threads``).
READ_THREADS_ENV = "QUAYSIDE_READ_THREADS"


def create_app(
    db_url: str | None = None, *, inline_reads: bool | None = None, limits: Limits | None = None
) -> FastAPI:
    """A FastAPI app on the database at ``db_url`` (default: :func:`quayside.store.db.default_url`).

    ``inline_reads``: run the hot read routes' database work on the event loop rather than in a worker
    thread (see :func:`quayside.api.auth.run_authorized`). Default: on, unless ``QUAYSIDE_READ_THREADS``
    is set (``quayside serve --read-threads``), which suits a PostgreSQL server across a network.

    ``limits``: what one request may ask (:class:`quayside.hub.limits.Limits`); default: the defaults
    overridden by ``QUAYSIDE_LIMIT_*`` variables.
    """
    engine = db.make_engine(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # No more threads doing database work than pooled connections, so that no request opens (and
        # closes) a connection of its own; see quayside.store.db.POOL_SIZE.
        anyio.to_thread.current_default_thread_limiter().total_tokens = db.POOL_SIZE
        yield
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Quayside port community data hub",
        version="0.1.0",
        description="DCSA Track & Trace 2.2 events with access control per port community member.",
        default_response_class=FastJSONResponse,
    )
    app.state.engine = engine
    app.state.limits = Limits.from_env() if limits is None else limits
    app.add_middleware(BodyLimitMiddleware, limits=app.state.limits)
    app.state.sessions = db.session_factory(engine)
    app.state.inline_reads = (
        os.environ.get(READ_THREADS_ENV, "").strip().lower() not in ("1", "true", "yes", "on")
        if inline_reads is None
        else inline_reads
    )
    # The hot reads run each statement in autocommit: no BEGIN and ROLLBACK round trips to PostgreSQL
    # (1.2 ms of a 2.9 ms container request). What they see is unchanged: under READ COMMITTED every
    # statement already took its own snapshot.
    app.state.read_sessions = db.session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
    install_error_handlers(app)
    app.include_router(events_router)
    # Their JSON bodies are read by FastAPI: a declared charset is checked like on every other route.
    text_only = [Depends(require_text_charset)]
    app.include_router(admin_router, dependencies=text_only)
    app.include_router(containers_router)
    app.include_router(footprint_router)
    app.include_router(vessel_calls_router)
    app.include_router(kpis_router)
    app.include_router(lookahead_router)
    app.include_router(programs_router)
    app.include_router(ingest_router)
    app.include_router(subscriptions_router, dependencies=text_only)
    app.include_router(jit_router)
    # The portal: pages for people signed in with a password, under /portal/ (docs/portal.md).
    install_portal(app)
    app.include_router(portal_auth_router)
    app.include_router(portal_home_router)
    app.include_router(portal_containers_router)
    app.include_router(portal_calls_router)
    app.include_router(portal_terminal_router)
    app.include_router(portal_emissions_router)
    app.include_router(portal_keys_router)
    app.mount("/portal/static", StaticFiles(packages=[("quayside.portal", "static")]), name="portal-static")
    return app
