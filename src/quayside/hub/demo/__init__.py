"""The demo hub: load the simulated port community (``quayside demo-load``; ``demo-serve`` serves it through
:func:`quayside.api.serve.serve_demo`).

``load_demo(data_dir)`` reads ``DATA/visibility/`` as written by ``quayside simulate``: it creates the
organisations of ``parties.json`` (or reuses those already there, by name), registers the facilities and
the carriers' booking / bill of lading links, and loads ``events.json`` (DCSA), ``gate_transactions.csv``,
``vessel_schedule.csv`` and ``codeco.edi`` through the same code as the API. Each record is posted by the
party that would send it: equipment events and gate moves by the terminal where they happen, schedule rows
by their carrier, the rest by the port authority.

When ``DATA/inventory/calls.parquet`` exists (``make demo`` runs the emissions inventory first), its berth
calls become DCSA JIT port calls with ACT timestamps posted by the port authority of each port, and the
schedule's EST/PLN berth times become JIT timestamps posted by the carriers (matched to the AIS call by
vessel IMO, terminal and nearest time), so that ``/vessel-calls`` shows schedule vs actual.

The carbon inputs are loaded too, as the hub operator: the simulated equipment register and activity logs
of ``DATA/equipment/`` and, with an inventory, each call's emissions for the annual report.

A fresh API key is issued to every organisation on each run and written to ``DATA/visibility/keys.json``
(plain keys: a demo file, made readable by its user only, mode 0600; the default SQLite database next to it
is made 0600 as well).

The parts: ``parties`` (organisations, keys, facilities, booking links, who posts), ``feeds``
(the ``DATA/visibility/`` files), ``port_calls`` (AIS calls and schedule times as JIT), ``equipment`` (the
carbon inputs) and ``summary`` (the counts and the printed summary).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from quayside.errors import InputError
from quayside.hub.demo.equipment import load_carbon_inputs
from quayside.hub.demo.feeds import load_feeds, read_json
from quayside.hub.demo.parties import register_links, register_organisations
from quayside.hub.demo.port_calls import load_port_calls
from quayside.hub.demo.summary import DemoSummary, FeedCounts
from quayside.hub.demo.users import register_demo_users
from quayside.store import db

__all__ = ["DemoSummary", "FeedCounts", "default_url", "load_demo"]

#: ``keys.json`` holds every member's plain API key: its user alone may read it.
KEYS_FILE_MODE = 0o600


def default_url(data_dir: Path) -> str:
    """The demo's own SQLite database, inside ``DATA/visibility/``."""
    return f"sqlite:///{(data_dir / 'visibility' / 'quayside.sqlite').resolve()}"


def load_demo(data_dir: Path, db_url: str | None = None) -> DemoSummary:
    """Create the parties of ``DATA/visibility/parties.json``, load the feeds, write ``keys.json``.

    Raises
    ------
    InputError
        When ``DATA/visibility/`` lacks ``parties.json`` or ``events.json``, or they are not valid.
    """
    vis = data_dir / "visibility"
    parties = read_json(vis / "parties.json")
    if not isinstance(parties, dict):
        raise InputError("must be a JSON object", source=str(vis / "parties.json"))
    url = db_url or default_url(data_dir)
    db.upgrade(url)
    engine = db.make_engine(url)
    summary = DemoSummary(database=url, keys_path=vis / "keys.json")
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            orgs = register_organisations(session, parties, summary, str(vis / "parties.json"))
            register_links(session, parties, orgs, summary)
            session.commit()
            register_demo_users(session, orgs, summary)
            load_feeds(session, vis, orgs, summary)
            if (data_dir / "inventory" / "calls.parquet").exists():
                load_port_calls(session, data_dir, str(parties.get("port") or ""), orgs, summary)
            load_carbon_inputs(session, data_dir, str(parties.get("port") or ""), summary)
    finally:
        engine.dispose()
    _write_private(summary.keys_path, json.dumps(summary.keys, indent=1) + "\n")
    return summary


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by this user only (mode 0600), also when the file existed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, KEYS_FILE_MODE)
    os.fchmod(descriptor, KEYS_FILE_MODE)  # an older keys.json may have been made world-readable
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
