"""Peer benchmarks that name no one: a PCT's score per competency beside the
median and quartiles of its SHA's PCTs and of England's, and its own
percentile among England's, from the submitted whole-organisation
assessments of the same cycle (their kept scorecards: one query).

A group's figures are shown only when at least ``MINIMUM_PEERS`` PCTs
contribute: with fewer, a median or a quartile is close to one PCT's own
score, which the others could then work out.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from assessments.models import Assessment
from assessments.scoring import Scorecard, Tallies, whole_percent

MINIMUM_PEERS = 5


@dataclass(frozen=True)
class Spread:
    """How a group of PCTs scored one competency, in whole percentages."""

    count: int
    lower: int
    median: int
    upper: int


def spread(scores: Sequence[float]) -> Spread | None:
    """The quartiles of ``scores``; None below ``MINIMUM_PEERS`` of them."""
    if len(scores) < MINIMUM_PEERS:
        return None
    lower, median, upper = statistics.quantiles(scores, n=4, method="inclusive")
    return Spread(len(scores), *(whole_percent(value) or 0 for value in (lower, median, upper)))


def percentile(own: float, scores: Sequence[float]) -> int | None:
    """The share of ``scores`` below ``own`` (ties count half), as a whole
    percentage; None below ``MINIMUM_PEERS`` scores."""
    if len(scores) < MINIMUM_PEERS:
        return None
    below = sum(1 for score in scores if score < own)
    equal = sum(1 for score in scores if score == own)
    return round(100 * (below + equal / 2) / len(scores))


@dataclass(frozen=True)
class PeerRow:
    number: int
    title: str
    own: int | None  # this PCT's score, whole percent
    sha: Spread | None
    england: Spread | None
    percentile: int | None  # among England's


@dataclass(frozen=True)
class Peers:
    rows: list[PeerRow]
    sha_count: int  # PCTs contributing
    england_count: int

    @property
    def shown(self) -> bool:
        return self.england_count >= MINIMUM_PEERS

    def as_key(self) -> tuple:
        """Everything the benchmarks show, for a cache key."""
        return (self.sha_count, self.england_count, self.rows)


def peer_tallies(assessment: Assessment) -> list[tuple[int, Tallies]]:
    """(SHA id, kept scorecard) of every submitted or accepted
    whole-organisation assessment of the assessment's cycle: one query."""
    rows = (Assessment.objects.filter(cycle_id=assessment.cycle_id, focus="", scores__isnull=False)
            .values_list("pct__sha_id", "scores"))
    return [(sha_id, Tallies.from_json(scores)) for sha_id, scores in rows]


def benchmarks(assessment: Assessment, card: Scorecard) -> Peers:
    """The assessment's scores per competency among its peers'."""
    peers = peer_tallies(assessment)
    sha_id = assessment.pct.sha_id
    rows = []
    for result in card.competencies:
        pk = result.competency.pk
        england = [p for _, t in peers if (p := t.score_of(pk).percent) is not None]
        sha = [p for sha, t in peers if sha == sha_id and (p := t.score_of(pk).percent) is not None]
        own = result.score.percent
        rows.append(PeerRow(
            result.competency.number, result.competency.short_title, whole_percent(own),
            spread(sha), spread(england), None if own is None else percentile(own, england),
        ))
    return Peers(rows, sum(1 for sha, _ in peers if sha == sha_id), len(peers))
