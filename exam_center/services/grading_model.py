"""The exam's paper and policies as the grading library takes them."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

import grading
from exam_center.domain.definition import ExamDefinition, Policy
from exam_center.services.exams import exam_definition


def grading_paper(session: Session) -> grading.Paper:
    return paper_of(exam_definition(session))


def paper_of(definition: ExamDefinition) -> grading.Paper:
    """The definition's paper as the grading library takes it."""
    return grading.Paper(
        tuple(
            grading.Section(
                s.name,
                grading.QuestionKind(s.kind),
                s.count,
                options=s.options if s.kind != "subjective" else None,
                points=s.points,
                multi_rule=grading.MultiRule(s.scoring),
                partial_fraction=s.partial_fraction,
            )
            for s in definition.paper.sections
        )
    )


def policy_record(policy: Policy) -> dict[str, dict[str, Any]]:
    return {
        "scoring": {"voided": policy.voided_question},
        "subjective": {
            "final": policy.subjective_final,
            "tolerance": policy.subjective_tolerance,
            "step": policy.subjective_step,
        },
        "ranking": {"chain": list(policy.tie_break)},
        "awards": {"prior_years": list(policy.honour_years), "prior_honour": policy.prior_honour},
        "teams": {"total": policy.team_total, "best_n": policy.team_best_n},
        "national": {
            "selected": policy.national_selected,
            "recommended": policy.national_recommended,
            "drawn": policy.national_drawn,
            "knowledge_top": policy.national_knowledge_top,
            "star_count": policy.national_star_count,
            "may_day_top": policy.national_may_day_top,
            "exclude_prior_for_national_titles": policy.national_exclude_prior_titles,
            "once_per_year": policy.national_once_per_year,
        },
    }


def grading_policy(session: Session) -> grading.GradingPolicy:
    return policy_of(policy_record(exam_definition(session).policy))


def policy_of(record: dict[str, dict[str, Any]]) -> grading.GradingPolicy:
    return grading.GradingPolicy.from_record(record)
