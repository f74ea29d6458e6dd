"""Calibration's rules, without HTTP or the database: the gap, the counts,
the mean per competency and per reviewer, and how gaps are shown."""

import pytest

from reports.calibration import (
    CompetencyGap,
    Counts,
    Rating,
    count_gaps,
    gap,
    gaps_by_competency,
    gaps_by_reviewer,
    grid,
    mean_gap,
    shade,
    signed,
)

RITA, OSCAR = 7, 8


def rating(pct: int, competency: int, own: int, reviewer_level: int, reviewer: int | None = RITA) -> Rating:
    return Rating(pct_id=pct, competency_id=competency, self_level=own, reviewer_level=reviewer_level,
                  reviewer_id=reviewer)


def test_gap_is_the_pcts_level_minus_the_reviewers():
    assert gap(3, 1) == 2
    assert gap(2, 2) == 0
    assert gap(1, 3) == -2
    assert rating(1, 1, 4, 3).gap == 1


def test_counts_above_at_and_below_zero():
    assert count_gaps([2, 1, 0, 0, -1, 3]) == Counts(overstated=3, matching=2, understated=1)
    assert count_gaps([]) == Counts() and Counts().total == 0
    assert Counts(1, 2, 3).total == 6


def test_mean_gap():
    assert mean_gap([2, 1, 0, -1]) == 0.5
    assert mean_gap([]) is None


def test_gaps_by_competency_most_overrated_first_and_unrated_last():
    ratings = [
        rating(1, 10, 3, 3), rating(2, 10, 2, 3),  # competency 10: 0, -1 → -0.5
        rating(1, 11, 4, 2), rating(2, 11, 3, 2),  # competency 11: +2, +1 → +1.5
        rating(1, 12, 3, 3),                       # competency 12: 0
    ]

    result = gaps_by_competency(ratings, [10, 11, 12, 13, 14])

    assert result == [
        CompetencyGap(11, 1.5, Counts(overstated=2)),
        CompetencyGap(12, 0.0, Counts(matching=1)),
        CompetencyGap(10, -0.5, Counts(matching=1, understated=1)),
        CompetencyGap(13, None, Counts()),
        CompetencyGap(14, None, Counts()),
    ]


def test_equal_means_keep_the_competencies_order():
    ratings = [rating(1, 12, 3, 2), rating(1, 10, 3, 2)]

    assert [g.competency_id for g in gaps_by_competency(ratings, [10, 11, 12])] == [10, 12, 11]


def test_each_reviewer_beside_all_the_others_ratings_together():
    ratings = [
        rating(1, 1, 3, 1, RITA), rating(1, 2, 3, 2, RITA),               # Rita: +2, +1
        rating(2, 1, 2, 2, OSCAR), rating(2, 2, 2, 3, OSCAR), rating(2, 3, 3, 3, OSCAR),  # 0, -1, 0
        rating(3, 1, 4, 3, None),                                          # a deleted reviewer: +1
    ]

    by_reviewer = gaps_by_reviewer(ratings)

    rita = by_reviewer[RITA]
    assert (rita.ratings, rita.mean, rita.others_ratings, rita.others_mean) == (2, 1.5, 4, 0.0)
    assert rita.difference == 1.5
    oscar = by_reviewer[OSCAR]
    assert (oscar.ratings, oscar.others_ratings) == (3, 3)
    assert oscar.mean == pytest.approx(-1 / 3) and oscar.others_mean == pytest.approx(4 / 3)
    assert by_reviewer[None].ratings == 1


def test_a_lone_reviewer_has_no_others():
    alone = gaps_by_reviewer([rating(1, 1, 3, 2)])[RITA]

    assert (alone.others_ratings, alone.others_mean, alone.difference) == (0, None, None)
    assert gaps_by_reviewer([]) == {}


def test_grid_by_pct_and_competency():
    first, second = rating(1, 10, 3, 2), rating(2, 10, 1, 1)

    assert grid([first, second]) == {(1, 10): first, (2, 10): second}


@pytest.mark.parametrize(("value", "decimals", "shown"), [
    (2, 0, "+2"), (0, 0, "0"), (-1, 0, "\u22121"), (None, 0, "—"),
    (0.454, 2, "+0.45"), (-0.2, 2, "\u22120.20"), (0.001, 2, "0.00"), (-0.004, 2, "0.00"),
])
def test_signed(value, decimals, shown):
    assert signed(value, decimals=decimals) == shown


@pytest.mark.parametrize(("value", "css"), [
    (3, "over-2"), (2, "over-2"), (1, "over-1"), (0, "match"), (-1, "under-1"), (-3, "under-2"),
    (None, "none"),
])
def test_shade(value, css):
    assert shade(value) == css
