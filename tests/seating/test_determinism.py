"""Same inputs and seed, same plan: across calls, input orders and interpreter runs."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from seating import SeatingRules, assign_invigilators, assign_seats, seating_fingerprint

from .rosters import neutral_invigilators, provincial_roster, rooms

RULES = SeatingRules("202201")
ROOT = Path(__file__).resolve().parents[2]


def test_same_seed_gives_the_same_plan() -> None:
    people, pool = provincial_roster(), rooms(6)
    assert assign_seats(people, pool, RULES, 5) == assign_seats(people, pool, RULES, 5)


def test_the_order_of_the_inputs_does_not_matter() -> None:
    people, pool = provincial_roster(), rooms(6)
    shuffled_people, shuffled_rooms = list(people), list(pool)
    random.Random(1).shuffle(shuffled_people)
    random.Random(2).shuffle(shuffled_rooms)
    a = assign_seats(people, pool, RULES, 5)
    b = assign_seats(shuffled_people, shuffled_rooms, RULES, 5)
    assert a == b
    assert a.fingerprint == seating_fingerprint(shuffled_people, shuffled_rooms, RULES)


def test_different_seeds_give_different_plans() -> None:
    people, pool = provincial_roster(), rooms(6)
    plans = {json.dumps(assign_seats(people, pool, RULES, s).to_dict()["rooms"]) for s in range(4)}
    assert len(plans) == 4


def test_the_plan_records_seed_and_an_input_fingerprint() -> None:
    people, pool = provincial_roster(), rooms(6)
    plan = assign_seats(people, pool, RULES, 77)
    assert plan.seed == 77
    assert plan.fingerprint == seating_fingerprint(people, pool, RULES)
    assert len(plan.fingerprint) == 64
    changed = [*people[:-1], people[-1].__class__(people[-1].id, "南京", people[-1].unit)]
    assert seating_fingerprint(changed, pool, RULES) != plan.fingerprint
    assert seating_fingerprint(people, pool, SeatingRules("202202")) != plan.fingerprint


def test_invigilators_are_deterministic_per_seed() -> None:
    people, pool = provincial_roster(), rooms(6)
    plan = assign_seats(people, pool, RULES, 1)
    staff = neutral_invigilators(20)
    assert assign_invigilators(plan, staff, RULES, 3) == assign_invigilators(plan, staff, RULES, 3)
    chosen = {
        json.dumps(
            [
                [i.id for i in r.invigilators]
                for r in assign_invigilators(plan, staff, RULES, s).rooms
            ]
        )
        for s in range(4)
    }
    assert len(chosen) > 1


_SCRIPT = """
import hashlib, json
from seating import SeatingRules, assign_invigilators, assign_seats
from tests.seating.rosters import neutral_invigilators, provincial_roster, rooms
rules = SeatingRules("202201")
plan = assign_seats(provincial_roster(), rooms(6), rules, 42)
plan = assign_invigilators(plan, neutral_invigilators(20), rules, 42)
print(hashlib.sha256(json.dumps(plan.to_dict(), sort_keys=True).encode()).hexdigest())
"""


def test_plans_do_not_depend_on_the_interpreters_hash_seed() -> None:
    digests = set()
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1
