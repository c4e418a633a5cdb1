"""``quayside deliver``: delivery passes from the command line, once or in a loop (cron-less deployments).

:func:`deliver` migrates the database, then runs :func:`~quayside.hub.delivery.passes.run_once` once, or
every ``interval_s`` until interrupted. Reached through ``quayside.hub.delivery``, the public import path.
"""

from __future__ import annotations

import time

from quayside.hub.delivery.config import DeliveryConfig
from quayside.hub.delivery.passes import run_once
from quayside.hub.delivery.report import PassReport
from quayside.store import db


def deliver(url: str | None, *, loop: bool = False, interval_s: float | None = None) -> PassReport:
    """``quayside deliver``: migrate, then one pass (or passes every ``interval_s`` until interrupted).

    Returns the report of the last pass.
    """
    resolved = db.resolve_url(url)
    db.upgrade(resolved)
    engine = db.make_engine(resolved)
    config = DeliveryConfig() if interval_s is None else DeliveryConfig(poll_interval_s=interval_s)
    try:
        sessions = db.session_factory(engine)
        report = run_once(sessions, config=config)
        while loop:
            time.sleep(config.poll_interval_s)
            report = run_once(sessions, config=config)
        return report
    finally:
        engine.dispose()
