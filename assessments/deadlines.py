"""Deadlines: when an assessment is due at its SHA, when the SHA's reviewers
mean to have reviewed it, the days left, and whether it came in late.

The rules, for every page and email: an assessment's submission deadline is
its SHA's own for the cycle if an admin set one, else the cycle's; it is
late when it was first submitted after that deadline, the day taken in the
site's time zone (submitted on the deadline day is on time). A return and a
resubmission after the deadline do not make it late: the first submission
is the one the deadline asked for.

For a list, ``with_deadlines(queryset)`` adds both deadlines and the first
submission to each assessment inside the list's own query (no query more,
however many assessments); the functions here read them from there, and ask
the database (one query) only for an assessment that did not come through it.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import access
from .models import Assessment, Cycle, Organisation, ReviewDeadline, SubmissionDeadline, Transition, check_deadline

Status = Assessment.Status
# What ``with_deadlines`` adds to each assessment.
ANNOTATIONS = ("submission_due", "review_due", "first_submitted_at")


def _submission_due(cycle, sha) -> Coalesce:
    """The SHA's own deadline for the cycle, else the cycle's (``cycle`` and
    ``sha`` are references to the outer query's columns)."""
    own = SubmissionDeadline.objects.filter(cycle=cycle, sha=sha).values("due")[:1]
    every = SubmissionDeadline.objects.filter(cycle=cycle, sha__isnull=True).values("due")[:1]
    return Coalesce(Subquery(own), Subquery(every))


def _review_due(cycle, sha) -> Subquery:
    return Subquery(ReviewDeadline.objects.filter(cycle=cycle, sha=sha).values("due")[:1])


def with_deadlines(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Each assessment with ``submission_due``, ``review_due`` and
    ``first_submitted_at``, worked out in the same query."""
    cycle, sha = OuterRef("cycle_id"), OuterRef("pct__sha_id")
    first = (Transition.objects.filter(assessment=OuterRef("pk"), to_status=Status.SUBMITTED)
             .order_by("at", "pk").values("at")[:1])
    return assessments.annotate(
        submission_due=_submission_due(cycle, sha),
        review_due=_review_due(cycle, sha),
        # Records made without the workflow (none the site makes) have only their submission date.
        first_submitted_at=Coalesce(Subquery(first), F("submitted_at")),
    )


def submission_due_between(assessments: QuerySet[Assessment], first: datetime.date, last: datetime.date
                           ) -> QuerySet[Assessment]:
    """Those of the assessments whose submission deadline falls from ``first`` to ``last``."""
    due = _submission_due(OuterRef("cycle_id"), OuterRef("pct__sha_id"))
    return assessments.alias(due=due).filter(due__range=(first, last))


def _read_submission_due(assessment: Assessment) -> datetime.date | None:
    sha_id = assessment.pct.sha_id
    due: dict[int | None, datetime.date] = dict(
        SubmissionDeadline.objects.filter(cycle_id=assessment.cycle_id)
        .filter(Q(sha_id=sha_id) | Q(sha__isnull=True)).order_by().values_list("sha_id", "due"))
    return due.get(sha_id, due.get(None))


def _read_review_due(assessment: Assessment) -> datetime.date | None:
    return (ReviewDeadline.objects.filter(cycle_id=assessment.cycle_id, sha_id=assessment.pct.sha_id)
            .order_by().values_list("due", flat=True).first())


def _read_first_submitted_at(assessment: Assessment) -> datetime.datetime | None:
    if assessment.submitted_at is None:
        return None
    return (Transition.objects.filter(assessment=assessment, to_status=Status.SUBMITTED)
            .order_by("at", "pk").values_list("at", flat=True).first()) or assessment.submitted_at


# ``with_deadlines``'s figures for one assessment that did not come through
# it, each from a small query, read only when asked for: for one assessment,
# these cost a fraction of compiling that query's subqueries. The same rules:
# the SHA's own deadline, else the cycle's.
_READERS = {"submission_due": _read_submission_due, "review_due": _read_review_due,
            "first_submitted_at": _read_first_submitted_at}


def _annotated(assessment: Assessment, name: str):
    if hasattr(assessment, name):
        return getattr(assessment, name)
    return _READERS[name](assessment)


def submission_deadline(assessment: Assessment) -> datetime.date | None:
    """The day the assessment is due at the SHA: its SHA's own deadline for
    the cycle, else the cycle's; ``None`` if no deadline is set."""
    return _annotated(assessment, "submission_due")


def review_deadline(assessment: Assessment) -> datetime.date | None:
    """The day by which the SHA's reviewers mean to have reviewed the cycle's
    assessments, if they set one."""
    return _annotated(assessment, "review_due")


def first_submitted(assessment: Assessment) -> datetime.date | None:
    """The day (in the site's time zone) the assessment was first submitted."""
    at = _annotated(assessment, "first_submitted_at")
    return timezone.localdate(at) if at is not None else None


def days_left(deadline: datetime.date, today: datetime.date) -> int:
    """Whole days from ``today`` to ``deadline``: 0 on the day, negative once past."""
    return (deadline - today).days


def is_late(assessment: Assessment) -> bool:
    """First submitted after its submission deadline."""
    if not hasattr(assessment, "submission_due") and assessment.submitted_at is None:
        return False  # never submitted: no query needed to know
    due, submitted = submission_deadline(assessment), first_submitted(assessment)
    return due is not None and submitted is not None and submitted > due


@dataclass(frozen=True)
class Countdown:
    """A deadline seen from one day, as the pages show it."""

    label: str  # "Due", "Review due"
    due: datetime.date
    days_left: int

    @property
    def text(self) -> str:
        """"12 days left", "Due today", "Overdue by 3 days"."""
        days = abs(self.days_left)
        plural = "" if days == 1 else "s"
        if self.days_left < 0:
            return f"Overdue by {days} day{plural}"
        return "Due today" if days == 0 else f"{days} day{plural} left"

    @property
    def tag_colour(self) -> str:
        """The NHS.UK tag that draws the eye to it: red once overdue, yellow in
        its last week; none before."""
        return "red" if self.days_left < 0 else "yellow" if self.days_left <= 7 else ""


@dataclass(frozen=True)
class Standing:
    """Where an assessment stands against its deadlines on one day."""

    # The deadline that applies now: the submission deadline while the PCT
    # answers (a draft, or returned), the review deadline while it awaits review.
    countdown: Countdown | None
    late: bool


def fetch(assessment: Assessment) -> Assessment:
    """Give an assessment that did not come through ``with_deadlines`` all its
    figures, in two or three small queries (none if it has them), so that
    what follows reads them without asking again. A page that needs only
    one of them (the task list's ``standing``) does without: each function
    reads what it needs."""
    for name in ANNOTATIONS:
        setattr(assessment, name, _annotated(assessment, name))
    return assessment


def standing(assessment: Assessment, *, today: datetime.date) -> Standing:
    """Read from ``with_deadlines``'s figures when it came through it (no query)."""
    deadline, label = None, ""
    if assessment.state.answerable:
        deadline, label = submission_deadline(assessment), "Due"
    elif assessment.status == Status.SUBMITTED:
        deadline, label = review_deadline(assessment), "Review due"
    countdown = Countdown(label, deadline, days_left(deadline, today)) if deadline else None
    return Standing(countdown, is_late(assessment) if assessment.state.submitted_once else False)


@dataclass(frozen=True)
class CycleDeadlines:
    """One cycle's deadlines for one SHA."""

    cycle: Cycle
    submission_due: datetime.date | None
    review_due: datetime.date | None


def of_sha(sha: Organisation) -> list[CycleDeadlines]:
    """Every cycle, the latest first, with the SHA's deadlines: one query."""
    cycles = Cycle.objects.order_by("-start_year").annotate(
        submission_due=_submission_due(OuterRef("pk"), sha.pk), review_due=_review_due(OuterRef("pk"), sha.pk))
    return [CycleDeadlines(cycle, cycle.submission_due, cycle.review_due) for cycle in cycles]


@transaction.atomic
def set_review_deadline(*, sha: Organisation, cycle: Cycle, user, due: datetime.date | None) -> None:
    """Set (or, with ``None``, remove) the SHA's review deadline for the
    cycle: its own reviewers only. Every change is kept in the history."""
    if not access.reviews_for(user, sha):
        raise PermissionDenied("Only the SHA's reviewers set its review deadline.")
    # The SHA's row, locked, queues two reviewers setting the first one at
    # once (a missing deadline has no row to lock): the second changes the first's.
    Organisation.objects.select_for_update().get(pk=sha.pk)
    current = ReviewDeadline.objects.filter(sha=sha, cycle=cycle).first()
    if due is None:
        if current is not None:
            setattr(current, "_history_user", user)  # noqa: B010 (the author simple-history records)
            current.delete()
        return
    check_deadline(cycle, due, name="review deadline")
    deadline = current or ReviewDeadline(sha=sha, cycle=cycle)
    deadline.due, deadline.set_by = due, user
    setattr(deadline, "_history_user", user)  # noqa: B010
    deadline.save()
