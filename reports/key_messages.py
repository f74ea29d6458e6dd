"""The board paper's key messages, worked out from the report's figures.

Pure functions over what ``report_context`` gathers: no queries, so they are
tested on plain values.
"""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from assessments.models import Answer
from assessments.progress import is_overdue
from assessments.scoring import Change, CompetencyResult, Scorecard

from .peers import MINIMUM_PEERS, Peers

# Actions falling due within this many days of the "as at" date are "due soon".
DUE_SOON_DAYS = 30
EXTREMES = 3  # strongest and weakest competencies named


@dataclass(frozen=True)
class LevelGap:
    """A competency where the reviewer's level differs from the answers' level."""

    result: CompetencyResult
    own: int
    reviewer: int

    @property
    def gap(self) -> int:
        """Reviewer's level less the PCT's: negative when the PCT rated itself higher."""
        return self.reviewer - self.own


@dataclass(frozen=True)
class OwnerActions:
    owner: str
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class PeerPosition:
    """Where the PCT stands among England's PCTs, over its competencies."""

    pcts: int
    above_median: int
    top_quartile: int
    bottom_quartile: int
    compared: int  # competencies with a score and England's spread
    median_percentile: int


@dataclass(frozen=True)
class KeyMessages:
    card: Scorecard
    change: Change
    strongest: list[CompetencyResult]
    weakest: list[CompetencyResult]
    level_gaps: list[LevelGap] | None  # None: the reviewers' levels are not shown
    owners: list[OwnerActions]
    peers: PeerPosition | None
    peer_count: int
    as_at: datetime.date

    @property
    def minimum_peers(self) -> int:
        return MINIMUM_PEERS


def is_due_soon(answer: Answer, *, as_at: datetime.date) -> bool:
    return bool(answer.action and answer.due_date
                and as_at <= answer.due_date <= as_at + datetime.timedelta(days=DUE_SOON_DAYS)
                and answer.action_status != Answer.ActionStatus.DONE)


def extremes(card: Scorecard) -> tuple[list[CompetencyResult], list[CompetencyResult]]:
    """The strongest and the weakest competencies by score (ties by number);
    a competency is never in both."""
    scored = [r for r in card.competencies if r.score.percent is not None]
    best = sorted(scored, key=lambda r: (-(r.score.percent or 0), r.competency.number))[:EXTREMES]
    rest = [r for r in scored if r not in best]
    worst = sorted(rest, key=lambda r: (r.score.percent or 0, r.competency.number))[:EXTREMES]
    return best, worst


def level_gaps(card: Scorecard) -> list[LevelGap]:
    """Every competency whose reviewer's level differs from its own, largest gap first."""
    gaps = [LevelGap(r, r.level.level, r.review.level) for r in card.competencies
            if r.level is not None and r.review is not None and r.review.level != r.level.level]
    return sorted(gaps, key=lambda g: (-abs(g.gap), g.result.competency.number))


def actions_by_owner(actions: Iterable[Answer], *, as_at: datetime.date) -> list[OwnerActions]:
    """Per owner with any overdue or due-soon action: most overdue first."""
    counts: dict[str, list[int]] = {}
    for answer in actions:
        overdue, soon = is_overdue(answer, today=as_at), is_due_soon(answer, as_at=as_at)
        if overdue or soon:
            tally = counts.setdefault(answer.owner.strip() or "No owner named", [0, 0])
            tally[0 if overdue else 1] += 1
    owners = [OwnerActions(owner, overdue, soon) for owner, (overdue, soon) in counts.items()]
    return sorted(owners, key=lambda o: (-o.overdue, -o.due_soon, o.owner.lower()))


def peer_position(peers: Peers) -> PeerPosition | None:
    """None below the minimum of PCTs that keeps each PCT's score unknown."""
    # (own score, England's spread, percentile) of each competency with all three.
    compared = [(r.own, r.england, r.percentile) for r in peers.rows
                if r.own is not None and r.england is not None and r.percentile is not None]
    if not peers.shown or not compared:
        return None
    return PeerPosition(
        pcts=peers.england_count,
        above_median=sum(1 for own, england, _ in compared if own > england.median),
        top_quartile=sum(1 for own, england, _ in compared if own > england.upper),
        bottom_quartile=sum(1 for own, england, _ in compared if own < england.lower),
        compared=len(compared),
        median_percentile=round(statistics.median(percentile for _, _, percentile in compared)),
    )


def key_messages(*, card: Scorecard, change: Change, actions: Iterable[Answer], as_at: datetime.date,
                 show_reviews: bool, peers: Peers) -> KeyMessages:
    strongest, weakest = extremes(card)
    return KeyMessages(
        card=card, change=change, strongest=strongest, weakest=weakest,
        level_gaps=level_gaps(card) if show_reviews else None,
        owners=actions_by_owner(actions, as_at=as_at),
        peers=peer_position(peers), peer_count=peers.england_count, as_at=as_at,
    )
