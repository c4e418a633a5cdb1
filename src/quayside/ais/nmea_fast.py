"""Vectorised decoding of the common NMEA lines of an AIS log, a block of lines at a time.

:func:`scan` takes a block of whole lines and decides, line by line, whether the line has one of the
shapes this module decodes itself; every other line is left to the pyais path of
:mod:`quayside.ais.nmea`, which stays the reference. The shape is checked by one regular expression
(:data:`FAST_LINE`, matched by Arrow's RE2 kernel over all lines at once), then by NumPy:

- an ``!xxVDM``/``!xxVDO`` sentence, optionally after a Unix-time prefix (``1609459200 ``,
  ``1609459200.123,``) and/or an NMEA 4.10 tag block of printable ASCII with at most one ``c:`` field
  (``\\s:rcvr,c:1609459200*2D\\``) and a two-digit checksum;
- a sequence id of at most one digit, a channel of at most one letter or digit, a two-digit hex
  checksum that is right;
- one sentence whose (message type, payload characters, fill bits) is in :data:`_SINGLE`: types 1, 2,
  3, 18 (168 bits), 27 (96), 19 (312) → positions (19 also static); 24 part A or B (168, or 160 for
  A) → static; 4, 11 (168) and 15 (88) → ignored; or an empty payload → rejected ``empty_payload``;
- or a type 5 in two sentences on adjacent lines (``2,1`` then ``2,2``, same sequence id and
  channel, 424 bits together with 2 fill bits) → static;
- any of these shapes with a wrong sentence checksum → rejected ``bad_checksum`` (as pyais's path
  rejects it, before looking at fragments).

For those lines the values are what pyais gives (the same bit fields and conversions: see
:mod:`quayside.ais._sixbit`; ship types outside pyais's ``ShipType`` become "not available" in types 5
and 19, as pyais makes them), and the time follows the rule of :mod:`quayside.ais.nmea` (a valid tag
block's ``c:`` before the prefix; outside 1980..2100 is absent; a two-part message takes its first
line's time, else its second's). Everything else — other fragment layouts, Gatehouse wrappers and the
AIS line after them, bad checksums, odd payload lengths or fill bits, non-AIS sentences — goes to
pyais unchanged, so rejects keep their reasons. The caller (:mod:`quayside.ais.nmea`) settles what
depends on the lines before: the wrapper's time and the unfinished multi-sentence messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from pyais.constants import ShipType

from quayside.ais import _sixbit
from quayside.ais._sixbit import FloatArray, Int64Array, UInt8Array
from quayside.ais.schema import POSITION_SCHEMA, STATIC_SCHEMA, TS_TYPE

BoolArray = npt.NDArray[np.bool_]

FAST_LINE = (
    r"^(?:\d{9,13}(?:\.\d{1,6})?[ \t,;]+)?"
    # A tag block of printable ASCII; its c: field (at most one) is checked by _times.
    r"(?:\\[\x20\x22-\x29\x2b-\x5b\x5d-\x7e]*\*[0-9A-Fa-f]{2}\\)?"
    r"![A-Z]{2}VD[MO],(?:1,1|2,[12]),\d?,[A-Za-z0-9]?,[0-W`-w]{0,80},[0-5]\*[0-9A-Fa-f]{2}"
    r"[ \t\r]*\n?$"
)
"""The lines :func:`scan` decodes itself (see the module docstring); RE2 syntax."""
BLANK_LINE = r"^[\t\f\r ]*(?:#[^\n]*)?\n?$"
"""Lines that are no record at all: blank, or a comment."""

# Receiver-time bounds and the milliseconds threshold of quayside.ais.nmea (Unix seconds).
_MIN_TS_S = 315_532_800
_MAX_TS_S = 4_102_444_800
_MS_THRESHOLD = 100_000_000_000

_BANG, _STAR, _BACKSLASH, _DOT, _COMMA, _C, _COLON, _NL = (ord(c) for c in "!*\\.,c:\n")
_POW10 = np.array([10**k for k in range(7)], dtype=np.int64)


@dataclass(frozen=True)
class Scan:
    """What :func:`scan` made of a block of lines.

    Attributes
    ----------
    starts, ends
        Byte offsets of each line in the block, without its newline.
    fast
        Whether the line was decoded here (both lines of a two-part message).
    blank
        Whether the line is blank or a comment (no record).
    positions, static
        Rows of :data:`POSITION_SCHEMA` and :data:`STATIC_SCHEMA` made here, in the order in which
        their messages were complete.
    position_line, static_line
        Index in the block of the line at which each row's message was complete (its last line).
    message_line
        Index of the first line of each message decoded here, with ``message_kind`` its outcome.
    message_kind
        :data:`POSITION`, :data:`STATIC`, :data:`BOTH` (type 19), :data:`IGNORED`, or a reject:
        :data:`EMPTY` (no payload) or :data:`BAD_CHECKSUM`, per message.
    pairs
        Index of the first line of each two-part message decoded here.
    """

    starts: Int64Array
    ends: Int64Array
    fast: BoolArray
    blank: BoolArray
    positions: pa.RecordBatch
    position_line: Int64Array
    static: pa.RecordBatch
    static_line: Int64Array
    message_line: Int64Array
    message_kind: Int64Array
    pairs: Int64Array


POSITION, STATIC, BOTH, IGNORED, EMPTY, BAD_CHECKSUM = 0, 1, 2, 3, 4, 5
"""Outcomes of a message in :attr:`Scan.message_kind` (the last two: rejected lines)."""

# Message shapes taken here: (message type, payload characters, fill bits) → what the message gives.
# Everything else goes to pyais. Payload sizes are those of ITU-R M.1371-5 (24 A may be sent 160 bits).
_SINGLE: dict[tuple[int, int, int], str] = {
    **{(t, 28, 0): "class_a" for t in (1, 2, 3)},
    (18, 28, 0): "class_b",
    (27, 16, 0): "long_range",
    (19, 52, 0): "class_b_extended",
    (4, 28, 0): "ignored",
    (11, 28, 0): "ignored",
    (15, 15, 2): "ignored",
    (24, 28, 0): "static_24",
    (24, 27, 2): "static_24a_160",
}
_KIND_CODE = {kind: i for i, kind in enumerate(sorted(set(_SINGLE.values())))}
_TYPE5_CHARS, _TYPE5_FILL = 71, 2


def _key(mtype: Any, plen: Any, fill: Any) -> Int64Array:
    out: Int64Array = (mtype * 256 + plen) * 8 + fill
    return out


@dataclass(frozen=True)
class _Marks:
    """Offsets of the bytes that structure NMEA lines, found in one pass over the block."""

    newlines: Int64Array
    bangs: Int64Array
    stars: Int64Array
    commas: Int64Array
    slashes: Int64Array
    separators: Int64Array
    """Commas and backslashes: what can come before a tag-block field."""

    @classmethod
    def of(cls, buf: UInt8Array) -> _Marks:
        at = np.flatnonzero(
            (buf == _NL) | (buf == _BANG) | (buf == _STAR) | (buf == _COMMA) | (buf == _BACKSLASH)
        ).astype(np.int64)
        byte = buf[at]
        return cls(
            at[byte == _NL],
            at[byte == _BANG],
            at[byte == _STAR],
            at[byte == _COMMA],
            at[byte == _BACKSLASH],
            at[(byte == _COMMA) | (byte == _BACKSLASH)],
        )


def _string_column(value: str, n: int) -> pa.Array[Any]:
    raw = value.encode()
    offsets = np.arange(n + 1, dtype=np.int64) * len(raw)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets.data), pa.py_buffer(raw * n)).cast(
        pa.string()
    )


def _gather(
    buf: UInt8Array, first_at: Int64Array, first_len: Int64Array, second_at: Int64Array, width: int
) -> UInt8Array:
    """6-bit values of ``width``-character payloads: ``first_len`` at ``first_at``, the rest at ``second_at``."""
    k = np.arange(width)
    pos = np.where(
        k < first_len[:, None], first_at[:, None] + k, second_at[:, None] + (k - first_len[:, None])
    )
    out: UInt8Array = _sixbit.SIXBIT[buf[pos]]
    return out


def scan(block: bytes, source: str, first_line: int) -> Scan:
    """Decode the messages of ``block`` that have a fast shape; mark the other lines for pyais.

    Parameters
    ----------
    block
        Whole lines, each ending with ``\\n`` (the last one too).
    source
        Written in the ``source`` column.
    first_line
        1-based line number of the first line of ``block`` in the file (the ``record`` column).
    """
    buf: UInt8Array = np.frombuffer(block, dtype=np.uint8)
    marks = _Marks.of(buf)
    ends = marks.newlines
    starts = np.empty(ends.size, dtype=np.int64)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    n = starts.size
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[:n] = starts
    offsets[n] = buf.size
    lines = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), n, [None, pa.py_buffer(offsets.data), pa.py_buffer(block)]
    )
    shaped = np.asarray(pc.match_substring_regex(lines, FAST_LINE).to_numpy(zero_copy_only=False), dtype=bool)

    idx = np.flatnonzero(shaped)
    s, e = starts[idx], ends[idx]
    bangs, stars, commas = marks.bangs, marks.stars, marks.commas
    bang = bangs[np.searchsorted(bangs, s)]
    star = stars[np.searchsorted(stars, e) - 1]
    valid = _sixbit.xor_spans(buf, bang + 1, star) == _sixbit.hex_byte(buf, star + 1)
    pay_sep = commas[np.searchsorted(commas, bang) + 4]
    pay_at = pay_sep + 1
    plen = star - 2 - pay_at
    fill = buf[star - 1].astype(np.int64) - 48
    frag_cnt = buf[bang + 7].astype(np.int64) - 48
    frag_num = buf[bang + 9].astype(np.int64) - 48
    mtype = _sixbit.SIXBIT[buf[pay_at]].astype(np.int64)
    ts, has_ts, odd = _times(buf, marks, s, bang)
    bad_checksum = ~valid & ~odd
    valid &= ~odd

    # Single-sentence messages of a known shape.
    shape = _key(mtype, plen, fill)
    code = np.full(idx.size, -1, dtype=np.int64)
    for (t, length, f), kind in _SINGLE.items():
        code[(shape == _key(t, length, f)) & (frag_cnt == 1)] = _KIND_CODE[kind]
    single = valid & (code >= 0)
    empty = valid & (plen == 0) & (frag_cnt == 1)
    # Type 24: parts A and B only (pyais rejects other part numbers); B of an auxiliary craft goes to pyais.
    is24 = single & (mtype == 24)
    if is24.any():
        head = _sixbit.SIXBIT[buf[pay_at[is24, None] + np.arange(7)]]
        partno = _sixbit.field(head, 38, 2)
        mmsi24 = _sixbit.field(head, 8, 30)
        short_a = code[is24] == _KIND_CODE["static_24a_160"]
        keep = (partno == 0) | (
            (partno == 1) & ~short_a & ~((mmsi24 >= 980_000_000) & (mmsi24 <= 989_999_999))
        )
        single[np.flatnonzero(is24)[~keep]] = False

    # Two-part type 5 on adjacent lines, same sequence id and channel, both checksums right.
    second = np.zeros(idx.size, dtype=bool)
    second[:-1] = idx[1:] == idx[:-1] + 1
    seqchan = np.zeros(idx.size, dtype=np.int64)
    for k in range(3):
        at = np.minimum(bang + 11 + k, buf.size - 1)
        seqchan = seqchan * 256 + np.where(bang + 11 + k < pay_sep, buf[at], 0)
    nxt = np.minimum(np.arange(idx.size) + 1, max(idx.size - 1, 0))
    pair = (
        second
        & valid
        & valid[nxt]
        & (frag_cnt == 2)
        & (frag_num == 1)
        & (frag_cnt[nxt] == 2)
        & (frag_num[nxt] == 2)
        & (seqchan == seqchan[nxt])
        & (mtype == 5)
        & (plen + plen[nxt] == _TYPE5_CHARS)
        & (fill[nxt] == _TYPE5_FILL)
    )
    # A line cannot be the second part of one pair and the first of another (2,1 then 2,2: only one).
    pair_first = np.flatnonzero(pair)

    fast = np.zeros(n, dtype=bool)
    fast[idx[single | empty | bad_checksum]] = True
    fast[idx[pair_first]] = True
    fast[idx[pair_first + 1]] = True

    emit = idx.copy()
    if pair_first.size:
        nx = pair_first + 1
        emit[pair_first] = idx[nx]
        # The time of the message is its first line's, else its second line's (quayside.ais.nmea).
        ts[pair_first] = np.where(has_ts[pair_first], ts[pair_first], ts[nx])
        has_ts[pair_first] |= has_ts[nx]
    ctx = _Context(buf, source, first_line, idx, ts, has_ts)
    pos_parts: list[tuple[Int64Array, pa.RecordBatch]] = []
    static_parts: list[tuple[Int64Array, pa.RecordBatch]] = []
    kinds_at: list[tuple[Int64Array, int]] = []
    for kind in ("class_a", "class_b", "long_range", "class_b_extended"):
        sel = np.flatnonzero(single & (code == _KIND_CODE[kind]))
        if sel.size:
            layout = _LAYOUTS[kind]
            chars = _sixbit.SIXBIT[buf[pay_at[sel, None] + np.arange(layout.chars)]]
            pos_parts.append((sel, ctx.position_batch(sel, chars, layout, mtype[sel])))
            if kind == "class_b_extended":
                static_parts.append((sel, ctx.static_batch(sel, chars, _STATIC_19)))
            kinds_at.append((sel, BOTH if kind == "class_b_extended" else POSITION))
    for kind, width in (("static_24", 28), ("static_24a_160", 27)):
        sel = np.flatnonzero(single & (code == _KIND_CODE[kind]))
        if sel.size:
            chars = _sixbit.SIXBIT[buf[pay_at[sel, None] + np.arange(width)]]
            partno = _sixbit.field(chars, 38, 2)
            for part, spec in ((0, _STATIC_24A), (1, _STATIC_24B)):
                rows = partno == part
                if rows.any():
                    static_parts.append((sel[rows], ctx.static_batch(sel[rows], chars[rows], spec)))
            kinds_at.append((sel, STATIC))
    kinds_at.append((np.flatnonzero(single & (code == _KIND_CODE["ignored"])), IGNORED))
    kinds_at.append((np.flatnonzero(empty), EMPTY))
    kinds_at.append((np.flatnonzero(bad_checksum), BAD_CHECKSUM))
    if pair_first.size:
        chars = _gather(buf, pay_at[pair_first], plen[pair_first], pay_at[pair_first + 1], _TYPE5_CHARS)
        static_parts.append((pair_first, ctx.static_batch(pair_first, chars, _STATIC_5)))
        kinds_at.append((pair_first, STATIC))

    positions, position_line = _assemble(pos_parts, POSITION_SCHEMA, emit)
    static, static_line = _assemble(static_parts, STATIC_SCHEMA, emit)
    message_line = np.concatenate([idx[a] for a, _ in kinds_at])
    message_kind = np.concatenate([np.full(a.size, k, dtype=np.int64) for a, k in kinds_at])
    order = np.argsort(message_line, kind="stable")
    blank = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~fast)
    if rest.size:
        matched = pc.match_substring_regex(lines.take(rest), BLANK_LINE)
        blank[rest[np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool)]] = True
    return Scan(
        starts,
        ends,
        fast,
        blank,
        positions,
        position_line,
        static,
        static_line,
        message_line[order],
        message_kind[order],
        idx[pair_first],
    )


def _unix_us(whole: Int64Array, frac: Int64Array, frac_len: Int64Array) -> tuple[Int64Array, BoolArray]:
    """Unix seconds (or milliseconds) and fraction digits → microseconds and validity, as nmea.py does."""
    is_ms = whole >= _MS_THRESHOLD
    seconds = np.where(is_ms, whole // 1000, whole)
    micros = np.where(is_ms, (whole % 1000) * 1000, frac * _POW10[6 - frac_len])
    ok = (seconds >= _MIN_TS_S) & (seconds < _MAX_TS_S)
    return seconds * 1_000_000 + micros, ok


def _number(buf: UInt8Array, at: Int64Array) -> tuple[Int64Array, Int64Array, Int64Array, BoolArray]:
    """The ``digits[.digits]`` number at each ``at``: whole part, fraction, number of fraction digits,
    and whether it has that shape (1-13 digits, then 1-6 after a dot) and ends at ``,`` or ``*``."""
    whole, n_whole = _sixbit.digit_run(buf, at, 14)
    dot = at + n_whole
    has_frac = buf[np.minimum(dot, buf.size - 1)] == _DOT
    frac, n_frac = _sixbit.digit_run(buf, dot + 1, 7)
    n_frac = np.where(has_frac, n_frac, 0)
    end = buf[np.minimum(np.where(has_frac, dot + 1 + n_frac, dot), buf.size - 1)]
    shaped = (n_whole >= 1) & (n_whole <= 13) & (~has_frac | ((n_frac >= 1) & (n_frac <= 6)))
    shaped &= (end == _COMMA) | (end == _STAR)
    return whole, np.where(has_frac, frac, 0), n_frac, shaped


def _times(
    buf: UInt8Array, marks: _Marks, s: Int64Array, bang: Int64Array
) -> tuple[Int64Array, BoolArray, BoolArray]:
    """Receiver time of each line (microseconds) and whether it has one: tag block ``c:``, else prefix.

    The third array marks the lines to leave to pyais: a tag block with more than one ``c:`` field or
    a ``c:`` value that is not ``digits[.digits]``.
    """
    ts = np.zeros(s.size, dtype=np.int64)
    has = np.zeros(s.size, dtype=bool)
    odd = np.zeros(s.size, dtype=bool)
    if s.size == 0:
        return ts, has, odd

    pre = (buf[s] >= 48) & (buf[s] <= 57)
    if pre.any():
        whole, frac, n_frac, _ = _number(buf, s[pre])
        us, ok = _unix_us(whole, frac, n_frac)
        ts[pre] = us
        has[pre] = ok

    slashes = marks.slashes
    if slashes.size:
        open_at = slashes[np.minimum(np.searchsorted(slashes, s), slashes.size - 1)]
        tag = (open_at >= s) & (open_at < bang)
        if tag.any():
            t_open = open_at[tag]
            stars = marks.stars
            t_star = stars[np.searchsorted(stars, t_open)]
            valid = _sixbit.xor_spans(buf, t_open + 1, t_star) == _sixbit.hex_byte(buf, t_star + 1)
            sep = marks.separators
            after = np.minimum(sep + 2, buf.size - 1)
            c_at = sep[(buf[after - 1] == _C) & (buf[after] == _COLON)] + 1
            at = np.searchsorted(c_at, t_open)
            n_c = np.searchsorted(c_at, t_star) - at
            c = c_at[np.minimum(at, max(c_at.size - 1, 0))] if c_at.size else t_star
            has_c = n_c == 1
            whole, frac, n_frac, shaped = _number(buf, np.where(has_c, c + 2, t_star))
            us, ok = _unix_us(whole, frac, n_frac)
            use = valid & ok & has_c & shaped
            rows = np.flatnonzero(tag)
            ts[rows[use]] = us[use]
            has[rows[use]] = True
            odd[rows[(n_c > 1) | (has_c & ~shaped)]] = True
    return ts, has, odd


@dataclass(frozen=True)
class _Layout:
    """Where a message keeps its kinematic fields: column → (first bit, width, signed)."""

    chars: int
    fields: dict[str, tuple[int, int, bool]]
    degrees: Callable[[Int64Array], FloatArray]
    tenths: bool
    """SOG and COG in tenths (types 1-3, 18, 19) or whole knots and degrees (type 27)."""


_CLASS_B = {
    "sog": (46, 10, False),
    "lon": (57, 28, True),
    "lat": (85, 27, True),
    "cog": (112, 12, False),
    "heading": (124, 9, False),
}
# ITU-R M.1371-5, messages 1-3 (§3.3.1), 18 (§3.3.18), 19 (§3.3.19) and 27 (§3.3.27): the bits pyais reads.
_LAYOUTS: dict[str, _Layout] = {
    "class_a": _Layout(
        28,
        {
            "status": (38, 4, False),
            "sog": (50, 10, False),
            "lon": (61, 28, True),
            "lat": (89, 27, True),
            "cog": (116, 12, False),
            "heading": (128, 9, False),
        },
        _sixbit.to_lat_lon,
        True,
    ),
    "class_b": _Layout(28, _CLASS_B, _sixbit.to_lat_lon, True),
    "class_b_extended": _Layout(52, _CLASS_B, _sixbit.to_lat_lon, True),
    "long_range": _Layout(
        16,
        {
            "status": (40, 4, False),
            "lon": (44, 18, True),
            "lat": (62, 17, True),
            "sog": (79, 6, False),
            "cog": (85, 9, False),
        },
        _sixbit.to_lat_lon_600,
        False,
    ),
}


@dataclass(frozen=True)
class _StaticSpec:
    """Where a message keeps the static columns: (first bit, width), or None when it has no such field.

    ``dims`` is the first bit of to-bow (9), to-stern (9), to-port (6), to-starboard (6).
    """

    imo: tuple[int, int] | None = None
    name: tuple[int, int] | None = None
    call_sign: tuple[int, int] | None = None
    ship_type: tuple[int, int] | None = None
    dims: int | None = None
    draught: tuple[int, int] | None = None
    listed_ship_types_only: bool = False
    """pyais keeps only the ship types its ``ShipType`` lists in messages 5 and 19 (others become 0)."""


# M.1371-5 message 5 (§3.3.5), 19 (§3.3.19), 24 part A and part B (§3.3.24).
_STATIC_5 = _StaticSpec(
    imo=(40, 30),
    call_sign=(70, 42),
    name=(112, 120),
    ship_type=(232, 8),
    dims=240,
    draught=(294, 8),
    listed_ship_types_only=True,
)
_STATIC_19 = _StaticSpec(name=(143, 120), ship_type=(263, 8), dims=271, listed_ship_types_only=True)
# What pyais's ShipType.from_value makes of each 8-bit value (unlisted ones become 0, "not available").
_SHIP_TYPE = np.array([int(ShipType.from_value(v) or 0) for v in range(256)], dtype=np.int64)
_STATIC_24A = _StaticSpec(name=(40, 120))
_STATIC_24B = _StaticSpec(ship_type=(40, 8), call_sign=(90, 42), dims=132)


def _nulls(n: int, type_: pa.DataType) -> pa.Array[Any]:
    out: pa.Array[Any] = pa.nulls(n, type_)  # type: ignore[call-overload]
    return out


def _nonzero(values: Int64Array | FloatArray, type_: pa.DataType) -> pa.Array[Any]:
    """``values`` with 0 as null (``_none_if_zero`` of quayside.ais.nmea)."""
    return pa.array(values, mask=values == 0).cast(type_)


@dataclass(frozen=True)
class _Context:
    buf: UInt8Array
    source: str
    first_line: int
    line: Int64Array
    """Block line index of each shaped line."""
    ts: Int64Array
    has_ts: BoolArray

    def _common(self, sel: Int64Array) -> tuple[pa.Array[Any], pa.Array[Any], pa.Array[Any]]:
        ts = pa.array(self.ts[sel], mask=~self.has_ts[sel]).cast(TS_TYPE)
        record = pa.array(self.line[sel] + self.first_line, type=pa.int64())
        return ts, _string_column(self.source, sel.size), record

    def position_batch(
        self, sel: Int64Array, chars: UInt8Array, layout: _Layout, mtype: Int64Array
    ) -> pa.RecordBatch:
        """Rows of :data:`POSITION_SCHEMA` of one message layout."""
        n = sel.size
        cols: dict[str, pa.Array[Any]] = {}
        for col, (start, width, signed) in layout.fields.items():
            raw = _sixbit.field(chars, start, width, signed=signed)
            if col == "status":
                cols[col] = pa.array(raw.astype(np.int16))
            elif col in ("lat", "lon"):
                cols[col] = pa.array(layout.degrees(raw))
            elif col in ("sog", "cog") and layout.tenths:
                cols[col] = pa.array(raw / 10.0)
            else:
                cols[col] = pa.array(raw.astype(np.float64))
        ts, source, record = self._common(sel)
        return pa.RecordBatch.from_arrays(
            [
                pa.array(_sixbit.field(chars, 8, 30)),
                ts,
                cols["lat"],
                cols["lon"],
                cols["sog"],
                cols["cog"],
                cols.get("heading", _nulls(n, pa.float64())),
                cols.get("status", _nulls(n, pa.int16())),
                pa.array(mtype.astype(np.int16)),
                source,
                record,
            ],
            schema=POSITION_SCHEMA,
        )

    def static_batch(self, sel: Int64Array, chars: UInt8Array, spec: _StaticSpec) -> pa.RecordBatch:
        """Rows of :data:`STATIC_SCHEMA` of one message layout."""
        n = sel.size

        def text(at: tuple[int, int] | None) -> pa.Array[Any]:
            return _nulls(n, pa.string()) if at is None else _sixbit.text(chars, *at)

        def number(at: tuple[int, int] | None, type_: pa.DataType, scale: float = 1.0) -> pa.Array[Any]:
            if at is None:
                return _nulls(n, type_)
            raw = _sixbit.field(chars, *at)
            return _nonzero(raw / scale if scale != 1.0 else raw, type_)

        if spec.ship_type is None:
            ship_type = _nulls(n, pa.int16())
        else:
            raw_type = _sixbit.field(chars, *spec.ship_type)
            if spec.listed_ship_types_only:
                raw_type = _SHIP_TYPE[raw_type]
            ship_type = _nonzero(raw_type, pa.int16())
        if spec.dims is None:
            length, width = _nulls(n, pa.float64()), _nulls(n, pa.float64())
        else:
            d = spec.dims
            along = _sixbit.field(chars, d, 9) + _sixbit.field(chars, d + 9, 9)
            across = _sixbit.field(chars, d + 18, 6) + _sixbit.field(chars, d + 24, 6)
            length, width = (
                _nonzero(along.astype(np.float64), pa.float64()),
                _nonzero(across.astype(np.float64), pa.float64()),
            )
        ts, source, record = self._common(sel)
        return pa.RecordBatch.from_arrays(
            [
                pa.array(_sixbit.field(chars, 8, 30)),
                ts,
                number(spec.imo, pa.int64()),
                text(spec.name),
                text(spec.call_sign),
                ship_type,
                length,
                width,
                number(spec.draught, pa.float64(), 10.0),
                source,
                record,
            ],
            schema=STATIC_SCHEMA,
        )


def _assemble(
    parts: list[tuple[Int64Array, pa.RecordBatch]], schema: pa.Schema, emit: Int64Array
) -> tuple[pa.RecordBatch, Int64Array]:
    """Batches of rows by shaped-line index → one batch in the order the messages completed, and that order."""
    if not parts:
        return pa.RecordBatch.from_pylist([], schema=schema), np.zeros(0, dtype=np.int64)
    lines = np.concatenate([emit[sel] for sel, _ in parts])
    order = np.argsort(lines, kind="stable")
    table = pa.Table.from_batches([b for _, b in parts], schema=schema).combine_chunks()
    if len(parts) > 1 and (order != np.arange(order.size)).any():
        table = table.take(order)
    batches = table.to_batches()
    batch = (
        batches[0]
        if len(batches) == 1
        else pa.Table.from_batches(batches, schema=schema).combine_chunks().to_batches()[0]
    )
    out: Int64Array = lines[order]
    return batch, out
