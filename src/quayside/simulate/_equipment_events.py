"""The containers of the simulated flows and their DCSA equipment events.

Each container gets a unique ISO 6346 number under its carrier's owner code and a size-type drawn from
``containers.toml``. Vessel moves (DISC, LOAD) happen at a time drawn in the call's berth window; on-dock
rail moves (GTOT, GTIN by RAIL) ride the terminal's train of that local day. Actual events after the end of
the simulated window have not happened yet and are left out; planned ones are kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from quayside.simulate._container_params import FlowParams
from quayside.simulate.traffic import SimulatedCall
from quayside.visibility import iso6346
from quayside.visibility.codes import EmptyIndicator, EquipmentEventTypeCode, ModeOfTransport
from quayside.visibility.documents import equipment_event, transport_call
from quayside.visibility.model import Classifier, NormalizedEvent


def minute(t: datetime) -> datetime:
    """``t`` truncated to the minute (the feeds carry times to the minute)."""
    return t.replace(second=0, microsecond=0)


class EquipmentEvents:
    """Container numbers in use and the equipment events drawn so far.

    Parameters
    ----------
    params
        The container-flow parameters (size-types).
    rng
        The flows' random stream.
    tz
        The port's time zone; events are written in local time with their offset.
    end
        End of the simulated window (timezone-aware).
    """

    def __init__(self, params: FlowParams, rng: np.random.Generator, tz: ZoneInfo, end: datetime) -> None:
        self.p, self.rng, self.tz, self.end = params, rng, tz, end
        self.events: list[NormalizedEvent] = []
        self.used: set[str] = set()

    def container(self, prefix: str) -> str:
        """A container number with owner code ``prefix`` not used before, with its check digit."""
        while True:
            serial = f"{prefix}{int(self.rng.integers(0, 1_000_000)):06d}"
            number = f"{serial}{iso6346.check_digit(serial)}"
            if number not in self.used:
                self.used.add(number)
                return number

    def size(self) -> str:
        """An ISO size-type drawn with the weights of ``containers.toml``."""
        sizes = list(self.p.size_types)
        return sizes[int(self.rng.choice(len(sizes), p=list(self.p.size_types.values())))]

    def in_berth(self, call: SimulatedCall) -> datetime:
        """A time drawn in the inner 90% of the berth window of ``call``."""
        span = (call.berth_end - call.berth_start).total_seconds()
        return minute(call.berth_start + timedelta(seconds=span * float(self.rng.uniform(0.05, 0.95))))

    def add(self, code: EquipmentEventTypeCode, classifier: Classifier, t: datetime, **kw: Any) -> None:
        """Record an equipment event at ``t`` (keyword arguments as :func:`equipment_event`)."""
        if classifier is Classifier.ACT and t > self.end:
            return  # has not happened yet at the end of the simulated window
        self.events.append(
            equipment_event(code=code, classifier=classifier, event_datetime=t.astimezone(self.tz), **kw)
        )

    def rail(
        self,
        code: EquipmentEventTypeCode,
        t: datetime,
        terminal: str,
        unit: dict[str, Any],
        where: dict[str, str],
    ) -> None:
        """Record an on-dock rail gate move (GTOT or GTIN) of a laden container by that day's train."""
        local_day = t.astimezone(self.tz).strftime("%Y%m%d")
        train = transport_call(
            mode=ModeOfTransport.RAIL,
            un_location_code=where["un_location_code"],
            facility_code=terminal,
            call_key=f"train:{terminal}-{local_day}",
        )
        self.add(code, Classifier.ACT, t, call=train, empty_indicator=EmptyIndicator.LADEN, **unit, **where)
