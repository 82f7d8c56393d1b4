"""The national list (15 chosen, 100 recommended), the ministry's draw and a rehearsal draw,
and the honours that follow from the national results, hand-computed."""

import pytest

from grading.awards import (
    MAY_DAY_MEDAL,
    NATIONAL_EXPERT,
    NATIONAL_STAR,
    TECHNICAL_EXPERT,
    ExclusionReason,
    HonourRecord,
    award_individuals,
)
from grading.errors import NationalListError
from grading.national import (
    RECOMMENDED,
    SELECTED,
    DrawKind,
    NationalResult,
    delegation,
    national_honours,
    national_list,
    record_ministry_draw,
    simulate_draw,
)
from grading.policy import NationalPolicy
from tests.grading.factories import ranking_from

IDS = [f"p{i:03d}" for i in range(130)]


def ranking(totals=None):  # type: ignore[no-untyped-def]
    return ranking_from(totals or [1000 - i for i in range(130)], ids=IDS)


def test_top_15_are_chosen_and_the_next_100_recommended() -> None:
    nl = national_list(ranking())
    assert nl.selected == tuple(IDS[:15])
    assert nl.recommended == tuple(IDS[15:115])
    assert nl.decided


def test_an_ineligible_candidate_is_passed_over() -> None:
    nl = national_list(ranking(), ineligible={"p002"})
    assert nl.selected == (*IDS[:2], *IDS[3:16])
    assert nl.recommended == tuple(IDS[16:116])
    assert nl.passed_over == ("p002",)


def test_ties_at_either_boundary_are_pending() -> None:
    totals = [1000 - i for i in range(130)]
    totals[15] = totals[14]  # p014 and p015 share rank 15
    totals[115] = totals[114]  # p114 and p115 share rank 115
    nl = national_list(ranking(totals))
    assert [(p.award, p.rank, p.candidate_ids, p.slots_left) for p in nl.pending] == [
        (SELECTED, 15, ("p014", "p015"), 1),
        (RECOMMENDED, 115, ("p114", "p115"), 1),
    ]
    assert nl.selected == tuple(IDS[:14])
    assert nl.recommended == tuple(IDS[16:114])
    decided = national_list(
        ranking(totals), decisions=[nl.pending[0].decide(["p015"]), nl.pending[1].decide(["p114"])]
    )
    assert decided.decided
    assert decided.selected[-1] == "p015"
    assert decided.recommended[0] == "p014" and decided.recommended[-1] == "p114"
    assert len(decided.selected) == 15 and len(decided.recommended) == 100


def test_the_ministry_draw_is_checked_and_recorded() -> None:
    nl = national_list(ranking())
    drawn = list(reversed(IDS[15:50]))
    draw = record_ministry_draw(nl, drawn)
    assert draw.kind is DrawKind.MINISTRY and not draw.is_simulation
    assert draw.drawn == tuple(IDS[15:50])  # kept in provincial rank order
    team = delegation(nl, draw)
    assert len(team) == 50 and team[:15] == nl.selected
    with pytest.raises(NationalListError, match="expected 35"):
        record_ministry_draw(nl, IDS[15:49])
    with pytest.raises(NationalListError, match="twice"):
        record_ministry_draw(nl, [*IDS[15:49], "p015"])
    with pytest.raises(NationalListError, match="not on the recommended list") as err:
        record_ministry_draw(nl, [*IDS[16:50], "p000"])
    assert err.value.candidate_ids == ("p000",)


def test_no_draw_from_an_undecided_list() -> None:
    totals = [1000 - i for i in range(130)]
    totals[115] = totals[114]
    nl = national_list(ranking(totals))
    with pytest.raises(NationalListError, match="undecided"):
        simulate_draw(nl, seed=1)


def test_the_rehearsal_draw_is_reproducible_and_labelled_a_simulation() -> None:
    nl = national_list(ranking())
    a, b, c = simulate_draw(nl, 7), simulate_draw(nl, 7), simulate_draw(nl, 8)
    assert a == b and a.drawn != c.drawn
    assert a.kind is DrawKind.SIMULATION and a.is_simulation and "模拟" in a.label
    assert len(a.drawn) == 35 and set(a.drawn) <= set(nl.recommended)
    small = NationalPolicy(selected=1, recommended=3, drawn=2)
    assert len(simulate_draw(national_list(ranking(), policy=small), 1).drawn) == 2


# Jiangsu's contestants and their national ranks:
RESULTS = [
    NationalResult("A", 2),
    NationalResult("B", 10),
    NationalResult("C", 60),
    NationalResult("D", 75),
    NationalResult("E", 80),
    NationalResult("F", 120),
]


