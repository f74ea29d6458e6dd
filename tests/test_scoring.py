"""Scores and levels, tested as plain functions and without HTTP."""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat

from assessments import workflow
from assessments.models import Answer, LevelBand
from assessments.scorecards import framework, load_bands, scorecard
from assessments.scoring import (
    Band,
    Change,
    Score,
    Tallies,
    band_for_level,
    band_problems,
    build_scorecard,
    change,
    change_since,
    count,
    level_for,
    overall_percent,
    tally,
    whole_percent,
)
from competencies.models import Competency
from tests.conftest import fill

BANDS = [Band(1, "Emerging", Decimal("0")), Band(2, "Developing", Decimal("40")),
         Band(3, "Established", Decimal("65")), Band(4, "World class", Decimal("85"))]


def answer(assessment, numbers, value):
    Answer.objects.filter(assessment=assessment, question__number__in=numbers).update(value=value)


# Plain functions


def test_no_answers_gives_no_score_and_no_level():
    scores = tally([], {"a": 4})

    assert scores["a"] == Score(yes=0, answered=0, total=4)
    assert scores["a"].percent is None and scores["a"].whole is None
    assert not scores["a"].complete
    assert level_for(scores["a"].percent, BANDS) is None
    assert overall_percent(scores.values()) is None


def test_all_yes_is_100_and_world_class():
    scores = tally([("a", "yes")] * 5, {"a": 5})

    assert scores["a"].percent == 100 and scores["a"].complete
    assert level_for(100, BANDS).level == 4


def test_all_no_is_0_and_level_1():
    scores = tally([("a", "no")] * 3, {"a": 3})

    assert scores["a"].percent == 0 and scores["a"].complete
    assert level_for(0, BANDS).level == 1


def test_a_partial_draft_is_scored_over_what_is_answered():
    scores = tally([("a", "yes"), ("a", "no"), ("a", ""), ("a", "")], {"a": 4})

    assert scores["a"] == Score(yes=1, answered=2, total=4)
    assert scores["a"].percent == 50 and not scores["a"].complete


@pytest.mark.parametrize("percent, level", [
    (0, 1),
    (39, 1), (39.49, 1), (40, 2),                # exactly at a band's minimum, and just below
    (64, 2), (64.49, 2), (65, 3),
    (84, 3), (84.49, 3), (85, 4),
    (100, 4),
    (100 * 13 / 20, 3),   # exactly 65% from a division
    (100 * 2 / 5, 2),     # exactly 40% from a division
    (100 * 29 / 50, 2),   # 57.99999999999999 in floating point: 58%
])
def test_band_edges(percent, level):
    assert level_for(percent, BANDS).level == level


@pytest.mark.parametrize("yes, of, shown, level", [
    (11, 13, 85, 4),  # 84.6%, shown as 85%: world class, as the page says
    (16, 19, 84, 3),  # 84.2%, shown as 84%
    (5, 13, 38, 1),
    (6, 15, 40, 2),
])
def test_a_level_follows_the_score_as_shown(yes, of, shown, level):
    score = Score(yes, of, of)

    assert score.whole == shown
    assert level_for(score.percent, BANDS).level == level


@pytest.mark.parametrize("percent", [0.5, 2.5, 62.5, 64.5, 84.5, 100 * 2 / 3, 100 * 29 / 50, 99.5])
def test_whole_percent_rounds_as_the_templates_do(percent):
    # Pages show scores with floatformat:0; the level must agree with what they show.
    assert str(whole_percent(percent)) == floatformat(percent, 0)


def test_overall_is_the_plain_mean_of_competencies_however_many_questions():
    scores = tally([("small", "yes")] + [("big", "no")] * 19, {"small": 1, "big": 19})

    assert overall_percent(scores.values()) == 50


def test_overall_of_a_draft_leaves_out_competencies_with_nothing_answered():
    scores = tally([("a", "yes"), ("b", "no"), ("b", "yes")], {"a": 2, "b": 2, "c": 5})

    assert overall_percent(scores.values()) == 75


def test_each_answer_counts_where_it_was_answered():
    # (competency id, theme id, value): competency 2 is under theme 20
    tallies = count([(1, 10, "yes"), (1, 10, "no"), (1, 10, ""), (2, 20, "yes")])

    assert tallies.competencies == {1: Score(1, 2, 3), 2: Score(1, 1, 1)}
    assert tallies.themes == {10: Score(1, 2, 3), 20: Score(1, 1, 1)}
    assert tallies.theme_of == {1: 10, 2: 20}
    assert tallies.overall == 75
    assert tallies.score_of(3) == Score(0, 0, 0) and tallies.score_of(3).percent is None


