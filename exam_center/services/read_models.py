"""The results as people and scripts read them: typed read models of the standings, the
individual awards, the teams and the national list, with ids, admission numbers and
names (never database rows).

Each has `to_json()`, the CLI's JSON contract (`results`, `awards`, `teams`, `national`
--json: fields are added, never renamed or dropped; a test compares the bytes with
goldens), and `from_json()`, which reads a finalised snapshot (stored JSON) back, so
the exports and the screens read attributes whether the results were just computed or
locked. `CandidateStatus` is the one set of a candidate's statuses; their words are in
`exam_center.domain.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from exam_center.domain.vocabulary import CANDIDATE_STATUS_LABELS, CANDIDATE_STATUS_SCREEN_LABELS

Json = dict[str, Any]


class CandidateStatus(StrEnum):
    """Why a candidate is ranked or not (the `status` of `results --json`)."""

    RANKED = "ranked"
    INCOMPLETE = "incomplete"
    UNRESOLVED = "unresolved"
    ABSENT = "absent"
    INELIGIBLE = "ineligible"
    NOT_SEATED = "not_seated"
    MISSING_SHEET = "missing_sheet"
    NO_KEY = "no_key"

    @property
    def label(self) -> str:
        """In Chinese, as the exports and the CLI's tables print it."""
        return STATUS_LABELS[self]

    @property
    def screen_label(self) -> str:
        """As the TUI's ranking shows it (nothing for the ranked, English beside)."""
        return SCREEN_LABELS[self]

    @property
    def scored(self) -> bool:
        """A sheet was scored for this status (absent, unseated, no sheet or no key: none)."""
        return self not in UNSCORED


STATUS_LABELS = {s: CANDIDATE_STATUS_LABELS[s.value] for s in CandidateStatus}
SCREEN_LABELS = {s: CANDIDATE_STATUS_SCREEN_LABELS[s.value] for s in CandidateStatus}

UNSCORED = frozenset(
    {
        CandidateStatus.ABSENT,
        CandidateStatus.NOT_SEATED,
        CandidateStatus.MISSING_SHEET,
        CandidateStatus.NO_KEY,
    }
)


def status_label(status: str) -> str:
    """A status in Chinese; an unknown one as it is."""
    try:
        return CandidateStatus(status).label
    except ValueError:
        return status


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _problems(doc: Mapping[str, Any]) -> tuple[str, ...] | None:
    return tuple(doc["problems"]) if "problems" in doc else None


# ---------------------------------------------------------------- standings


@dataclass(frozen=True)
class CandidateStanding:
    """One candidate in the ranking: scores, rank and tie-break keys once scored
    (`blanks` is None until then)."""

    admission_no: str | None
    candidate_id: int
    name: str
    team: str
    objective: float | None
    subjective: float | None
    total: float | None
    rank: int | None
    tie_keys: tuple[float, ...]
    status: CandidateStatus
    blanks: int | None = None

    @property
    def scored(self) -> bool:
        return self.blanks is not None

    def to_json(self) -> Json:
        doc: Json = {
            "admission_no": self.admission_no,
            "candidate_id": self.candidate_id,
            "name": self.name,
            "team": self.team,
            "objective": self.objective,
            "subjective": self.subjective,
            "total": self.total,
            "rank": self.rank,
            "tie_keys": list(self.tie_keys),
            "status": str(self.status),
        }
        if self.blanks is not None:
            doc["blanks"] = self.blanks
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> CandidateStanding:
        return cls(
            doc["admission_no"],
            int(doc["candidate_id"]),
            doc["name"],
            doc["team"],
            _float(doc["objective"]),
            _float(doc["subjective"]),
            _float(doc["total"]),
            doc["rank"],
            tuple(float(k) for k in doc["tie_keys"]),
            CandidateStatus(doc["status"]),
            doc.get("blanks"),
        )


