"""NMEA 0183 AIS logs (``!AIVDM``/``!AIVDO``, any talker) to canonical position and static rows.

Sentence parsing, fragment assembly and the bit decoding are pyais's; this module adds what archives
carry around the sentences and decides what each message becomes:

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
from typing import IO, Any

from pyais.exceptions import AISBaseException, UnknownMessageException
from pyais.messages import AISSentence, GatehouseSentence, NMEASentenceFactory

from quayside.ais._batch import AisBatch, RowBuffer, position_buffer, static_buffer
from quayside.ais.report import IngestReport, Reject, RejectReason

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_ONLY_TYPES = frozenset({5, 24})

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
    report = state.report
    report.read += 1
    mtype = int(msg.msg_type)
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


def iter_nmea(
    fh: IO[bytes],
    source: str,
    report: IngestReport,
    *,
    batch_rows: int = 100_000,
    tick: Callable[[], None] | None = None,
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
    """
    state = _NmeaState(source, report, batch_rows)
    for lineno, line in enumerate(fh, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        _line(state, lineno, stripped)
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
