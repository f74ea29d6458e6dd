"""Everything a report shows, gathered in a fixed number of queries.

The page and the PDF show the same figures from the same context.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from assessments import access, deadlines, workflow
from assessments.challenges import challenges_of
from assessments.models import Answer, Assessment
from assessments.progress import is_overdue
from assessments.scorecards import framework, load_bands, scorecard
from assessments.scoring import Band, Change, CompetencyResult, Scorecard, change_since

from . import charts
from .key_messages import key_messages
from .peers import benchmarks


@dataclass
class Row:
    """One competency's line in the report."""

    result: CompetencyResult
    change: Change
    answers: list[Answer] | None = None
    # The competency's actions, by due date (those without one last).
    actions: list[Answer] = field(default_factory=list)

    def __getattr__(self, name):
        # competency, score, level, review, review_band, theme
        return getattr(self.result, name)


def visible_previous(grant: access.Grant) -> Assessment | None:
    """The PCT's previous assessment, if this person may see it too."""
    assessment = grant.assessment
    previous = workflow.previous_assessment(
        pct=assessment.pct, before=assessment.cycle, focus=assessment.focus
    )
    return previous if previous is not None and grant.sees(previous) else None


def position_as_at(assessment: Assessment, *, today: datetime.date) -> datetime.date:
    """The day the report's position is taken on: a submitted or accepted
    assessment's is the day it was submitted, so its actions are overdue as
    they were then, however old it is; a draft's or a returned one's is today."""
    if assessment.status in (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED) and assessment.submitted_at:
        return timezone.localtime(assessment.submitted_at).date()
    return today


def report_context(grant: access.Grant, *, every_answer: bool = False,
                   show_reviews: bool | None = None) -> dict:
    """The report's figures, actions and evidence.

    ``show_reviews`` says whether to include the reviewers' levels; by default,
    whether this person may see them.

    Queries: bands, competencies, answers' values (only for a draft or a
    returned assessment: a submitted one keeps its scores), reviews (only
    for those who see them), the previous assessment (one or two) and its
    answers' values (likewise), the peers' kept scorecards, the answers with actions (or, with
    ``every_answer``, every answer), the evidence references, the
    deadline (none if the assessment came through ``deadlines.with_deadlines``).
    """
    assessment = deadlines.fetch(grant.assessment)
    bands = load_bands()
    competencies = framework()
    if show_reviews is None:
        show_reviews = grant.sees_reviews
    card = scorecard(assessment, bands=bands, competencies=competencies, reviews=show_reviews)
    previous = visible_previous(grant)
    previous_card = (
        scorecard(previous, bands=bands, competencies=competencies, reviews=False)
        if previous is not None else None
    )
    changes = change_since(previous_card, card) if previous_card is not None else None
    rows = [
        Row(r, changes.for_competency(r.competency.pk) if changes else Change(None))
        for r in card.competencies
    ]

    answers = assessment.answers.select_related("question").order_by("question__number")
    if every_answer:
        answers = list(answers)
        by_competency: dict[int, list[Answer]] = {}
        for answer in answers:
            by_competency.setdefault(answer.competency_answered_id, []).append(answer)
        for row in rows:
            row.answers = by_competency.get(row.competency.pk, [])
        actions = [a for a in answers if a.action]
    else:
        actions = list(answers.exclude(action=""))
    today = timezone.localdate()
    as_at = position_as_at(assessment, today=today)
    for answer in actions:
        answer.overdue = is_overdue(answer, today=as_at)
    by_row = {row.competency.pk: row for row in rows}
    for answer in sorted(actions, key=lambda a: (a.due_date is None, a.due_date or as_at, a.question.number)):
        by_row[answer.competency_answered_id].actions.append(answer)
    peers = benchmarks(assessment, card)
    overall_change = changes.overall if changes else Change(None)

    return {
        "assessment": assessment,
        "card": card,
        "rows": rows,
        "bands": bands,
        "previous": previous,
        "overall_change": overall_change,
        "show_reviews": show_reviews,
        "chart": competency_chart(card, bands),
        "peers": peers,
        "actions": actions,
        "overdue_count": sum(1 for a in actions if a.overdue),
        "evidence": list(
            assessment.evidence_references.select_related("evidence_item__competency")
        ),
        "today": today,
        "as_at": as_at,
        "submission_due": deadlines.submission_deadline(assessment),
        "late": deadlines.is_late(assessment),
        "key_messages": key_messages(card=card, change=overall_change, actions=actions, as_at=as_at,
                                     show_reviews=show_reviews, peers=peers),
        # The reviewers' challenges and the PCT's replies, for those who see the reviews.
        "challenges": list(challenges_of(grant)) if show_reviews else [],
    }


def competency_chart(card: Scorecard, bands: list[Band]) -> str:
    return charts.competency_bars(
        [(f"{r.competency.number}. {r.competency.short_title}", r.score.percent)
         for r in card.competencies],
        bands,
    )
