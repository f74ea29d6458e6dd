"""The demo set that ``manage.py seed_demo`` loads: two SHAs, eight PCTs, a
login for every role and assessments in every state across 2008/09 and
2009/10, driven through ``assessments.workflow`` so that transitions, frozen
wording and history are what the site would record.

``seed()`` can run again and again: it looks things up by code, username and
(PCT, cycle, focus) and creates only what is missing. ``benchmark_assessments()``
adds the two assessments that ``manage.py bench`` measures.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone

from assessments import assignments, deadlines, workflow
from assessments.models import Assessment, Cycle, Organisation, ReviewDeadline, SubmissionDeadline
from competencies.models import Competency

from .answers import QuestionRow, add_evidence, answer_fields, require_framework, write_answers
from .england import ensure_cycles, ensure_organisations
from .people import board_of, ensure_people, reviewer_of
from .reviews import ACCEPT_COMMENT, RETURN_COMMENTS, raise_challenges, record_reviews, reply_to_challenges
from .tally import Tally

Status = Assessment.Status

# The demo set's PCTs and how strong each is: the usual share of Yes answers in
# ``answers.STRENGTH_YEAR``.
DEMO_STRENGTH: dict[str, float] = {
    "5D8": 0.80,  # North Tyneside
    "5D7": 0.65,  # Newcastle
    "5KL": 0.45,  # Sunderland Teaching
    "5KF": 0.70,  # Gateshead
    "5K7": 0.75,  # Camden
    "5K8": 0.55,  # Islington
    "5LC": 0.85,  # Westminster
    "5H1": 0.40,  # Hammersmith and Fulham
}
DEMO_SHAS = ("Q30", "Q36")
DEMO_YEARS = (2008, 2009)
# The current cycle's deadlines, counted from the day the demo is seeded: the
# drafts are due in a fortnight (the first reminders go at once), and the
# reviewers mean to be done six weeks from now.
SUBMISSION_IN_DAYS = 14
REVIEW_IN_DAYS = 42


@dataclass(frozen=True)
class Planned:
    """One demo assessment, and how far along it is."""

    pct: str
    year: int
    state: str  # an Assessment.Status
    focus: str = ""
    from_previous: bool = False
    # Drafts: the share of the checklist worked through so far, in checklist order.
    progress: float = 1.0


# Every state in both cycles.
PLAN: list[Planned] = [
    Planned("5D8", 2008, Status.ACCEPTED),
    Planned("5D7", 2008, Status.ACCEPTED),
    Planned("5KL", 2008, Status.SUBMITTED),
    Planned("5KF", 2008, Status.ACCEPTED),
    Planned("5K7", 2008, Status.ACCEPTED),
    Planned("5K8", 2008, Status.RETURNED),
    Planned("5LC", 2008, Status.ACCEPTED),
    Planned("5H1", 2008, Status.DRAFT, progress=0.6),
    Planned("5D8", 2009, Status.DRAFT, from_previous=True, progress=0.4),
    Planned("5D8", 2009, Status.SUBMITTED, focus="Obesity strategy"),
    Planned("5D7", 2009, Status.RETURNED, from_previous=True),
    Planned("5KL", 2009, Status.DRAFT, progress=0.5),
    Planned("5KF", 2009, Status.SUBMITTED, from_previous=True),
    Planned("5K7", 2009, Status.SUBMITTED),
    Planned("5LC", 2009, Status.ACCEPTED, from_previous=True),
    Planned("5H1", 2009, Status.SUBMITTED),
]


def build_planned(
    planned: Planned, *, organisations: dict[str, Organisation], cycles: dict[int, Cycle],
    people: dict[str, AbstractUser], questions: list[QuestionRow],
) -> Assessment:
    """Take one assessment from start to its planned state through the workflow."""
    pct = organisations[planned.pct]
    board = board_of(people, planned.pct)
    author = board[0]
    reviewer = reviewer_of(people, pct.sha.code)
    assessment = workflow.start_assessment(
        pct=pct, cycle=cycles[planned.year], user=author, focus=planned.focus,
        from_previous=planned.from_previous,
    )
    draft = planned.state == Status.DRAFT
    write_answers(answer_fields(
        assessment, strength=DEMO_STRENGTH[planned.pct], questions=questions, users=board,
        progress=planned.progress if draft else 1.0, incomplete_actions=draft,
    ))
    add_evidence(assessment, user=author, count=2 if draft else 4)
    if draft:
        # The board shares out the competencies, as boards do.
        competencies = list(Competency.objects.order_by("number"))
        for i, member in enumerate(board):
            assignments.assign(assessment=assessment, user=author, competencies=competencies[i::len(board)],
                               assignee=member)
        return assessment
    gaps = workflow.submit(assessment=assessment, user=author)
    if gaps:
        raise RuntimeError(f"Demo assessment {assessment} cannot be submitted: {gaps[0].problem}")
    if planned.state == Status.SUBMITTED:
        # Part-way through the review.
        record_reviews(assessment, reviewer=reviewer, competencies=4)
        raise_challenges(assessment, reviewer=reviewer, count=2)
        return assessment
    record_reviews(assessment, reviewer=reviewer, competencies=Competency.objects.count())
    if planned.state == Status.RETURNED:
        raise_challenges(assessment, reviewer=reviewer, count=3)
        comment = RETURN_COMMENTS[planned.year % len(RETURN_COMMENTS)]
        workflow.return_to_pct(assessment=assessment, user=reviewer, comment=comment)
        # The board has answered some of the challenges so far.
        reply_to_challenges(assessment, board_member=author, count=2)
    elif planned.state == Status.ACCEPTED:
        workflow.accept(assessment=assessment, user=reviewer, comment=ACCEPT_COMMENT)
    return assessment


@transaction.atomic
def seed(*, log: Callable[[str], None] = print) -> Tally:
    """The demo set: two SHAs, eight PCTs, the demo logins, assessments in every state."""
    questions = require_framework()
    tally = Tally()
    organisations = ensure_organisations([*DEMO_SHAS, *DEMO_STRENGTH], tally)
    people = ensure_people(organisations, tally)
    cycles = ensure_cycles(DEMO_YEARS, tally)
    existing = set(
        Assessment.objects.filter(pct__code__in=DEMO_STRENGTH, cycle__start_year__in=DEMO_YEARS)
        .values_list("pct__code", "cycle__start_year", "focus")
    )
    for planned in PLAN:
        if (planned.pct, planned.year, planned.focus) in existing:
            tally.add("Assessments", False)
            continue
        build_planned(planned, organisations=organisations, cycles=cycles, people=people,
                      questions=questions)
        tally.add("Assessments", True)
    ensure_deadlines(cycles[DEMO_YEARS[-1]], organisations=organisations, people=people, tally=tally)
    for line in tally.lines():
        log(line)
    return tally


def ensure_deadlines(cycle: Cycle, *, organisations: dict[str, Organisation], people: dict[str, AbstractUser],
                     tally: Tally) -> None:
    """The cycle's submission deadline for every SHA, and each demo SHA's
    review deadline set by its reviewer, unless there already."""
    today = timezone.localdate()
    _, created = SubmissionDeadline.objects.get_or_create(
        cycle=cycle, sha=None, defaults={"due": today + datetime.timedelta(days=SUBMISSION_IN_DAYS)})
    tally.add("Deadlines", created)
    for code in DEMO_SHAS:
        sha = organisations[code]
        there = ReviewDeadline.objects.filter(cycle=cycle, sha=sha).exists()
        if not there:
            deadlines.set_review_deadline(sha=sha, cycle=cycle, user=reviewer_of(people, code),
                                          due=today + datetime.timedelta(days=REVIEW_IN_DAYS))
        tally.add("Deadlines", not there)


def benchmark_assessments(*, board_member: AbstractUser, reviewer: AbstractUser) -> tuple[Assessment, Assessment]:
    """What ``manage.py bench`` measures: a submitted and a draft assessment
    of the board member's PCT, both fully answered with actions on every "No",
    as big as an assessment gets.

    The submitted one starts from the PCT's previous assessment, has evidence
    and the reviewer's levels, so its report shows everything a report can.
    They have their own focus, so they leave the demo set as it was.
    """
    questions = require_framework()
    pct = board_member.membership.organisation
    cycle, _ = Cycle.objects.get_or_create(start_year=DEMO_YEARS[-1])
    strength = DEMO_STRENGTH.get(pct.code, 0.7)
    submitted = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member,
                                          focus="Benchmark: submitted", from_previous=True)
    write_answers(answer_fields(submitted, strength=strength, questions=questions, users=[board_member]))
    add_evidence(submitted, user=board_member, count=6)
    gaps = workflow.submit(assessment=submitted, user=board_member)
    if gaps:
        raise RuntimeError(f"The benchmark assessment cannot be submitted: {gaps[0].problem}")
    record_reviews(submitted, reviewer=reviewer, competencies=Competency.objects.count())
    draft = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member, focus="Benchmark: draft")
    write_answers(answer_fields(draft, strength=strength, questions=questions, users=[board_member]))
    return submitted, draft
