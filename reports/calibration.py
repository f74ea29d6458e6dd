"""Calibration: each PCT's own level for a competency beside its reviewer's.

Plain functions over plain values, tested without HTTP; ``calibration_data``
reads what they need. The gap is the PCT's level (from the score its
assessment kept, read against today's bands) minus the reviewer's level:
positive where the PCT rated itself higher than its reviewer did (overstated),
negative where lower (understated). In the real assurance the SHAs' panels
mostly rated PCTs below their own view of themselves, so the positive side
is the one to watch.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import fmean

# The minus sign, not a hyphen: a screen reader says "minus", and the
# numbers line up.
MINUS = "\u2212"


@dataclass(frozen=True)
class Rating:
    """One competency of one PCT's assessment, rated by the PCT and its reviewer."""

    pct_id: int
    competency_id: int
    self_level: int
    reviewer_level: int
    reviewer_id: int | None
    # Worked out once: the page reads it several times for each of some 1,700 ratings.
    gap: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gap", gap(self.self_level, self.reviewer_level))


def gap(self_level: int, reviewer_level: int) -> int:
    """The PCT's level minus the reviewer's: +2 where the PCT said 3 and the reviewer 1."""
    return self_level - reviewer_level


@dataclass(frozen=True)
class Counts:
    overstated: int = 0  # the PCT's level above the reviewer's
    matching: int = 0
    understated: int = 0

    @property
    def total(self) -> int:
        return self.overstated + self.matching + self.understated


def count_gaps(gaps: Iterable[int]) -> Counts:
    """How many gaps are above, at and below zero."""
    over = same = under = 0
    for value in gaps:
        if value > 0:
            over += 1
        elif value < 0:
            under += 1
        else:
            same += 1
    return Counts(overstated=over, matching=same, understated=under)


def mean_gap(gaps: Iterable[int]) -> float | None:
    values = list(gaps)
    return fmean(values) if values else None


@dataclass(frozen=True)
class CompetencyGap:
    competency_id: int
    mean: float | None
    counts: Counts


def gaps_by_competency(ratings: Iterable[Rating], competency_ids: Sequence[int]) -> list[CompetencyGap]:
    """Each competency's mean gap and counts, the most overrated first (the
    largest mean gap); competencies with no ratings last, each group in the
    order given."""
    gaps: dict[int, list[int]] = defaultdict(list)
    for rating in ratings:
        gaps[rating.competency_id].append(rating.gap)
    result = [CompetencyGap(c, mean_gap(gaps[c]), count_gaps(gaps[c])) for c in competency_ids]
    order = {c: i for i, c in enumerate(competency_ids)}
    return sorted(result, key=lambda g: (g.mean is None, -(g.mean or 0), order[g.competency_id]))


@dataclass(frozen=True)
class ReviewerGap:
    """One reviewer's ratings beside every other reviewer's in the same ratings."""

    reviewer_id: int | None
    ratings: int
    mean: float | None
    others_ratings: int
    others_mean: float | None

    @property
    def difference(self) -> float | None:
        """How much more (positive) the PCTs overstated against this reviewer than against the others."""
        if self.mean is None or self.others_mean is None:
            return None
        return self.mean - self.others_mean


def gaps_by_reviewer(ratings: Iterable[Rating]) -> dict[int | None, ReviewerGap]:
    """Each reviewer's number of ratings and mean gap, and the mean gap of all
    the other reviewers' ratings together (each rating counts once)."""
    gaps: dict[int | None, list[int]] = defaultdict(list)
    for rating in ratings:
        gaps[rating.reviewer_id].append(rating.gap)
    total = sum(sum(values) for values in gaps.values())
    count = sum(len(values) for values in gaps.values())
    result = {}
    for reviewer, values in gaps.items():
        others = count - len(values)
        result[reviewer] = ReviewerGap(
            reviewer_id=reviewer, ratings=len(values), mean=fmean(values),
            others_ratings=others, others_mean=(total - sum(values)) / others if others else None,
        )
    return result


def grid(ratings: Iterable[Rating]) -> dict[tuple[int, int], Rating]:
    """The ratings by (PCT id, competency id): the heat map's cells."""
    return {(r.pct_id, r.competency_id): r for r in ratings}


def signed(value: int | float | None, *, decimals: int = 0) -> str:
    """A gap as shown: "+2", "0", "−1" (a true minus sign); a mean with
    ``decimals`` ("+0.45"); "—" for none."""
    if value is None:
        return "—"
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


# The heat map's shades, from the largest overstatement to the largest
# understatement; a gap beyond ±2 takes the ±2 shade.
SHADES = {2: "over-2", 1: "over-1", 0: "match", -1: "under-1", -2: "under-2"}


def shade(value: int | None) -> str:
    """The CSS modifier for a gap's cell (``app-calibration-gap--<shade>``)."""
    if value is None:
        return "none"
    return SHADES[max(-2, min(2, value))]

