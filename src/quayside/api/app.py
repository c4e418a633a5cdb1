"""The Quayside data hub API: ``create_app(db_url)``.

Every route requires ``Authorization: Bearer <key>``; OpenAPI is served at ``/openapi.json``. The database
schema must already be migrated (``quayside.store.db.upgrade``; ``quayside serve`` does it at start).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from quayside.api.errors import install_error_handlers
from quayside.api.routes_admin import router as admin_router
from quayside.api.routes_containers import router as containers_router
from quayside.api.routes_events import router as events_router
from quayside.api.routes_ingest import router as ingest_router
from quayside.api.routes_jit import router as jit_router
from quayside.api.routes_kpis import router as kpis_router
from quayside.api.routes_lookahead import router as lookahead_router
from quayside.api.routes_subscriptions import router as subscriptions_router
from quayside.api.routes_vessel_calls import router as vessel_calls_router
from quayside.store import db


def create_app(db_url: str | None = None) -> FastAPI:
    """A FastAPI app on the database at ``db_url`` (default: :func:`quayside.store.db.default_url`)."""
    engine = db.make_engine(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Quayside port community data hub",
        version="0.1.0",
        description="DCSA Track & Trace 2.2 events with access control per port community member.",
        default_response_class=JSONResponse,
    )
    app.state.engine = engine
    app.state.sessions = db.session_factory(engine)
    install_error_handlers(app)
    app.include_router(events_router)
    app.include_router(admin_router)
    app.include_router(containers_router)
    app.include_router(vessel_calls_router)
    app.include_router(kpis_router)
    app.include_router(lookahead_router)
    app.include_router(ingest_router)
    app.include_router(subscriptions_router)
    app.include_router(jit_router)
    return app
