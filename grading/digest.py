"""A stable sha256 digest of a result set, stored when results are finalised.

Contract: `canonical_json(value)` is one byte string per value: UTF-8 JSON with sorted
keys and no spaces; dataclasses become objects of their fields, enums their values,
Fractions exact text ("20.5", "41/3"), sets sorted lists, numpy values plain numbers;
NaN and unknown types are refused rather than guessed. `results_document(...)` is
the canonical content of a result set (policies, every candidate's scores in ticks
with the scale, standing and rank, sorted by candidate id so row order does not
matter, the awards, teams and national list), and `results_digest(...)` its sha256.
The same results always give the same digest; any change of a score, rank, award,
decision or policy gives another.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from enum import Enum
from fractions import Fraction
from typing import Any

import numpy as np

from grading.awards import IndividualAwards
from grading.exact import format_points
from grading.national import NationalDraw, NationalHonours, NationalList
from grading.policy import GradingPolicy
from grading.ranking import Ranking
from grading.teams import TeamResults
from grading.totals import Standing

DOCUMENT_VERSION = 1


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Fraction):
        return format_points(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot digest a non-finite number {value!r}")
        return value
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str | int) or isinstance(k, bool):
                raise TypeError(f"cannot digest a mapping key {k!r}")
            out[str(k)] = _plain(v)
        return out
    if isinstance(value, set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"cannot digest a {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        _plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def digest(value: Any) -> str:
    """sha256 hex digest of `canonical_json(value)`."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def results_document(
    ranking: Ranking,
    *,
    policy: GradingPolicy | None = None,
    individual: IndividualAwards | None = None,
    teams: TeamResults | None = None,
    national: NationalList | None = None,
    draw: NationalDraw | None = None,
    honours: NationalHonours | None = None,
) -> dict[str, Any]:
    """The canonical content of a result set (plain JSON-ready values)."""
    t = ranking.totals
    ids = [t.candidate_id(i) for i in range(t.n_candidates)]
    labels = [s.label for s in Standing]
    standing = [labels[s] for s in t.standing.tolist()]
    obj, sub, tot = t.objective.tolist(), t.subjective.tolist(), t.total.tolist()
    rank = ranking.rank.tolist()
    rows = [
        [ids[i], standing[i], obj[i], sub[i], tot[i], rank[i] or None]
        for i in sorted(range(len(ids)), key=ids.__getitem__)
    ]
    return {
        "version": DOCUMENT_VERSION,
        "policy": None if policy is None else policy.to_record(),
        "tie_chain": [str(k) for k in ranking.chain],
        "scale": t.scale,
        "candidate_columns": ["id", "standing", "objective", "subjective", "total", "rank"],
        "candidates": rows,
        "individual": _plain(individual),
        "teams": _plain(teams),
        "national": _plain(national),
        "draw": _plain(draw),
        "national_honours": _plain(honours),
    }


def results_digest(
    ranking: Ranking,
    *,
    policy: GradingPolicy | None = None,
    individual: IndividualAwards | None = None,
    teams: TeamResults | None = None,
    national: NationalList | None = None,
    draw: NationalDraw | None = None,
    honours: NationalHonours | None = None,
) -> str:
    """sha256 of `results_document(...)`."""
    return digest(
        results_document(
            ranking,
            policy=policy,
            individual=individual,
            teams=teams,
            national=national,
            draw=draw,
            honours=honours,
        )
    )
