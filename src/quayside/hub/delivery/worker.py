"""The delivery worker of the API server: a daemon thread that runs a pass every ``poll_interval_s``.

``quayside serve`` and ``quayside demo-serve`` run one :class:`DeliveryWorker` by default, in the serving
process itself (:func:`server_delivery`), however many server processes answer requests: the app processes
get ``QUAYSIDE_DELIVERY_WORKER=0`` so that none starts another. ``--no-delivery`` or
``QUAYSIDE_DELIVERY_WORKER=0`` turns it off (:func:`delivery_wanted`); start-up prints which. Several
``serve`` (or ``quayside deliver``) processes on one database are safe: each subscription is sent by one
worker at a time under its lease (``event_subscriptions.lease_owner`` / ``lease_until``,
:func:`quayside.store.repositories.subscriptions.claim`).

An app made by :func:`quayside.api.app.create_app` alone (a test client, an embedding application) starts a
worker in its lifespan only when :func:`worker_enabled` (``QUAYSIDE_DELIVERY_WORKER=1``). Reached through
``quayside.hub.delivery``, the public import path.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

import httpx
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from quayside.errors import ConfigError
from quayside.hub.delivery.config import DeliveryConfig
from quayside.hub.delivery.passes import _worker_id, run_once
from quayside.store import db
from quayside.store.models import Subscription
from quayside.store.secret_keys import SECRET_KEY_ENV, SECRET_KEY_FILE_ENV, key_file_in_use, secret_keys

# The logger of the public module, so log settings made for it before the split still apply.
log = logging.getLogger("quayside.hub.delivery")

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


_ON = ("1", "true", "yes", "on")
_OFF = ("0", "false", "no", "off")


def worker_enabled() -> bool:
    """Whether an app's own lifespan should run a :class:`DeliveryWorker` (``QUAYSIDE_DELIVERY_WORKER=1``)."""
    return os.environ.get(WORKER_ENV, "").strip().lower() in _ON


@dataclass(frozen=True)
class DeliveryChoice:
    """Whether ``serve`` runs its delivery worker, and what decided it (for the start-up line)."""

    enabled: bool
    reason: str


def delivery_wanted(flag: bool | None, environ: Mapping[str, str]) -> DeliveryChoice:
    """``serve``'s choice: ``--delivery/--no-delivery`` when given, else ``QUAYSIDE_DELIVERY_WORKER`` unless
    it says off (0, false, no, off); on by default."""
    if flag is not None:
        return DeliveryChoice(flag, "--delivery" if flag else "--no-delivery")
    value = environ.get(WORKER_ENV, "").strip().lower()
    if value in _OFF:
        return DeliveryChoice(False, f"{WORKER_ENV}={environ.get(WORKER_ENV, '').strip()}")
    return DeliveryChoice(True, "the default")


@contextmanager
def server_delivery(
    url: str, choice: DeliveryChoice, *, out: TextIO, config: DeliveryConfig | None = None
) -> Iterator[DeliveryWorker | None]:
    """Run the one delivery worker of a server (when ``choice`` says so) while the block serves.

    Prints one line saying whether callbacks are delivered, and one about the key of subscription secrets.
    Sets ``QUAYSIDE_DELIVERY_WORKER=0`` in this process's environment, which the app processes inherit, so
    that no app starts a worker of its own: there is exactly one per ``serve``.
    """
    os.environ[WORKER_ENV] = "0"
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    worker = DeliveryWorker(sessions, config) if choice.enabled else None
    try:
        if worker is not None:
            worker.start()
            out.write(
                f"delivery: on ({choice.reason}): one delivery worker in this process (pid {os.getpid()}) "
                f"queues and sends subscription callbacks every {worker.config.poll_interval_s:g} s; "
                f"turn it off with --no-delivery or {WORKER_ENV}=0\n"
            )
        else:
            waiting = _subscription_count(sessions)
            out.write(
                f"delivery: OFF ({choice.reason}): this server neither queues nor sends subscription "
                f"callbacks ({waiting} subscriptions wait); run `quayside deliver --loop` against the same "
                f"database, or serve without --no-delivery\n"
            )
        out.write(_secret_key_line(url) + "\n")
        out.flush()
        yield worker
    finally:
        if worker is not None:
            worker.stop()
        engine.dispose()


def _subscription_count(sessions: sessionmaker[Session]) -> int | str:
    try:
        with sessions() as session:
            return session.scalar(select(func.count()).select_from(Subscription)) or 0
    except SQLAlchemyError:
        return "?"


def _secret_key_line(url: str) -> str:
    try:
        keys = secret_keys(url, create=True)
    except ConfigError as exc:
        return f"subscription secrets: NO KEY ({exc}); subscriptions cannot be made or delivered"
    path = key_file_in_use(url)
    where = f"the key file {path}" if path is not None else SECRET_KEY_ENV
    return (
        f"subscription secrets: encrypted at rest with {where} ({keys.count} key(s)); "
        f"set {SECRET_KEY_ENV} or {SECRET_KEY_FILE_ENV} to choose"
    )
