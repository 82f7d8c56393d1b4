"""Fingerprints: sha256 of a canonical JSON form of a plan's inputs.

The canonical form is independent of input order (candidates sorted by id, rooms
by code, invigilators by id), uses compact JSON with sorted keys and UTF-8, and
starts with a format tag, so equal inputs always give the same hex digest:

- `seating_fingerprint(candidates, rooms, rules)`: what `assign_seats` used;
- `invigilation_fingerprint(plan_fingerprint, plan_seed, invigilators)`: what
  `assign_invigilators` used on top of that plan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from seating.model import Invigilator, Room, SeatCandidate, SeatingRules

_SEATING_TAG = "exam-center/seating-inputs/1"
_INVIGILATION_TAG = "exam-center/invigilation-inputs/1"


def seating_fingerprint(
    candidates: Sequence[SeatCandidate], rooms: Sequence[Room], rules: SeatingRules
) -> str:
    canonical = {
        "format": _SEATING_TAG,
        "candidates": sorted([c.id, c.team, c.unit] for c in candidates),
        "rooms": sorted([r.code, r.rows, r.cols, sorted(r.unusable), r.building] for r in rooms),
        "rules": {
            "admission_prefix": rules.admission_prefix,
            "neighbourhood": rules.neighbourhood,
            "allow_fallback": rules.allow_fallback,
            "invigilators_per_room": rules.invigilators_per_room,
        },
    }
    return _digest(canonical)


def invigilation_fingerprint(
    plan_fingerprint: str, plan_seed: int, invigilators: Sequence[Invigilator]
) -> str:
    canonical = {
        "format": _INVIGILATION_TAG,
        "plan": [plan_fingerprint, plan_seed],
        "invigilators": sorted([i.id, i.name, i.team, i.unit] for i in invigilators),
    }
    return _digest(canonical)


def _digest(canonical: object) -> str:
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