def test_tallies_are_kept_as_json_and_read_back_the_same():
    tallies = count([(1, 10, "yes"), (1, 10, "no"), (2, 10, "no"), (3, 20, "yes")] * 3)

    kept = json.loads(json.dumps(tallies.as_json()))

    assert Tallies.from_json(kept) == tallies
    assert kept["overall"] == tallies.overall


def test_a_scorecard_from_tallies_shows_what_was_scored_in_the_frameworks_order():
    themes = {10: SimpleNamespace(pk=10, position=2), 20: SimpleNamespace(pk=20, position=1)}
    competencies = [SimpleNamespace(pk=pk) for pk in (3, 1, 2)]
    tallies = count([(1, 10, "yes"), (1, 10, "yes"), (3, 20, "no"), (3, 20, "yes")])
    review = SimpleNamespace(level=4)

    card = build_scorecard(tallies, competencies=competencies, themes=themes, bands=BANDS,
                           reviews={1: review})

    assert [(r.competency.pk, r.theme.pk, r.level.level) for r in card.competencies] == [
        (3, 20, 2), (1, 10, 4)]  # 2 was not scored; 3 comes first in the framework
    assert card.competencies[1].review is review and card.competencies[1].review_band.level == 4
    assert [theme.pk for theme, _ in card.themes] == [20, 10]
    assert (card.overall, card.overall_level.level, card.answered, card.total) == (75, 3, 4, 4)


def test_band_for_level_names_a_reviewers_level():
    assert band_for_level(3, BANDS).name == "Established"
    assert band_for_level(None, BANDS) is None


def test_bands_must_start_at_zero_and_rise():
    assert band_problems(BANDS) == []
    assert band_problems([Band(1, "a", Decimal("5")), *BANDS[1:]]) == [
        "Level 1 must start at 0%, so that every score has a level."
    ]
    assert band_problems([*BANDS[:2], Band(3, "c", Decimal("40")), BANDS[3]]) == [
        "Level 3 must start above level 2 (40%)."
    ]


def test_change_is_in_whole_points_as_the_scores_are_shown():
    assert Change(12).direction == "up" and Change(12).size == 12
    assert Change(-3).direction == "down" and Change(-3).size == 3
    assert Change(0).direction == "same"
    assert Change(None).direction is None
    assert change(65.4, 64.6) == Change(0)  # both shown as 65%
    assert change(62.5, 61.4) == Change(2)  # 63% from 61%
    assert change(50, None) == change(None, 50) == Change(None)


@pytest.mark.parametrize("points, arrow, words", [
    (12, "↑", "up 12 points"), (1, "↑", "up 1 point"), (-1, "↓", "down 1 point"),
    (0, "→", "no change"), (None, "", "not comparable"),
])
def test_a_change_in_words(points, arrow, words):
    assert (Change(points).arrow, Change(points).words) == (arrow, words)


def test_no_score_is_shown_as_no_whole_percent():
    assert whole_percent(None) is None


# Against the database


@pytest.mark.django_db
def test_the_default_bands_are_the_local_defaults():
    assert [(b.level, b.name, b.min_score) for b in load_bands()] == [
        (b.level, b.name, b.min_score) for b in BANDS
    ]


@pytest.mark.django_db
def test_a_band_that_would_leave_scores_without_a_level_is_refused():
    band = LevelBand.objects.get(level=3)
    band.min_score = Decimal("30")  # below level 2's 40%

    with pytest.raises(ValidationError) as error:
        band.full_clean()
    assert "Level 3 must start above level 2 (40%)." in error.value.message_dict["min_score"]

    first = LevelBand.objects.get(level=1)
    first.min_score = Decimal("10")
    with pytest.raises(ValidationError):
        first.full_clean()

    band.min_score = Decimal("60")
    band.full_clean()


@pytest.mark.django_db
def test_scorecard_of_a_blank_draft(draft):
    card = scorecard(draft)

    assert (card.answered, card.total) == (0, 112) and not card.complete
    assert card.overall is None and card.overall_level is None
    assert all(r.score.percent is None and r.level is None for r in card.competencies)
    assert [score.total for _, score in card.themes] == [16, 17, 69, 10]


