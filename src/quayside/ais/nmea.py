"""NMEA 0183 AIS logs (``!AIVDM``/``!AIVDO``, any talker) to canonical position and static rows.

Sentence parsing, fragment assembly and the bit decoding are pyais's; this module adds what archives
carry around the sentences and decides what each message becomes. By default the common lines
(position and static reports in their usual shapes, two-part type 5, with prefixes and tag blocks) are
decoded a block at a time by :mod:`quayside.ais.nmea_fast`, with the same values, rows, counts and
rejects (tested against pyais), and every other line by pyais as described here; ``decoder="pyais"``
sends every line to pyais, the reference:

- time, in this order of precedence: the ``c:`` field of an NMEA 4.10 tag block (Unix seconds), the
  time of a Gatehouse ``$PGHP`` wrapper (applies to the next AIS message, all its fragments), a leading
  Unix-time column (``1609459200 !AIVDM...`` or ``1609459200.123,!AIVDM...``). A message with none of
  them keeps ``ts`` null and is counted ``untimed``. A time outside 1980..2100 or from a tag block whose
  checksum fails is treated as absent: it would be wrong, not merely missing;
- position reports, types 1, 2, 3, 18, 19, 27 (ITU-R M.1371-5, messages 1-3, 18, 19, 27) → positions;
- static data, types 5 and 24 (and the static part of 19) → static;
- other AIS types and non-AIS NMEA sentences are ``ignored``; comments (``#``) and blank lines are not
  records at all.

Values are copied as transmitted (including "not available" codes such as lat 91 or SOG 102.3):
:func:`quayside.ais.clean.clean_positions` interprets them, for every source alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

import numpy as np
import pyarrow as pa
from pyais.exceptions import AISBaseException, UnknownMessageException
from pyais.messages import AISSentence, GatehouseSentence, NMEASentenceFactory

from quayside.ais import nmea_fast
from quayside.ais._batch import AisBatch, RowBuffer, empty_batch, position_buffer, static_buffer
from quayside.ais._sixbit import Int64Array
from quayside.ais.report import IngestReport, Reject, RejectReason
from quayside.ais.schema import POSITION_SCHEMA, STATIC_SCHEMA
from quayside.errors import ConfigError

Decoder = Literal["fast", "pyais"]
"""``"fast"``: :mod:`quayside.ais.nmea_fast` for the lines it can take, pyais for the rest; ``"pyais"``:
pyais for every line (the reference)."""

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_ONLY_TYPES = frozenset({5, 24})
_KINEMATIC = ("mmsi", "lat", "lon", "speed", "course")
_REQUIRED: dict[int, tuple[str, ...]] = {
    **dict.fromkeys(POSITION_TYPES, _KINEMATIC),
    19: (*_KINEMATIC, "ship_type"),
    **dict.fromkeys(STATIC_ONLY_TYPES, ("mmsi",)),
}
"""Fields a message must carry to be kept: a payload cut before them leaves nothing to copy."""

# Bounds of a believable receiver time, in Unix seconds (1980-01-01, 2100-01-01 UTC); outside them a
# field is a corrupt or foreign number, not a time.
_MIN_TS_S = 315_532_800
_MAX_TS_S = 4_102_444_800
# Some archives write Unix milliseconds; anything this large cannot be seconds before 2100.
_MS_THRESHOLD = 100_000_000_000
_EPOCH = dt.datetime(1970, 1, 1)
_US = dt.timedelta(microseconds=1)
_PREFIX = re.compile(rb"^(\d{9,13})(?:\.(\d{1,6}))?[\s,;]+(?=[!$\\])")
_MAX_PENDING = 1000
"""Unfinished multi-sentence messages kept at once; the oldest is rejected beyond it."""
_BLOCK_BYTES = 4 << 20
"""Bytes of whole lines handed to the fast decoder at a time."""


def _unix_to_us(whole: bytes | str, frac: bytes | str | None = None) -> int | None:
    seconds = int(whole)
    micros = 0
    if seconds >= _MS_THRESHOLD:
        seconds, millis = divmod(seconds, 1000)
        micros = millis * 1000
    elif frac:
        micros = int(str(frac if isinstance(frac, str) else frac.decode()).ljust(6, "0")[:6])
    if not _MIN_TS_S <= seconds < _MAX_TS_S:
        return None
    return seconds * 1_000_000 + micros


def _tag_block_ts(sentence: AISSentence) -> int | None:
    tb = sentence.tag_block
    if tb is None:
        return None
    tb.init()
    stamp = tb.receiver_timestamp
    if not tb.is_valid or not stamp:
        return None
    whole, _, frac = stamp.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        return None
    return _unix_to_us(whole, frac or None)


def _gatehouse_ts(wrapper: GatehouseSentence) -> int | None:
    stamp: dt.datetime = wrapper.timestamp
    us = (stamp.replace(tzinfo=None) - _EPOCH) // _US
    return us if _MIN_TS_S * 1_000_000 <= us < _MAX_TS_S * 1_000_000 else None


def _none_if_zero(value: Any) -> Any:
    return value if value else None


def _text(value: Any) -> str | None:
    text = str(value).replace("@", " ").strip() if value is not None else ""
    return text or None


def _dims(msg: Any) -> tuple[float | None, float | None]:
    bow, stern = getattr(msg, "to_bow", 0) or 0, getattr(msg, "to_stern", 0) or 0
    port, stbd = getattr(msg, "to_port", 0) or 0, getattr(msg, "to_starboard", 0) or 0
    # 0 in all four means "not available" (M.1371-5, message 5, reference point for position).
    return (float(bow + stern) or None, float(port + stbd) or None)


@dataclass
class _Pending:
    first_line: int
    ts: int | None
    lines: list[str] = field(default_factory=list)
    parts: dict[int, AISSentence] = field(default_factory=dict)


@dataclass
class _NmeaState:
    source: str
    report: IngestReport
    batch_rows: int
    positions: RowBuffer = field(default_factory=position_buffer)
    static: RowBuffer = field(default_factory=static_buffer)
    wrapper_ts: int | None = None
    wrapper_seen: bool = False
    pending: dict[tuple[int, str, int], _Pending] = field(default_factory=dict)

    def reject(self, line: int, reason: RejectReason, raw: str, fld: str = "sentence") -> None:
        self.report.read += 1
        self.report.reject(Reject(self.source, line, fld, reason.value, raw))

    def full(self) -> bool:
        return len(self.positions) + len(self.static) >= self.batch_rows

    def take(self) -> AisBatch:
        return AisBatch(self.positions.take(), self.static.take())


def _emit(state: _NmeaState, sentence: AISSentence, line: int, ts: int | None, raw: str) -> None:
    """Decode one complete message and route it to positions, static or ignored."""
    if not sentence.payload:
        state.reject(line, RejectReason.EMPTY_PAYLOAD, raw)
        return
    try:
        msg: Any = sentence.decode()
    except (AISBaseException, ValueError, IndexError, KeyError):
        state.reject(line, RejectReason.UNDECODABLE, raw)
        return
    mtype = int(msg.msg_type)
    missing = next((name for name in _REQUIRED.get(mtype, ()) if getattr(msg, name) is None), None)
    if missing is not None:
        # pyais decodes a payload cut short with the fields past its end as None.
        state.reject(line, RejectReason.UNDECODABLE, raw, missing)
        return
    report = state.report
    report.read += 1
    if mtype in POSITION_TYPES:
        report.accepted += 1
        if ts is None:
            report.untimed += 1
        status = getattr(msg, "status", None)
        heading = getattr(msg, "heading", None)
        state.positions.append(
            (
                int(msg.mmsi),
                ts,
                float(msg.lat),
                float(msg.lon),
                float(msg.speed),
                float(msg.course),
                None if heading is None else float(heading),
                None if status is None else int(status),
                mtype,
                state.source,
                line,
            )
        )
        if mtype == 19:
            length, width = _dims(msg)
            ship_type = _none_if_zero(int(msg.ship_type))
            state.static.append(
                (
                    int(msg.mmsi),
                    ts,
                    None,
                    _text(msg.shipname),
                    None,
                    ship_type,
                    length,
                    width,
                    None,
                    state.source,
                    line,
                )
            )
    elif mtype in STATIC_ONLY_TYPES:
        report.static += 1
        length, width = _dims(msg)
        ship_type = getattr(msg, "ship_type", None)
        draught = getattr(msg, "draught", None)
        state.static.append(
            (
                int(msg.mmsi),
                ts,
                _none_if_zero(getattr(msg, "imo", None)),
                _text(getattr(msg, "shipname", None)),
                _text(getattr(msg, "callsign", None)),
                None if ship_type is None else _none_if_zero(int(ship_type)),
                length,
                width,
                None if draught is None else _none_if_zero(float(draught)),
                state.source,
                line,
            )
        )
    else:
        report.ignored += 1


def _fragment(state: _NmeaState, sentence: AISSentence, line: int, ts: int | None, raw: str) -> None:
    """Buffer one fragment of a multi-sentence message; emit the message when it is complete."""
    key = (sentence.seq_id if sentence.seq_id is not None else -1, sentence.channel, sentence.frag_cnt)
    pending = state.pending.get(key)
    if pending is not None and sentence.frag_num in pending.parts:
        # The same fragment again: the earlier message never completed.
        del state.pending[key]
        state.reject(pending.first_line, RejectReason.INCOMPLETE_MESSAGE, "\n".join(pending.lines))
        pending = None
    if pending is None:
        if len(state.pending) >= _MAX_PENDING:
            oldest = next(iter(state.pending))
            stale = state.pending.pop(oldest)
            state.reject(stale.first_line, RejectReason.INCOMPLETE_MESSAGE, "\n".join(stale.lines))
        pending = state.pending[key] = _Pending(line, ts)
    pending.parts[sentence.frag_num] = sentence
    pending.lines.append(raw)
    if pending.ts is None:
        pending.ts = ts
    if len(pending.parts) == sentence.frag_cnt:
        del state.pending[key]
        parts = [pending.parts[i] for i in sorted(pending.parts)]
        full = AISSentence.assemble_from_iterable(parts)
        _emit(state, full, pending.first_line, pending.ts, "\n".join(pending.lines))


def _line(state: _NmeaState, lineno: int, stripped: bytes) -> None:
    raw = stripped.decode("latin-1")
    prefix_ts: int | None = None
    match = _PREFIX.match(stripped)
    if match is not None:
        prefix_ts = _unix_to_us(match.group(1), match.group(2))
        stripped = stripped[match.end() :]
    if stripped[:1] not in (b"!", b"$", b"\\"):
        state.reject(lineno, RejectReason.NOT_NMEA, raw)
        return
    try:
        sentence = NMEASentenceFactory.produce(stripped)
    except AISBaseException as err:
        # pyais raises UnknownMessageException for well-formed NMEA that is not AIS ($GPGGA...).
        if isinstance(err, UnknownMessageException) and stripped[:1] == b"$":
            state.report.read += 1
            state.report.ignored += 1
        else:
            state.reject(lineno, RejectReason.UNDECODABLE, raw)
        return
    except (ValueError, IndexError, UnicodeDecodeError):
        state.reject(lineno, RejectReason.UNDECODABLE, raw)
        return
    if isinstance(sentence, GatehouseSentence):
        state.wrapper_ts = _gatehouse_ts(sentence)
        state.wrapper_seen = True
        return
    if not isinstance(sentence, AISSentence):
        state.report.read += 1
        state.report.ignored += 1
        return
    ts = _tag_block_ts(sentence)
    if state.wrapper_seen:
        ts = ts if ts is not None else state.wrapper_ts
        state.wrapper_ts, state.wrapper_seen = None, False
    if ts is None:
        ts = prefix_ts
    if not sentence.is_valid:
        state.reject(lineno, RejectReason.BAD_CHECKSUM, raw)
        return
    if sentence.frag_cnt == 1:
        _emit(state, sentence, lineno, ts, raw)
    else:
        _fragment(state, sentence, lineno, ts, raw)


def _blocks(fh: IO[bytes]) -> Iterator[bytes]:
    """The stream as blocks of whole lines, each ending with a newline (one is added to the last line)."""
    rest = b""
    while True:
        data = fh.read(_BLOCK_BYTES)
        if not data:
            if rest:
                yield rest + b"\n"
            return
        data = rest + data if rest else data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data
            continue
        rest = data[cut:]
        yield data[:cut]


def _slow(state: _NmeaState, lineno: int, raw_line: bytes) -> None:
    stripped = raw_line.strip()
    if stripped and not stripped.startswith(b"#"):
        _line(state, lineno, stripped)


def _pair_key(line: bytes) -> tuple[int, str, int]:
    """The ``_fragment`` key of the first line of a fast two-part message (shape checked by the scan)."""
    fields = line[line.index(b"!") :].split(b",", 5)
    return (int(fields[3]) if fields[3] else -1, fields[4].decode("ascii"), 2)


@dataclass
class _FastBlock:
    """One block through :func:`nmea_fast.scan`, the lines it left through pyais, in the order of the log."""

    state: _NmeaState
    block: bytes
    first: int
    scan: nmea_fast.Scan
    dropped: set[int] = field(default_factory=set)
    position_keys: list[int] = field(default_factory=list)
    static_keys: list[int] = field(default_factory=list)
    fast_lines: Int64Array = field(init=False)
    pair_set: set[int] = field(init=False)

    def __post_init__(self) -> None:
        self.fast_lines = np.flatnonzero(self.scan.fast)
        self.pair_set = set(self.scan.pairs.tolist())

    def slow(self, i: int) -> None:
        state = self.state
        n_pos, n_static = len(state.positions), len(state.static)
        _slow(state, self.first + i, self.block[self.scan.starts[i] : self.scan.ends[i]])
        self.position_keys.extend([i] * (len(state.positions) - n_pos))
        self.static_keys.extend([i] * (len(state.static) - n_static))

    def demote(self, lines: list[int]) -> None:
        """Give fast lines to pyais after all (their outputs from the scan are dropped)."""
        for i in lines:
            self.dropped.add(i)
            self.slow(i)

    def after(self, i: int, next_event: int | None) -> None:
        """A Gatehouse wrapper times the next AIS line: if that is a fast one, pyais must read it."""
        fast_lines = self.fast_lines
        while self.state.wrapper_seen:
            at = int(np.searchsorted(fast_lines, i, side="right"))
            if at == fast_lines.size or (next_event is not None and next_event < fast_lines[at]):
                return
            j = int(fast_lines[at])
            lines = [j, j + 1] if j in self.pair_set else [j]
            self.demote(lines)
            i = lines[-1]

    def pair(self, i: int) -> None:
        """A fast two-part message starts at line ``i``: settle what ``_fragment`` would with the pending."""
        state = self.state
        if not state.pending:
            return
        key = _pair_key(self.block[self.scan.starts[i] : self.scan.ends[i]])
        pending = state.pending.get(key)
        if pending is not None and 1 not in pending.parts:
            # Its first part would complete an earlier second part: pyais must assemble that.
            self.demote([i, i + 1])
            return
        if pending is not None:
            del state.pending[key]
            state.reject(pending.first_line, RejectReason.INCOMPLETE_MESSAGE, "\n".join(pending.lines))
        elif len(state.pending) >= _MAX_PENDING:
            oldest = next(iter(state.pending))
            stale = state.pending.pop(oldest)
            state.reject(stale.first_line, RejectReason.INCOMPLETE_MESSAGE, "\n".join(stale.lines))

    def run(self) -> tuple[pa.RecordBatch, Int64Array, pa.RecordBatch, Int64Array]:
        """Process the block; its position and static rows with the global line each was emitted at."""
        scan = self.scan
        events = np.union1d(np.flatnonzero(~scan.fast & ~scan.blank), scan.pairs).tolist()
        self.after(-1, events[0] if events else None)
        for k, i in enumerate(events):
            if i in self.dropped:
                continue
            if i in self.pair_set:
                self.pair(i)
                continue
            self.slow(i)
            self.after(i, events[k + 1] if k + 1 < len(events) else None)
        return self._merge()

    def _merge(self) -> tuple[pa.RecordBatch, Int64Array, pa.RecordBatch, Int64Array]:
        scan, report = self.scan, self.state.report
        message_line, kind = scan.message_line, scan.message_kind
        positions, position_line = scan.positions, scan.position_line
        static, static_line = scan.static, scan.static_line
        if self.dropped:
            dropped = np.fromiter(self.dropped, dtype=np.int64)
            keep = ~np.isin(message_line, dropped)
            message_line, kind = message_line[keep], kind[keep]
            keep_pos = ~np.isin(position_line, dropped)
            positions, position_line = positions.filter(pa.array(keep_pos)), position_line[keep_pos]
            keep_static = ~np.isin(static_line, dropped)
            static, static_line = static.filter(pa.array(keep_static)), static_line[keep_static]
        rejected = (kind == nmea_fast.EMPTY) | (kind == nmea_fast.BAD_CHECKSUM)
        for i, k in zip(message_line[rejected].tolist(), kind[rejected].tolist(), strict=True):
            raw = self.block[scan.starts[i] : scan.ends[i]].strip().decode("latin-1")
            reason = RejectReason.EMPTY_PAYLOAD if k == nmea_fast.EMPTY else RejectReason.BAD_CHECKSUM
            self.state.reject(self.first + i, reason, raw)
        report.read += int(np.count_nonzero(~rejected))
        report.accepted += int(np.count_nonzero((kind == nmea_fast.POSITION) | (kind == nmea_fast.BOTH)))
        report.static += int(np.count_nonzero(kind == nmea_fast.STATIC))
        report.ignored += int(np.count_nonzero(kind == nmea_fast.IGNORED))
        report.untimed += positions.column(1).null_count
        pos, pos_keys = _interleave(positions, position_line, self.state.positions.take(), self.position_keys)
        sta, sta_keys = _interleave(static, static_line, self.state.static.take(), self.static_keys)
        return pos, pos_keys + self.first, sta, sta_keys + self.first


def _interleave(
    fast: pa.RecordBatch, fast_keys: Int64Array, slow: pa.RecordBatch, slow_keys: list[int]
) -> tuple[pa.RecordBatch, Int64Array]:
    """Rows of both sources in the order of the lines at which they were emitted."""
    if not slow_keys:
        return fast, fast_keys
    if not fast.num_rows:
        return slow, np.asarray(slow_keys, dtype=np.int64)
    keys = np.concatenate((fast_keys, np.asarray(slow_keys, dtype=np.int64)))
    order = np.argsort(keys, kind="stable")
    table = pa.Table.from_batches([fast, slow]).take(order).combine_chunks()
    return _one_batch(table), keys[order]


def _one_batch(table: pa.Table) -> pa.RecordBatch:
    batches = table.combine_chunks().to_batches()
    return batches[0] if len(batches) == 1 else empty_batch(table.schema)


def _iter_fast(state: _NmeaState, fh: IO[bytes], tick: Callable[[], None] | None) -> Iterator[AisBatch]:
    """The lines of ``fh`` through :func:`nmea_fast.scan`, the lines it leaves through :func:`_line`.

    Batches end after the same lines as with pyais alone: after the line that brings the rows of the
    batch (positions and static) to ``batch_rows``.
    """
    pos: list[pa.RecordBatch] = []
    pos_keys: list[Int64Array] = []
    sta: list[pa.RecordBatch] = []
    sta_keys: list[Int64Array] = []
    rows = 0
    first = 1

    def cut(final: bool) -> Iterator[AisBatch]:
        nonlocal pos, pos_keys, sta, sta_keys, rows
        p_table = pa.Table.from_batches(pos, schema=POSITION_SCHEMA)
        s_table = pa.Table.from_batches(sta, schema=STATIC_SCHEMA)
        pk = np.concatenate(pos_keys) if pos_keys else np.zeros(0, dtype=np.int64)
        sk = np.concatenate(sta_keys) if sta_keys else np.zeros(0, dtype=np.int64)
        while pk.size + sk.size >= state.batch_rows:
            last = np.sort(np.concatenate((pk, sk)))[state.batch_rows - 1]
            n_p = int(np.searchsorted(pk, last, side="right"))
            n_s = int(np.searchsorted(sk, last, side="right"))
            yield AisBatch(_one_batch(p_table.slice(0, n_p)), _one_batch(s_table.slice(0, n_s)))
            if tick is not None:
                tick()
            p_table, s_table, pk, sk = p_table.slice(n_p), s_table.slice(n_s), pk[n_p:], sk[n_s:]
        if final:
            yield AisBatch(_one_batch(p_table), _one_batch(s_table))
            if tick is not None:
                tick()
            return
        pos, pos_keys, sta, sta_keys = [_one_batch(p_table)], [pk], [_one_batch(s_table)], [sk]
        rows = pk.size + sk.size

    for block in _blocks(fh):
        scan = nmea_fast.scan(block, state.source, first)
        p, p_keys, s, s_keys = _FastBlock(state, block, first, scan).run()
        pos.append(p)
        pos_keys.append(p_keys)
        sta.append(s)
        sta_keys.append(s_keys)
        rows += p.num_rows + s.num_rows
        first += scan.starts.size
        if rows >= state.batch_rows:
            yield from cut(final=False)
    for pending in state.pending.values():
        state.reject(pending.first_line, RejectReason.INCOMPLETE_MESSAGE, "\n".join(pending.lines))
    state.pending.clear()
    rows_left = state.take()
    pos.append(rows_left.positions)
    pos_keys.append(np.full(rows_left.positions.num_rows, first, dtype=np.int64))
    sta.append(rows_left.static)
    sta_keys.append(np.full(rows_left.static.num_rows, first, dtype=np.int64))
    yield from cut(final=True)


def iter_nmea(
    fh: IO[bytes],
    source: str,
    report: IngestReport,
    *,
    batch_rows: int = 100_000,
    tick: Callable[[], None] | None = None,
    decoder: Decoder = "fast",
) -> Iterator[AisBatch]:
    """Decode an NMEA AIS log into batches of at most about ``batch_rows`` rows.

    Parameters
    ----------
    fh
        The decompressed binary stream.
    source
        Name written in the ``source`` column and in rejects.
    report
        Updated in place as lines are read (counts, rejects).
    batch_rows
        Rows (positions + static) per yielded batch.
    tick
        Called after each batch, for progress.
    decoder
        ``"fast"`` (the default) or ``"pyais"``: see :data:`Decoder`. Both give the same rows, counts and
        rejects; only the batch boundaries may differ.
    """
    state = _NmeaState(source, report, batch_rows)
    if decoder == "fast":
        yield from _iter_fast(state, fh, tick)
        return
    if decoder != "pyais":
        raise ConfigError(
            "unknown NMEA decoder",
            source=source,
            field="decoder",
            value=decoder,
            hint="use 'fast' or 'pyais'",
        )
    for lineno, line in enumerate(fh, start=1):
        _slow(state, lineno, line)
        if state.full():
            yield state.take()
            if tick is not None:
                tick()
    for pending in state.pending.values():
        state.reject(pending.first_line, RejectReason.INCOMPLETE_MESSAGE, "\n".join(pending.lines))
    state.pending.clear()
    yield state.take()
    if tick is not None:
        tick()
