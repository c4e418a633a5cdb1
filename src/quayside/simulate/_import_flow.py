"""The import flow of a simulated container ship call: discharge, import dwell, gate-out.

For each of ``discharges_per_call`` containers, grouped into bills of lading of random cargo owners: a
planned discharge (PLN DISC, COPRAR-like, off by ``plan_noise_h``, for the look-ahead) and the actual
discharge (ACT DISC) during the berth window; after ``import_dwell_d`` the laden container leaves by rail
(``rail_share``, GTOT by RAIL) or is wanted for a truck pick-up, whose empty return
:class:`quayside.simulate._truck_visits.TruckVisits` draws.
"""

from __future__ import annotations

from datetime import timedelta

from quayside.simulate._equipment_events import minute
from quayside.simulate._flow_parts import FlowParts
from quayside.simulate._vessel_call import CallContext
from quayside.visibility.codes import EmptyIndicator, EquipmentEventTypeCode
from quayside.visibility.model import Classifier, TransactionKind


def draw_imports(parts: FlowParts, ctx: CallContext) -> int:
    """Draw the imports of the call into ``parts``; returns how many containers were discharged."""
    p, rng, equipment = parts.params, parts.rng, parts.equipment
    n = int(rng.integers(p.discharges_per_call[0], p.discharges_per_call[1] + 1))
    documents = parts.community.documents(n, ctx.carrier.scac, ctx.number, "B")
    for bl, owner in documents:
        ctr, size = equipment.container(ctx.carrier.owner_prefix), equipment.size()
        parts.community.link(ctx.carrier.name, owner, transport_document=bl, container=ctr)
        unit = {"equipment_reference": ctr, "iso_equipment_code": size, "transport_documents": [bl]}
        disc = equipment.in_berth(ctx.call)
        plan = minute(disc + timedelta(hours=float(rng.normal(0.0, p.plan_noise_h))))
        for classifier, t in ((Classifier.PLN, plan), (Classifier.ACT, disc)):
            equipment.add(
                EquipmentEventTypeCode.DISC,
                classifier,
                t,
                call=ctx.vessel_call,
                empty_indicator=EmptyIndicator.LADEN,
                **unit,
                **ctx.where,
            )
        out = disc + timedelta(days=float(p.import_dwell_d.draw(rng)))
        if rng.random() < p.rail_share:
            equipment.rail(EquipmentEventTypeCode.GTOT, minute(out), ctx.terminal, unit, ctx.where)
        else:
            parts.trucks.want(TransactionKind.PICK, out, ctx.terminal, ctr, size, EmptyIndicator.LADEN, bl=bl)
    return len(documents)
