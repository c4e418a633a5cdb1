"""UN/EDIFACT container messages (SMDG user guides, directory D.00B) to visibility records.

``parse_edifact(text, source=...)`` reads an interchange, detects each message's type from UNH and maps it:

==========  ================================================  ==============================
message     carries                                           becomes
==========  ================================================  ==============================
CODECO      gate-in / gate-out by truck, rail, barge          GTIN / GTOT ACT events
COARRI      discharge / loading report                        DISC / LOAD ACT events
COPRAR      discharge / loading order                         DISC / LOAD PLN events
BAPLIE      bayplan of a departing vessel                     :class:`MoveCount` per port
==========  ================================================  ==============================

A message with a bad segment is rejected whole (the reject names the UNH reference, the segment number and
the element); the other messages of the interchange are kept, even when a message fails in a way no check
foresaw (it is then rejected as a whole, naming its UNH reference). Only an interchange that cannot be read
at all (no ``UNH``, a cut-short ``UNA``) is an :class:`~quayside.errors.InputError`. CODECO reports
container moves, not truck visits, so ``truck_visits`` stays empty here: truck visits come from the gate
CSV (:mod:`..csvfeeds`).
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from pydifact.exceptions import MissingImplementationWarning

from quayside.errors import InputError
from quayside.visibility.edifact import baplie, coarri, codeco, coprar
from quayside.visibility.edifact.common import Message, MessageError, reject_for, split_messages
from quayside.visibility.model import MoveCount, NormalizedEvent, TruckVisit
from quayside.visibility.rejects import Reject

__all__ = ["EdifactResult", "parse_edifact"]

_EVENT_MAPPERS: dict[str, Callable[[Message, str | None], list[NormalizedEvent]]] = {
    "CODECO": codeco.map_message,
    "COARRI": coarri.map_message,
    "COPRAR": coprar.map_message,
}
_COUNT_MAPPERS: dict[str, Callable[[Message, str | None], list[MoveCount]]] = {"BAPLIE": baplie.map_message}
_log = logging.getLogger(__name__)


@dataclass
class EdifactResult:
    """What an interchange yielded."""

    events: list[NormalizedEvent] = field(default_factory=list)
    move_counts: list[MoveCount] = field(default_factory=list)
    truck_visits: list[TruckVisit] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    messages: int = 0


def parse_edifact(text: str, *, source: str | None = None) -> EdifactResult:
    """Map every message of an EDIFACT interchange; bad messages are rejected, the rest kept.

    Raises
    ------
    InputError
        When ``text`` is not a string, its ``UNA`` is cut short, or it holds no UNH message at all.
    """
    if not isinstance(text, str):
        raise InputError("EDIFACT interchange must be text", source=source, value=type(text).__name__)
    with warnings.catch_warnings():
        # pydifact warns when it has no directory files to validate segments against; we validate ourselves
        warnings.simplefilter("ignore", MissingImplementationWarning)
        messages = split_messages(text, source=source)
    if not messages:
        raise InputError("no UNH message found", source=source, hint="is this an EDIFACT interchange?")
    result = EdifactResult(messages=len(messages))
    for message in messages:
        if message.broken is not None:
            broken = message.broken
            result.rejects.append(Reject(broken.index, broken.field, broken.reason, broken.value, source))
            continue
        try:
            if message.type_code in _EVENT_MAPPERS:
                result.events.extend(_EVENT_MAPPERS[message.type_code](message, source))
            elif message.type_code in _COUNT_MAPPERS:
                counts = _COUNT_MAPPERS[message.type_code](message, source)
                result.move_counts.extend(dataclasses.replace(c, record=message.index) for c in counts)
            else:
                known = ", ".join(sorted([*_EVENT_MAPPERS, *_COUNT_MAPPERS]))
                result.rejects.append(
                    Reject(
                        message.index,
                        f"UNH {message.reference} segment 1 UNH element 2",
                        f"unsupported message type (supported: {known})",
                        message.type_code,
                        source,
                    )
                )
        except MessageError as error:
            result.rejects.append(reject_for(message, error, source))
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            # A shape the mappers did not foresee: this message is rejected, the others are kept.
            _log.warning("message %d of %s could not be mapped: %r", message.index, source, exc)
            result.rejects.append(
                Reject(message.index, f"UNH {message.reference}", "message could not be mapped", None, source)
            )
    return result