@pytest.mark.django_db
def test_scorecard_of_a_partial_draft_counts_what_is_answered(draft):
    answer(draft, range(1, 55), "yes")  # 54 of 112
    answer(draft, [1, 2], "no")

    card = scorecard(draft)

    assert (card.answered, card.total) == (54, 112) and not card.complete
    answered = [r for r in card.competencies if r.score.answered]
    assert card.overall == pytest.approx(sum(r.score.percent for r in answered) / len(answered))
    assert any(r.score.percent is None for r in card.competencies)


@pytest.mark.django_db
def test_scorecard_of_a_complete_assessment(draft):
    fill(draft, no_every=2)  # even-numbered questions are "No"

    card = scorecard(draft)

    assert card.answered == card.total == 112 and card.complete
    assert len(card.competencies) == 11 and len(card.themes) == 4
    first = card.competencies[0]
    assert first.competency.number == 1 and first.score.total == 8
    expected = [100 * r.score.yes / r.score.total for r in card.competencies]
    assert card.overall == pytest.approx(sum(expected) / 11)
    assert card.overall_level == level_for(card.overall, BANDS)
    assert sum(score.total for _, score in card.themes) == 112


@pytest.mark.django_db
def test_scorecard_all_yes_and_all_no(draft):
    draft.answers.update(value="yes")
    card = scorecard(draft)
    assert card.overall == 100 and card.overall_level.level == 4
    assert all(score.percent == 100 for _, score in card.themes)

    draft.answers.update(value="no")
    card = scorecard(draft)
    assert card.overall == 0 and card.overall_level.level == 1


@pytest.mark.django_db
def test_scorecard_has_the_reviewers_level_beside_the_answers(submitted, reviewer):
    competency = Competency.objects.get(number=4)
    workflow.record_review(assessment=submitted, competency=competency, user=reviewer, level=2,
                           reason="Little evidence of clinical engagement.")

    card = scorecard(submitted)

    result = card.competencies[3]
    assert result.review.level == 2 and result.review_band.name == "Developing"
    assert result.level is not None
    assert all(r.review is None for r in card.competencies if r is not result)
    assert all(r.review is None for r in scorecard(submitted, reviews=False).competencies)


@pytest.mark.django_db
def test_scorecard_queries_are_constant(draft, django_assert_num_queries):
    # bands, competencies with their number of questions, answers' values, reviews
    with django_assert_num_queries(4):
        scorecard(draft)
    fill(draft)
    with django_assert_num_queries(4):
        scorecard(draft)
    bands, competencies = load_bands(), framework()
    # answers' values only
    with django_assert_num_queries(1):
        scorecard(draft, bands=bands, competencies=competencies, reviews=False)


@pytest.mark.django_db
def test_bands_are_data_that_admins_change(draft):
    fill(draft, no_every=2)
    before = scorecard(draft).overall_level.level
    LevelBand.objects.filter(level=2).update(min_score=Decimal("10"))
    LevelBand.objects.filter(level=3).update(min_score=Decimal("20"))

    assert before == 2
    assert scorecard(draft).overall_level.level == 3


def answer_competency(assessment, number, value, *, first: int | None = None):
    answers = Answer.objects.filter(assessment=assessment, question__competency__number=number)
    if first is not None:
        numbers = answers.order_by("question__number").values_list("question__number", flat=True)
        answers = answers.filter(question__number__in=list(numbers[:first]))
    answers.update(value=value)


@pytest.mark.django_db
def test_change_since_a_previous_scorecard(draft, pct, board_member):
    from assessments.models import Cycle

    draft.answers.update(value="no")
    answer_competency(draft, 1, "yes")  # 100%; the rest 0%: overall 9%
    later = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=board_member)
    later.answers.update(value="no")
    answer_competency(later, 1, "yes", first=4)  # 4 of 8: 50%
    answer_competency(later, 2, "yes")  # 100%: overall (50 + 100) / 11, 14%

    changes = change_since(scorecard(draft), scorecard(later))

    by_number = {c.number: c.pk for c in Competency.objects.all()}
    assert changes.for_competency(by_number[1]) == Change(-50)
    assert changes.for_competency(by_number[2]) == Change(100)
    assert all(changes.for_competency(by_number[n]) == Change(0) for n in range(3, 12))
    assert changes.overall == Change(14 - 9)


@pytest.mark.django_db
def test_change_since_with_unanswered_competencies_is_not_comparable(draft, pct, board_member):
    from assessments.models import Cycle

    answer(draft, range(1, 113), "yes")
    later = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=board_member)

    changes = change_since(scorecard(draft), scorecard(later))

    assert changes.overall == Change(None)
    assert all(c == Change(None) for c in changes.competencies.values())
