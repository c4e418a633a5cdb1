"""The export flow of a simulated container ship call: gate-in laden, export dwell, load.

For each of ``loads_per_call`` containers, grouped into bookings of random cargo owners: the laden
container arrives ``export_dwell_d`` before the berth arrival, by rail (``rail_share``, GTIN by RAIL) or
wanted for a truck drop, and is loaded (ACT LOAD) during the berth window.
"""

from __future__ import annotations

from datetime import timedelta

from quayside.simulate._equipment_events import minute
from quayside.simulate._flow_parts import FlowParts
from quayside.simulate._vessel_call import CallContext
from quayside.visibility.codes import EmptyIndicator, EquipmentEventTypeCode
from quayside.visibility.model import Classifier, TransactionKind


def draw_exports(parts: FlowParts, ctx: CallContext) -> int:
    """Draw the exports of the call into ``parts``; returns how many containers were loaded."""
    p, rng, equipment = parts.params, parts.rng, parts.equipment
    n = int(rng.integers(p.loads_per_call[0], p.loads_per_call[1] + 1))
    documents = parts.community.documents(n, ctx.carrier.scac, ctx.number, "K")
    for bkg, owner in documents:
        ctr, size = equipment.container(ctx.carrier.owner_prefix), equipment.size()
        parts.community.link(ctx.carrier.name, owner, booking=bkg, container=ctr)
        unit = {"equipment_reference": ctr, "iso_equipment_code": size, "bookings": [bkg]}
        arrive = ctx.call.berth_start - timedelta(days=float(p.export_dwell_d.draw(rng)))
        if rng.random() < p.rail_share:
            equipment.rail(EquipmentEventTypeCode.GTIN, minute(arrive), ctx.terminal, unit, ctx.where)
        else:
            parts.trucks.want(
                TransactionKind.DROP, arrive, ctx.terminal, ctr, size, EmptyIndicator.LADEN, booking=bkg
            )
        equipment.add(
            EquipmentEventTypeCode.LOAD,
            Classifier.ACT,
            equipment.in_berth(ctx.call),
            call=ctx.vessel_call,
            empty_indicator=EmptyIndicator.LADEN,
            **unit,
            **ctx.where,
        )
    return len(documents)
