"""VSR per operator and year: an operator at 89 % earns nothing (and is told why), at 90 % both discounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quayside.programs.incentives.vsr import VsrTransit, operator_year


def transit(
    i: int, ring: float, compliant: bool, *, year: int = 2026, complete: bool = True, mmsi: int = 1
) -> VsrTransit:
    enter = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=i)
    return VsrTransit(
        transit_id=f"{mmsi}-{i}",
        mmsi=mmsi,
        imo=None,
        vessel_name=None,
        ship_type="container",
        direction="inbound",
        ring_nm=ring,
        speed_limit_kn=12.0,
        enter=enter,
        exit=enter + timedelta(hours=2),
        distance_nm=ring,
        hours=ring / 11.0,
        mean_sog_kn=11.0 if compliant else 15.0,
        time_mean_speed_kn=11.0 if compliant else 15.0,
        measured_speed_kn=11.0 if compliant else 15.0,
        compliant=compliant,
        complete=complete,
        reports=100,
        max_gap_min=1.0,
    )


def fleet(
    ring: float, compliant: int, total: int, *, year: int = 2026, complete: bool = True, mmsi: int = 1
) -> list[VsrTransit]:
    """``total`` transits of one ring, the first ``compliant`` of them compliant."""
    return [transit(i, ring, i < compliant, year=year, complete=complete, mmsi=mmsi) for i in range(total)]


def test_89_percent_earns_no_discount_and_says_why() -> None:
    # 89 of 100 transits of each ring compliant: 0.89 < 0.90 for both ports and both rings.
    [result] = operator_year(fleet(20.0, 89, 100) + fleet(40.0, 89, 100), lambda t: "ACME")
    assert (result.operator, result.year) == ("ACME", 2026)
    assert [r.share for r in result.rings] == [0.89, 0.89]
    assert all(d.discount == 0.0 for d in result.discounts)
    assert result.why_not is not None
    assert "USLAX: 20 nm: 89 of 100 transits compliant (89.0%), below 90.0%" in result.why_not
    assert "USLGB: 20 nm: 89 of 100" in result.why_not
    assert "40 nm: 89 of 100" in result.why_not


def test_90_percent_earns_both_discounts() -> None:
    # 90 of 100 in the 20 nm ring → 15 % (Los Angeles) and 15 % (Long Beach); the 40 nm ring at 50 %
    # earns nothing more. Five incomplete non-compliant transits are left out of the share.
    transits = fleet(20.0, 90, 100) + fleet(20.0, 0, 5, complete=False) + fleet(40.0, 50, 100)
    [result] = operator_year(transits, lambda t: "ACME")
    rings = {r.ring_nm: r for r in result.rings}
    assert (rings[20.0].transits, rings[20.0].compliant, rings[20.0].incomplete) == (100, 90, 5)
    assert rings[20.0].share == 0.9
    discounts = {d.authority: d for d in result.discounts}
    assert (discounts["USLAX"].discount, discounts["USLAX"].ring_nm) == (0.15, 20.0)
    assert discounts["USLGB"].discount == 0.15
    assert discounts["USLGB"].green_flag_award is False
    assert result.why_not is None


def test_90_percent_in_the_40_nm_ring_earns_the_larger_discounts_and_100_percent_the_green_flag() -> None:
    transits = fleet(20.0, 100, 100) + fleet(40.0, 90, 100)
    [result] = operator_year(transits, lambda t: "ACME")
    discounts = {d.authority: d for d in result.discounts}
    assert (discounts["USLAX"].discount, discounts["USLAX"].ring_nm) == (0.30, 40.0)
    assert (discounts["USLGB"].discount, discounts["USLGB"].ring_nm) == (0.25, 40.0)
    assert discounts["USLGB"].green_flag_award is True  # 100 % in the 20 nm ring
    assert discounts["USLAX"].green_flag_award is None  # Los Angeles has no award


def test_operators_and_years_apart() -> None:
    # 2007: only Long Beach had a programme (Los Angeles' incentive began in June 2008).
    transits = fleet(20.0, 9, 10, year=2007) + fleet(20.0, 1, 10, year=2026, mmsi=2)
    results = operator_year(transits, lambda t: "BETA" if t.mmsi == 2 else "ACME")
    assert [(r.operator, r.year) for r in results] == [("ACME", 2007), ("BETA", 2026)]
    acme, beta = results
    assert [d.authority for d in acme.discounts] == ["USLGB"]
    assert acme.discounts[0].discount == 0.15
    assert beta.why_not is not None
    assert "1 of 10" in beta.why_not
    assert beta.to_dict()["rings"][0]["share"] == pytest.approx(0.1)


def test_no_complete_transit_is_a_reason() -> None:
    [result] = operator_year(fleet(20.0, 0, 3, complete=False), lambda t: "ACME")
    assert result.why_not is not None
    assert "no complete transit" in result.why_not


def test_a_transit_counts_in_the_year_given_for_it() -> None:
    # 90 transits of 2026 and one entering at 00:30 UTC on 1 January 2027 (16:30 on 31 December 2026 in Los
    # Angeles), not compliant. By UTC year: 90 of 90 in 2026; by the port's year: 90 of 91 (98.9 %).
    late = transit(0, 20.0, False, year=2027)
    late = VsrTransit(**{**late.__dict__, "enter": datetime(2027, 1, 1, 0, 30, tzinfo=UTC)})
    # noon UTC from 1 January 2026 on, so that every one is of 2026 in Los Angeles too
    noon = [VsrTransit(**{**t.__dict__, "enter": t.enter + timedelta(hours=12)}) for t in fleet(20.0, 90, 90)]
    transits = [*noon, late]
    by_utc = {r.year: r.rings[0] for r in operator_year(transits, lambda t: "ACME")}
    assert (by_utc[2026].transits, by_utc[2027].transits) == (90, 1)
    from zoneinfo import ZoneInfo

    la = ZoneInfo("America/Los_Angeles")
    [local] = operator_year(transits, lambda t: "ACME", year_of=lambda t: t.enter.astimezone(la).year)
    assert (local.year, local.rings[0].transits, local.rings[0].compliant) == (2026, 91, 90)
