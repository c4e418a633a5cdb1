"""Request bodies: the media type and charset a client declares, and the text of a body in that charset.

Every route that reads a body goes through here (the feeds of :mod:`quayside.api.routes_ingest` decode
their body with :func:`decode_text`; the JSON routes check the declared charset with
:func:`require_text_charset`). A ``charset`` must name a codec Python has *and* decodes bytes to text
with: ``utf-8``, ``utf-16``, ``latin-1``, ``ascii``, ``cp1252``, ... Python also registers bytes-to-bytes
codecs under names a client may put there (``rot13``, ``base64``, ``zlib_codec``, ``hex``, ``bz2``); they
are not character sets. An unknown or non-text charset answers **415** naming it; bytes that are not valid
text in a usable charset answer 422.

JSON bodies are decoded by FastAPI as RFC 8259 says (UTF-8, or UTF-16/32 recognised by their first bytes);
a declared charset is checked, not used.
"""

from __future__ import annotations

import codecs

from fastapi import Request

from quayside.errors import InputError

__all__ = [
    "UnsupportedCharsetError",
    "decode_text",
    "media_type",
    "require_text_charset",
    "text_encoding",
]


class UnsupportedCharsetError(InputError):
    """A ``charset`` that names no codec, or a codec that does not decode bytes to text (HTTP 415)."""

    http_status = 415


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


def text_encoding(charset: str, *, source: str | None = None) -> str:
    """The Python codec name of ``charset``, when it is a text encoding.

    Raises
    ------
    UnsupportedCharsetError
        Naming ``Content-Type``, when Python knows no such codec or it is not a text encoding
        (``codecs.lookup(charset)._is_text_encoding`` is false: ``rot13``, ``base64``, ``zlib_codec``, ...).
    """
    try:
        info = codecs.lookup(charset)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise UnsupportedCharsetError(
            f"unknown charset {charset!r}",
            source=source,
            field="Content-Type",
            hint="declare a text charset such as utf-8, or none (UTF-8 is assumed)",
        ) from None
    # Bytes-to-bytes codecs (rot13, base64, zlib, ...) are registered with _is_text_encoding = False.
    if not getattr(info, "_is_text_encoding", True):
        raise UnsupportedCharsetError(
            f"charset {charset!r} is not a text encoding",
            source=source,
            field="Content-Type",
            hint="declare a text charset such as utf-8, or none (UTF-8 is assumed)",
        )
    return info.name


def decode_text(
    data: bytes, charset: str | None, *, source: str | None = None, default: str = "utf-8"
) -> str:
    """``data`` as text in the declared ``charset`` (``default`` when none is declared).

    Raises
    ------
    UnsupportedCharsetError
        For a charset that is unknown or not a text encoding (:func:`text_encoding`).
    InputError
        When ``data`` is not valid text in that charset (the byte offset is named).
    """
    encoding = default if charset is None else text_encoding(charset, source=source)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {encoding} text at byte {exc.start}",
            source=source,
            hint="send UTF-8 or declare the charset in Content-Type",
        ) from None
    except UnicodeError as exc:  # codecs such as idna or undefined, which fail without a position
        raise InputError(
            f"not valid {encoding} text: {exc}",
            source=source,
            hint="send UTF-8 or declare the charset in Content-Type",
        ) from None


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
