"""Slot allocation over consecutive tiers (team awards, the national list): properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.allocation import TieDecision, Tier, allocate
from grading.errors import TieDecisionError


def groups_of(scores: list[int]) -> list[tuple[int, list[str]]]:
    """Competition-ranked groups of ids s00.. by descending score."""
    ids = sorted(range(len(scores)), key=lambda i: -scores[i])
    out: list[tuple[int, list[str]]] = []
    for pos, i in enumerate(ids):
        if out and scores[int(out[-1][1][0][1:])] == scores[i]:
            out[-1][1].append(f"s{i:02d}")
        else:
            out.append((pos + 1, [f"s{i:02d}"]))
    return out


@settings(max_examples=100, deadline=None)
@given(
    scores=st.lists(st.integers(0, 5), min_size=0, max_size=25),
    slots=st.lists(st.integers(0, 4), min_size=1, max_size=4),
)
def test_deciding_every_pending_tie_gives_exact_tier_counts(scores, slots) -> None:  # type: ignore[no-untyped-def]
    tiers = [Tier(f"t{i}", s) for i, s in enumerate(slots)]
    groups = groups_of(scores)
    rank_of = {c: r for r, ids in groups for c in ids}
    decisions: list[TieDecision] = []
    for _ in range(50):
        result = allocate(groups, tiers, decisions=decisions)
        for p in result.pending:
            assert len(p.candidate_ids) > p.slots_left > 0
            assert {rank_of[c] for c in p.candidate_ids} == {p.rank}
        if result.decided:
            break
        # an officer picks the alphabetically first candidates of each pending tie
        decisions += [p.decide(sorted(p.candidate_ids)[: p.slots_left]) for p in result.pending]
    assert result.decided
    assert result.unused_decisions == ()
    placed = [0] * len(tiers)
    for p in result.placements:
        placed[p.tier] += 1
    before = 0
    for t, s in enumerate(slots):
        assert placed[t] == max(0, min(s, len(scores) - before))
        before += s
    # a better rank never gets a lower tier
    tier_of = {p.candidate_id: p.tier for p in result.placements}
    for a in tier_of:
        for b in tier_of:
            if rank_of[a] < rank_of[b]:
                assert tier_of[a] <= tier_of[b]


def test_two_different_decisions_for_one_tie_are_refused() -> None:
    tied = frozenset({"a", "b"})
    groups = [(1, ["a", "b"])]
    with pytest.raises(TieDecisionError, match="two different decisions"):
        allocate(
            groups,
            [Tier("x", 1)],
            decisions=[
                TieDecision("x", 1, tied, frozenset({"a"})),
                TieDecision("x", 1, tied, frozenset({"b"})),
            ],
        )


def test_zero_slot_tiers_and_no_tiers() -> None:
    groups = [(1, ["a"]), (2, ["b"]), (3, ["c"])]
    r = allocate(groups, [Tier("none", 0), Tier("two", 2)])
    assert [(p.candidate_id, p.tier) for p in r.placements] == [("a", 1), ("b", 1)]
    assert allocate(groups, []).placements == ()
