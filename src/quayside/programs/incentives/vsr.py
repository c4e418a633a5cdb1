"""Vessel Speed Reduction (VSR): ships slow to the ring's limit near the port, ports discount their dockage.

San Pedro Bay: 12 kn within 20 nm of Point Fermin since 2001, a 40 nm option since 2009; Los Angeles and
Long Beach discount dockage for operators at ≥ 90 % annual compliance (rules in ``data/vsr_rules.csv``,
rings and limits in the port profile's ``[vsr]`` table). This module is the public import path:

- :func:`transits_from_ais` ``(positions, profile, vessels, *, rules, factors, options, max_gap_h)
  -> list[VsrTransit]``: one record per transit (inbound, outbound) and ring, with the emissions saved
  against the service speed; :func:`transits_frame` / :func:`write_transits` give ``transits.parquet``
  and :func:`read_transits` reads it back;
- :func:`transits_from_staging`: the same over the inventory's staged AIS, bucket by bucket (called by
  ``quayside inventory`` when the profile has rings);
- :func:`operator_year` ``(transits, operator_of, rules) -> list[VsrOperatorYear]``: compliance share per
  ring and the dockage discount (or why not) per operator and calendar year;
- :func:`calculate` ``(document, *, source) -> dict``: the one-case calculator (``quayside programs vsr``);
- :func:`load_rules`: the rule file (bundled, or a user's).

Method: :mod:`~quayside.programs.incentives.vsr_track` (rings, crossings, mean speed),
:mod:`~quayside.programs.incentives.vsr_emissions` (emissions saved), and docs/programs.md.
"""

from __future__ import annotations

from quayside.programs.incentives.vsr_calculator import calculate
from quayside.programs.incentives.vsr_inventory import transits_from_staging
from quayside.programs.incentives.vsr_operator import (
    RingShare,
    RingTest,
    VsrDiscount,
    VsrOperatorYear,
    operator_year,
)
from quayside.programs.incentives.vsr_records import (
    TRANSIT_SCHEMA,
    TRANSITS_FILE,
    VsrTransit,
    read_transits,
    transits_frame,
    write_transits,
)
from quayside.programs.incentives.vsr_rules import VsrRules, load_rules
from quayside.programs.incentives.vsr_transits import transits_from_ais

__all__ = [
    "TRANSITS_FILE",
    "TRANSIT_SCHEMA",
    "RingShare",
    "RingTest",
    "VsrDiscount",
    "VsrOperatorYear",
    "VsrRules",
    "VsrTransit",
    "calculate",
    "load_rules",
    "operator_year",
    "read_transits",
    "transits_frame",
    "transits_from_ais",
    "transits_from_staging",
    "write_transits",
]
