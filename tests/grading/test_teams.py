"""Team totals and awards, hand-computed: the absent-member rule, 省厅本级 not a team,
sum / best N / mean, ties between teams at an award boundary."""

from fractions import Fraction

import pytest

from grading.errors import TeamError
from grading.policy import TeamPolicy, TeamTotalRule
from grading.teams import ORGANISATION_AWARD, team_results
from grading.totals import Standing
from tests.grading.factories import totals_from

S = Standing


def test_an_absent_member_counts_zero() -> None:
    t = totals_from(
        [90, 0, 50, 45, 99], standing=[S.RANKED, S.ABSENT, S.RANKED, S.RANKED, S.RANKED]
    )
    res = team_results(t, ["南京", "南京", "无锡", "无锡", "省厅本级"], non_teams=["省厅本级"])
    nj, wx = res.standing("南京"), res.standing("无锡")
    assert (wx.total, wx.rank, wx.award) == (95, 1, "特等奖")
    assert (nj.total, nj.rank, nj.award, nj.members, nj.present) == (90, 2, "一等奖", 2, 1)
    assert [s.team for s in res.standings] == ["无锡", "南京"]  # 省厅本级 is not a team
    with pytest.raises(TeamError):
        res.standing("省厅本级")


def test_an_ineligible_member_counts_zero_too() -> None:
    t = totals_from([90, 60], standing=[S.RANKED, S.INELIGIBLE])
    assert team_results(t, ["A", "A"]).standing("A").total == 90


def test_mean_divides_by_members_or_by_those_present() -> None:
    t = totals_from([90, 0, 50, 45], standing=[S.RANKED, S.ABSENT, S.RANKED, S.RANKED])
    labels = ["A", "A", "B", "B"]
    mean = team_results(t, labels, policy=TeamPolicy(TeamTotalRule.MEAN))
    assert mean.standing("A").total == 45 and mean.standing("B").total == Fraction(95, 2)
    assert mean.standing("B").rank == 1
    present = team_results(
        t, labels, policy=TeamPolicy(TeamTotalRule.MEAN, absent_counts_as_zero=False)
    )
    assert present.standing("A").total == 90 and present.standing("A").rank == 1


def test_best_n_sums_the_best_members() -> None:
    t = totals_from([10, 30, 20, 25, 25, 1])
    res = team_results(
        t, ["A", "A", "A", "B", "B", "B"], policy=TeamPolicy(TeamTotalRule.BEST_N, best_n=2)
    )
    assert res.standing("A").total == 50 and res.standing("A").counted == 2
    assert res.standing("B").total == 50
    assert res.standing("A").rank == res.standing("B").rank == 1


def ten_plus_teams(totals: list[int]) -> tuple[list[int], list[str]]:
    names = [f"T{i:02d}" for i in range(len(totals))]
    return totals, names


def test_a_tie_between_teams_at_the_top_award_boundary_is_pending() -> None:
    totals, names = ten_plus_teams([500, 500, 480, 470, 460, 450, 440, 430, 420, 410, 400])
    t = totals_from(totals)
    res = team_results(t, names)
    assert not res.decided
    (tie,) = res.pending
    assert (tie.award, tie.rank, tie.candidate_ids, tie.slots_left) == (
        "特等奖",
        1,
        ("T00", "T01"),
        1,
    )
    awards = {s.team: s.award for s in res.standings}
    assert awards["T00"] is None and awards["T01"] is None
    assert res.standing("T00").pending
    # positions below the tie are known whoever wins it
    assert awards["T02"] == "一等奖"
    assert [awards[f"T{i:02d}"] for i in range(3, 6)] == ["二等奖"] * 3
    assert [awards[f"T{i:02d}"] for i in range(6, 10)] == ["三等奖"] * 4
    assert awards["T10"] is None

    decided = team_results(t, names, decisions=[tie.decide(["T01"])])
    assert decided.decided
    assert decided.standing("T01").award == "特等奖" and decided.standing("T01").by_decision
    assert decided.standing("T00").award == "一等奖"
    assert decided.standing("T00").rank == decided.standing("T01").rank == 1


def test_a_tie_across_the_tenth_place_is_pending_for_third_prize() -> None:
    totals, names = ten_plus_teams([600 - 10 * i for i in range(9)] + [300, 300, 200])
    res = team_results(totals_from(totals), names)
    (tie,) = res.pending
    assert (tie.award, tie.rank, tie.candidate_ids, tie.slots_left) == (
        "三等奖",
        10,
        ("T09", "T10"),
        1,
    )
    assert res.standing("T11").award is None and res.standing("T11").rank == 12


def test_a_team_with_an_unresolved_member_is_not_ranked() -> None:
    t = totals_from([90, 80, 70], standing=[S.RANKED, S.UNRESOLVED, S.RANKED])
    res = team_results(t, ["A", "A", "B"])
    assert res.standing("A").rank is None and not res.standing("A").complete
    assert not res.complete
    assert res.standings[-1].team == "A"


def test_team_list_checks_and_empty_teams() -> None:
    t = totals_from([10, 20])
    res = team_results(t, ["A", "B"], ranked_teams=["A", "B", "C"], non_teams=["省厅本级"])
    assert res.standing("C").total == 0 and res.standing("C").members == 0
    with pytest.raises(TeamError, match="D"):
        team_results(t, ["A", "D"], ranked_teams=["A", "B"])
    with pytest.raises(TeamError, match="省厅"):
        team_results(t, ["A", "B"], non_teams=["省厅"])  # a misspelt non-team
    with pytest.raises(TeamError):
        team_results(t, ["A"])


def test_the_organisation_award_is_carried_through_as_decided() -> None:
    t = totals_from([10, 20])
    res = team_results(t, ["A", "B"], organisation_awards={"A"})
    assert res.standing("A").organisation_award and not res.standing("B").organisation_award
    with pytest.raises(TeamError, match=ORGANISATION_AWARD):
        team_results(t, ["A", "B"], organisation_awards={"Z"})
