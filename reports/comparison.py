"""PCTs side by side: scores per competency, trends across cycles, weakest questions.

Plain functions over a ``Basis``: the PCTs being compared, the cycles, the
framework, the level bands and the assessment chosen for each PCT and cycle,
each read in one query when first needed. Scores are the scorecards the
assessments kept at submission (every compared assessment is submitted or
accepted), read in one more query for the cycles a page shows: no answer is
read, and a page runs the same number of queries for 3 PCTs or 152.

Which assessment stands for a PCT in a cycle: its whole-organisation one
(no focus), submitted or accepted. Only these are in the matrix, the ranks,
the means and the trends: an assessment of one focus (an obesity strategy,
say) answers for part of a PCT, so it is listed apart (``Matrix.focused``),
never ranked against whole organisations. A whole-organisation assessment
returned for changes is shown as such (``Row.returned``).
"""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from statistics import fmean, median

from django.db.models import Count, Max, Q, QuerySet, Sum

from assessments import deadlines
from assessments.models import Answer, Assessment, Cycle, Organisation, SubmissionDeadline
from assessments.scorecards import load_bands
from assessments.scoring import Band, Change, Tallies, change, level_for, whole_percent
from competencies.models import Competency, Question

REPORTED = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)
SHOWN = (*REPORTED, Assessment.Status.RETURNED)
RETURNED_FOR_CHANGES = "Returned for changes"


@dataclass(frozen=True)
class Cell:
    """A score (0–100, unrounded) and the level it earns."""

    percent: float | None
    level: Band | None

    @property
    def whole(self) -> int | None:
        return whole_percent(self.percent)


@dataclass
class Row:
    """One PCT in the matrix; ``assessment`` is None when it has nothing
    submitted, ``returned`` true when that is because its assessment was
    returned for changes."""

    pct: Organisation
    assessment: Assessment | None = None
    returned: bool = False
    cells: list[Cell] = field(default_factory=list)
    overall: Cell = Cell(None, None)
    rank: int | None = None
    tied: bool = False
    previous: Assessment | None = None
    changes: list[Change] = field(default_factory=list)
    overall_change: Change = Change(None)

    @property
    def late(self) -> bool:
        """First submitted after its deadline (read with the assessment: no query)."""
        return self.assessment is not None and deadlines.is_late(self.assessment)


@dataclass(frozen=True)
class FocusRow:
    """A submitted or accepted assessment of one focus, listed apart."""

    pct: Organisation
    assessment: Assessment
    cells: list[Cell]
    overall: Cell


@dataclass(frozen=True)
class Summary:
    """The mean or median of the PCTs that submitted, per competency and overall."""

    label: str
    cells: list[Cell]
    overall: Cell
    count: int


@dataclass
class Matrix:
    cycle: Cycle
    previous_cycle: Cycle | None
    competencies: list[Competency]
    bands: list[Band]
    rows: list[Row]
    mean: Summary
    median: Summary
    focused: list[FocusRow] = field(default_factory=list)

    @property
    def reported(self) -> list[Row]:
        return [row for row in self.rows if row.assessment is not None]

    @property
    def summaries(self) -> list[Summary]:
        return [self.mean, self.median]


@dataclass(frozen=True)
class Standing:
    # The whole-organisation assessment, submitted or accepted, of each
    # (PCT id, cycle id) that has one.
    chosen: dict[tuple[int, int], Assessment]
    # The (PCT id, cycle id) whose whole-organisation assessment was returned for changes.
    returned: set[tuple[int, int]]
    # Submitted or accepted assessments of one focus.
    focused: list[Assessment]


