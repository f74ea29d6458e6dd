"""The board paper's key messages, worked out from plain values: no database."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from assessments.models import Answer
from assessments.scoring import Band, Change, CompetencyResult, Score, Scorecard
from competencies.models import Competency
from reports.key_messages import actions_by_owner, extremes, is_due_soon, key_messages, level_gaps, peer_position
from reports.peers import PeerRow, Peers, Spread

BANDS = [Band(1, "Emerging", Decimal(0)), Band(2, "Developing", Decimal(40)),
         Band(3, "Established", Decimal(65)), Band(4, "World class", Decimal(85))]
AS_AT = datetime.date(2009, 3, 1)


def result(number: int, yes: int, *, reviewer: int | None = None, answered: int = 10) -> CompetencyResult:
    score = Score(yes, answered, 10)
    percent = score.percent
    level = None if percent is None else [b for b in BANDS if percent >= b.min_score][-1]
    review = None if reviewer is None else SimpleNamespace(level=reviewer)
    return CompetencyResult(Competency(pk=number, number=number, short_title=f"Competency {number}"),
                            score, level, review=review)


def card(*results: CompetencyResult) -> Scorecard:
    return Scorecard(list(results), [], None, None, sum(r.score.answered for r in results), 10 * len(results))


def action(owner: str, due: datetime.date | None, status: str = "open") -> Answer:
    return Answer(action="Do it", owner=owner, due_date=due, action_status=status)


def test_the_three_strongest_and_weakest_by_score_ties_by_number():
    scores = card(*(result(n, yes) for n, yes in enumerate([5, 9, 2, 9, 7, 1, 3, 8], start=1)))

    strongest, weakest = extremes(scores)

    assert [r.competency.number for r in strongest] == [2, 4, 8]
    assert [r.competency.number for r in weakest] == [6, 3, 7]


def test_a_competency_is_never_both_strongest_and_weakest_and_unanswered_ones_are_neither():
    scores = card(result(1, 9), result(2, 5), result(3, 0, answered=0), result(4, 1))

    strongest, weakest = extremes(scores)

    assert [r.competency.number for r in strongest] == [1, 2, 4]
    assert weakest == []


def test_level_gaps_list_every_difference_largest_first():
    scores = card(result(1, 9, reviewer=1), result(2, 5, reviewer=2), result(3, 7, reviewer=4),
                  result(4, 2, reviewer=1), result(5, 1), result(6, 10, reviewer=3))

    gaps = level_gaps(scores)

    # 1: 4 -> 1 (-3); 3: 3 -> 4 (+1); 6: 4 -> 3 (-1); 2 agrees (2), 4 agrees (1), 5 has no review.
    assert [(g.result.competency.number, g.own, g.reviewer, g.gap) for g in gaps] == [
        (1, 4, 1, -3), (3, 3, 4, 1), (6, 4, 3, -1)]


def test_overdue_and_due_soon_are_judged_on_the_as_at_day_by_owner():
    actions = [
        action("Director of Finance", datetime.date(2009, 2, 28)),  # overdue
        action("Director of Finance", datetime.date(2009, 3, 1)),  # due that day: soon
        action("Director of Finance", datetime.date(2009, 1, 1), status="done"),  # done: neither
        action("  ", datetime.date(2008, 12, 1)),  # overdue, no owner
        action("Chief Executive", datetime.date(2009, 3, 31)),  # 30 days on: soon
        action("Chief Executive", datetime.date(2009, 4, 1)),  # 31 days on: neither
        action("Medical Director", None),  # no date: neither
    ]

    owners = actions_by_owner(actions, as_at=AS_AT)

    assert [(o.owner, o.overdue, o.due_soon) for o in owners] == [
        ("Director of Finance", 1, 1), ("No owner named", 1, 0), ("Chief Executive", 0, 1)]
    # Eleven years later the same plan is all overdue but the one done.
    later = actions_by_owner(actions, as_at=datetime.date(2020, 1, 1))
    assert sum(o.overdue for o in later) == 5
    assert not is_due_soon(actions[4], as_at=datetime.date(2009, 3, 1) - datetime.timedelta(days=1))


def peers(count: int, rows: list[PeerRow]) -> Peers:
    return Peers(rows, sha_count=count, england_count=count)


def test_the_position_among_peers_from_englands_quartiles_and_percentiles():
    spread = Spread(20, lower=40, median=60, upper=80)
    rows = [PeerRow(1, "One", 90, None, spread, 95), PeerRow(2, "Two", 70, None, spread, 70),
            PeerRow(3, "Three", 30, None, spread, 10), PeerRow(4, "Four", None, None, spread, None)]

    position = peer_position(peers(20, rows))

    assert position is not None
    assert (position.pcts, position.compared, position.above_median, position.top_quartile,
            position.bottom_quartile, position.median_percentile) == (20, 3, 2, 1, 1, 70)


def test_no_position_among_fewer_than_five_pcts():
    assert peer_position(peers(4, [PeerRow(1, "One", 90, None, None, None)])) is None


def test_the_key_messages_leave_out_the_reviewers_levels_when_they_are_not_shown():
    scores = card(result(1, 9, reviewer=1), result(2, 5, reviewer=2))

    hidden = key_messages(card=scores, change=Change(3), actions=[], as_at=AS_AT, show_reviews=False,
                          peers=peers(3, []))
    shown = key_messages(card=scores, change=Change(3), actions=[], as_at=AS_AT, show_reviews=True,
                         peers=peers(3, []))

    assert hidden.level_gaps is None
    assert [g.gap for g in shown.level_gaps or []] == [-3]
    assert (shown.peers, shown.peer_count, shown.minimum_peers) == (None, 3, 5)
