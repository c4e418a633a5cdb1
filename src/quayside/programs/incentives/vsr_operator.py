"""VSR per operator and calendar year: compliance share per ring and the dockage discounts it earns.

Share (per ring) = compliant transits ÷ complete transits of the operator in the year (a transit counts in
the year of its entry into the ring, UTC; incomplete transits — crossing not seen, or a reception gap —
are counted apart and left out, since their speed is not known). Each authority with a programme in force
(rule file ``programme`` rows) grants, per ring, its ``dockage_discount`` when the share reaches
``compliance_share_min``; an operator earns the largest discount of the rings it qualifies in (Los Angeles:
operators meeting the 20 nm test keep the 15 % when they do not meet the 40 nm one). Long Beach's Green
Flag award goes with a share at or above ``green_flag_award_share`` in a ring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from quayside.errors import ConfigError
from quayside.programs.incentives.vsr_records import VsrTransit
from quayside.programs.incentives.vsr_rules import RuleName, VsrRule, VsrRules, load_rules


@dataclass(frozen=True)
class RingShare:
    """Compliance in one ring: ``compliant`` of ``transits`` complete ones (``incomplete`` left out)."""

    ring_nm: float
    transits: int
    compliant: int
    incomplete: int

    @property
    def share(self) -> float | None:
        return self.compliant / self.transits if self.transits else None


@dataclass(frozen=True)
class RingTest:
    """One authority's test of one ring: the threshold, the discount it would give, and the outcome."""

    ring_nm: float
    share: float | None
    share_min: float
    discount: float
    met: bool
    green_flag_award: bool | None


@dataclass(frozen=True)
class VsrDiscount:
    """What one authority grants the operator for the year.

    ``discount`` is the fraction of dockage off (0 when none), ``ring_nm`` the ring that earned it,
    ``green_flag_award`` None when the authority has no award; ``why_not`` says why there is no discount.
    """

    authority: str
    programme: str
    discount: float
    ring_nm: float | None
    green_flag_award: bool | None
    tests: tuple[RingTest, ...]
    why_not: str | None


@dataclass(frozen=True)
class VsrOperatorYear:
    """One operator's VSR result for one calendar year; ``why_not`` when no authority grants a discount."""

    operator: str
    year: int
    rings: tuple[RingShare, ...]
    discounts: tuple[VsrDiscount, ...]
    why_not: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with each ring's share."""
        out = asdict(self)
        for ring, shares in zip(out["rings"], self.rings, strict=True):
            ring["share"] = shares.share
        return out


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _test(
    rules: VsrRules, authority: str, ring: RingShare | None, ring_nm: float, year: int
) -> RingTest | None:
    share_min = rules.find(RuleName.COMPLIANCE_SHARE_MIN, authority, ring_nm, year)
    discount = rules.find(RuleName.DOCKAGE_DISCOUNT, authority, ring_nm, year)
    if share_min is None or discount is None:
        return None
    award = rules.find(RuleName.GREEN_FLAG_AWARD_SHARE, authority, ring_nm, year)
    share = ring.share if ring is not None else None
    met = share is not None and share >= _num(share_min)
    return RingTest(
        ring_nm=ring_nm,
        share=share,
        share_min=_num(share_min),
        discount=_num(discount),
        met=met,
        green_flag_award=None if award is None else (share is not None and share >= _num(award)),
    )


def _num(rule: VsrRule) -> float:
    if rule.number is None:  # load_rules gives every share rule a number; a hand-made VsrRule may not
        raise ConfigError("a number is required", record=rule.line, field="value", value=rule.value)
    return rule.number


def _reason(test: RingTest, ring: RingShare | None) -> str:
    if ring is None or ring.transits == 0:
        return f"{test.ring_nm:g} nm: no complete transit in the year"
    return (
        f"{test.ring_nm:g} nm: {ring.compliant} of {ring.transits} transits compliant "
        f"({_pct(ring.compliant / ring.transits)}), below {_pct(test.share_min)}"
    )


def _discount(
    rules: VsrRules, authority: str, rings: dict[float, RingShare], year: int
) -> VsrDiscount | None:
    ring_keys = sorted({r.ring_nm for r in rules.rules if r.authority == authority and r.ring_nm is not None})
    tests = [t for nm in ring_keys if (t := _test(rules, authority, rings.get(nm), nm, year)) is not None]
    if not tests:
        return None
    programme = rules.find(RuleName.PROGRAMME, authority, None, year)
    met = [t for t in tests if t.met]
    best = max(met, key=lambda t: t.discount) if met else None
    awards = [t.green_flag_award for t in tests if t.green_flag_award is not None]
    why_not = None
    if best is None:
        why_not = f"{authority}: " + "; ".join(_reason(t, rings.get(t.ring_nm)) for t in tests)
    return VsrDiscount(
        authority=authority,
        programme=programme.value if programme is not None else authority,
        discount=best.discount if best is not None else 0.0,
        ring_nm=best.ring_nm if best is not None else None,
        green_flag_award=any(awards) if awards else None,
        tests=tuple(tests),
        why_not=why_not,
    )


def operator_year(
    transits: Iterable[VsrTransit],
    operator_of: Callable[[VsrTransit], str],
    rules: VsrRules | None = None,
    year_of: Callable[[VsrTransit], int] | None = None,
) -> list[VsrOperatorYear]:
    """Compliance shares and discounts per operator and calendar year, sorted by operator and year.

    Parameters
    ----------
    transits
        Transit-ring records (:func:`quayside.programs.incentives.vsr.transits_from_ais`).
    operator_of
        The operator (carrier) of a transit, e.g. from the hub's port call of the vessel around that time.
    rules
        The VSR rules (bundled file by default).
    year_of
        The calendar year a transit counts in; default its UTC year (``VsrTransit.year``). The runner
        passes the port's local year, the year its calls are counted in.
    """
    rules = rules or load_rules()
    counts: dict[tuple[str, int, float], list[int]] = {}
    for t in transits:
        key = (operator_of(t), t.year if year_of is None else year_of(t), t.ring_nm)
        c = counts.setdefault(key, [0, 0, 0])
        if t.complete:
            c[0] += 1
            c[1] += int(t.compliant)
        else:
            c[2] += 1
    out = []
    for operator, year in sorted({(k[0], k[1]) for k in counts}):
        rings = {
            nm: RingShare(nm, *c)
            for (op, yr, nm), c in sorted(counts.items())
            if (op, yr) == (operator, year)
        }
        discounts = [
            d for a in rules.authorities(year) if (d := _discount(rules, a, rings, year)) is not None
        ]
        why_not = None
        if not any(d.discount > 0 for d in discounts):
            why_not = "; ".join(d.why_not or "" for d in discounts) or f"no VSR programme in force in {year}"
        out.append(VsrOperatorYear(operator, year, tuple(rings.values()), tuple(discounts), why_not))
    return out