def test_star_passes_down_the_province_ranking_past_national_experts() -> None:
    h = national_honours(RESULTS)
    assert [g.candidate_id for g in h.knowledge] == ["A", "B"]  # national top 50
    assert {g.award for g in h.knowledge} == {NATIONAL_EXPERT}
    # the province's top 3 are A, B, C; A and B are 全国人社知识通, so C, D, E
    assert [(g.candidate_id, g.rank) for g in h.stars] == [("C", 60), ("D", 75), ("E", 80)]
    assert [g.passed_down for g in h.stars] == [True, True, True]
    passed = [(e.candidate_id, e.reason) for e in h.exclusions if e.award == NATIONAL_STAR]
    assert passed == [
        ("A", ExclusionReason.NATIONAL_EXPERT),
        ("B", ExclusionReason.NATIONAL_EXPERT),
    ]
    assert [g.candidate_id for g in h.may_day] == ["A"]  # national top 3, nominated
    assert h.may_day[0].nomination
    assert [g.candidate_id for g in h.technical] == ["A", "B", "C", "D", "E"]
    assert h.decided


def test_the_imported_expert_list_wins_over_the_rank_cut() -> None:
    results = [
        NationalResult("A", 2, True),
        NationalResult("B", 10, False),
        NationalResult("C", 60),
    ]
    h = national_honours(results)
    assert [g.candidate_id for g in h.knowledge] == ["A"]
    assert [g.candidate_id for g in h.stars] == ["B", "C"]


def test_provincial_honours_skip_prior_holders_and_this_years_provincial_winners() -> None:
    prior = [HonourRecord("D", TECHNICAL_EXPERT, 2020), HonourRecord("A", MAY_DAY_MEDAL, 2019)]
    provincial = award_individuals(ranking_from([100, 99, 98], ids=["B", "X", "Y"]))
    h = national_honours(RESULTS, prior_honours=prior, provincial=provincial)
    assert [g.candidate_id for g in h.may_day] == []
    assert [g.candidate_id for g in h.technical] == ["A", "C", "E"]
    reasons = {(e.award, e.candidate_id): e.reason for e in h.exclusions}
    assert reasons[(MAY_DAY_MEDAL, "A")] is ExclusionReason.PRIOR_HONOUR
    assert reasons[(TECHNICAL_EXPERT, "D")] is ExclusionReason.PRIOR_HONOUR
    assert reasons[(TECHNICAL_EXPERT, "B")] is ExclusionReason.AWARDED_THIS_YEAR
    # with once_per_year off, B is given it again from the national results
    again = national_honours(
        RESULTS,
        prior_honours=prior,
        provincial=provincial,
        policy=NationalPolicy(once_per_year=False),
    )
    assert "B" in [g.candidate_id for g in again.technical]


def test_national_titles_ignore_prior_years_unless_the_policy_says_so() -> None:
    prior = [HonourRecord("C", NATIONAL_STAR, 2021)]
    assert [g.candidate_id for g in national_honours(RESULTS, prior_honours=prior).stars] == [
        "C",
        "D",
        "E",
    ]
    h = national_honours(
        RESULTS, prior_honours=prior, policy=NationalPolicy(exclude_prior_for_national_titles=True)
    )
    assert [g.candidate_id for g in h.stars] == ["D", "E", "F"]


def test_a_tie_at_the_star_boundary_is_pending() -> None:
    results = [*RESULTS[:4], NationalResult("E", 80), NationalResult("F", 80)]
    h = national_honours(results)
    assert [g.candidate_id for g in h.stars] == ["C", "D"]
    (tie,) = h.pending
    assert (tie.award, tie.rank, tie.candidate_ids, tie.slots_left) == (
        NATIONAL_STAR,
        80,
        ("E", "F"),
        1,
    )
    assert "E" not in [g.candidate_id for g in h.technical]
    done = national_honours(results, decisions=[tie.decide(["F"])])
    assert [g.candidate_id for g in done.stars] == ["C", "D", "F"]
    assert [g.candidate_id for g in done.technical] == ["A", "B", "C", "D", "F"]


def test_results_are_checked() -> None:
    with pytest.raises(NationalListError, match="twice"):
        national_honours([NationalResult("A", 1), NationalResult("A", 2)])
    with pytest.raises(NationalListError, match="outside the delegation"):
        national_honours([NationalResult("A", 1)], contestants={"B"})
    with pytest.raises(NationalListError):
        national_honours([NationalResult("A", 0)])
