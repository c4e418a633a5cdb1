"""Statements per operator, from the programmes' rows, summed by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from quayside.programs.held import UNKNOWN, HeldCall
from quayside.programs.incentives.statements import build_statements, statements_document
from quayside.programs.run import ProgrammeRun
from quayside.web.statement import statement_html

T = datetime(2023, 11, 10, tzinfo=UTC)


def _call(call_id: str, imo: str) -> HeldCall:
    return HeldCall(call_id, int(imo), imo, f"V{imo}", "container", T, None, T, None, "APMT", {})


def _esi(
    call_id: str, op: str, port: str, programme: str, earned: bool, amount: float | None, unit: str
) -> dict[str, Any]:
    return {"call_id": call_id, "operator": op, "imo": 1, "vessel_name": "V1", "esi_score": 40.0, "port": port,
            "programme": programme, "earned": earned, "amount": amount if earned else None, "unit": unit,
            "basis": "per call", "why_not": None if earned else "ESI score 20.0 below 25"}  # fmt: skip


def _berth(call_id: str, op: str, verdict: str, reason: str, net: float | None) -> dict[str, Any]:
    return {"call_id": call_id, "operator": op, "imo": 1, "berth_arrival": T.isoformat(), "verdict": verdict,
            "compliant": verdict == "compliant", "reason": reason, "net_co2e_g": net}  # fmt: skip


def _run() -> ProgrammeRun:
    calls = [_call("c1", "1"), _call("c2", "1"), _call("c3", "2"), _call("c4", "3")]
    run = ProgrammeRun(
        "san-pedro-bay", ("USLAX", "USLGB"), 2023, calls, {"c1": "MAEU", "c2": "MAEU", "c3": "MAEU"}
    )
    run.rows["esi"] = [
        _esi("c1", "MAEU", "long-beach", "Green Ship (ESI)", True, 3000.0, "USD"),
        _esi("c2", "MAEU", "long-beach", "Green Ship (ESI)", True, 600.0, "USD"),
        _esi("c3", "MAEU", "long-beach", "Green Ship (ESI)", False, None, "USD"),
        _esi("c1", "MAEU", "nagoya", "ESI incentive", True, 15.0, "percent"),
        _esi("c2", "MAEU", "nagoya", "ESI incentive", True, 15.0, "percent"),
        _esi("c4", UNKNOWN, "long-beach", "Green Ship (ESI)", True, 6000.0, "USD"),
    ]
    run.rows["at_berth"] = [
        _berth("c1", "MAEU", "compliant", "", 2_000_000.0),
        _berth("c2", "MAEU", "not_compliant", "connected 2.02 h after arrival at berth", None),
        _berth("c3", "MAEU", "not_regulated", "bulk carriers are not controlled", None),
    ]
    cii = {"attained": 9.0, "required": 7.0, "rating": "E", "estimate": True, "why_not": None}
    run.rows["cii"] = [{"operator": "MAEU", "imo": 1, "vessel_name": "V1", "ship_type": "container", **cii}]
    run.vsr_years = [
        {"operator": "MAEU", "year": 2023, "rings": [{"ring_nm": 20.0, "transits": 10, "compliant": 9,
         "incomplete": 0, "share": 0.9}], "why_not": None,
         "discounts": [{"authority": "USLAX", "programme": "POLA VSR", "discount": 0.15, "ring_nm": 20.0,
                        "green_flag_award": None, "tests": [], "why_not": None},
                       {"authority": "USLGB", "programme": "POLB Green Flag", "discount": 0.0, "ring_nm": None,
                        "green_flag_award": False, "tests": [], "why_not": "20 nm: 89% below 90%"}]},
        {"operator": "MAEU", "year": 2022, "rings": [], "discounts": [], "why_not": "other year"},
    ]  # fmt: skip
    return run


def test_a_statement_sums_its_operator_s_rows_only() -> None:
    run = _run()
    statements = build_statements(run)
    assert list(statements) == ["MAEU"]  # the unknown operator's call gets none
    s = statements["MAEU"]
    assert (s["calls"], s["year"]) == (3, 2023)
    assert s["vessels"] == [
        {"imo": "1", "vessel_name": "V1", "calls": 2},
        {"imo": "2", "vessel_name": "V2", "calls": 1},
    ]
    esi = {(i["port"], i["programme"]): i for i in s["esi"]["incentives"]}
    # Long Beach: 3,000 + 600 USD on 2 of 3 calls (the unknown operator's 6,000 is not Maersk's).
    lb = esi[("long-beach", "Green Ship (ESI)")]
    assert (lb["calls"], lb["earned_calls"], lb["amount"]) == (3, 2, 3600.0)
    # Nagoya: 15 % off dues per call is not summed over calls.
    assert esi[("nagoya", "ESI incentive")]["amount"] == 15.0
    # At-Berth: 1 of 2 regulated visits compliant; the bulk carrier is not regulated, and why.
    berth = s["at_berth"]
    assert (berth["visits"], berth["regulated"], berth["compliant"], berth["share"]) == (3, 2, 1, 0.5)
    assert berth["not_regulated_why"] == "bulk carriers are not controlled"
    assert berth["avoided_net_co2e_g"] == 2_000_000.0
    assert berth["not_compliant"][0]["reason"] == "connected 2.02 h after arrival at berth"
    # VSR: the year's discounts only; one earned, one not, with why.
    rewards = {r["programme"]: r for r in s["rewards"]}
    assert rewards["POLA VSR"]["earned"]
    assert rewards["POLA VSR"]["what"] == "15% off dockage (20 nm ring)"
    assert not rewards["POLB Green Flag"]["earned"]
    assert rewards["POLB Green Flag"]["why_not"] == "20 nm: 89% below 90%"
    assert rewards["long-beach Green Ship (ESI)"]["what"] == "2 of 3 calls: 3600 USD"
    assert not rewards["CARB At-Berth"]["earned"]
    assert rewards["CARB At-Berth"]["why_not"].startswith("1 visit(s) not compliant: connected 2.02 h")
    assert s["cii"][0]["rating"] == "E"
    doc = statements_document(run, statements)
    assert (doc["calls"], doc["unattributed_calls"]) == (4, 1)


def test_the_statement_page_escapes_what_it_shows() -> None:
    run = _run()
    run.rows["at_berth"][1]["reason"] = "<script>alert(1)</script>"
    page = statement_html(build_statements(run)["MAEU"])
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "POLB Green Flag" in page
    assert "not earned" in page
