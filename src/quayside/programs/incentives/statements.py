"""Incentive statements: per operator, port and year, what each programme found and what it earned, and why not.

Built from a :class:`~quayside.programs.run.ProgrammeRun` (the rows of every programme): one statement per
operator (carrier) the calls were attributed to. Calls of no known operator get no statement; the port's
summary (``statements.json``'s ``unattributed``) counts them.

A statement (``docs/programs.md`` shows one)::

    {"operator", "port", "year", "calls", "vessels": [{"imo", "vessel_name", "calls"}],
     "vsr": {"rings": [...], "discounts": [...], "why_not"} | null,
     "esi": {"vessels": [{"imo", "vessel_name", "score"}], "incentives": [{"port", "programme", "calls",
             "earned_calls", "amount", "unit", "basis", "why_not"}]} | null,
     "at_berth": {"visits", "regulated", "compliant", "share", "not_compliant": [...], "avoided_net_co2e_g"},
     "cii": [{"imo", "vessel_name", "attained", "required", "rating", "estimate", "why_not"}],
     "eu_ets": [...], "fueleu": [...],
     "rewards": [{"programme", "earned", "what", "why_not"}]}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from quayside.programs.held import UNKNOWN

if TYPE_CHECKING:
    from quayside.programs.run import ProgrammeRun

__all__ = ["build_statements", "statements_document"]


def _mine(rows: Iterable[Mapping[str, Any]], operator: str) -> list[Mapping[str, Any]]:
    return [r for r in rows if r.get("operator") == operator]


def _vsr(run: ProgrammeRun, operator: str, rewards: list[dict[str, Any]]) -> dict[str, Any] | None:
    years = [y for y in run.vsr_years if y["operator"] == operator and y["year"] == run.year]
    if not years:
        return None
    doc = years[0]
    for d in doc["discounts"]:
        earned = d["discount"] > 0
        what = f"{d['discount'] * 100:.0f}% off dockage ({d['ring_nm']:.0f} nm ring)" if earned else None
        rewards.append({"programme": d["programme"], "earned": earned, "what": what, "why_not": d["why_not"]})
    return {"rings": doc["rings"], "discounts": doc["discounts"], "why_not": doc["why_not"]}


def _esi(run: ProgrammeRun, operator: str, rewards: list[dict[str, Any]]) -> dict[str, Any] | None:
    if "esi" not in run.rows:
        return None
    rows = _mine(run.rows["esi"], operator)
    scores = {r["imo"]: (r["vessel_name"], r["esi_score"]) for r in rows}
    groups: dict[tuple[Any, Any], list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r.get("port"), r.get("programme"))].append(r)
    incentives = []
    for (port, programme), members in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        earned = [m for m in members if m.get("earned")]
        amounts = [m["amount"] for m in earned if m.get("amount") is not None]
        unit = members[0].get("unit")
        why = Counter(str(m["why_not"]) for m in members if not m.get("earned") and m.get("why_not"))
        entry = {
            "port": port,
            "programme": programme,
            "calls": len(members),
            "earned_calls": len(earned),
            # Money adds up over calls; a percentage off dues is per call, so it is shown, not summed.
            "amount": (sum(amounts) if unit != "percent" else (amounts[0] if amounts else None))
            if amounts
            else None,
            "unit": unit,
            "basis": members[0].get("basis"),
            "why_not": why.most_common(1)[0][0] if why and not earned else None,
        }
        incentives.append(entry)
        if programme is not None:
            what = None
            if earned:
                what = f"{len(earned)} of {len(members)} calls" + (
                    f": {entry['amount']:g} {unit}" if entry["amount"] is not None else ""
                )
            rewards.append(
                {
                    "programme": f"{port} {programme}",
                    "earned": bool(earned),
                    "what": what,
                    "why_not": entry["why_not"],
                }
            )
    vessels = [
        {"imo": imo, "vessel_name": name, "score": score}
        for imo, (name, score) in sorted(scores.items(), key=str)
    ]
    return {"vessels": vessels, "incentives": incentives}


def _at_berth(run: ProgrammeRun, operator: str, rewards: list[dict[str, Any]]) -> dict[str, Any]:
    rows = _mine(run.rows.get("at_berth", []), operator)
    regulated = [r for r in rows if r["verdict"] != "not_regulated"]
    compliant = [r for r in regulated if r["compliant"]]
    failing = [
        {"imo": r["imo"], "call_id": r["call_id"], "berth_arrival": r["berth_arrival"], "reason": r["reason"]}
        for r in regulated
        if not r["compliant"]
    ]
    share = len(compliant) / len(regulated) if regulated else None
    if regulated:
        rewards.append(
            {
                "programme": "CARB At-Berth",
                "earned": not failing,
                "what": f"{len(compliant)} of {len(regulated)} regulated visits compliant",
                "why_not": None
                if not failing
                else f"{len(failing)} visit(s) not compliant: {failing[0]['reason']}",
            }
        )
    reasons = Counter(str(r["reason"]) for r in rows if r["verdict"] == "not_regulated" and r.get("reason"))
    return {
        "visits": len(rows),
        "not_regulated": len(rows) - len(regulated),
        "not_regulated_why": reasons.most_common(1)[0][0] if reasons else None,
        "regulated": len(regulated),
        "compliant": len(compliant),
        "share": share,
        "not_compliant": failing,
        "avoided_net_co2e_g": sum(float(r.get("net_co2e_g") or 0.0) for r in compliant),
    }


def _statement(run: ProgrammeRun, operator: str, calls: Sequence[Any]) -> dict[str, Any]:
    rewards: list[dict[str, Any]] = []
    per_vessel = sorted(Counter((c.imo, c.vessel_name) for c in calls).items(), key=str)
    keep = ("imo", "vessel_name", "ship_type", "attained", "required", "rating", "estimate", "why_not")
    return {
        "operator": operator,
        "port": run.port,
        "year": run.year,
        "calls": len(calls),
        "vessels": [{"imo": imo, "vessel_name": name, "calls": n} for (imo, name), n in per_vessel],
        "vsr": _vsr(run, operator, rewards),
        "esi": _esi(run, operator, rewards),
        "at_berth": _at_berth(run, operator, rewards),
        "cii": [{k: r.get(k) for k in keep} for r in _mine(run.rows.get("cii", []), operator)],
        "eu_ets": list(_mine(run.rows.get("eu_ets", []), operator)),
        "fueleu": list(_mine(run.rows.get("fueleu", []), operator)),
        "rewards": rewards,
        "notes": list(run.notes),
    }


def build_statements(run: ProgrammeRun) -> dict[str, dict[str, Any]]:
    """One statement per known operator of the run's calls, by operator code."""
    by_operator: dict[str, list[Any]] = defaultdict(list)
    for call in run.calls:
        by_operator[run.operators.get(call.call_id, UNKNOWN)].append(call)
    return {op: _statement(run, op, calls) for op, calls in sorted(by_operator.items()) if op != UNKNOWN}


def statements_document(run: ProgrammeRun, statements: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``statements.json``: the port, the year, the statements, and the calls no operator is known for."""
    unattributed = sum(1 for c in run.calls if run.operators.get(c.call_id, UNKNOWN) == UNKNOWN)
    return {
        "port": run.port,
        "year": run.year,
        "calls": len(run.calls),
        "unattributed_calls": unattributed,
        "statements": dict(statements),
        "notes": list(run.notes),
    }
