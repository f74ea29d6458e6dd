"""Scores and levels: plain functions over plain data, tested without HTTP.

- A competency's score is its Yes answers as a percentage of its questions;
  a theme's likewise. While an assessment is incomplete, scores are over what
  is answered so far, and always shown with how much that is.
- A question counts in the competency and theme it was answered under: for
  a draft, where the framework has it now; from submission on, where it was
  then (``Answer.competency`` and ``Answer.theme``), so that an admin moving
  a question later changes no submitted score. A submitted or accepted
  assessment keeps its ``Tallies`` (``Assessment.scores``) too.
- The overall score is the plain mean of the competency scores: every
  competency counts the same, however many questions it has (as in the WCC
  assurance ratings).
- Levels 1–4 come from score bands stored as data (``LevelBand``), which
  admins may change.
- Scores are shown as whole percentages, and a level is read from the score
  as shown: a competency shown at 85% is never a level below the band that
  starts at 85%, whatever the decimals behind it.

Nothing here reads the database: ``scorecards`` reads an assessment's
answers, the framework and the bands, and builds its scorecard with these.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from statistics import fmean
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from competencies.models import Competency, Theme


@overload
def whole_percent(percent: None) -> None: ...
@overload
def whole_percent(percent: float | Decimal) -> int: ...
def whole_percent(percent: float | Decimal | None) -> int | None:
    """A percentage rounded half up to a whole number, as every page, chart,
    PDF and comparison shows it (Django's ``floatformat:0`` also rounds half
    up); None, for no score, stays None."""
    return None if percent is None else _rounded(percent)


@lru_cache(maxsize=4096)  # a national matrix has thousands of cells but few distinct scores
def _rounded(percent: float | int | Decimal) -> int:
    # repr, not the binary value: 62.5 is shown as 63, and 57.99999999999999 as 58.
    exact = Decimal(repr(percent) if isinstance(percent, float) else percent)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Score:
    yes: int
    answered: int
    total: int

    @property
    def percent(self) -> float | None:
        """Yes as a share of what is answered; None when nothing is."""
        return 100 * self.yes / self.answered if self.answered else None

    @property
    def no(self) -> int:
        return self.answered - self.yes

    @property
    def whole(self) -> int | None:
        return whole_percent(self.percent)

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class Band:
    level: int
    name: str
    min_score: Decimal


K = TypeVar("K")


def tally(values: Iterable[tuple[K, str]], totals: Mapping[K, int]) -> dict[K, Score]:
    """Scores per key from ``(key, value)`` pairs, value "yes", "no" or "" (unanswered).

    ``totals`` gives every key's number of questions, so a key with no answers
    still gets a (empty) score.
    """
    yes = dict.fromkeys(totals, 0)
    answered = dict.fromkeys(totals, 0)
    for key, value in values:
        if value:
            answered[key] += 1
            yes[key] += value == "yes"
    return {key: Score(yes[key], answered[key], total) for key, total in totals.items()}


def overall_percent(scores: Iterable[Score]) -> float | None:
    """The plain mean of the competency scores that have any answers."""
    percents = [s.percent for s in scores if s.percent is not None]
    return fmean(percents) if percents else None


def level_for(percent: float | Decimal | None, bands: Sequence[Band]) -> Band | None:
    """The highest band whose lowest score the percentage, as shown, reaches.

    None for no score, or for a score below every band (which valid bands,
    starting at 0%, rule out).
    """
    if percent is None:
        return None
    shown = whole_percent(percent)
    reached = [b for b in bands if shown >= b.min_score]
    return max(reached, key=lambda b: b.level, default=None)


def band_for_level(level: int | None, bands: Sequence[Band]) -> Band | None:
    """The band of a level given directly, such as a reviewer's."""
    return next((b for b in bands if b.level == level), None)


def band_problems(bands: Sequence[Band]) -> list[str]:
    """Why a set of bands cannot give every score one level; empty if it can."""
    problems = []
    by_level = {b.level: b for b in bands}
    if 1 in by_level and by_level[1].min_score != 0:
        problems.append("Level 1 must start at 0%, so that every score has a level.")
    ordered = sorted(bands, key=lambda b: b.level)
    for lower, higher in zip(ordered, ordered[1:]):
        if higher.min_score <= lower.min_score:
            problems.append(
                f"Level {higher.level} must start above level {lower.level} "
                f"({lower.min_score.normalize():f}%)."
            )
    return problems


