"""Request bodies: the media type and charset a client declares.

The feeds of :mod:`quayside.api.routes_ingest` decode their body in the declared charset
(:func:`quayside.hub.feeds.decode_feed`, through :mod:`quayside.hub.text`); the JSON routes check the
declared charset with :func:`require_text_charset`. An unknown or non-text charset (``rot13``, ``base64``,
``zlib_codec``, ...) answers **415** naming it.

JSON bodies are decoded by FastAPI as RFC 8259 says (UTF-8, or UTF-16/32 recognised by their first bytes);
a declared charset is checked, not used.
"""

from __future__ import annotations

from fastapi import Request

from quayside.hub.text import text_encoding

__all__ = ["media_type", "require_text_charset"]


def media_type(header: str | None) -> tuple[str, str | None]:
    """``(media type, charset)`` of a ``Content-Type`` header: ``text/csv; charset="latin-1"`` →
    ``("text/csv", "latin-1")``; the type is lower-cased, the charset is ``None`` when absent or empty."""
    parts = [part.strip() for part in (header or "").split(";")]
    charset = None
    for part in parts[1:]:
        name, _, value = part.partition("=")
        value = value.strip().strip('"')
        if name.strip().lower() == "charset" and value:
            charset = value
    return parts[0].lower(), charset


async def require_text_charset(request: Request) -> None:
    """FastAPI dependency of the routes with a JSON body: refuse a declared charset that is not text.

    Raises
    ------
    UnsupportedCharsetError
        When the ``Content-Type`` of the request declares an unknown or non-text charset.
    """
    _, charset = media_type(request.headers.get("content-type"))
    if charset is not None:
        text_encoding(charset, source=f"{request.method} {request.url.path}")
