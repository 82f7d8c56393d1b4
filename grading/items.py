"""Item analysis of the objective part, vectorised: what officers check before finalising.

Contract: `analyse_items(responses, scores, key, paper)` computes, per objective
question, over the included candidates (default: every row without an unresolved
cell; pass `include` to leave out the absent):
- difficulty p: mean score / points (the share answering right, with partial credit);
- point-biserial discrimination, corrected: corr(item score, total minus the item);
- upper-lower discrimination D = p(upper group) - p(lower group), groups being the top
  and bottom `group_fraction` (27 %) by objective total (ties at a group edge are cut
  by row order: a statistic, never a decision about a candidate);
- option frequencies (candidates marking each letter) and blanks;
- the response the upper group chose most often;
and KR-20 for the whole objective part (for partially credited items this is the
same formula over item variances, i.e. Cronbach's alpha). Voided questions are left
out (NaN). Flags mark probable key errors: negative discrimination, or an upper group
that prefers another response over the key. Every statistic is read off per-question
histograms of the responses (rows in blocks: memory stays flat); `scores` must come
from these responses and this key, which is checked on a sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from grading.errors import ResponseError
from grading.exact import as_fraction
from grading.key import AnswerKey, format_answer
from grading.paper import Paper
from grading.policy import ItemPolicy
from grading.scoring import ScoreMatrix, build_score_table, check_responses

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_BLOCK_CELLS = 1 << 21


class ItemFlagReason(StrEnum):
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    TOP_GROUP_PREFERS_OTHER = "top_group_prefers_other"


@dataclass(frozen=True)
class ItemFlag:
    question: int
    reason: ItemFlagReason
    detail: str


@dataclass(frozen=True, eq=False)
class ItemStatistics:
    """Per-question arrays are indexed by column (question number - 1)."""

    n: int  # candidates analysed
    group_size: int  # size of the upper and of the lower group
    analysed: npt.NDArray[np.bool_]  # False for voided questions
    difficulty: FloatArray
    point_biserial: FloatArray
    upper_lower: FloatArray
    option_counts: IntArray  # (questions, letters): candidates marking each letter
    blank_counts: IntArray
    upper_preferred: IntArray  # most frequent non-blank response of the upper group (0: none)
    kr20: float
    flags: tuple[ItemFlag, ...]

    @property
    def option_frequencies(self) -> FloatArray:
        result: FloatArray = self.option_counts / max(self.n, 1)
        return result

    def flags_for(self, question: int) -> tuple[ItemFlag, ...]:
        return tuple(f for f in self.flags if f.question == question)


def _group_size(n: int, fraction: Fraction) -> int:
    # round half up, exactly
    return (2 * n * fraction.numerator + fraction.denominator) // (2 * fraction.denominator)


def _histograms(
    responses: npt.NDArray[Any], rows: npt.NDArray[np.intp], width: int, weights: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """hist[q, v]: how many of `rows` answered v on question q; whist[q, v]: the sum of their
    `weights` (None: zeros). One gather and two bincounts per block of rows."""
    q = responses.shape[1]
    offsets = np.arange(q, dtype=np.intp) * width
    hist = np.zeros(q * width)
    whist = np.zeros(q * width)
    block = max(1, _BLOCK_CELLS // max(q, 1))
    contiguous = rows.shape[0] == responses.shape[0]
    for lo in range(0, rows.shape[0], block):
        part = responses[lo : lo + block] if contiguous else responses[rows[lo : lo + block]]
        idx = part.astype(np.intp)
        idx += offsets
        flat = idx.ravel()
        hist += np.bincount(flat, minlength=q * width)
        if weights is not None:
            w = np.broadcast_to(weights[lo : lo + block, None], part.shape).ravel()
            whist += np.bincount(flat, weights=w, minlength=q * width)
    return hist.reshape(q, width), whist.reshape(q, width)


def analyse_items(
    responses: npt.NDArray[Any],
    scores: ScoreMatrix,
    key: AnswerKey,
    paper: Paper,
    *,
    include: npt.ArrayLike | None = None,
    policy: ItemPolicy | None = None,
) -> ItemStatistics:
    """Item statistics; see the module contract."""
    policy = policy or ItemPolicy()
    n_all, q = scores.ticks.shape
    check_responses(responses, paper)
    if responses.shape != (n_all, q):
        raise ResponseError(f"responses {responses.shape} do not match the scores {(n_all, q)}")
    mask = ~scores.unresolved if include is None else np.asarray(include, dtype=bool)
    if mask.shape != (n_all,):
        raise ResponseError(f"include must have shape ({n_all},)")
    # Every statistic is a sum over responses, so it is read off per-question histograms of
    # the responses, weighted by the item scores of the lookup table.
    table = build_score_table(paper, key, scores.policy).table.astype(np.float64)
    sample = slice(0, min(n_all, 1000))
    width = table.shape[1]
    looked_up = np.take_along_axis(table.T, responses[sample].astype(np.intp), axis=0)
    if table.shape[0] and not np.array_equal(looked_up, scores.ticks[sample]):
        raise ResponseError("these scores were not computed from these responses and this key")
    rows = np.flatnonzero(mask & ~scores.unresolved)
    n = int(rows.shape[0])
    questions = paper.objective_questions
    points = np.array([float(qq.points * scores.scale) for qq in questions])
    analysed = ~scores.voided
    letters = max((qq.options for qq in questions), default=0)
    bits = (np.arange(width)[:, None] >> np.arange(letters)[None, :]) & 1

    total = scores.totals[rows].astype(np.float64)
    hist, thist = _histograms(responses, rows, width, total)
    option_counts = (hist @ bits).astype(np.int64)
    blanks = hist[:, 0].astype(np.int64)
    nan = np.full(q, np.nan)
    if n == 0:
        return ItemStatistics(
            0, 0, analysed, nan, nan.copy(), nan.copy(), option_counts, blanks,
            np.zeros(q, dtype=np.int64), float("nan"), (),
        )  # fmt: skip
    mean_x = (hist * table).sum(axis=1) / n
    var_x = (hist * table**2).sum(axis=1) / n - mean_x**2
    mean_t, var_t = float(total.mean()), float(total.var())
    cov_xt = (thist * table).sum(axis=1) / n - mean_x * mean_t
    # corr(X, T - X) from the moments of X and T alone: no second pass over the rows.
    cov_xr = cov_xt - var_x
    var_r = var_t - 2 * cov_xt + var_x
    with np.errstate(invalid="ignore", divide="ignore"):
        difficulty = np.where(analysed, mean_x / points, np.nan)
        denom = np.sqrt(var_x * var_r)
        pbis = np.where(analysed & (denom > 1e-12), cov_xr / np.where(denom > 0, denom, 1), np.nan)

    g = _group_size(n, as_fraction(policy.group_fraction, field="items.group_fraction"))
    order = np.argsort(-scores.totals[rows], kind="stable")
    upper_hist, _ = _histograms(responses, rows[order[:g]], width, None)
    lower_hist, _ = _histograms(responses, rows[order[n - g :]], width, None)
    if g > 0:
        p_up = (upper_hist * table).sum(axis=1) / g / points
        p_low = (lower_hist * table).sum(axis=1) / g / points
        d = np.where(analysed, p_up - p_low, np.nan)
    else:
        d = nan.copy()

    preferred = np.zeros(q, dtype=np.int64)
    flags: list[ItemFlag] = []
    threshold = float(as_fraction(policy.min_discrimination, field="items.min_discrimination"))
    for col, qq in enumerate(questions):
        if not analysed[col]:
            continue
        counts = upper_hist[col].astype(np.int64)
        counts[0] = 0
        if counts.any():
            preferred[col] = int(np.argmax(counts))
        accepted = key.accepted(qq.number)
        key_count = max((int(counts[a]) for a in accepted), default=0)
        others = counts.copy()
        others[list(accepted)] = 0
        best_other = int(np.argmax(others))
        if others[best_other] > key_count:
            flags.append(
                ItemFlag(
                    qq.number,
                    ItemFlagReason.TOP_GROUP_PREFERS_OTHER,
                    f"upper group chose {format_answer(best_other)} {int(others[best_other])}"
                    f" times, the key {'|'.join(format_answer(a) for a in accepted)}"
                    f" {key_count} times",
                )
            )
        low = [
            f"{name} {v:.3f}"
            for name, v in (("point-biserial", pbis[col]), ("upper-lower D", d[col]))
            if not np.isnan(v) and v < threshold
        ]
        if low:
            flags.append(
                ItemFlag(qq.number, ItemFlagReason.NEGATIVE_DISCRIMINATION, ", ".join(low))
            )

    k = int(analysed.sum())
    if k >= 2 and var_t > 0:
        kr20 = k / (k - 1) * (1 - float(var_x[analysed].sum()) / var_t)
    else:
        kr20 = float("nan")
    return ItemStatistics(
        n=n,
        group_size=g,
        analysed=analysed,
        difficulty=difficulty,
        point_biserial=pbis,
        upper_lower=d,
        option_counts=option_counts,
        blank_counts=blanks,
        upper_preferred=preferred,
        kr20=kr20,
        flags=tuple(flags),
    )
