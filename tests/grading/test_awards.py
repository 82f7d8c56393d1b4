"""Individual provincial awards, hand-computed against RULES-2022: ranks 1-10 / 1 / 1-2 / 1-3,
the 2019-2021 prior-honour rule (pass down or lapse), and ties at an award boundary."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from grading.allocation import TieDecision, Tier, allocate
from grading.awards import (
    MAY_DAY_INNOVATOR,
    MAY_DAY_MEDAL,
    PROVINCIAL_EXPERT,
    TECHNICAL_EXPERT,
    AwardSpec,
    HonourRecord,
    award_individuals,
)
from grading.errors import TieDecisionError
from grading.policy import AwardPolicy, PriorHonourRule
from tests.grading.factories import letters, ranking_from

IDS = letters(12)
# c00..c08 ranks 1..9; c09 and c10 tie at rank 10; c11 rank 12.
TIE_AT_10 = [100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 91, 90]
DISTINCT = [100 - i for i in range(12)]


def test_distinct_totals_give_every_award_exactly() -> None:
    a = award_individuals(ranking_from(DISTINCT, ids=IDS))
    assert a.decided
    assert a.winners(PROVINCIAL_EXPERT) == tuple(IDS[:10])
    assert a.winners(MAY_DAY_MEDAL) == ("c00",)
    assert a.winners(TECHNICAL_EXPERT) == ("c00", "c01")
    assert a.winners(MAY_DAY_INNOVATOR) == ("c00", "c01", "c02")
    medal = next(g for g in a.grants if g.award == MAY_DAY_MEDAL)
    assert medal.nomination and medal.note == "按程序申报"
    assert a.awards_of("c00") == (
        PROVINCIAL_EXPERT,
        MAY_DAY_MEDAL,
        TECHNICAL_EXPERT,
        MAY_DAY_INNOVATOR,
    )


def test_a_tie_at_rank_10_is_pending_until_decided() -> None:
    ranking = ranking_from(TIE_AT_10, ids=IDS)
    a = award_individuals(ranking)
    assert not a.decided
    assert a.winners(PROVINCIAL_EXPERT) == tuple(IDS[:9])
    (tie,) = a.pending
    assert (tie.award, tie.rank, tie.candidate_ids, tie.slots_left) == (
        PROVINCIAL_EXPERT,
        10,
        ("c09", "c10"),
        1,
    )
    # the other awards do not reach rank 10 and are exact
    assert a.winners(TECHNICAL_EXPERT) == ("c00", "c01")

    decided = award_individuals(ranking, decisions=[tie.decide(["c10"])])
    assert decided.decided and decided.unused_decisions == ()
    assert decided.winners(PROVINCIAL_EXPERT) == (*IDS[:9], "c10")
    last = decided.grants[9]
    assert (last.candidate_id, last.rank, last.by_decision) == ("c10", 10, True)
    assert last.note == "并列，按记录的决定"


def test_a_decision_that_no_longer_matches_is_unused_and_the_tie_stays_pending() -> None:
    stale = TieDecision(PROVINCIAL_EXPERT, 10, frozenset({"c09", "c11"}), frozenset({"c09"}))
    a = award_individuals(ranking_from(TIE_AT_10, ids=IDS), decisions=[stale])
    assert a.unused_decisions == (stale,)
    assert len(a.pending) == 1


def test_malformed_decisions_are_refused() -> None:
    tie_ids = frozenset({"a", "b"})
    with pytest.raises(TieDecisionError):
        TieDecision("x", 1, tie_ids, frozenset({"c"}))
    with pytest.raises(TieDecisionError):
        TieDecision("x", 1, tie_ids, tie_ids)
    a = award_individuals(ranking_from(TIE_AT_10, ids=IDS))
    with pytest.raises(TieDecisionError):
        a.pending[0].decide(["c09", "c10"])


def test_a_2020_holder_at_rank_2_passes_technical_expert_to_rank_3() -> None:
    prior = [HonourRecord("c01", TECHNICAL_EXPERT, 2020)]
    a = award_individuals(ranking_from(DISTINCT, ids=IDS), prior_honours=prior)
    assert a.winners(TECHNICAL_EXPERT) == ("c00", "c02")
    third = next(g for g in a.grants if g.award == TECHNICAL_EXPERT and g.candidate_id == "c02")
    assert third.rank == 3 and third.passed_down and third.note == "依次顺延"
    (ex,) = a.exclusions
    assert (ex.award, ex.candidate_id, ex.rank, ex.years, ex.lapsed) == (
        TECHNICAL_EXPERT,
        "c01",
        2,
        (2020,),
        False,
    )
    # only that honour is withheld: c01 keeps the others
    assert a.awards_of("c01") == (PROVINCIAL_EXPERT, MAY_DAY_INNOVATOR)


def test_under_the_lapse_policy_the_slot_goes_to_nobody() -> None:
    prior = [HonourRecord("c01", TECHNICAL_EXPERT, 2020)]
    a = award_individuals(
        ranking_from(DISTINCT, ids=IDS),
        prior_honours=prior,
        policy=AwardPolicy(prior_honour=PriorHonourRule.LAPSE),
    )
    assert a.winners(TECHNICAL_EXPERT) == ("c00",)
    (ex,) = a.exclusions
    assert ex.lapsed and ex.rank == 2


def test_only_the_prior_years_count() -> None:
    prior = [HonourRecord("c00", MAY_DAY_MEDAL, 2018), HonourRecord("c00", MAY_DAY_INNOVATOR, 2021)]
    a = award_individuals(ranking_from(DISTINCT, ids=IDS), prior_honours=prior)
    assert a.winners(MAY_DAY_MEDAL) == ("c00",)  # 2018 is not 2019-2021
    assert a.winners(MAY_DAY_INNOVATOR) == ("c01", "c02", "c03")
    other_years = AwardPolicy(prior_years=(2017, 2018))
    b = award_individuals(ranking_from(DISTINCT, ids=IDS), prior_honours=prior, policy=other_years)
    assert b.winners(MAY_DAY_MEDAL) == ("c01",)


def test_passing_down_into_a_tie_makes_it_pending() -> None:
    # c00 excluded; c01 rank 2 takes one slot; c02 and c03 tie at rank 3 for the other
    ranking = ranking_from([100, 99, 98, 98, 97], ids=letters(5))
    prior = [HonourRecord("c00", TECHNICAL_EXPERT, 2019)]
    a = award_individuals(ranking, prior_honours=prior)
    assert a.winners(TECHNICAL_EXPERT) == ("c01",)
    tie = next(p for p in a.pending if p.award == TECHNICAL_EXPERT)
    assert (tie.rank, tie.candidate_ids, tie.slots_left) == (3, ("c02", "c03"), 1)


def test_an_excluded_holder_inside_a_tie_drops_out_of_it() -> None:
    # c01 and c02 tie at rank 2 for one 技术能手 slot, but c02 is a 2021 holder
    ranking = ranking_from([100, 99, 99, 98], ids=letters(4))
    prior = [HonourRecord("c02", TECHNICAL_EXPERT, 2021)]
    a = award_individuals(ranking, prior_honours=prior)
    assert a.winners(TECHNICAL_EXPERT) == ("c00", "c01")
    assert not any(p.award == TECHNICAL_EXPERT for p in a.pending)
    # under LAPSE the tie still decides who holds the slot (and c02's would lapse)
    b = award_individuals(
        ranking, prior_honours=prior, policy=AwardPolicy(prior_honour=PriorHonourRule.LAPSE)
    )
    tie = next(p for p in b.pending if p.award == TECHNICAL_EXPERT)
    assert tie.candidate_ids == ("c01", "c02")
    decided = award_individuals(
        ranking,
        prior_honours=prior,
        policy=AwardPolicy(prior_honour=PriorHonourRule.LAPSE),
        decisions=[tie.decide(["c02"])],
    )
    assert decided.winners(TECHNICAL_EXPERT) == ("c00",)
    assert [e.candidate_id for e in decided.exclusions if e.lapsed] == ["c02"]


def test_a_tie_of_excluded_holders_under_lapse_needs_no_decision() -> None:
    ranking = ranking_from([100, 99, 99], ids=letters(3))
    prior = [HonourRecord(c, TECHNICAL_EXPERT, 2020) for c in ("c01", "c02")]
    a = award_individuals(
        ranking,
        prior_honours=prior,
        policy=AwardPolicy(prior_honour=PriorHonourRule.LAPSE),
        specs=[AwardSpec(TECHNICAL_EXPERT, 2)],
    )
    assert a.decided and a.winners(TECHNICAL_EXPERT) == ("c00",)
    assert {e.candidate_id for e in a.exclusions} == {"c01", "c02"}
    (lapse,) = a.lapses
    assert (lapse.rank, lapse.slots, set(lapse.candidate_ids)) == (2, 1, {"c01", "c02"})


def test_a_tie_for_first_place_makes_the_single_slot_awards_pending() -> None:
    a = award_individuals(ranking_from([100, 100, 99], ids=letters(3)))
    pending = {p.award: p for p in a.pending}
    assert set(pending) == {MAY_DAY_MEDAL}  # 技术能手 has 2 slots: both rank-1 fit
    assert a.winners(TECHNICAL_EXPERT) == ("c00", "c01")
    assert a.winners(MAY_DAY_INNOVATOR) == ("c00", "c01", "c02")


def test_multi_tier_allocation_with_decisions_over_a_large_tie() -> None:
    tiers = [Tier("gold", 1), Tier("silver", 2), Tier("bronze", 3)]
    groups = [(1, ["a", "b", "c", "d", "e"]), (6, ["f"]), (7, ["g"])]
    first = allocate(groups, tiers)
    assert [(p.award, p.slots_left) for p in first.pending] == [("gold", 1)]
    assert [(p.candidate_id, p.tier) for p in first.placements] == [("f", 2)]
    gold = first.pending[0].decide(["c"])
    second = allocate(groups, tiers, decisions=[gold])
    (silver,) = second.pending
    assert (silver.award, set(silver.candidate_ids), silver.slots_left) == (
        "silver",
        {"a", "b", "d", "e"},
        2,
    )
    third = allocate(groups, tiers, decisions=[gold, silver.decide(["a", "e"])])
    assert third.decided
    assert {p.candidate_id: tiers[p.tier].award for p in third.placements} == {
        "c": "gold",
        "a": "silver",
        "e": "silver",
        "b": "bronze",
        "d": "bronze",
        "f": "bronze",
    }


@settings(max_examples=100, deadline=None)
@example(totals=[0, 0], holders={0, 1}, lapse=True, slots=1)  # a tie of holders across the edge
@given(
    totals=st.lists(st.integers(0, 8), min_size=1, max_size=30),
    holders=st.sets(st.integers(0, 29), max_size=8),
    lapse=st.booleans(),
    slots=st.integers(0, 6),
)
def test_award_counts_are_exact_unless_a_tie_is_pending(totals, holders, lapse, slots) -> None:  # type: ignore[no-untyped-def]
    ids = letters(len(totals))
    ranking = ranking_from(totals, ids=ids)
    prior = [HonourRecord(ids[i], "X", 2020) for i in holders if i < len(ids)]
    excluded = {p.candidate_id for p in prior}
    rule = PriorHonourRule.LAPSE if lapse else PriorHonourRule.PASS_DOWN
    a = award_individuals(
        ranking,
        specs=[AwardSpec("X", slots)],
        prior_honours=prior,
        policy=AwardPolicy(prior_honour=rule),
    )
    winners = a.winners("X")
    assert not set(winners) & excluded
    lapsed = sum(lapse.slots for lapse in a.lapses)
    pending_slots = sum(p.slots_left for p in a.pending)
    if lapse:
        assert len(winners) + lapsed + pending_slots == min(slots, len(ids))
    else:
        assert len(winners) + pending_slots == min(slots, len(ids) - len(excluded))
    # nobody eligible outside the award outranks a winner; a pending group sits between
    rank = {ids[i]: int(ranking.rank[i]) for i in range(len(ids))}
    in_tie = {c for p in a.pending for c in p.candidate_ids}
    losers = [c for c in ids if c not in winners and c not in excluded and c not in in_tie]
    if winners and losers:
        assert max(rank[c] for c in winners) < min(rank[c] for c in losers)
    for p in a.pending:
        assert len(p.candidate_ids) > p.slots_left > 0
        assert {rank[c] for c in p.candidate_ids} == {p.rank}