@dataclass(frozen=True)
class Tallies:
    """One assessment's scores by competency and by theme (keyed by id), the
    theme each competency was under, and the overall score: everything its
    scorecard shows but the levels, which follow the bands of the day.
    """

    competencies: dict[int, Score]
    themes: dict[int, Score]
    # competency id → theme id
    theme_of: dict[int, int]
    overall: float | None

    def score_of(self, competency_id: int) -> Score:
        """A competency's score, empty for one the assessment was not scored on."""
        return self.competencies.get(competency_id, EMPTY)

    def as_json(self) -> dict[str, Any]:
        def counts(score: Score) -> dict[str, int]:
            return {"yes": score.yes, "answered": score.answered, "total": score.total}

        return {
            "competencies": [{"id": pk, "theme": self.theme_of[pk], **counts(score)}
                             for pk, score in self.competencies.items()],
            "themes": [{"id": pk, **counts(score)} for pk, score in self.themes.items()],
            "overall": self.overall,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Tallies":
        def score(row: Mapping[str, int]) -> Score:
            return Score(row["yes"], row["answered"], row["total"])

        return cls(
            competencies={row["id"]: score(row) for row in data["competencies"]},
            themes={row["id"]: score(row) for row in data["themes"]},
            theme_of={row["id"]: row["theme"] for row in data["competencies"]},
            overall=data["overall"],
        )


EMPTY = Score(0, 0, 0)


def count(answers: Iterable[tuple[int, int, str]]) -> Tallies:
    """The tallies of an assessment from each of its answers' (competency id,
    theme id, value), the value "yes", "no" or "" (unanswered).

    A competency's or theme's total is the number of its questions the
    assessment has: a question added to the framework after the assessment
    was started is not one of them.
    """
    answers = list(answers)
    competencies = tally(((c, v) for c, _, v in answers), Counter(c for c, _, _ in answers))
    themes = tally(((t, v) for _, t, v in answers), Counter(t for _, t, _ in answers))
    return Tallies(
        competencies=competencies, themes=themes,
        theme_of={c: t for c, t, _ in answers},
        overall=overall_percent(competencies.values()),
    )


@dataclass
class CompetencyResult:
    competency: "Competency"
    score: Score
    level: Band | None
    review: Any | None = None
    # The band of the reviewer's level, for its name.
    review_band: Band | None = None
    # The theme the competency was under when the assessment was scored.
    theme: "Theme | None" = None


@dataclass
class Scorecard:
    competencies: list[CompetencyResult]
    themes: list[tuple["Theme", Score]]
    overall: float | None
    overall_level: Band | None
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def overall_whole(self) -> int | None:
        return whole_percent(self.overall)


def build_scorecard(tallies: Tallies, *, competencies: Sequence["Competency"],
                    themes: Mapping[int, "Theme"], bands: Sequence[Band],
                    reviews: Mapping[int, Any]) -> Scorecard:
    """A scorecard from an assessment's tallies, with levels from ``bands``.

    ``competencies`` is the framework in order: those the assessment was
    scored on are shown, in that order. ``themes`` and ``reviews`` (the
    reviewers' levels, objects with a ``level``) are by id.
    """
    results = []
    for competency in competencies:
        score = tallies.competencies.get(competency.pk)
        if score is None:
            continue
        review = reviews.get(competency.pk)
        results.append(CompetencyResult(
            competency, score, level_for(score.percent, bands), review,
            band_for_level(review.level, bands) if review else None,
            themes[tallies.theme_of[competency.pk]],
        ))
    return Scorecard(
        competencies=results,
        themes=sorted(((themes[pk], score) for pk, score in tallies.themes.items()),
                      key=lambda pair: pair[0].position),
        overall=tallies.overall,
        overall_level=level_for(tallies.overall, bands),
        answered=sum(r.score.answered for r in results),
        total=sum(r.score.total for r in results),
    )


@dataclass(frozen=True)
class Change:
    """The change in a score between two assessments, in whole percentage
    points as the two scores are shown: 64.6% then 65.4%, both shown as 65%,
    is "no change", never "up 1 point".

    ``points`` is None when either score is missing (nothing answered).
    """

    points: int | None

    @property
    def size(self) -> int | None:
        return None if self.points is None else abs(self.points)

    @property
    def direction(self) -> str | None:
        if self.points is None:
            return None
        return "up" if self.points > 0 else "down" if self.points < 0 else "same"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "→"}.get(self.direction or "", "")

    @property
    def words(self) -> str:
        """Such as "up 3 points", "down 1 point", "no change", "not comparable"."""
        if self.size is None:
            return "not comparable"
        if self.size == 0:
            return "no change"
        return f"{self.direction} {self.size} point{'' if self.size == 1 else 's'}"


def change(new: float | None, old: float | None) -> Change:
    if new is None or old is None:
        return Change(None)
    return Change(whole_percent(new) - whole_percent(old))


@dataclass(frozen=True)
class Changes:
    overall: Change
    # By competency id.
    competencies: dict[int, Change] = field(default_factory=dict)

    def for_competency(self, competency_id: int) -> Change:
        return self.competencies.get(competency_id, Change(None))


def change_since(previous: Scorecard, current: Scorecard) -> Changes:
    """Each competency's change, and the overall change, since a previous scorecard."""
    before = {r.competency.pk: r.score.percent for r in previous.competencies}
    return Changes(
        overall=change(current.overall, previous.overall),
        competencies={
            r.competency.pk: change(r.score.percent, before.get(r.competency.pk))
            for r in current.competencies
        },
    )
