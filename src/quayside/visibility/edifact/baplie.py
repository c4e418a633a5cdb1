"""BAPLIE (bayplan/stowage plan occupied and empty locations) → container counts per vessel call.

SMDG BAPLIE 2.x (D.95B) and 3.x (D.13B): header TDT ``20`` is the vessel (voyage DE 8028, IMO in C222),
LOC ``5`` the port of departure (the call the plan was made at, SMDG terminal in C519) and LOC ``61`` the
next port of call. Each stowage group starts at LOC ``147`` (the slot) and holds the container's LOC ``9``
port of loading and LOC ``11`` port of discharge.

A departure bayplan tells how many boxes were loaded at the port of departure (port of loading = LOC 5)
and how many are to be discharged at the next port (port of discharge = LOC 61). One :class:`MoveCount` is
returned for each of the two ports with the count BAPLIE can see: ``loads`` at the departure port,
``discharges`` at the next port; the other count is 0 and restows are not in a bayplan. Combine the
counts of the arriving and departing plans of a call to get its total moves.
"""

from __future__ import annotations

from collections.abc import Sequence

from quayside.visibility.edifact.common import (
    Message,
    MessageError,
    Segment,
    equipment,
    first,
    location,
    vessel,
)
from quayside.visibility.model import MoveCount


def split_stowage(segments: Sequence[Segment]) -> tuple[list[Segment], list[list[Segment]]]:
    """Header segments, and one group per LOC+147 stowage location (until CNT/UNT)."""
    header: list[Segment] = []
    groups: list[list[Segment]] = []
    for seg in segments:
        if seg.tag in ("CNT", "UNT"):
            break
        if seg.tag == "LOC" and seg.component(1) == "147":
            groups.append([seg])
        elif groups:
            groups[-1].append(seg)
        else:
            header.append(seg)
    return header, groups


def map_message(message: Message, source: str | None) -> list[MoveCount]:
    """Move counts of one BAPLIE message (raises :class:`MessageError` on a bad segment)."""
    # stowage groups start at LOC+147; the header (TDT, LOC 5, LOC 61) comes before the first one
    header, groups = split_stowage(message.segments)
    tdt = first(header, "TDT", "20")
    if tdt is None:
        raise MessageError(message.segments[0], 0, "BAPLIE without vessel TDT+20")
    call = vessel(tdt)
    if call.imo is None:
        raise MessageError(
            tdt, 8, "vessel IMO number (C222 DE 8213, code list 146 / agency 11) is missing", tdt.component(8)
        )
    departed, departed_terminal, _ = location(header, ("5",))
    next_port, next_terminal, _ = location(header, ("61",))
    if departed is None:
        raise MessageError(message.segments[0], 0, "BAPLIE without LOC+5 (port of departure)")
    loads = 0
    discharges = 0
    for group in groups:
        eqd = first(group, "EQD")
        if eqd is None:
            continue  # an empty or blocked slot
        equipment(eqd)
        pol, _, _ = location(group, ("9",))
        pod, _, _ = location(group, ("11",))
        loads += pol == departed
        discharges += next_port is not None and pod == next_port
    counts = [
        MoveCount(
            call.imo, call.voyage or "", departed, departed_terminal, discharges=0, loads=loads, source=source
        )
    ]
    if next_port is not None:
        counts.append(
            MoveCount(
                call.imo,
                call.voyage or "",
                next_port,
                next_terminal,
                discharges=discharges,
                loads=0,
                source=source,
            )
        )
    return counts
