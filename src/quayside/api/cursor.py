"""Opaque pagination cursors of ``GET /v2/events``.

A cursor is base64url of a small JSON object: the filters, the page size and the keyset position. It is
not signed: a forged cursor can only move the position, and the access rule is applied to every query
anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from quayside.errors import InputError
from quayside.store.repositories.events import EventFilter, PageKey
from quayside.visibility.model import EventType


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: ``after`` or ``before`` a key (neither for the first page)."""

    filters: EventFilter
    limit: int
    after: PageKey | None = None
    before: PageKey | None = None


def _key_out(key: PageKey | None) -> list[Any] | None:
    return None if key is None else [key.created_at.isoformat(), key.seq]


def _key_in(raw: Any) -> PageKey | None:
    if raw is None:
        return None
    created, seq = raw
    return PageKey(datetime.fromisoformat(created), int(seq))


def encode(cursor: Cursor) -> str:
    """The opaque string of ``cursor``."""
    filters = {k: v for k, v in asdict(cursor.filters).items() if v not in (None, ())}
    for name, value in filters.items():
        if isinstance(value, datetime):
            filters[name] = value.isoformat()
        elif isinstance(value, tuple):
            filters[name] = [str(item) for item in value]
    body = {"f": filters, "l": cursor.limit, "a": _key_out(cursor.after), "b": _key_out(cursor.before)}
    raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(text: str) -> Cursor:
    """The cursor in ``text``; :class:`InputError` naming ``cursor`` if it was not made by :func:`encode`."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        body = json.loads(raw)
        known = {f.name: f for f in fields(EventFilter)}
        values: dict[str, Any] = {}
        for name, value in body["f"].items():
            if name not in known:
                raise KeyError(name)
            if name.startswith("created_"):
                values[name] = datetime.fromisoformat(value)
            elif name == "event_types":
                values[name] = tuple(EventType(item) for item in value)
            elif isinstance(value, list):
                values[name] = tuple(str(item) for item in value)
            else:
                values[name] = str(value)
        return Cursor(EventFilter(**values), int(body["l"]), _key_in(body["a"]), _key_in(body["b"]))
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError("not a cursor this server issued", field="cursor", value=text[:40]) from exc
