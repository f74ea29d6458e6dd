"""How a reviewer responds: a level for each competency with a reason, and
the comments that return or accept an assessment."""

import random
from collections.abc import Sequence

from django.contrib.auth.models import AbstractUser

from assessments import challenges, workflow
from assessments.models import Assessment, Challenge
from assessments.scorecards import framework, load_bands, scorecard
from assessments.scoring import Band, level_for
from competencies.models import Competency

# How far a reviewer's level falls from the level the PCT's answers give:
# mostly the same or lower, now and then higher, as the SHAs' panels rated
# PCTs in the real assurance (below their own view of themselves, DH's
# slides after national calibration said).
OFFSETS = (-2, -1, -1, -1, 0, 0, 0, 0, 0, 1)

REVIEW_REASONS: dict[int, list[str]] = {
    1: [
        "Plans exist but the board has not agreed them, and we saw little sign of them in use.",
        "The answers rest on intentions; no documents were offered in support.",
        "Several key processes are missing, and the actions have no realistic dates.",
    ],
    2: [
        "Some arrangements are in place, but the evidence is recent and patchy.",
        "Early evidence of good practice; its effect on commissioning decisions is not shown yet.",
        "The processes exist on paper; we saw little evidence that they are routinely used.",
    ],
    3: [
        "Established processes with good evidence; evaluation of their impact is still informal.",
        "Solid evidence from board papers and minutes; a few gaps remain in partnership working.",
        "Consistent practice across the PCT, with clear owners for the remaining actions.",
    ],
    4: [
        "Embedded practice with evidence of impact on outcomes, shared with other PCTs.",
        "Strong evidence throughout; other PCTs in the region visit to learn from this.",
        "Mature processes that are evaluated and improved every year.",
    ],
}

RETURN_COMMENTS = [
    "Thank you. Before we can accept this, please add evidence for competencies 3 and 5 (the JSNA "
    "and the engagement events you mention), and give the open actions under competency 10 owners "
    "and realistic dates.",
    "The answers on managing the market are more positive than the evidence supports. Please "
    "review competency 7 with your Director of Commissioning and resubmit by the end of October.",
]
ACCEPT_COMMENT = (
    "A fair and well-evidenced assessment. We agree the levels recorded; please report progress "
    "on the open actions at the mid-year review."
)


# What a panel says of answers it doubts, and how a board answers it.
CHALLENGE_NOTES = [
    "Evidence does not show this: the board papers we saw do not mention it.",
    "Is this in routine use? We found a draft policy but no record of it being applied.",
    "The answer says Yes, but the action plan lists this as still to do.",
]
CHALLENGE_REPLIES = [
    "Agreed: we have changed the answer to No and added an action with an owner.",
    "It is in use: see the minutes of the September board, item 7, now added as evidence.",
]


def reviewer_level(own: int, rng: random.Random) -> int:
    """A reviewer's level for a competency the PCT's answers put at ``own``."""
    return min(4, max(1, own + rng.choice(OFFSETS)))


def review_levels(assessment: Assessment, *, competencies: int | None = None,
                  bands: Sequence[Band] | None = None,
                  framework_competencies: Sequence[Competency] | None = None,
                  ) -> dict[Competency, tuple[int, str]]:
    """The reviewer's level and reason for the first ``competencies`` competencies
    (all without it), the same every time for the same PCT, cycle and focus."""
    rng = random.Random(f"review:{assessment.pct.code}:{assessment.cycle.start_year}:{assessment.focus}")
    bands = load_bands() if bands is None else bands
    card = scorecard(assessment, bands=bands, reviews=False,
                     competencies=framework() if framework_competencies is None else framework_competencies)
    levels = {}
    for result in card.competencies[:competencies]:
        band = level_for(result.score.percent, bands)
        level = reviewer_level(band.level if band else 1, rng)
        levels[result.competency] = (level, rng.choice(REVIEW_REASONS[level]))
    return levels


def record_reviews(assessment: Assessment, *, reviewer: AbstractUser, competencies: int,
                   bands: Sequence[Band] | None = None,
                   framework_competencies: Sequence[Competency] | None = None) -> None:
    """The reviewer's levels for the first ``competencies`` competencies, each
    with a reason, recorded by the workflow in one call."""
    workflow.record_reviews(assessment=assessment, user=reviewer, levels=review_levels(
        assessment, competencies=competencies, bands=bands, framework_competencies=framework_competencies))


def raise_challenges(assessment: Assessment, *, reviewer: AbstractUser, count: int) -> None:
    """The reviewer challenges ``count`` of the answers the PCT gave as Yes,
    spread through the checklist, each with a note."""
    numbers = list(assessment.answers.filter(value="yes").order_by("question__number")
                   .values_list("question__number", flat=True))
    step = max(1, len(numbers) // (count + 1))
    for i, number in enumerate(numbers[step::step][:count]):
        challenges.raise_challenge(assessment=assessment, number=number, user=reviewer,
                                   note=CHALLENGE_NOTES[i % len(CHALLENGE_NOTES)])


def reply_to_challenges(assessment: Assessment, *, board_member: AbstractUser, count: int) -> None:
    """The board replies to the first ``count`` challenges, leaving the rest open."""
    open_challenges = Challenge.objects.filter(answer__assessment=assessment).order_by("answer__question__number")
    for i, pk in enumerate(open_challenges.values_list("pk", flat=True)[:count]):
        challenges.reply_to_challenge(assessment=assessment, challenge_id=pk, user=board_member,
                                      reply=CHALLENGE_REPLIES[i % len(CHALLENGE_REPLIES)])
