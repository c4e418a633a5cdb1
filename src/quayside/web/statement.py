"""The self-contained HTML page of an operator's incentive statement (``quayside statement``).

The statement document of :mod:`quayside.programs.incentives.statements`, shown as: the rewards earned and
the reasons others were not; VSR compliance per ring; ESI scores and incentives per programme; At-Berth
compliance with the failing visits; CII per ship (estimates from AIS); EU figures when voyages were given.
No script: the page is tables only.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["statement_html", "write_statement_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
h1{margin-bottom:.2rem} .sub{color:#666;margin-top:0}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left} th{background:#f4f4f4}
.yes{color:#1e7b34;font-weight:600} .no{color:#a33;font-weight:600} .note{color:#666;font-size:.8rem}
"""


def _esc(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, cls: str = "") -> str:
    if not rows:
        return '<p class="note">none</p>'
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><tr>{head}</tr>{body}</table>'


def _mark(earned: bool) -> str:
    return '<span class="yes">earned</span>' if earned else '<span class="no">not earned</span>'


def statement_html(doc: Mapping[str, Any]) -> str:
    """The page of one statement (strings escaped)."""
    parts = [
        f"<h1>Incentive statement: {_esc(doc['operator'])}</h1>",
        f'<p class="sub">{_esc(doc["port"])} · {_esc(doc["year"])} · {_esc(doc["calls"])} calls</p>',
        "<h2>Rewards</h2>",
        _table(
            ["programme", "", "what", "why not"],
            [
                [_esc(r["programme"]), _mark(r["earned"]), _esc(r["what"]), _esc(r["why_not"])]
                for r in doc["rewards"]
            ],
            cls="rewards",
        ),
    ]
    vsr = doc.get("vsr")
    parts.append("<h2>Vessel Speed Reduction</h2>")
    if vsr:
        parts.append(
            _table(
                ["ring (nm)", "transits", "compliant", "incomplete", "share"],
                [
                    [
                        _esc(r["ring_nm"]),
                        _esc(r["transits"]),
                        _esc(r["compliant"]),
                        _esc(r["incomplete"]),
                        _pct(r["share"]),
                    ]
                    for r in vsr["rings"]
                ],
                cls="vsr",
            )
        )
    else:
        parts.append('<p class="note">no transits held</p>')
    esi = doc.get("esi")
    parts.append("<h2>Environmental Ship Index</h2>")
    if esi:
        parts.append(
            _table(
                ["IMO", "vessel", "ESI score"],
                [[_esc(v["imo"]), _esc(v["vessel_name"]), _esc(v["score"])] for v in esi["vessels"]],
            )
        )
        parts.append(
            _table(
                ["port", "programme", "calls", "earned", "amount", "basis", "why not"],
                [
                    [
                        _esc(i["port"]),
                        _esc(i["programme"]),
                        _esc(i["calls"]),
                        _esc(i["earned_calls"]),
                        _esc(i["amount"] if i["amount"] is None else f"{i['amount']:g} {i['unit']}"),
                        _esc(i["basis"]),
                        _esc(i["why_not"]),
                    ]
                    for i in esi["incentives"]
                ],
                cls="esi",
            )
        )
    else:
        parts.append('<p class="note">no ESI register given</p>')
    berth = doc["at_berth"]
    parts += [
        "<h2>CARB At-Berth</h2>",
        f"<p>{berth['compliant']} of {berth['regulated']} regulated visits compliant ({_pct(berth['share'])}); "
        f"{berth['visits']} visits in all; net CO2e avoided by shore power "
        f"{berth['avoided_net_co2e_g'] / 1e6:,.2f} t.</p>",
        f'<p class="note">{berth["not_regulated"]} not regulated: {_esc(berth["not_regulated_why"])}</p>'
        if berth.get("not_regulated")
        else "",
        _table(
            ["IMO", "call", "berth arrival", "reason"],
            [
                [_esc(f["imo"]), _esc(f["call_id"]), _esc(f["berth_arrival"]), _esc(f["reason"])]
                for f in berth["not_compliant"]
            ],
            cls="at-berth",
        ),
        "<h2>IMO CII (estimates from the port-area AIS)</h2>",
        _table(
            ["IMO", "vessel", "type", "attained", "required", "rating", "why not"],
            [
                [
                    _esc(c["imo"]),
                    _esc(c["vessel_name"]),
                    _esc(c["ship_type"]),
                    _esc(_round(c["attained"])),
                    _esc(_round(c["required"])),
                    _esc(c["rating"]),
                    _esc(c["why_not"]),
                ]
                for c in doc["cii"]
            ],
            cls="cii",
        ),
    ]
    if doc.get("eu_ets") or doc.get("fueleu"):
        parts.append("<h2>EU ETS and FuelEU Maritime</h2>")
        parts.append(
            _table(
                ["voyage", "scope", "in scope (t CO2e)"],
                [
                    [_esc(v.get("voyage_id")), _esc(v.get("scope_share")), _esc(_round(v.get("in_scope_t")))]
                    for v in doc.get("eu_ets", [])
                ],
            )
        )
    if doc.get("notes"):
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_esc(n)}</li>" for n in doc["notes"]) + "</ul>")
    title = f"Incentive statement {_esc(doc['operator'])} {_esc(doc['year'])}"
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>"
    )


def _round(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def write_statement_html(doc: Mapping[str, Any], path: Path) -> Path:
    """Write :func:`statement_html` of ``doc`` to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(statement_html(doc), encoding="utf-8")
    return path