class Basis:
    """What the comparison pages are built from, each read once when first needed.

    ``pcts`` is the queryset the person may compare
    (``assessments.access.comparison_scope``).
    """

    def __init__(self, pcts: QuerySet[Organisation]):
        self.pct_queryset = pcts
        self._cells: dict[int, tuple[list[Cell], Cell]] = {}
        self._scores: dict[int, dict] = {}
        self._scored_cycles: set[int] = set()

    @cached_property
    def pcts(self) -> list[Organisation]:
        return list(self.pct_queryset.select_related("sha").order_by("name", "code"))

    @cached_property
    def cycles(self) -> list[Cycle]:
        return list(Cycle.objects.order_by("start_year"))

    @cached_property
    def competencies(self) -> list[Competency]:
        """The framework's, in order: the columns."""
        return list(Competency.objects.order_by("number"))

    @cached_property
    def bands(self) -> list[Band]:
        return load_bands()

    @cached_property
    def levels(self) -> dict[int, Band | None]:
        """The level of every whole percentage: levels are read from the score
        as shown, so 101 lookups serve every cell."""
        return {whole: level_for(whole, self.bands) for whole in range(101)}

    def cell(self, percent: float | None) -> Cell:
        return Cell(percent, None if percent is None else self.levels[whole_percent(percent)])

    @cached_property
    def summary(self) -> dict:
        """One aggregate query over the assessments the comparison may show
        (submitted, accepted or returned): their number, the sum of their ids
        and their last change, which together change with any of them (the
        workflow saves ``updated_at`` with every change; a removal changes
        the number), and the first year of the latest cycle with one
        submitted."""
        return Assessment.objects.filter(pct__in=self.pct_queryset, status__in=SHOWN).aggregate(
            count=Count("pk"), ids=Sum("pk"), changed=Max("updated_at"),
            latest=Max("cycle__start_year", filter=Q(status__in=REPORTED)),
        )

    @cached_property
    def standing(self) -> Standing:
        return read_standing(self.pct_queryset)

    @property
    def chosen(self) -> dict[tuple[int, int], Assessment]:
        """The assessment standing for each (PCT id, cycle id) that has one."""
        return self.standing.chosen

    @cached_property
    def pct_by_id(self) -> dict[int, Organisation]:
        return {pct.pk: pct for pct in self.pcts}

    def cycle(self, start_year: int | None) -> Cycle | None:
        """The cycle starting that year; without a year, the latest with anything
        submitted, else the latest. None only when there are no cycles at all.

        Raises ``LookupError`` for a year with no cycle.
        """
        if start_year is not None:
            for cycle in self.cycles:
                if cycle.start_year == start_year:
                    return cycle
            raise LookupError(f"No cycle starts in {start_year}.")
        latest = self.summary["latest"]
        with_submissions = [c for c in self.cycles if c.start_year == latest]
        return (with_submissions or self.cycles or [None])[-1]

    def previous_cycle(self, cycle: Cycle) -> Cycle | None:
        earlier = [c for c in self.cycles if c.start_year < cycle.start_year]
        return earlier[-1] if earlier else None

    def assessments_in(self, cycles: Iterable[Cycle]) -> list[Assessment]:
        """The assessments standing for the PCTs in these cycles."""
        ids = {c.pk for c in cycles}
        return [a for (_, cycle_id), a in self.chosen.items() if cycle_id in ids]

    def focused_in(self, cycle: Cycle) -> list[Assessment]:
        """The submitted or accepted focus assessments of ``cycle``, by PCT
        name and focus."""
        return [a for a in self.standing.focused if a.cycle_id == cycle.pk]

    def row_cells(self, assessment: Assessment) -> tuple[list[Cell], Cell]:
        """A submitted assessment's cell per competency, and its overall cell,
        from the scorecard it kept at submission: worked out once, for the
        matrix, the changes and the trend alike."""
        if assessment.pk not in self._cells:
            self.read_scores([assessment.cycle_id])
            kept = Tallies.from_json(self._scores[assessment.pk])
            self._cells[assessment.pk] = (
                [self.cell(kept.score_of(c.pk).percent) for c in self.competencies],
                self.cell(kept.overall),
            )
        return self._cells[assessment.pk]

    def read_scores(self, cycle_ids: Iterable[int]) -> None:
        """The scorecards the submitted assessments of these cycles kept, in
        one query for those cycles not read yet. Only the cycles shown are
        read: a scorecard is some 1 kB of JSON, and a page that shows one
        cycle of three would spend most of its time decoding the other two."""
        wanted = set(cycle_ids) - self._scored_cycles
        if not wanted:
            return
        self._scores.update(
            Assessment.objects.filter(pct__in=self.pct_queryset, cycle_id__in=wanted, status__in=REPORTED)
            .values_list("pk", "scores")
        )
        self._scored_cycles |= wanted


def fingerprint(basis: Basis) -> str:
    """A hash of everything the comparison's pages show, for caching what
    is drawn from it: the assessments they may show (``Basis.summary``),
    every PCT's code, name and SHA, the cycles, the competencies' numbers
    and titles, the bands, the submission deadlines. Neither the assessments nor their scorecards are
    read for it."""
    return hashlib.sha256(repr((
        basis.summary,
        [(p.pk, p.code, p.name, p.sha_id, p.sha.name if p.sha else "") for p in basis.pcts],
        [(c.pk, c.start_year) for c in basis.cycles],
        [(c.pk, c.number, c.short_title) for c in basis.competencies], basis.bands,
        # Which submissions were late.
        list(SubmissionDeadline.objects.order_by("pk").values_list("cycle_id", "sha_id", "due")),
    )).encode()).hexdigest()


