"""JSON encoding and decoding on the hot paths (event ingest, stored documents, API bodies), through orjson.

orjson is several times faster than the standard library: a 430-byte DCSA event encodes in about 0.5 µs
instead of 5 µs (docs/performance.md). Where orjson and :mod:`json` would not give the same result, the
standard library is used, so that nothing stored or hashed changes:

- integers beyond 64 bits, which orjson refuses to write (and reads back as floats, which is why decoding
  stays with :mod:`json`);
- the canonical form behind idempotency keys, when the value holds a float. orjson writes floats in
  another notation (``1e-5``, where :mod:`json` writes ``1e-05``), and a key must not change with the
  library that computed it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_DUMPS_OPTIONS = orjson.OPT_NON_STR_KEYS
_CANONICAL_OPTIONS = orjson.OPT_SORT_KEYS


def dumps(value: Any) -> str:
    """``value`` as compact JSON text (what the store writes into JSON columns)."""
    try:
        return orjson.dumps(value, option=_DUMPS_OPTIONS).decode("utf-8")
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def dumps_bytes(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON (API response bodies)."""
    try:
        return orjson.dumps(value, option=_DUMPS_OPTIONS)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical(value: Any) -> bytes:
    """Sorted-key compact UTF-8 JSON: ``json.dumps(value, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``, byte for byte, computed by orjson when that gives the same bytes.
    """
    if not _has_float(value):
        try:
            return orjson.dumps(value, option=_CANONICAL_OPTIONS)
        except TypeError:
            pass  # an integer beyond 64 bits, or a key that is not a string
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(map(_has_float, value.values()))
    if isinstance(value, list | tuple):
        return any(map(_has_float, value))
    return isinstance(value, float)


__all__ = ["canonical", "dumps", "dumps_bytes"]
