"""How much one request may ask of the hub: body size, items per request, string and document size, page size.

A hub is shared: one member's 50 MB event would be stored, pushed to every subscriber and read back by every
page that holds it; a million-item array would hold the write lock for the length of its transaction and
answer with an error body as large as the request. Every limit below is answered before the work starts,
with **413** (body, document) or **422** (items, strings), and the answer names the limit and its setting.

Each limit is configurable from the environment of ``quayside serve`` (``QUAYSIDE_LIMIT_<NAME>``, e.g.
``QUAYSIDE_LIMIT_BODY_BYTES=67108864``); the defaults suit a port community (docs/data-hub.md, "Limits").
The body limit is applied by :class:`quayside.api.limits.BodyLimitMiddleware`, the others by the services
of :mod:`quayside.hub`, so that the API and the command line apply the same limits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from quayside import json_codec
from quayside.errors import ConfigError, InputError
from quayside.visibility.rejects import Reject

__all__ = [
    "ENV_PREFIX",
    "LimitExceededError",
    "Limits",
    "check_document",
    "check_items",
    "document_rejects",
    "listed",
]

ENV_PREFIX = "QUAYSIDE_LIMIT_"


class LimitExceededError(InputError):
    """A request over one of the hub's limits (HTTP 413: the body or one document is too large)."""

    http_status = 413


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one hub applies to every request; ``Limits.from_env()`` reads the overrides."""

    #: Bytes of one request body. A large terminal's day of gate transactions as CSV is about 5 MB, a
    #: BAPLIE of an 24,000 TEU ship about 3 MB.
    body_bytes: int = 32 * 1024 * 1024
    #: Items of one array in a request: events per POST, JIT documents, references of one booking.
    items: int = 10_000
    #: Characters of one string value in a JSON body (a DCSA field is at most 100 to 5,000 characters).
    string_chars: int = 5_000
    #: Bytes of one event document as stored (compact JSON); DCSA's largest samples are under 4 kB.
    event_bytes: int = 64 * 1024
    #: Bytes of the documents in one page of events; a page ends early (with its Next-Page link) past it.
    page_bytes: int = 8 * 1024 * 1024
    #: Rejects listed in one answer; the count of all of them is always given.
    rejects_listed: int = 100
    #: Rows written per transaction by long loads, so that no load holds the write lock for long.
    batch_rows: int = 1_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, overridden by ``QUAYSIDE_LIMIT_<FIELD>`` variables (positive integers).

        Raises
        ------
        ConfigError
            Naming the variable, when its value is not a positive integer.
        """
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for spec in fields(cls):
            name = ENV_PREFIX + spec.name.upper()
            raw = env.get(name)
            if raw is None or not raw.strip():
                continue
            try:
                value = int(raw.strip().replace("_", ""))
            except ValueError:
                value = 0
            if value <= 0:
                raise ConfigError("must be a positive integer", source="environment", field=name, value=raw)
            values[spec.name] = value
        return cls(**values)

    def setting(self, name: str) -> str:
        """How the limit called ``name`` is set: ``QUAYSIDE_LIMIT_BODY_BYTES=33554432``."""
        return f"{ENV_PREFIX}{name.upper()}={getattr(self, name)}"


def check_items(count: int, limits: Limits, *, source: str, field: str) -> None:
    """Refuse an array of more than ``limits.items`` entries before any of them is looked at.

    Raises
    ------
    InputError
        (422) naming ``field``, the count and the limit.
    """
    if count > limits.items:
        raise InputError(
            f"{count} items, more than the limit of {limits.items} per request",
            source=source,
            field=field,
            hint=f"send them in several requests ({limits.setting('items')})",
        )


def _long_string(value: Any, limit: int, path: str) -> str | None:
    """The path of the first string in ``value`` longer than ``limit`` characters, else ``None``."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if len(item) > limit:
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and len(key) > limit:
                    return f"{where}.{key[:20]}..."
                stack.append((child, f"{where}.{key}" if where else str(key)))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def check_document(document: Any, limits: Limits, *, source: str, record: int | None, field: str) -> None:
    """Refuse one JSON document over the string or document limits.

    Raises
    ------
    InputError
        (422) naming the path of the first string over ``limits.string_chars``.
    LimitExceededError
        (413) when the document's compact JSON is over ``limits.event_bytes``.
    """
    try:
        size = len(json_codec.dumps_bytes(document))
    except RecursionError:
        raise InputError("nested too deeply to read", source=source, record=record, field=field) from None
    # A string cannot be longer than the document that holds it: most documents need no walk.
    long = _long_string(document, limits.string_chars, field) if size > limits.string_chars else None
    if long is not None:
        raise InputError(
            f"a string longer than the limit of {limits.string_chars} characters",
            source=source,
            record=record,
            field=long,
            hint=limits.setting("string_chars"),
        )
    if size > limits.event_bytes:
        raise LimitExceededError(
            f"{size} bytes, more than the limit of {limits.event_bytes} per document",
            source=source,
            record=record,
            field=field,
            hint=limits.setting("event_bytes"),
        )


def document_rejects(
    items: Sequence[Any], limits: Limits, *, source: str, start: int = 0
) -> dict[int, Reject]:
    """A :class:`Reject` for each of ``items`` over :func:`check_document`'s limits, by index (from ``start``)."""
    out: dict[int, Reject] = {}
    for offset, item in enumerate(items):
        index = start + offset
        try:
            check_document(item, limits, source=source, record=index, field=f"[{index}]")
        except InputError as exc:
            reason = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
            out[index] = Reject(index, exc.field or f"[{index}]", reason, None, source)
    return out


def listed(rejects: Sequence[dict[str, Any]], limits: Limits) -> dict[str, Any]:
    """The ``rejected`` of an answer: the first ``limits.rejects_listed`` rejects, and how many were not."""
    if len(rejects) <= limits.rejects_listed:
        return {"rejected": list(rejects)}
    return {
        "rejected": list(rejects[: limits.rejects_listed]),
        "rejectedNotListed": len(rejects) - limits.rejects_listed,
    }
