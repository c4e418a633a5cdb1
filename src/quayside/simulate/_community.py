"""The port community of the simulated container flows: the parties per role and the links between them.

A :class:`Community` is one port as ``containers.toml`` and the port profile describe it: its port
authorities and terminals (named after the profile's berths), the carriers, truckers and cargo owners,
and the bookings and bills of lading drawn call by call that link a cargo owner to its containers.
:func:`quayside.simulate._flow_files.parties_document` writes it as ``parties.json``.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from quayside.errors import ConfigError
from quayside.geo.profiles import load_profile
from quayside.simulate._container_params import Carrier, FlowParams


class Community:
    """The parties of one port and the booking / bill-of-lading links drawn between them.

    Parameters
    ----------
    params
        The container-flow parameters (carriers, truckers, cargo owners, ports).
    rng
        The flows' random stream (shared with the other parts, so the draw order is the seed's).
    port_key
        Port profile key or path; its ``containers.toml`` entry must exist.
    """

    def __init__(self, params: FlowParams, rng: np.random.Generator, port_key: str) -> None:
        profile = load_profile(port_key)
        if profile.key not in params.ports:
            raise ConfigError(
                "no container-flow parameters for this port",
                field="port",
                value=profile.key,
                hint=f"add [ports.{profile.key}] to containers.toml (have: {', '.join(sorted(params.ports))})",
            )
        self.p, self.rng = params, rng
        self.port = params.ports[profile.key]
        self.port_key = profile.key
        self.tz = ZoneInfo(profile.timezone)
        self.terminal_names = {
            z.terminal_code: z.terminal for z in profile.berths if z.terminal_code in self.port.terminals
        }
        self.bookings: list[dict[str, Any]] = []

    def carrier(self) -> Carrier:
        """A carrier drawn uniformly."""
        return self.p.carriers[int(self.rng.integers(len(self.p.carriers)))]

    def documents(self, n: int, carrier_scac: str, call_no: int, kind: str) -> list[tuple[str, str]]:
        """(reference, cargo owner) for each of ``n`` containers, grouped into documents."""
        lo, hi = self.p.containers_per_document
        out: list[tuple[str, str]] = []
        k = 0
        while len(out) < n:
            k += 1
            reference = f"{carrier_scac}{kind}{call_no:05d}{k:03d}"
            owner = self.p.cargo_owners[int(self.rng.integers(len(self.p.cargo_owners)))].name
            out.extend([(reference, owner)] * int(self.rng.integers(lo, hi + 1)))
        return out[:n]

    def link(
        self,
        carrier: str,
        owner: str,
        *,
        container: str,
        booking: str | None = None,
        transport_document: str | None = None,
    ) -> None:
        """Add ``container`` to its booking (export) or bill of lading (import), opening it if new."""
        key = "carrierBookingReference" if booking else "transportDocumentReference"
        value = booking or transport_document
        if self.bookings and self.bookings[-1].get(key) == value:
            self.bookings[-1]["equipmentReferences"].append(container)
            return
        self.bookings.append(
            {"carrier": carrier, key: value, "cargoOwner": owner, "equipmentReferences": [container]}
        )
