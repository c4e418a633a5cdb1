"""The callback body and its signature: the exact bytes a receiver gets and the HMAC that covers them.

TNT 2.2 (``callbacks`` of ``POST /v2/event-subscriptions``): the body is a JSON array of events; the header
``Notification-Signature: sha256=<hex HMAC-SHA256>`` is keyed with the decoded bytes of the subscription's
base64 secret over those body bytes. Reached through ``quayside.hub.delivery``, the public import path.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

SIGNATURE_TYPE = "sha256"  # the one signature type TNT 2.2 lists


def sign(secret: bytes, body: bytes) -> str:
    """The ``Notification-Signature`` header value: ``sha256=<hex HMAC-SHA256(secret, body)>``."""
    return f"{SIGNATURE_TYPE}={hmac.new(secret, body, hashlib.sha256).hexdigest()}"


def encode_body(events: list[dict[str, Any]]) -> bytes:
    """The callback body: a JSON array of events, UTF-8 (the signature covers exactly these bytes)."""
    return json.dumps(events, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
