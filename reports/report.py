"""Everything a report shows, gathered in a fixed number of queries.

The page and the PDF show the same figures from the same context.
"""

from dataclasses import dataclass

from django.utils import timezone

from assessments import access, workflow
from assessments.challenges import challenges_of
from assessments.models import Answer, Assessment
from assessments.progress import is_overdue
from assessments.scorecards import framework, load_bands, scorecard
from assessments.scoring import Band, Change, CompetencyResult, Scorecard, change_since

from . import charts
from .peers import benchmarks


@dataclass
class Row:
    """One competency's line in the report."""

    result: CompetencyResult
    change: Change
    answers: list[Answer] | None = None

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


def report_context(grant: access.Grant, *, every_answer: bool = False,
                   show_reviews: bool | None = None) -> dict:
    """The report's figures, actions and evidence.

    ``show_reviews`` says whether to include the reviewers' levels; by default,
    whether this person may see them.

    Queries: bands, competencies, answers' values (only for a draft or a
    returned assessment: a submitted one keeps its scores), reviews (only
    for those who see them), the previous assessment (one or two) and its
    answers' values (likewise), the peers' kept scorecards, the answers with actions (or, with
    ``every_answer``, every answer), the evidence references.
    """
    assessment = grant.assessment
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
    for answer in actions:
        answer.overdue = is_overdue(answer, today=today)

    return {
        "assessment": assessment,
        "card": card,
        "rows": rows,
        "bands": bands,
        "previous": previous,
        "overall_change": changes.overall if changes else Change(None),
        "show_reviews": show_reviews,
        "chart": competency_chart(card, bands),
        "peers": benchmarks(assessment, card),
        "actions": actions,
        "overdue_count": sum(1 for a in actions if a.overdue),
        "evidence": list(
            assessment.evidence_references.select_related("evidence_item__competency")
        ),
        "today": today,
        # The reviewers' challenges and the PCT's replies, for those who see the reviews.
        "challenges": list(challenges_of(grant)) if show_reviews else [],
    }


def competency_chart(card: Scorecard, bands: list[Band]) -> str:
    return charts.competency_bars(
        [(f"{r.competency.number}. {r.competency.short_title}", r.score.percent)
         for r in card.competencies],
        bands,
    )