def read_standing(pcts: QuerySet[Organisation]) -> Standing:
    """One query: the whole-organisation assessments of these PCTs that are
    submitted, accepted or returned, and their submitted or accepted focus
    assessments, without the scorecards they kept (``Basis.read_scores``).
    A PCT has at most one assessment per cycle and focus (a database
    constraint)."""
    assessments = (
        deadlines.with_deadlines(Assessment.objects.filter(pct__in=pcts))
        .filter(Q(status__in=REPORTED) | Q(status=Assessment.Status.RETURNED, focus=""))
        .only("pk", "pct", "cycle", "focus", "status", "submitted_at")
        .order_by("pct__name", "pct__code", "focus")
    )
    standing = Standing(chosen={}, returned=set(), focused=[])
    for assessment in assessments:
        key = (assessment.pct_id, assessment.cycle_id)
        if assessment.focus:
            standing.focused.append(assessment)
        elif assessment.status == Assessment.Status.RETURNED:
            standing.returned.add(key)
        else:
            standing.chosen[key] = assessment
    return standing


def build_matrix(basis: Basis, cycle: Cycle, *, changes: bool = False) -> Matrix:
    """Every PCT's scores in ``cycle`` and its rank; with ``changes``, also its
    change since the previous cycle."""
    previous = basis.previous_cycle(cycle)
    basis.read_scores([cycle.pk, previous.pk] if changes and previous else [cycle.pk])
    rows = []
    for pct in basis.pcts:
        row = Row(pct, returned=(pct.pk, cycle.pk) in basis.standing.returned)
        assessment = basis.chosen.get((pct.pk, cycle.pk))
        if assessment is not None:
            row.assessment = assessment
            row.cells, row.overall = basis.row_cells(assessment)
            before = basis.chosen.get((pct.pk, previous.pk)) if changes and previous else None
            if before is not None:
                old_cells, old_overall = basis.row_cells(before)
                row.previous = before
                row.changes = [change(new.percent, was.percent)
                               for new, was in zip(row.cells, old_cells)]
                row.overall_change = change(row.overall.percent, old_overall.percent)
        rows.append(row)
    _rank(rows)
    reported = [(row.cells, row.overall) for row in rows if row.assessment is not None]
    width, cell = len(basis.competencies), basis.cell
    return Matrix(
        cycle=cycle, previous_cycle=previous, competencies=basis.competencies, bands=basis.bands,
        rows=rows,
        mean=summarise("Mean", fmean, reported, width, cell),
        median=summarise("Median", median, reported, width, cell),
        focused=[FocusRow(basis.pct_by_id[a.pct_id], a, *basis.row_cells(a))
                 for a in basis.focused_in(cycle)],
    )


def _rank(rows: list[Row]) -> None:
    """Rank by overall score as shown, highest first; equal scores share a rank
    (1, 2, 2, 4), as a reader comparing the shown numbers would expect."""
    ranked = sorted((r for r in rows if r.overall.percent is not None),
                    key=lambda r: -r.overall.percent)
    wholes = [r.overall.whole for r in ranked]
    for row in ranked:
        row.rank = wholes.index(row.overall.whole) + 1
        row.tied = wholes.count(row.overall.whole) > 1


def summarise(label: str, statistic: Callable[[list[float]], float],
              rows: Sequence[tuple[Sequence[Cell], Cell]], width: int,
              cell: Callable[[float | None], Cell]) -> Summary:
    """``statistic`` of each column over ``rows``, each (competency cells, overall
    cell); ``cell`` gives a value its level."""
    def of(values: Iterable[float | None]) -> Cell:
        present = [v for v in values if v is not None]
        return cell(statistic(present) if present else None)

    return Summary(
        label=label,
        cells=[of(cells[i].percent for cells, _ in rows) for i in range(width)],
        overall=of(overall.percent for _, overall in rows),
        count=len(rows),
    )


SORT_KEYS = ("name", "rank", "overall")


def sort_keys(competencies: list[Competency]) -> list[str]:
    return [*SORT_KEYS, *(f"c{c.number}" for c in competencies)]


