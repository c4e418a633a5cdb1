"""One container ship call as its container flows see it: carrier, voyage, transport call and schedule.

:func:`draw_call` draws the carrier and the voyage of a simulated call and builds its DCSA vessel transport
call, which the import and export flows attach to their DISC and LOAD events. :func:`schedule_rows` gives the
call's ARRI/DEPA rows of ``vessel_schedule.csv`` (columns of
:data:`quayside.visibility.csvfeeds.SCHEDULE_COLUMNS`): an estimate off by ``schedule_noise_h`` for each,
and the actual time once it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from quayside.simulate._container_params import Carrier
from quayside.simulate._equipment_events import minute
from quayside.simulate._flow_parts import FlowParts
from quayside.simulate.traffic import SimulatedCall
from quayside.visibility.codes import ModeOfTransport
from quayside.visibility.documents import format_datetime, transport_call


@dataclass(frozen=True)
class CallContext:
    """A container ship call with what its flows share: its number, carrier, voyage and transport call."""

    call: SimulatedCall
    number: int
    carrier: Carrier
    voyage: str
    vessel_call: dict[str, Any]
    where: dict[str, str]
    """``un_location_code`` and ``facility_code`` of the terminal, as event keyword arguments."""

    @property
    def terminal(self) -> str:
        """The SMDG terminal code of the call."""
        return self.call.terminal_code


def draw_call(parts: FlowParts, call: SimulatedCall, number: int) -> CallContext:
    """Draw the carrier and voyage of ``call`` (the ``number``-th container ship call in berth order)."""
    carrier = parts.community.carrier()
    terminal = call.terminal_code
    port = parts.community.port.terminals[terminal]
    voyage = f"{number % 1000:03d}{'E' if parts.rng.random() < 0.5 else 'W'}"
    vessel_call = transport_call(
        mode=ModeOfTransport.VESSEL,
        un_location_code=port,
        facility_code=terminal,
        carrier_voyage_number=voyage,
        vessel_imo=f"{call.imo:07d}",
        vessel_name=call.vessel_name,
    )
    where = {"un_location_code": port, "facility_code": terminal}
    return CallContext(call, number, carrier, voyage, vessel_call, where)


def schedule_rows(parts: FlowParts, ctx: CallContext) -> list[dict[str, str]]:
    """The ARRI/DEPA rows of the call: EST for each, ACT when it is not after the end of the window."""
    call, tz, end = ctx.call, parts.community.tz, parts.equipment.end
    base = {
        "vessel_imo": f"{call.imo:07d}",
        "vessel_name": call.vessel_name,
        "carrier_code": ctx.carrier.scac,
        "carrier_voyage_number": ctx.voyage,
        "un_location_code": ctx.where["un_location_code"],
        "facility_code": call.terminal_code,
    }
    out: list[dict[str, str]] = []
    for event, actual in (("ARRI", call.berth_start), ("DEPA", call.berth_end)):
        noise = timedelta(hours=float(parts.rng.normal(0.0, parts.params.schedule_noise_h)))
        rows = [("EST", actual + noise)] + ([("ACT", actual)] if actual <= end else [])
        for classifier, t in rows:
            when = format_datetime(minute(t).astimezone(tz))
            out.append({**base, "event": event, "classifier": classifier, "datetime": when})
    return out
