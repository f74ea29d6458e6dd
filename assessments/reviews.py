"""What the SHA's reviewer reads: the review worksheet, and which
competencies still lack the reviewer's level.

A panel rated each competency from the answers that justify it, so the
worksheet puts them together: for each competency, in number order under the
theme it was scored in, the level the answers give (``scorecards``), the
Yes / No counts, the questions answered No with their actions, and the
evidence references, beside the reviewer's level and reason. Reads only;
the writes are ``workflow.record_reviews`` and ``workflow.accept``.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from competencies.models import Competency, Theme

from .models import COMPETENCY_ANSWERED, Answer, Assessment, CompetencyReview, EvidenceReference
from .scorecards import framework, load_bands, scorecard, tallies_of
from .scoring import Band, CompetencyResult, Score

ACTION_STATUSES = dict(Answer.ActionStatus.choices)


@dataclass(slots=True)
class AnswerLine:
    """An answer as the worksheet shows it: read as values, since a worksheet
    has a hundred of them, once for its answers No and its challenges (not
    frozen: a frozen dataclass is several times slower to make)."""

    pk: int
    number: int
    value: str
    wording: str  # the question as answered
    competency_id: int  # where it counts
    action: str
    owner: str
    due_date: datetime.date | None
    action_status: str

    @property
    def value_display(self) -> str:
        return Answer.Value(self.value).label if self.value else ""

    @property
    def action_status_display(self) -> str:
        return ACTION_STATUSES.get(self.action_status, self.action_status)


@dataclass
class CompetencySheet:
    """One competency's part of the worksheet."""

    result: CompetencyResult
    no_answers: list[AnswerLine]
    evidence: list[EvidenceReference]

    @property
    def competency(self) -> Competency:
        return self.result.competency

    @property
    def score(self) -> Score:
        return self.result.score

    @property
    def level(self) -> Band | None:
        """The level the answers give."""
        return self.result.level

    @property
    def review(self) -> CompetencyReview | None:
        return self.result.review

    @property
    def review_band(self) -> Band | None:
        return self.result.review_band

    @property
    def fragment_key(self) -> str:
        """Everything the competency's part of the worksheet shows above the
        reviewer's form, so that its rendered HTML can be cached: any change
        to one of them is a new key."""
        competency, review = self.competency, self.review
        return repr((
            competency.pk, competency.number, competency.short_title, self.score, self.level,
            [(a.pk, a.number, a.wording, a.action, a.owner, a.due_date, a.action_status)
             for a in self.no_answers],
            [(r.pk, r.evidence_item.text, r.title, r.reference, r.note) for r in self.evidence],
            review and (review.level, review.reason, review.updated_at, self.review_band,
                        review.reviewer and (review.reviewer.get_full_name() or review.reviewer.get_username())),
        ))


@dataclass
class ThemeSheet:
    """A run of competencies, in number order, scored under one theme."""

    theme: Theme | None
    competencies: list[CompetencySheet] = field(default_factory=list)


@dataclass
class Worksheet:
    themes: list[ThemeSheet]
    bands: list[Band]
    answers: list[AnswerLine]  # every answer, in number order

    @property
    def competencies(self) -> list[CompetencySheet]:
        return [sheet for theme in self.themes for sheet in theme.competencies]

    @property
    def reviewed(self) -> int:
        """How many competencies have the reviewer's level and reason."""
        return sum(1 for sheet in self.competencies if sheet.review is not None)


def worksheet(assessment: Assessment) -> Worksheet:
    """The review worksheet of one assessment.

    Queries: the bands, the competencies with their themes, the answers'
    values (only for a returned assessment: a submitted or accepted one keeps
    its scores), the reviews with their reviewers, every answer with its
    question, the evidence references with their items.
    """
    bands = load_bands()
    card = scorecard(assessment, bands=bands, competencies=framework())
    answers = [
        AnswerLine(pk, number, value, kept_wording or wording, competency_id, action, owner, due_date, status)
        for pk, number, value, kept_wording, wording, competency_id, action, owner, due_date, status
        in assessment.answers.order_by("question__number").values_list(
            "pk", "question__number", "value", "question_text", "question__text", COMPETENCY_ANSWERED,
            "action", "owner", "due_date", "action_status")
    ]
    no_answers: dict[int, list[AnswerLine]] = {}
    for answer in answers:
        if answer.value == Answer.Value.NO:
            no_answers.setdefault(answer.competency_id, []).append(answer)
    evidence: dict[int, list[EvidenceReference]] = {}
    references = assessment.evidence_references.select_related("evidence_item").only(
        "assessment", "title", "reference", "note", "evidence_item__text", "evidence_item__competency")
    for reference in references:
        evidence.setdefault(reference.evidence_item.competency_id, []).append(reference)
    themes: list[ThemeSheet] = []
    for result in card.competencies:
        if not themes or themes[-1].theme != result.theme:
            themes.append(ThemeSheet(result.theme))
        pk = result.competency.pk
        themes[-1].competencies.append(CompetencySheet(result, no_answers.get(pk, []), evidence.get(pk, [])))
    return Worksheet(themes=themes, bands=bands, answers=answers)


def missing_reviews(assessment: Assessment) -> list[Competency]:
    """The competencies the assessment is scored on that have no level and
    reason from the reviewer yet, in number order: what accepting still
    needs. Queries: the reviews, the competencies."""
    reviewed = set(assessment.reviews.exclude(reason="").values_list("competency_id", flat=True))
    scored = set(tallies_of(assessment).competencies) - reviewed
    return list(Competency.objects.filter(pk__in=scored).order_by("number"))


def level_choices(bands: Sequence[Band]) -> list[tuple[int, str]]:
    """The levels a reviewer may give, each with its band's name ("1 Emerging");
    a level that no band names (an admin removed it) by its number alone."""
    names = {band.level: band.name for band in bands}
    return [(level, f"{level} {names[level]}" if level in names else f"Level {level}") for level in range(1, 5)]
