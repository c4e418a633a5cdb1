"""The text of a body or file in the charset its sender declares (HTTP ``Content-Type``, or none).

A ``charset`` must name a codec Python has *and* decodes bytes to text with: ``utf-8``, ``utf-16``,
``latin-1``, ``ascii``, ``cp1252``, ... Python also registers bytes-to-bytes codecs under names a client may
put there (``rot13``, ``base64``, ``zlib_codec``, ``hex``, ``bz2``); they are not character sets. An unknown
or non-text charset is refused (HTTP **415**) naming it; bytes that are not valid text in a usable charset
are refused (422).
"""

from __future__ import annotations

import codecs

from quayside.errors import InputError

__all__ = ["UnsupportedCharsetError", "decode_text", "text_encoding"]


class UnsupportedCharsetError(InputError):
    """A ``charset`` that names no codec, or a codec that does not decode bytes to text (HTTP 415)."""

    http_status = 415


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
