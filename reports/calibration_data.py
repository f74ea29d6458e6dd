"""Calibration read from the database: the self-ratings and the reviewers'
levels of a set of PCTs in one cycle, handed to ``calibration``'s functions.

What counts: whole-organisation assessments (no focus), submitted or
accepted, with at least one reviewer's level. The PCT's level is read from
the scorecard its assessment kept at submission (no answer is read) against
today's bands, as every report reads it. A fixed number of queries whatever
the number of PCTs: the competencies, the bands, the assessments with their
PCTs, the reviewers' levels with their reviewers.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from assessments.models import Assessment, CompetencyReview, Cycle, Organisation
from assessments.scorecards import load_bands
from assessments.scoring import Tallies, level_for, whole_percent
from competencies.models import Competency

from .calibration import (
    CompetencyGap,
    Counts,
    Rating,
    ReviewerGap,
    count_gaps,
    gaps_by_competency,
    gaps_by_reviewer,
    grid,
)

REPORTED = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)


def counted(pcts: QuerySet[Organisation]) -> QuerySet[Assessment]:
    """The assessments calibration counts, of any cycle."""
    return Assessment.objects.filter(
        Exists(CompetencyReview.objects.filter(assessment=OuterRef("pk"))),
        pct__in=pcts, focus="", status__in=REPORTED,
    )


def latest_cycle(pcts: QuerySet[Organisation], cycles: list[Cycle]) -> Cycle | None:
    """The latest of ``cycles`` with anything calibration counts, else the
    latest cycle; None only with no cycles. One query."""
    cycle_id = counted(pcts).order_by("-cycle__start_year").values_list("cycle_id", flat=True).first()
    ordered = sorted(cycles, key=lambda c: c.start_year)
    return next((c for c in ordered if c.pk == cycle_id), ordered[-1] if ordered else None)


@dataclass(frozen=True)
class PctRow:
    pct: Organisation
    assessment: Assessment
    cells: list[Rating | None]  # one per competency, None where the reviewer gave no level


@dataclass(frozen=True)
class ReviewerRow:
    name: str
    gap: ReviewerGap


@dataclass(frozen=True)
class Calibration:
    cycle: Cycle
    competencies: list[Competency]
    rows: list[PctRow]
    ratings: list[Rating]
    counts: Counts
    by_competency: list[tuple[Competency, CompetencyGap]]
    reviewers: list[ReviewerRow]
    reviewer_names: dict[int | None, str]


def build(pcts: QuerySet[Organisation], cycle: Cycle) -> Calibration:
    competencies = list(Competency.objects.order_by("number"))
    bands = load_bands()
    levels = {whole: level_for(whole, bands) for whole in range(101)}
    assessments = list(
        counted(pcts).filter(cycle=cycle).select_related("pct__sha")
        .only("pk", "status", "scores", "pct__code", "pct__name", "pct__sha__name")
        .order_by("pct__name", "pct__code")
    )
    reviews = CompetencyReview.objects.filter(
        assessment_id__in=[a.pk for a in assessments]
    ).values_list("assessment_id", "competency_id", "level", "reviewer_id",
                  "reviewer__first_name", "reviewer__last_name", "reviewer__username")
    by_assessment = {a.pk: a for a in assessments}
    self_levels: dict[int, dict[int, int]] = {}
    for a in assessments:
        kept = Tallies.from_json(a.scores)
        self_levels[a.pk] = {}
        for c in competencies:
            percent = kept.score_of(c.pk).percent
            band = None if percent is None else levels[whole_percent(percent)]
            if band is not None:
                self_levels[a.pk][c.pk] = band.level
    ratings, names = [], {}
    for assessment_id, competency_id, level, reviewer_id, first, last, username in (
            reviews if assessments else []):
        own = self_levels[assessment_id].get(competency_id)
        if own is None:
            continue
        ratings.append(Rating(by_assessment[assessment_id].pct_id, competency_id, own, level, reviewer_id))
        names[reviewer_id] = " ".join(p for p in (first, last) if p) or username or "A deleted reviewer"
    cells = grid(ratings)
    ids = [c.pk for c in competencies]
    by_id = {c.pk: c for c in competencies}
    reviewers = [ReviewerRow(names[r], g) for r, g in gaps_by_reviewer(ratings).items()]
    return Calibration(
        cycle=cycle, competencies=competencies,
        rows=[PctRow(a.pct, a, [cells.get((a.pct_id, c)) for c in ids]) for a in assessments],
        ratings=ratings, counts=count_gaps(r.gap for r in ratings),
        by_competency=[(by_id[g.competency_id], g) for g in gaps_by_competency(ratings, ids)],
        reviewers=sorted(reviewers, key=lambda r: r.name.lower()), reviewer_names=names,
    )
