"""Vectorised pieces of AIS payload decoding: 6-bit armouring, bit fields, pyais's unit conversions.

The payload armouring is ITU-R M.1371-5 / IEC 61162-1 (each character carries six bits: ``c - 48``,
minus 8 more above ``W``). Every function works on whole columns (NumPy arrays) and gives, value for
value, what pyais's converters give for one message: :func:`to_lat_lon` is pyais's ``to_lat_lon`` (the
raw 1/10 000 minute count rounded to 1e-6 degree by integer arithmetic), :func:`to_lat_lon_600` its
``to_lat_lon_600`` (message 27, 1/10 minute).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Int64Array = npt.NDArray[np.int64]
UInt8Array = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float64]

INVALID = 255
"""Marks a byte that is not a payload character (in :data:`SIXBIT`) or not a hex digit (in :data:`HEX`)."""


def _sixbit_table() -> UInt8Array:
    table = np.full(256, INVALID, dtype=np.uint8)
    for code in range(48, 88):  # "0".."W" → 0..39
        table[code] = code - 48
    for code in range(96, 120):  # "`".."w" → 40..63
        table[code] = code - 56
    return table


def _hex_table() -> UInt8Array:
    table = np.full(256, INVALID, dtype=np.uint8)
    for i, ch in enumerate(b"0123456789ABCDEF"):
        table[ch] = i
    for i, ch in enumerate(b"abcdef"):
        table[ch] = 10 + i
    return table


def _text_table() -> UInt8Array:
    # The AIS 6-bit character set: 0..31 are "@A".."_", 32..63 are " ".."?" (M.1371-5, table 47).
    return np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)


SIXBIT = _sixbit_table()
"""Payload character (byte value) → its six bits."""
HEX = _hex_table()
"""Hex digit (byte value) → 0..15."""
TEXT = _text_table()
"""6-bit value → its character in AIS text fields (byte value)."""


def field(chars: UInt8Array, start: int, width: int, *, signed: bool = False) -> Int64Array:
    """Bits ``start .. start + width - 1`` of each row of a matrix of 6-bit values, as integers.

    Parameters
    ----------
    chars
        ``(rows, characters)`` 6-bit values (:data:`SIXBIT` applied to the payload bytes).
    start, width
        Bit offset from the start of the payload and field width (at most 57 bits).
    signed
        Two's complement field (latitude, longitude, rate of turn).
    """
    first, last = start // 6, (start + width - 1) // 6
    acc = np.zeros(chars.shape[0], dtype=np.int64)
    for col in range(first, last + 1):
        acc = (acc << 6) | chars[:, col].astype(np.int64)
    acc = (acc >> (6 * (last + 1) - (start + width))) & ((1 << width) - 1)
    if signed:
        acc = acc - ((acc >> (width - 1)) << width)
    return acc


def to_lat_lon(raw: Int64Array) -> FloatArray:
    """1/10 000 minute → degrees rounded to 1e-6, bit for bit as pyais's ``to_lat_lon``."""
    out: FloatArray = ((10 * raw + 3) // 6) / 1e6
    return out


def to_lat_lon_600(raw: Int64Array) -> FloatArray:
    """1/10 minute (message 27) → degrees rounded to 1e-6, bit for bit as pyais's ``to_lat_lon_600``."""
    out: FloatArray = ((10_000 * raw + 3) // 6) / 1e6
    return out


def xor_spans(buf: UInt8Array, starts: Int64Array, ends: Int64Array) -> Int64Array:
    """XOR of the bytes ``buf[starts[i]:ends[i]]`` for each ``i`` (spans ascending, not overlapping, not empty).

    This is the NMEA checksum of each span.
    """
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.empty(2 * starts.size, dtype=np.int64)
    idx[0::2] = starts
    idx[1::2] = ends
    # reduceat reduces buf[idx[k]:idx[k + 1]]; the even entries are the spans, the odd ones the gaps.
    # The last end may be len(buf): reduceat needs indices < len, so the final gap is dropped.
    if idx[-1] >= buf.size:
        out = np.bitwise_xor.reduceat(buf, idx[:-1])[0::2]
    else:
        out = np.bitwise_xor.reduceat(buf, idx)[0::2]
    return out.astype(np.int64)


def hex_byte(buf: UInt8Array, at: Int64Array) -> Int64Array:
    """The two hex digits at ``buf[at]``, ``buf[at + 1]`` as a number (callers checked they are hex)."""
    return (HEX[buf[at]].astype(np.int64) << 4) | HEX[buf[at + 1]].astype(np.int64)


_POW10F = 10.0 ** np.arange(16)


def digit_run(buf: UInt8Array, at: Int64Array, max_len: int) -> tuple[Int64Array, Int64Array]:
    """The run of ASCII digits at each ``at`` (at most ``max_len``, ≤ 15): its value and its length.

    Values below 10**15 are exact in float64, so each run length is one matrix product.
    """
    n = at.size
    window = buf[np.minimum(at[:, None] + np.arange(max_len), buf.size - 1)]
    is_digit = np.zeros((n, max_len + 1), dtype=bool)
    is_digit[:, :max_len] = (window >= 48) & (window <= 57)
    length = np.argmin(is_digit, axis=1).astype(np.int64)
    value = np.zeros(n, dtype=np.int64)
    for size in np.flatnonzero(np.bincount(length, minlength=1)).tolist():
        if size == 0:
            continue
        rows = length == size
        digits = window[rows, :size].astype(np.float64) - 48.0
        value[rows] = (digits @ _POW10F[size - 1 :: -1]).astype(np.int64)
    return value, length


def text(chars: UInt8Array, start: int, width: int) -> pa.Array[Any]:
    """Text fields of ``width`` bits at ``start``, cleaned as :func:`quayside.ais.nmea._text` cleans pyais's.

    ``@`` (padding) becomes a space, surrounding spaces go, and an empty text is null.
    """
    size = width // 6
    if start % 6:
        # Not on a character boundary: rebuild each 6-bit character from the bits.
        values = np.stack([field(chars, start + 6 * k, 6) for k in range(size)], axis=1).astype(np.uint8)
    else:
        values = chars[:, start // 6 : start // 6 + size]
    n = values.shape[0]
    offsets = np.arange(n + 1, dtype=np.int32) * size
    raw = pa.StringArray.from_buffers(n, pa.py_buffer(offsets.data), pa.py_buffer(TEXT[values].tobytes()))
    cleaned = pc.utf8_trim(pc.replace_substring(raw, "@", " "), " ")
    empty = pc.equal(pc.binary_length(cleaned), pa.scalar(0, pa.int32()))
    out: pa.Array[Any] = pc.if_else(empty, None, cleaned)
    return out
