"""The delivery worker of the API server: a daemon thread that runs a pass every ``poll_interval_s``.

The server starts a :class:`DeliveryWorker` when :func:`worker_enabled` (``QUAYSIDE_DELIVERY_WORKER=1``).
Reached through ``quayside.api.delivery``, the public import path.
"""

from __future__ import annotations

import logging
import os
import threading

import httpx
from sqlalchemy.orm import Session, sessionmaker

from quayside.api._delivery_config import DeliveryConfig
from quayside.api._delivery_pass import _worker_id, run_once

# The logger of the public module, so log settings made for it before the split still apply.
log = logging.getLogger("quayside.api.delivery")

WORKER_ENV = "QUAYSIDE_DELIVERY_WORKER"


class DeliveryWorker:
    """Runs :func:`run_once` every ``poll_interval_s`` in a daemon thread until :meth:`stop`."""

    def __init__(self, sessions: sessionmaker[Session], config: DeliveryConfig | None = None) -> None:
        self.sessions = sessions
        self.config = config or DeliveryConfig()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._id = _worker_id()

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="quayside-delivery", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish its pass and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        with httpx.Client(timeout=self.config.timeout_s, follow_redirects=False) as client:
            while not self._stop.is_set():
                try:
                    run_once(self.sessions, config=self.config, client=client, worker=self._id)
                except Exception:  # a failing pass must not kill the worker; the next one retries
                    log.exception("delivery pass failed")
                self._stop.wait(self.config.poll_interval_s)


def worker_enabled() -> bool:
    """Whether the API server should run a :class:`DeliveryWorker` (``QUAYSIDE_DELIVERY_WORKER=1``)."""
    return os.environ.get(WORKER_ENV, "").strip().lower() in ("1", "true", "yes", "on")
