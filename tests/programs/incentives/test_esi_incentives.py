"""The per-call incentive tables at their tier edges, fuel-type incentives and rule validity."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from quayside.errors import ConfigError, InputError
from quayside.programs.incentives.esi import EsiCall, Incentive, call_incentives
from quayside.programs.incentives.incentive_tables import CallFuel, parse_tables

CALL = EsiCall(
    imo=9123456,
    ship_type="container",
    gt=90_000,
    fuel=CallFuel.HFO,
    is_lng_bunkering=False,
    esi_score=None,
    tier_iii=False,
)


def one(answers: list[Incentive], programme: str) -> Incentive:
    found = [a for a in answers if a.programme == programme]
    assert len(found) == 1
    return found[0]


LB_ESI = "Green Ship Incentive Program (ESI)"


@pytest.mark.parametrize(
    ("score", "amount"),
    [
        # Long Beach 2021: base 25-47 $600, intermediate 48-53 $3,000, premier 54+ $6,000
        (25.0, 600.0),
        (47.9, 600.0),
        (48.0, 3000.0),
        (53.9, 3000.0),
        (54.0, 6000.0),
        (100.0, 6000.0),
    ],
)
def test_long_beach_esi_tiers_at_their_edges(score: float, amount: float) -> None:
    answer = one(call_incentives("long-beach", replace(CALL, esi_score=score)), LB_ESI)
    assert answer.earned
    assert answer.amount == amount
    assert answer.unit == "USD"
    assert answer.status == "C"


def test_long_beach_below_the_base_level_says_why() -> None:
    answer = one(call_incentives("long-beach", replace(CALL, esi_score=24.9)), LB_ESI)
    assert not answer.earned
    assert answer.amount is None
    assert answer.why_not == "ESI score 24.9 below 25"


def test_long_beach_tier_iii_adds_3000() -> None:
    answers = call_incentives("long-beach", replace(CALL, esi_score=54.0, tier_iii=True))
    earned = sum(a.amount or 0.0 for a in answers if a.earned)
    assert earned == 9000.0  # premier $6,000 + Tier III $3,000: the "up to $9,000 per call"
    without = one(call_incentives("long-beach", CALL), "Green Ship Incentive Program (Tier III)")
    assert not without.earned
    assert without.why_not == "main engines not certified to IMO Tier III"


def test_no_esi_score_says_why() -> None:
    answer = one(call_incentives("long-beach", CALL), LB_ESI)
    assert not answer.earned
    assert answer.why_not == "no ESI score for this ship"


def test_los_angeles_amount_is_unknown_and_says_so() -> None:
    answer = one(
        call_incentives("los-angeles", replace(CALL, esi_score=45.0)), "Environmental Ship Index Incentive"
    )
    assert answer.earned
    assert answer.amount is None
    assert answer.status == "U"
    assert answer.why_not is not None
    assert "not published" in answer.why_not


@pytest.mark.parametrize(("score", "earned"), [(29.9, False), (30.0, True)])
def test_nagoya_esi_30_gives_15_percent_off_port_dues(score: float, earned: bool) -> None:
    answer = one(
        call_incentives("nagoya", replace(CALL, esi_score=score, on=date(2024, 5, 1))), "ESI incentive"
    )
    assert answer.earned is earned
    if earned:
        assert (answer.amount, answer.unit, answer.basis) == (15.0, "percent", "port dues")


def test_nagoya_esi_incentive_starts_on_1_april_2023() -> None:
    before = call_incentives("nagoya", replace(CALL, esi_score=40.0, on=date(2023, 3, 31)))
    assert [a for a in before if a.programme == "ESI incentive"] == []
    after = call_incentives("nagoya", replace(CALL, esi_score=40.0, on=date(2023, 4, 1)))
    assert one(after, "ESI incentive").earned


def test_nagoya_green_award() -> None:
    answer = one(call_incentives("nagoya", replace(CALL, green_award=True)), "Green Award incentive")
    assert answer.earned
    assert answer.amount == 15.0


def test_lng_fuelled_ship_has_its_tokyo_entry_fee_waived() -> None:
    answers = call_incentives("tokyo", replace(CALL, fuel=CallFuel.LNG, on=date(2025, 6, 1)))
    # the LNG-fuelled and the LNG-bunkering rows share one programme: each answers on its own
    by_rule = {a.rule_id: a for a in answers}
    assert by_rule["tokyo-lng"].earned
    assert (by_rule["tokyo-lng"].amount, by_rule["tokyo-lng"].basis) == (100.0, "entry fee")
    assert not by_rule["tokyo-lng-bunkering"].earned
    assert not by_rule["tokyo-hydrogen"].earned
    assert by_rule["tokyo-hydrogen"].why_not == "fuel is LNG, not hydrogen"


def test_lng_bunkering_vessel_and_hydrogen_ship_at_yokohama() -> None:
    bunkerer = {a.rule_id: a for a in call_incentives("yokohama", replace(CALL, is_lng_bunkering=True))}
    assert bunkerer["yokohama-lng-bunkering"].earned
    assert not bunkerer["yokohama-lng"].earned
    hydrogen = {a.rule_id: a for a in call_incentives("kawasaki", replace(CALL, fuel=CallFuel.HYDROGEN))}
    assert hydrogen["kawasaki-hydrogen"].earned


def test_keihin_waiver_ends_31_march_2026() -> None:
    last = {
        a.rule_id for a in call_incentives("tokyo", replace(CALL, fuel=CallFuel.LNG, on=date(2026, 3, 31)))
    }
    after = call_incentives("tokyo", replace(CALL, fuel=CallFuel.LNG, on=date(2026, 4, 1)))
    assert "tokyo-lng" in last
    assert after == []


def test_unknown_port_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        call_incentives("rotterdam", CALL)
    assert "port" in str(caught.value)
    assert "rotterdam" in str(caught.value)


def test_bad_table_row_names_file_line_and_field() -> None:
    header = (
        "id,port,programme,criterion,min_value,max_value,amount,unit,basis,valid_from,valid_to,source,status"
    )
    good = "a,p,P,esi_score,30,,15,percent,port dues,2023-04-01,,src,C"
    bad = "b,p,P,esi_score,40,,15,percent,port dues,2023-13-01,,src,C"
    with pytest.raises(ConfigError) as caught:
        parse_tables("\n".join([header, good, bad]), "tables.csv")
    message = str(caught.value)
    assert "tables.csv" in message
    assert "record 3" in message
    assert "valid_from" in message