@dataclass(frozen=True)
class Standings:
    """`results --json`: every candidate, ranked or with the reason they are not, best
    first, then the unranked by candidate id."""

    policy: Mapping[str, Any]  # the definition's policies and the tie-break chain
    key_version: int | None
    max_score: float
    problems: tuple[str, ...]
    candidates: tuple[CandidateStanding, ...]

    @property
    def tie_break(self) -> list[str]:
        """The tie-break chain, as in the definition: "total desc", "blanks asc", ..."""
        return [str(k) for k in self.policy.get("tie_break", [])]

    def by_admission(self) -> dict[str, CandidateStanding]:
        return {c.admission_no: c for c in self.candidates if c.admission_no}

    def by_id(self) -> dict[int, CandidateStanding]:
        return {c.candidate_id: c for c in self.candidates}

    def to_json(self) -> Json:
        return {
            "policy": dict(self.policy),
            "key_version": self.key_version,
            "max_score": self.max_score,
            "problems": list(self.problems),
            "candidates": [c.to_json() for c in self.candidates],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Standings:
        return cls(
            doc.get("policy", {}),
            doc.get("key_version"),
            float(doc.get("max_score") or 0),
            tuple(doc.get("problems", ())),
            tuple(CandidateStanding.from_json(c) for c in doc.get("candidates", ())),
        )


# ---------------------------------------------------------------- awards


@dataclass(frozen=True)
class Grant:
    award: str
    admission_no: str | None
    candidate_id: int
    name: str
    rank: int
    note: str
    nomination: bool
    passed_down: bool
    by_decision: bool

    def to_json(self) -> Json:
        return {
            "award": self.award,
            "admission_no": self.admission_no,
            "candidate_id": self.candidate_id,
            "name": self.name,
            "rank": self.rank,
            "note": self.note,
            "nomination": self.nomination,
            "passed_down": self.passed_down,
            "by_decision": self.by_decision,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Grant:
        return cls(
            doc["award"],
            doc["admission_no"],
            int(doc["candidate_id"]),
            doc.get("name", ""),
            doc["rank"],
            doc.get("note") or "",
            bool(doc.get("nomination")),
            bool(doc.get("passed_down")),
            bool(doc.get("by_decision")),
        )


@dataclass(frozen=True)
class AwardTie:
    """A tie at an award boundary waiting for a decision: `slots` for the tied."""

    award: str
    rank: int
    admission_nos: tuple[str | None, ...]
    names: tuple[str, ...]
    slots: int

    def to_json(self) -> Json:
        return {
            "award": self.award,
            "rank": self.rank,
            "admission_nos": list(self.admission_nos),
            "names": list(self.names),
            "slots": self.slots,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> AwardTie:
        return cls(
            doc["award"],
            doc["rank"],
            tuple(doc["admission_nos"]),
            tuple(doc.get("names", ())),
            doc["slots"],
        )


EXCLUSION_REASONS = {
    "prior_honour": "{years}年已获此荣誉，不重复授予",
    "awarded_this_year": "本年度已获此荣誉",
    "national_expert": "已获全国人社知识通",
}


def exclusion_note(reason: str, years: tuple[int, ...] | list[int], lapsed: bool) -> str:
    """Why a candidate at this rank does not receive the award, and what became of the
    place (passed down to the next, or left empty), in the words of the award lists."""
    text = EXCLUSION_REASONS.get(reason, reason).format(years="、".join(str(y) for y in years))
    return f"{text}（名额{'空缺' if lapsed else '依次顺延'}）"


@dataclass(frozen=True)
class Excluded:
    """A candidate passed over for an award at their rank, with the reason."""

    award: str
    admission_no: str | None
    name: str
    rank: int
    years: tuple[int, ...]
    reason: str
    lapsed: bool

    @property
    def explanation(self) -> str:
        return exclusion_note(self.reason, self.years, self.lapsed)

    def to_json(self) -> Json:
        return {
            "award": self.award,
            "admission_no": self.admission_no,
            "name": self.name,
            "rank": self.rank,
            "years": list(self.years),
            "reason": self.reason,
            "lapsed": self.lapsed,
            "explanation": self.explanation,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Excluded:
        return cls(
            doc["award"],
            doc["admission_no"],
            doc.get("name", ""),
            doc["rank"],
            tuple(doc.get("years", ())),
            str(doc.get("reason")),
            bool(doc.get("lapsed")),
        )


@dataclass(frozen=True)
class AwardList:
    """`awards --json`: individual awards, the ties waiting for a decision, and who was
    passed over. `problems` is set (and printed) only when the awards could not be
    computed."""

    individual: tuple[Grant, ...]
    pending_ties: tuple[AwardTie, ...]
    excluded: tuple[Excluded, ...]
    problems: tuple[str, ...] | None = None

    def to_json(self) -> Json:
        doc: Json = {
            "individual": [g.to_json() for g in self.individual],
            "pending_ties": [p.to_json() for p in self.pending_ties],
            "excluded": [e.to_json() for e in self.excluded],
        }
        if self.problems is not None:
            doc["problems"] = list(self.problems)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> AwardList:
        return cls(
            tuple(Grant.from_json(g) for g in doc.get("individual", ())),
            tuple(AwardTie.from_json(p) for p in doc.get("pending_ties", ())),
            tuple(Excluded.from_json(e) for e in doc.get("excluded", ())),
            _problems(doc),
        )


# ---------------------------------------------------------------- teams


@dataclass(frozen=True)
class TeamLine:
    team: str
    members: int
    present: int
    total: float
    rank: int | None
    award: str | None
    pending: bool
    complete: bool
    organisation_award: bool

    def to_json(self) -> Json:
        return {
            "team": self.team,
            "members": self.members,
            "present": self.present,
            "total": self.total,
            "rank": self.rank,
            "award": self.award,
            "pending": self.pending,
            "complete": self.complete,
            "organisation_award": self.organisation_award,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> TeamLine:
        return cls(
            doc["team"],
            int(doc["members"]),
            int(doc.get("present", doc["members"])),
            float(doc["total"]),
            doc["rank"],
            doc["award"],
            bool(doc.get("pending")),
            bool(doc.get("complete", True)),
            bool(doc.get("organisation_award")),
        )


@dataclass(frozen=True)
class TeamTie:
    award: str
    rank: int
    teams: tuple[str, ...]
    slots: int

    def to_json(self) -> Json:
        return {
            "award": self.award,
            "rank": self.rank,
            "teams": list(self.teams),
            "slots": self.slots,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> TeamTie:
        return cls(doc["award"], doc["rank"], tuple(doc["teams"]), doc["slots"])


@dataclass(frozen=True)
class TeamList:
    """`teams --json`: team totals, ranks and awards (`award` None below the tenth)."""

    teams: tuple[TeamLine, ...]
    pending_ties: tuple[TeamTie, ...]
    problems: tuple[str, ...] | None = None

    def to_json(self) -> Json:
        doc: Json = {
            "teams": [t.to_json() for t in self.teams],
            "pending_ties": [p.to_json() for p in self.pending_ties],
        }
        if self.problems is not None:
            doc["problems"] = list(self.problems)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> TeamList:
        return cls(
            tuple(TeamLine.from_json(t) for t in doc.get("teams", ())),
            tuple(TeamTie.from_json(p) for p in doc.get("pending_ties", ())),
            _problems(doc),
        )


# ---------------------------------------------------------------- national


@dataclass(frozen=True)
class NationalTie:
    list: str
    rank: int
    admission_nos: tuple[str | None, ...]
    slots: int

    def to_json(self) -> Json:
        return {
            "list": self.list,
            "rank": self.rank,
            "admission_nos": list(self.admission_nos),
            "slots": self.slots,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> NationalTie:
        return cls(doc["list"], doc["rank"], tuple(doc["admission_nos"]), doc["slots"])


@dataclass(frozen=True)
class NationalHonour:
    award: str
    admission_no: str | None
    national_rank: int
    note: str

    def to_json(self) -> Json:
        return {
            "award": self.award,
            "admission_no": self.admission_no,
            "national_rank": self.national_rank,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> NationalHonour:
        return cls(doc["award"], doc["admission_no"], doc["national_rank"], doc.get("note") or "")


@dataclass(frozen=True)
class NationalView:
    """`national --json`: the chosen (15), the recommended (100), the ministry's drawn
    (35), the draw's kind and label, and the honours from the national results once on
    record. When the list could not be computed, only the empty lists and `problems`."""

    selected: tuple[str | None, ...]
    recommended: tuple[str | None, ...]
    drawn: tuple[str | None, ...]
    draw: str  # none | ministry | simulation
    draw_label: str = ""
    pending_ties: tuple[NationalTie, ...] = ()
    honours: tuple[NationalHonour, ...] | None = None
    problems: tuple[str, ...] | None = None

    def to_json(self) -> Json:
        doc: Json = {
            "selected": list(self.selected),
            "recommended": list(self.recommended),
            "drawn": list(self.drawn),
            "draw": self.draw,
        }
        if self.problems is not None:
            return doc | {"problems": list(self.problems)}
        doc["draw_label"] = self.draw_label
        doc["pending_ties"] = [p.to_json() for p in self.pending_ties]
        if self.honours is not None:
            doc["honours"] = [h.to_json() for h in self.honours]
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> NationalView:
        honours = doc.get("honours")
        return cls(
            tuple(doc.get("selected", ())),
            tuple(doc.get("recommended", ())),
            tuple(doc.get("drawn", ())),
            doc.get("draw", "none"),
            doc.get("draw_label") or "",
            tuple(NationalTie.from_json(p) for p in doc.get("pending_ties", ())),
            None if honours is None else tuple(NationalHonour.from_json(h) for h in honours),
            _problems(doc),
        )


@dataclass(frozen=True)
class ResultsDocuments:
    """The four documents together: what a finalised snapshot holds."""

    results: Standings
    awards: AwardList
    teams: TeamList
    national: NationalView

    def to_json(self) -> Json:
        return {
            "results": self.results.to_json(),
            "awards": self.awards.to_json(),
            "teams": self.teams.to_json(),
            "national": self.national.to_json(),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> ResultsDocuments:
        return cls(
            Standings.from_json(doc["results"]),
            AwardList.from_json(doc["awards"]),
            TeamList.from_json(doc["teams"]),
            NationalView.from_json(doc["national"]),
        )
