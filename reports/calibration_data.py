"""Calibration read from the database: the self-ratings and the reviewers'
levels of a set of PCTs in one cycle, handed to ``calibration``'s functions.

What counts: whole-organisation assessments (no focus), submitted or
accepted, with at least one reviewer's level. The PCT's level is read from
the scorecard its assessment kept at submission (no answer is read) against
today's bands, as every report reads it. A fixed number of queries whatever
the number of PCTs: the competencies, the bands, the assessments with their
PCTs, the reviewers' levels with their reviewers.

``fingerprint`` names everything ``build`` reads, from two small queries,
so that what is drawn from it can be cached.
"""

import hashlib
from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet

from assessments.models import Assessment, CompetencyReview, Cycle, Organisation
from assessments.scorecards import load_bands
from assessments.scoring import Band, Tallies, level_for, whole_percent
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
    """The assessments calibration counts, of any cycle (``_countable`` is
    the same rule in SQL, less the reviewers' levels)."""
    return Assessment.objects.filter(
        Exists(CompetencyReview.objects.filter(assessment=OuterRef("pk"))),
        pct__in=pcts, focus="", status__in=REPORTED,
    )


# The reads made on every view of the page, the default cycle and the cache
# key (``fingerprint``), are written in SQL: built by the ORM (the joins,
# the scope's subquery, the grouping) and their rows converted, they cost
# more than the database takes to run them, and more than the rest of the
# page. What is drawn on a cache miss (``build``) is read by the ORM. The
# tables are named as the models name them (``_tables``), the user's too.

def _tables(using: str) -> dict[str, str]:
    """The tables the SQL below reads, quoted for the database."""
    quote = connections[using].ops.quote_name
    models = {"assessment": Assessment, "cycle": Cycle, "organisation": Organisation,
              "review": CompetencyReview, "user": CompetencyReview.reviewer.field.related_model}
    return {name: quote(model._meta.db_table) for name, model in models.items()}


def _countable(pcts: QuerySet[Organisation]) -> tuple[str, list]:
    """The SQL condition that an assessment ``a`` is one calibration may
    count, reviewed or not, of any cycle, and its parameters. Which PCTs,
    the access rule, is the ORM's queryset, put in as its SQL with
    placeholders: every value is a parameter."""
    scope, params = pcts.order_by().values("pk").query.sql_with_params()
    return f"a.focus = '' AND a.status IN (%s, %s) AND a.pct_id IN ({scope})", [*REPORTED, *params]


def latest_cycle(pcts: QuerySet[Organisation], cycles: list[Cycle]) -> Cycle | None:
    """The latest of ``cycles`` with anything calibration counts, else the
    latest cycle; None only with no cycles. One query."""
    countable, params = _countable(pcts)
    table = _tables(pcts.db)
    with connections[pcts.db].cursor() as cursor:
        cursor.execute(
            f"SELECT a.cycle_id FROM {table['assessment']} a JOIN {table['cycle']} c ON c.id = a.cycle_id"
            f" WHERE {countable}"
            f" AND EXISTS (SELECT 1 FROM {table['review']} r WHERE r.assessment_id = a.id)"
            " ORDER BY c.start_year DESC LIMIT 1", params)
        row = cursor.fetchone()
    ordered = sorted(cycles, key=lambda c: c.start_year)
    return next((c for c in ordered if row and c.pk == row[0]), ordered[-1] if ordered else None)


@dataclass(frozen=True)
class PctRow:
    """A PCT's counted assessment and its ratings (plain values: a national
    heat map has some 150 rows, and model instances cost more than the page)."""

    code: str
    name: str
    sha: str
    assessment_id: int
    accepted: bool
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


@dataclass(frozen=True)
class Framework:
    """The competencies in order and the level bands: what every calibration reads first."""

    competencies: list[Competency]
    bands: list[Band]


def read_framework() -> Framework:
    """Two queries."""
    return Framework(list(Competency.objects.order_by("number")), load_bands())


