"""The parts one container-flow simulation draws into, sharing one random stream.

The community (parties and booking links), the equipment events and the truck visits of a port are drawn
call by call from the same :class:`numpy.random.Generator`; the order of the draws is what makes the same
seed give the same files, so every part gets that one stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from quayside.simulate._community import Community
from quayside.simulate._container_params import FlowParams
from quayside.simulate._equipment_events import EquipmentEvents
from quayside.simulate._truck_visits import TruckVisits


@dataclass(frozen=True)
class FlowParts:
    """The parameters, the random stream and the parts the flows of one port are drawn into."""

    params: FlowParams
    rng: np.random.Generator
    community: Community
    equipment: EquipmentEvents
    trucks: TruckVisits

    @classmethod
    def for_port(
        cls, params: FlowParams, rng: np.random.Generator, port_key: str, end: datetime
    ) -> FlowParts:
        """Empty parts for port profile ``port_key``, with the simulated window ending at ``end``.

        Raises
        ------
        ConfigError
            If ``containers.toml`` has no entry for the port.
        """
        community = Community(params, rng, port_key)
        return cls(
            params=params,
            rng=rng,
            community=community,
            equipment=EquipmentEvents(params, rng, community.tz, end),
            trucks=TruckVisits(params, rng, community.tz, end),
        )
