"""EDIFACT plumbing shared by the message mappers: splitting, tokenising (pydifact), element access, and the
code tables of UN/EDIFACT D.00B data elements used by the SMDG container messages.

An interchange is split into segments here (honouring the UNA service string and the release character),
each segment is tokenised on its own with pydifact, and segments are grouped into messages by ``UNH`` /
``UNT``. A segment that pydifact cannot tokenise breaks only its own message.

Timestamps: DTM format 203 (``CCYYMMDDHHMM``) and 204 (``CCYYMMDDHHMMSS``) have no zone; formats 205
(``CCYYMMDDHHMMZHHMM``, Z = ``+``/``-``) and 303 (``CCYYMMDDHHMMZZZ``, ZZZ = ``UTC``/``GMT`` or a signed
hour offset such as ``+09``) carry one. A zone-less time takes the zone of the event's port from
``data/unlocode_timezones.csv``; when the port is unknown the message is rejected, never guessed. An offset
that cannot be one (hours over 23, minutes over 59) or a time outside the range of
:mod:`quayside.visibility.timeparse` once in UTC rejects the message too.

The service string advice ``UNA`` is the three letters and exactly six service characters; a shorter one
(the text ends, or a letter, digit or line break comes first) leaves the whole interchange unreadable
(:class:`~quayside.errors.InputError` naming ``UNA``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError, ValidationError
from pydifact.parser import Parser, TokenIterator
from pydifact.tokenizer import Tokenizer

from quayside.errors import InputError
from quayside.visibility import iso6346, timeparse
from quayside.visibility.codes import EmptyIndicator, ModeOfTransport, is_unlocode
from quayside.visibility.rejects import Reject
from quayside.visibility.timezones import port_zone

Element = str | list[str]

#: DE 8067 mode of transport, coded (UN/EDIFACT Recommendation 19).
MODE_OF_TRANSPORT_8067: dict[str, ModeOfTransport] = {
    "1": ModeOfTransport.VESSEL,
    "2": ModeOfTransport.RAIL,
    "3": ModeOfTransport.TRUCK,
    "8": ModeOfTransport.BARGE,
}

#: DE 8169 full/empty indicator, coded (6th data element of EQD): 4 = empty, 5 = full.
FULL_EMPTY_8169: dict[str, EmptyIndicator] = {"4": EmptyIndicator.EMPTY, "5": EmptyIndicator.LADEN}

#: DE 1153 reference qualifier (RFF) → the event field it fills.
REFERENCE_1153: dict[str, str] = {"BN": "booking", "BM": "transport_document", "VON": "voyage"}

#: Longest value of the elements that become DCSA fields: the TNT 2.2 ``maxLength`` of that field. A longer
#: value rejects its message (it would not fit the stored document).
MAX_LENGTH: dict[str, int] = {
    "terminal": 6,  # LOC C519 DE 3223 -> facilityCode
    "size_type": 4,  # EQD C224 DE 8155 -> ISOEquipmentCode
    "voyage": 50,  # TDT DE 8028, RFF VON -> carrierVoyageNumber
    "booking": 35,  # RFF BN -> carrierBookingReference
    "transport_document": 20,  # RFF BM -> transportDocumentReference
}

#: DE 2379 date/time format → (strptime pattern of the date-time part, length of that part).
_DTM_FORMATS: dict[str, tuple[str, int]] = {
    "203": ("%Y%m%d%H%M", 12),
    "204": ("%Y%m%d%H%M%S", 14),
    "205": ("%Y%m%d%H%M", 12),
    "303": ("%Y%m%d%H%M", 12),
}


class MessageError(Exception):
    """A segment of one message cannot be mapped; the message is rejected with this position."""

    def __init__(self, segment: Segment, element: int, reason: str, value: object = None) -> None:
        self.segment = segment
        self.element = element
        self.reason = reason
        self.value = value
        super().__init__(reason)


@dataclass(frozen=True)
class Segment:
    """One tokenised segment; ``number`` is its position in the message (UNH = 1)."""

    tag: str
    elements: tuple[Element, ...]
    number: int

    def component(self, element: int, component: int = 0) -> str | None:
        """Component ``component`` (0-based) of data element ``element`` (1-based, after the tag)."""
        if element > len(self.elements):
            return None
        value = self.elements[element - 1]
        if isinstance(value, list):
            text = value[component] if component < len(value) else ""
        else:
            text = value if component == 0 else ""
        return text or None


@dataclass
class Message:
    """One UNH…UNT message: its reference, type, association code and segments."""

    index: int  # 1-based position in the interchange
    reference: str
    type_code: str
    association_code: str | None  # UNH DE 0068 common access reference (SMDG: LOADINGCOPRAR)
    segments: list[Segment] = field(default_factory=list)
    broken: Reject | None = None

    def label(self) -> str:
        return f"{self.type_code} message {self.reference}"


def reject_for(message: Message, error: MessageError, source: str | None) -> Reject:
    """The :class:`Reject` that names message, segment number and element of a :class:`MessageError`."""
    where = (
        f"UNH {message.reference} segment {error.segment.number} {error.segment.tag} element {error.element}"
    )
    return Reject(message.index, where, error.reason, error.value, source)


#: ``UNA`` and its six service characters: component and element separators, decimal mark, release
#: character, a reserved character and the segment terminator (ISO 9735, service string advice).
_UNA_LENGTH = 9


def _service_characters(advice: str) -> int:
    """How many of the characters after ``UNA`` can be service characters: a letter, a digit or a line
    break is where the advice was cut short and the next segment (or the end) begins."""
    count = 0
    for char in advice[3:_UNA_LENGTH]:
        if char.isalnum() or char in "\r\n":
            break
        count += 1
    return count


def _fits(seg: Segment, element: int, name: str, value: str | None) -> str | None:
    """``value`` when it is no longer than ``MAX_LENGTH[name]``; a :class:`MessageError` otherwise."""
    limit = MAX_LENGTH[name]
    if value is not None and len(value) > limit:
        shown = value[:40] + ("..." if len(value) > 40 else "")
        raise MessageError(seg, element, f"longer than {limit} characters", shown)
    return value


def _characters(text: str, source: str | None) -> tuple[Characters, str]:
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith("UNA"):
        advice = stripped[:_UNA_LENGTH]
        count = _service_characters(advice)
        if count < _UNA_LENGTH - 3:
            raise InputError(
                f"service string advice must be 'UNA' and 6 service characters; this one has {count}",
                source=source,
                field="UNA",
                value=stripped[: 3 + count],
                hint="e.g. UNA:+.? ' or leave UNA out for the default characters",
            )
        return Characters.from_str(advice), stripped[_UNA_LENGTH:]
    return Characters.from_str("UNA:+.? '"), stripped


def _split(text: str, chars: Characters) -> Iterator[str]:
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == chars.escape_character:
            current.append(char)
            escaped = True
        elif char == chars.segment_terminator:
            segment = "".join(current).strip("\r\n\t ")
            if segment:
                yield segment + char
            current = []
        else:
            current.append(char)
    rest = "".join(current).strip("\r\n\t ")
    if rest:
        yield rest  # no terminator: pydifact reports it as a syntax error


def _tokenise(segment_text: str, chars: Characters, parser: Parser) -> list[Element]:
    tokens = TokenIterator(Tokenizer().get_tokens(segment_text, chars))
    raws = list(parser.convert_tokens_to_raw_segments(tokens))
    if len(raws) != 1 or not isinstance(raws[0][0], str) or not raws[0][0].isalnum():
        raise EDISyntaxError(f"not one segment: {segment_text[:40]!r}")
    return list(raws[0])


def split_messages(text: str, *, source: str | None = None) -> list[Message]:
    """Split an interchange into messages; a segment pydifact cannot read marks its message broken.

    Raises
    ------
    InputError
        When the ``UNA`` service string advice is cut short.
    """
    chars, body = _characters(text, source)
    parser = Parser(characters=chars)
    messages: list[Message] = []
    current: Message | None = None
    for segment_text in _split(body, chars):
        try:
            raw = _tokenise(segment_text, chars, parser)
        except (EDISyntaxError, ValidationError, ValueError, IndexError) as exc:
            if current is not None and current.broken is None:
                number = len(current.segments) + 1
                current.broken = Reject(
                    current.index,
                    f"UNH {current.reference} segment {number} element 0",
                    f"EDIFACT syntax error: {exc}",
                    segment_text[:60],
                )
                current.segments.append(Segment("???", (), number))
            continue
        tag, elements = str(raw[0]), tuple(raw[1:])
        if tag == "UNH":
            seg = Segment(tag, elements, 1)
            current = Message(
                index=len(messages) + 1,
                reference=seg.component(1) or "?",
                type_code=seg.component(2, 0) or "?",
                association_code=seg.component(3),
                segments=[seg],
            )
            messages.append(current)
        elif current is not None:
            current.segments.append(Segment(tag, elements, len(current.segments) + 1))
            if tag == "UNT":
                current = None
    return messages


def split_groups(segments: Sequence[Segment], trigger: str) -> tuple[list[Segment], list[list[Segment]]]:
    """Header segments before the first ``trigger`` tag, and one group per ``trigger`` (until CNT/UNT)."""
    header: list[Segment] = []
    groups: list[list[Segment]] = []
    for seg in segments:
        if seg.tag in ("CNT", "UNT"):
            break
        if seg.tag == trigger:
            groups.append([seg])
        elif groups:
            groups[-1].append(seg)
        else:
            header.append(seg)
    return header, groups


def first(segments: Sequence[Segment], tag: str, qualifier: str | None = None) -> Segment | None:
    """The first segment with ``tag`` (and first component of element 1 equal to ``qualifier``)."""
    for seg in segments:
        if seg.tag == tag and (qualifier is None or seg.component(1) == qualifier):
            return seg
    return None


def location(
    segments: Sequence[Segment], qualifiers: Sequence[str]
) -> tuple[str | None, str | None, Segment | None]:
    """(UN/LOCODE, SMDG terminal code, segment) of the first LOC with one of ``qualifiers``, in that order.

    LOC+<3227>+<3225 place>:139:6+<3223 terminal>:TER:ZZZ — the terminal is read from C519 when present.
    """
    for qualifier in qualifiers:
        seg = first(segments, "LOC", qualifier)
        if seg is not None:
            code = seg.component(2, 0)
            if code is not None and not is_unlocode(code):
                raise MessageError(seg, 2, "not a UN/LOCODE", code)
            return code, _fits(seg, 3, "terminal", seg.component(3, 0)), seg
    return None, None, None


def references(segments: Sequence[Segment]) -> dict[str, list[str]]:
    """RFF values by name (``booking``, ``transport_document``, ``voyage``), per :data:`REFERENCE_1153`."""
    found: dict[str, list[str]] = {}
    for seg in segments:
        if seg.tag == "RFF":
            name = REFERENCE_1153.get(seg.component(1) or "")
            value = seg.component(1, 1)
            if name is not None and value is not None:
                found.setdefault(name, []).append(_fits(seg, 1, name, value) or value)
    return found


@dataclass(frozen=True)
class Equipment:
    """What an EQD segment says: container number, ISO size-type, full/empty."""

    reference: str
    iso_code: str | None
    empty: EmptyIndicator


def equipment(seg: Segment) -> Equipment:
    """Read ``EQD+CN+<id>+<size-type>:102:5+<supplier>+<status>+<full/empty>``."""
    reference = seg.component(2)
    if reference is None or not iso6346.is_valid(reference):
        raise MessageError(seg, 2, "not an ISO 6346 container number", reference)
    indicator = seg.component(6)
    empty = FULL_EMPTY_8169.get(indicator or "")
    if empty is None:
        raise MessageError(seg, 6, "full/empty indicator (DE 8169) must be 4 (empty) or 5 (full)", indicator)
    return Equipment(reference, _fits(seg, 3, "size_type", seg.component(3)), empty)


@dataclass(frozen=True)
class Vessel:
    """The vessel of a TDT segment (main carriage)."""

    voyage: str | None
    imo: str | None
    name: str | None
    mode: ModeOfTransport | None


def vessel(seg: Segment) -> Vessel:
    """``TDT+20+<voyage>+<mode>++<carrier>:172:20+++<id>:<1131>:<3055>:<name>``; IMO when agency 11 (Lloyd's)
    or code list 146 with a 7-digit id."""
    ident, code_list, agency, name = (seg.component(8, i) for i in range(4))
    imo = (
        ident
        if ident and ident.isdigit() and len(ident) == 7 and (agency == "11" or code_list == "146")
        else None
    )
    mode = MODE_OF_TRANSPORT_8067.get(seg.component(3) or "")
    return Vessel(_fits(seg, 2, "voyage", seg.component(2)), imo, name, mode)


def _offset_zone(text: str) -> tzinfo | None:
    if text in ("UTC", "GMT", "Z"):
        return UTC
    match = re.fullmatch(r"([+-])(\d{2})(\d{2})?", text)
    if match is None:
        return None
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > _MAX_OFFSET_HOURS or minutes > _MAX_OFFSET_MINUTES:
        return None  # not a UTC offset at all (+2400, -9900, +0175)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if match.group(1) == "-" else offset)


_MAX_OFFSET_HOURS = 23
_MAX_OFFSET_MINUTES = 59


def timestamp(seg: Segment, port: str | None) -> datetime:
    """The aware datetime of ``DTM+<qualifier>:<value>:<format>``; zone from the value or the port's table.

    Raises
    ------
    MessageError
        On element 1: an unsupported format, an impossible date or offset, no zone known, or a time out of
        the range of :mod:`quayside.visibility.timeparse`.
    """
    value, fmt = seg.component(1, 1), seg.component(1, 2) or "203"
    spec = _DTM_FORMATS.get(fmt)
    if value is None or spec is None:
        raise MessageError(seg, 1, f"unsupported date/time format {fmt} (use 203, 204, 205 or 303)", value)
    pattern, length = spec
    try:
        naive = datetime.strptime(value[:length], pattern)
    except ValueError:
        raise MessageError(seg, 1, f"not a date/time in format {fmt}", value) from None
    suffix = value[length:]
    if fmt in ("205", "303"):
        zone = _offset_zone(suffix)
        if zone is None:
            raise MessageError(
                seg,
                1,
                f"bad time zone {suffix!r} for format {fmt} (UTC, GMT, or an offset ±HH or ±HHMM with hours up to "
                "23 and minutes up to 59)",
                value,
            )
        return _in_range(seg, naive.replace(tzinfo=zone), value)
    if suffix:
        raise MessageError(seg, 1, f"not a date/time in format {fmt}", value)
    local = port_zone(port)
    if local is None:
        raise MessageError(
            seg,
            1,
            f"time has no zone (format {fmt}) and port {port!r} is not in the port time-zone table",
            value,
        )
    return _in_range(seg, naive.replace(tzinfo=local), value)


def _in_range(seg: Segment, when: datetime, value: str) -> datetime:
    problem = timeparse.range_problem(when)
    if problem is not None:
        raise MessageError(seg, 1, problem, value)
    return when
