"""Scorecards of assessments, read from the database.

The rules themselves are in ``scoring``, as plain functions over plain
values; this module only reads what they need (the bands, the framework, an
assessment's answers or kept scorecard, its reviews) and hands it to them.
"""

from collections.abc import Iterable, Sequence

from competencies.models import Competency, Theme

from .models import COMPETENCY_ANSWERED, THEME_ANSWERED, Assessment, LevelBand
from .scoring import Band, Scorecard, Tallies, build_scorecard, count


def load_bands() -> list[Band]:
    return [
        Band(level, name, min_score)
        for level, name, min_score in LevelBand.objects.values_list("level", "name", "min_score")
    ]


def framework() -> list[Competency]:
    """The competencies in order, each with its theme: one query."""
    return list(Competency.objects.select_related("theme").order_by("number"))


def counted(assessment: Assessment) -> Tallies:
    """The assessment's tallies counted from its answers now, each where it
    counts (``COMPETENCY_ANSWERED``): one query."""
    return count(assessment.answers.values_list(COMPETENCY_ANSWERED, THEME_ANSWERED, "value"))


def tallies_of(assessment: Assessment) -> Tallies:
    """The tallies kept at submission, or for a draft or a returned
    assessment, whose answers may still change, counted now."""
    if assessment.scores is not None:
        return Tallies.from_json(assessment.scores)
    return counted(assessment)


def themes_by_id(competencies: Iterable[Competency], wanted: Iterable[int]) -> dict[int, Theme]:
    """The themes of ``wanted`` ids, from the competencies' own themes; a
    query only for a theme kept by an assessment that no competency is under
    any more."""
    themes = {c.theme_id: c.theme for c in competencies}
    missing = set(wanted) - set(themes)
    if missing:
        themes.update(Theme.objects.in_bulk(missing))
    return themes


def scorecard(assessment: Assessment, *, bands: Sequence[Band] | None = None, reviews: bool = True,
              competencies: Sequence[Competency] | None = None) -> Scorecard:
    """Every score of one assessment: the bands, the competencies, the
    answers (not for a submitted or accepted assessment: it keeps its
    scores), the reviews with their reviewers; a query each.

    Give ``bands`` or ``competencies`` (from ``framework()``) to reuse them,
    and ``reviews=False`` when the reviewers' levels are not wanted: each
    saves a query.
    """
    bands = load_bands() if bands is None else bands
    competencies = framework() if competencies is None else competencies
    tallies = tallies_of(assessment)
    # Keyed by competency, so unordered: the model's order joins the competencies.
    levels = assessment.reviews.select_related("reviewer").order_by() if reviews else []
    return build_scorecard(
        tallies, competencies=competencies, bands=bands,
        themes=themes_by_id(competencies, tallies.themes),
        reviews={r.competency_id: r for r in levels},
    )