def fingerprint(pcts: QuerySet[Organisation], cycle: Cycle, framework: Framework) -> str:
    """A hash of everything ``build`` reads: the cycle, the competencies'
    numbers and titles, the bands, each assessment it may count (its PCT's code,
    name and SHA, its status, and when it last changed: its kept scores
    change only with it), and per reviewer their name and how many levels
    they recorded and when they last changed one (a changed level is a
    later time; a removed one a smaller count). Two queries, some 150 and
    some 20 rows nationally, none of them scorecards, in SQL."""
    countable, params = _countable(pcts)
    # Those reviewed or not: a first level recorded is a new count below.
    candidates, params = f"a.cycle_id = %s AND {countable}", [cycle.pk, *params]
    table = _tables(pcts.db)
    with connections[pcts.db].cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, pct.code, pct.name, sha.name, a.status, a.updated_at FROM {table['assessment']} a"
            f" JOIN {table['organisation']} pct ON pct.id = a.pct_id"
            f" LEFT JOIN {table['organisation']} sha ON sha.id = pct.sha_id"
            f" WHERE {candidates} ORDER BY a.id", params)
        assessments = cursor.fetchall()
        # Counted per reviewer first, then named: a join per level would cost more than the count.
        cursor.execute(
            "SELECT levels.reviewer_id, u.first_name, u.last_name, u.username, levels.n, levels.last FROM ("
            f" SELECT r.reviewer_id, COUNT(*) AS n, MAX(r.updated_at) AS last FROM {table['review']} r"
            f" WHERE r.assessment_id IN (SELECT a.id FROM {table['assessment']} a WHERE {candidates})"
            " GROUP BY r.reviewer_id) levels"
            f" LEFT JOIN {table['user']} u ON u.id = levels.reviewer_id ORDER BY levels.reviewer_id", params)
        reviewers = cursor.fetchall()
    inputs = (
        cycle.pk, str(cycle), [(c.pk, c.number, c.short_title) for c in framework.competencies],
        framework.bands, assessments, reviewers,
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


def build(pcts: QuerySet[Organisation], cycle: Cycle, framework: Framework | None = None) -> Calibration:
    framework = framework or read_framework()
    competencies = framework.competencies
    ids = [c.pk for c in competencies]
    # The level of every whole percentage: a level is read from the score as shown.
    levels = {whole: level_for(whole, framework.bands) for whole in range(101)}
    assessments = list(
        counted(pcts).filter(cycle=cycle).order_by("pct__name", "pct__code")
        .values_list("pk", "pct_id", "pct__code", "pct__name", "pct__sha__name", "status", "scores")
    )
    reviews = CompetencyReview.objects.filter(
        assessment_id__in=[a[0] for a in assessments]
    ).values_list("assessment_id", "competency_id", "level", "reviewer_id",
                  "reviewer__first_name", "reviewer__last_name", "reviewer__username")
    self_levels = {pk: _self_levels(Tallies.from_json(scores), ids, levels)
                   for pk, _, _, _, _, _, scores in assessments}
    pct_of = {a[0]: a[1] for a in assessments}
    ratings: list[Rating] = []
    names: dict[int | None, str] = {}
    for assessment_id, competency_id, level, reviewer_id, first, last, username in (
            reviews if assessments else []):
        own = self_levels[assessment_id].get(competency_id)
        if own is None:
            continue
        ratings.append(Rating(pct_of[assessment_id], competency_id, own, level, reviewer_id))
        if reviewer_id not in names:
            names[reviewer_id] = " ".join(p for p in (first, last) if p) or username or "A deleted reviewer"
    cells = grid(ratings)
    by_id = {c.pk: c for c in competencies}
    reviewers = [ReviewerRow(names[r], g) for r, g in gaps_by_reviewer(ratings).items()]
    return Calibration(
        cycle=cycle, competencies=competencies,
        rows=[PctRow(code, name, sha, pk, status == Assessment.Status.ACCEPTED,
                     [cells.get((pct_id, c)) for c in ids])
              for pk, pct_id, code, name, sha, status, _ in assessments],
        ratings=ratings, counts=count_gaps(r.gap for r in ratings),
        by_competency=[(by_id[g.competency_id], g) for g in gaps_by_competency(ratings, ids)],
        reviewers=sorted(reviewers, key=lambda r: r.name.lower()), reviewer_names=names,
    )


def _self_levels(kept: Tallies, competency_ids: list[int], levels: dict[int, Band | None]
                 ) -> dict[int, int]:
    """The PCT's level per competency id, from the scores it kept."""
    own = {}
    for pk in competency_ids:
        percent = kept.score_of(pk).percent
        band = None if percent is None else levels[whole_percent(percent)]
        if band is not None:
            own[pk] = band.level
    return own
