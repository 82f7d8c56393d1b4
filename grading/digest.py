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
import re
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
CANDIDATE_COLUMNS = ("id", "standing", "objective", "subjective", "total", "rank")
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


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


def _dumps(plain: Any) -> bytes:
    return json.dumps(
        plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical_json(value: Any) -> bytes:
    return _dumps(_plain(value))


def digest(value: Any) -> str:
    """sha256 hex digest of `canonical_json(value)`."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def _summary(
    ranking: Ranking,
    policy: GradingPolicy | None,
    individual: IndividualAwards | None,
    teams: TeamResults | None,
    national: NationalList | None,
    draw: NationalDraw | None,
    honours: NationalHonours | None,
) -> dict[str, Any]:
    """Everything of the document but the per-candidate rows, as plain values."""
    return {
        "version": DOCUMENT_VERSION,
        "policy": None if policy is None else policy.to_record(),
        "tie_chain": [str(k) for k in ranking.chain],
        "scale": ranking.totals.scale,
        "candidate_columns": list(CANDIDATE_COLUMNS),
        "individual": _plain(individual),
        "teams": _plain(teams),
        "national": _plain(national),
        "draw": _plain(draw),
        "national_honours": _plain(honours),
    }


_Columns = tuple[list[str], list[int], list[str], list[int], list[int], list[int], list[int | None]]


def _candidate_columns(ranking: Ranking) -> _Columns:
    """ids, the order sorting them, then one list per column after "id"."""
    t = ranking.totals
    ids = [str(i) for i in range(t.n_candidates)] if t.ids is None else list(t.ids)
    order = sorted(range(len(ids)), key=ids.__getitem__)  # row order must not matter
    rank = [r or None for r in ranking.rank.tolist()]
    labels = [s.label for s in Standing]
    standing = [labels[s] for s in t.standing.tolist()]
    return ids, order, standing, t.objective.tolist(), t.subjective.tolist(), t.total.tolist(), rank


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
    doc = _summary(ranking, policy, individual, teams, national, draw, honours)
    ids, order, standing, obj, sub, tot, rank = _candidate_columns(ranking)
    doc["candidates"] = [[ids[i], standing[i], obj[i], sub[i], tot[i], rank[i]] for i in order]
    return doc


def _candidates_json(ranking: Ranking) -> str:
    """`_dumps` of the candidate rows, written directly: a million rows as Python lists
    would take seconds to build and encode."""
    ids, order, standing, obj, sub, tot, rank = _candidate_columns(ranking)
    # json.dumps(ensure_ascii=False) escapes only quotes, backslashes and control characters.
    if _NEEDS_ESCAPE.search("".join(ids)):
        quoted = [json.dumps(i, ensure_ascii=False) for i in ids]
    else:
        quoted = [f'"{i}"' for i in ids]
    label = {s.label: json.dumps(s.label) for s in Standing}
    rows = ",".join(
        f"[{quoted[i]},{label[standing[i]]},{obj[i]},{sub[i]},{tot[i]},"
        f"{'null' if rank[i] is None else rank[i]}]"
        for i in order
    )
    return f"[{rows}]"


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
    """sha256 of `canonical_json(results_document(...))`, computed without building the rows."""
    parts = {
        k: _dumps(v).decode("utf-8")
        for k, v in _summary(ranking, policy, individual, teams, national, draw, honours).items()
    }
    parts["candidates"] = _candidates_json(ranking)
    text = "{" + ",".join(f"{json.dumps(k)}:{parts[k]}" for k in sorted(parts)) + "}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