def sort_rows(matrix: Matrix, *, key: str, descending: bool = False) -> list[Row]:
    """The rows sorted by ``key`` ("name", "rank", "overall" or "c<competency
    number>"); PCTs with nothing submitted come last either way, by name.
    An unknown key sorts by name."""
    numbers = [f"c{c.number}" for c in matrix.competencies]

    def value(row: Row) -> float | None:
        if key in ("rank", "overall"):
            return row.overall.percent
        return row.cells[numbers.index(key)].percent if row.cells else None

    by_name = sorted(matrix.rows, key=lambda r: (r.pct.name.lower(), r.pct.code))
    if key not in numbers and key not in ("rank", "overall"):
        return by_name[::-1] if descending else by_name
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    # Rank 1 is the highest score: ascending rank is descending score.
    highest_first = descending != (key == "rank")
    return sorted(present, key=value, reverse=highest_first) + missing


@dataclass(frozen=True)
class ShaSummary:
    sha: Organisation
    mean: Summary
    pcts: int


def sha_means(basis: Basis, matrix: Matrix, shas: Sequence[Organisation]) -> list[ShaSummary]:
    """Each SHA's mean per competency and overall, from a matrix of every PCT."""
    by_sha: dict[int, list[tuple[list[Cell], Cell]]] = defaultdict(list)
    pcts: dict[int, int] = defaultdict(int)
    for row in matrix.rows:
        pcts[row.pct.sha_id] += 1
        if row.assessment is not None:
            by_sha[row.pct.sha_id].append((row.cells, row.overall))
    width = len(matrix.competencies)
    return [
        ShaSummary(sha, summarise("Mean", fmean, by_sha[sha.pk], width, basis.cell), pcts[sha.pk])
        for sha in shas
    ]


@dataclass(frozen=True)
class TrendPoint:
    """The mean of the PCTs that submitted in one cycle."""

    cycle: Cycle
    mean: Summary


def trend(basis: Basis) -> list[TrendPoint]:
    """The mean per competency and overall in every cycle, oldest first."""
    basis.read_scores(c.pk for c in basis.cycles)
    return [
        TrendPoint(cycle, summarise(
            "Mean", fmean, [basis.row_cells(a) for a in basis.assessments_in([cycle])],
            len(basis.competencies), basis.cell,
        ))
        for cycle in basis.cycles
    ]


@dataclass(frozen=True)
class QuestionShare:
    number: int
    text: str
    competency_number: int
    competency_title: str
    yes: int
    pcts: int

    @property
    def share(self) -> float | None:
        """The percentage of the PCTs that submitted which answered Yes."""
        return 100 * self.yes / self.pcts if self.pcts else None

    @property
    def whole(self) -> int | None:
        return whole_percent(self.share)


def question_shares(basis: Basis, cycle: Cycle) -> list[QuestionShare]:
    """For every question as the PCTs with a submitted or accepted assessment
    in ``cycle`` answered it (its wording and competency, kept at
    submission), the share of them answering Yes, lowest first: one GROUP BY
    query. A question an admin reworded or moved during the cycle is a line
    per version, each over the PCTs that answered that version."""
    assessments = basis.assessments_in([cycle])
    if not assessments:
        return []
    grouped = (
        Answer.objects.filter(assessment_id__in=[a.pk for a in assessments])
        .values("question__number", "question_text", "competency__number",
                "competency__short_title")
        .annotate(yes=Count("pk", filter=Q(value=Answer.Value.YES)), pcts=Count("pk"))
        .order_by()
    )
    shares = [
        QuestionShare(g["question__number"], g["question_text"], g["competency__number"],
                      g["competency__short_title"], g["yes"], g["pcts"])
        for g in grouped
    ]
    return sorted(shares, key=lambda s: (s.share, s.number))


@dataclass(frozen=True)
class Version:
    """A question as some of the PCTs answered it."""

    wording: str
    competency: Competency
    pcts: int


@dataclass(frozen=True)
class Answered:
    # Most answered first; more than one if an admin changed the question
    # during the cycle.
    versions: list[Version]
    said_no: list[Answer]


def answered(basis: Basis, cycle: Cycle, question: Question) -> Answered:
    """How the PCTs with a submitted or accepted assessment in ``cycle``
    answered ``question``: the versions of it they answered (its wording and
    competency, kept at submission), and the answers "No" with their
    actions, by PCT name. One query."""
    assessments = basis.assessments_in([cycle])
    answers = list(
        Answer.objects.filter(assessment_id__in=[a.pk for a in assessments], question=question)
        .select_related("assessment__pct__sha", "competency")
        .order_by("assessment__pct__name", "assessment__pct__code")
    )
    versions = Counter((a.question_text, a.competency) for a in answers)
    return Answered(
        versions=[Version(wording, competency, pcts)
                  for (wording, competency), pcts in versions.most_common()],
        said_no=[a for a in answers if a.value == Answer.Value.NO],
    )
