"""Each container's footprint through a port (ISO 14083:2023 / GLEC Framework v3 hub allocation).

- :mod:`~quayside.programs.footprint.parameters`: the sourced parameters (``data/allocation.csv``, reefer
  type groups in ``data/type_groups.csv``) and a box's TEU from its ISO 6346 size-type;
- :mod:`~quayside.programs.footprint.reads`: what the allocation reads from the store;
- :mod:`~quayside.programs.footprint.allocation`: the port-year's pools (ship calls, terminals, truck visits)
  and the TEU each is shared among (:func:`allocate`);
- :mod:`~quayside.programs.footprint.container`: one box's shares (:func:`container_footprint`);
- :mod:`~quayside.programs.footprint.summary`: the port's distribution, small groups suppressed.

The method, the responses and what is assumed (U) are in ``docs/programs.md``.
"""

from __future__ import annotations

from quayside.programs.footprint.allocation import Co2e, PortYearAllocation, allocate
from quayside.programs.footprint.container import Footprint, container_footprint, footprint_of
from quayside.programs.footprint.summary import footprint_summary, port_footprints

__all__ = [
    "Co2e",
    "Footprint",
    "PortYearAllocation",
    "allocate",
    "container_footprint",
    "footprint_of",
    "footprint_summary",
    "port_footprints",
]
