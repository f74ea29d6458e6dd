"""Scorecards of assessments, read from the database.

The rules themselves are in ``scoring``, as plain functions over plain
values; this module only reads what they need (the bands, the framework, an
assessment's answers and reviews) and hands it to them.
"""

from collections.abc import Sequence

from django.db.models import Count

from competencies.models import Competency

from .models import Assessment, LevelBand
from .scoring import (
    Band,
    CompetencyResult,
    Scorecard,
    band_for_level,
    level_for,
    overall_percent,
    tally,
)


def load_bands() -> list[Band]:
    return [
        Band(level, name, min_score)
        for level, name, min_score in LevelBand.objects.values_list("level", "name", "min_score")
    ]


def framework() -> list[Competency]:
    """The competencies in order, each with its theme and ``total`` questions: one query."""
    return list(
        Competency.objects.select_related("theme").annotate(total=Count("questions"))
        .order_by("number")
    )


def scorecard(assessment: Assessment, *, bands: Sequence[Band] | None = None, reviews: bool = True,
              competencies: Sequence[Competency] | None = None) -> Scorecard:
    """Every score of one assessment, in four queries: the bands, the
    competencies with their number of questions, the answers, the reviews
    (with their reviewers).

    Give ``bands`` or ``competencies`` (from ``framework()``) to reuse them,
    and ``reviews=False`` when the reviewers' levels are not wanted: each
    saves a query.
    """
    bands = load_bands() if bands is None else bands
    competencies = framework() if competencies is None else competencies
    values = list(assessment.answers.values_list("question__competency_id", "value"))
    per_competency = tally(values, {c.pk: c.total for c in competencies})
    theme_of = {c.pk: c.theme for c in competencies}
    themes = sorted({c.theme for c in competencies}, key=lambda t: t.position)
    theme_totals = {t.pk: sum(c.total for c in competencies if c.theme_id == t.pk) for t in themes}
    per_theme = tally(((theme_of[c].pk, v) for c, v in values), theme_totals)
    by_competency = (
        {r.competency_id: r for r in assessment.reviews.select_related("reviewer")} if reviews else {}
    )
    results = []
    for c in competencies:
        score = per_competency[c.pk]
        review = by_competency.get(c.pk)
        results.append(CompetencyResult(
            c, score, level_for(score.percent, bands), review,
            band_for_level(review.level, bands) if review else None,
        ))
    overall = overall_percent(r.score for r in results)
    return Scorecard(
        competencies=results,
        themes=[(t, per_theme[t.pk]) for t in themes],
        overall=overall,
        overall_level=level_for(overall, bands),
        answered=sum(r.score.answered for r in results),
        total=sum(r.score.total for r in results),
    )
