"""The review queue: the assessments a reviewer (or an admin) has to deal with.

Those awaiting review come first, the longest waiting first; then those
returned to their PCT, the latest returned first; then those accepted, the
latest accepted first. Who sees which is ``access.visible_assessments``, and
what each person may do with each is ``access.decide``: nothing here decides
either again.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from . import access, deadlines
from .models import Assessment, Cycle, Transition

Status = Assessment.Status

# The statuses the queue shows, in its order, with what it calls them.
QUEUE_STATUSES: dict[str, str] = {
    Status.SUBMITTED: "Awaiting review",
    Status.RETURNED: "Returned to the PCT",
    Status.ACCEPTED: "Accepted",
}


@dataclass(frozen=True)
class QueueRow:
    grant: access.Grant
    # Whole days since it was (last) submitted, while it awaits review.
    days_waiting: int | None
    returned_at: datetime.datetime | None
    standing: deadlines.Standing

    @property
    def assessment(self) -> Assessment:
        return self.grant.assessment


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Queue:
    rows: list[QueueRow]
    # Per status, in the queue's order, for the cycle chosen (whatever the status chosen).
    counts: list[StatusCount]


def days_waiting(assessment: Assessment, *, today: datetime.date) -> int | None:
    """Whole days an assessment has awaited review since it was last submitted."""
    if assessment.status != Status.SUBMITTED or assessment.submitted_at is None:
        return None
    return (today - timezone.localdate(assessment.submitted_at)).days


def _queued(user, cycle: Cycle | None) -> QuerySet[Assessment]:
    assessments = access.visible_assessments(user).filter(status__in=list(QUEUE_STATUSES))
    return assessments if cycle is None else assessments.filter(cycle=cycle)


def review_queue(user, *, cycle: Cycle | None = None, status: str = "",
                 today: datetime.date | None = None) -> Queue:
    """The person's review queue, of one cycle and one status if given.

    Queries: the counts per status, the assessments with their PCT, SHA and
    cycle (each with the time it was last returned and its deadlines): two,
    however many assessments there are.
    """
    today = today or timezone.localdate()
    queued = _queued(user, cycle)
    counted = dict(queued.order_by().values_list("status").annotate(n=Count("pk")))
    rank = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(QUEUE_STATUSES)),
                output_field=IntegerField())
    last_returned = Transition.objects.filter(assessment=OuterRef("pk"), to_status=Status.RETURNED).order_by("-at")
    rows = (
        deadlines.with_deadlines(queued.filter(status=status) if status else queued)
        .select_related("pct__sha", "cycle")
        .annotate(rank=rank, returned_at=Subquery(last_returned.values("at")[:1]))
        .order_by("rank", Case(When(status=Status.SUBMITTED, then=F("submitted_at"))).asc(),
                  Case(When(status=Status.RETURNED, then=F("returned_at"))).desc(), F("accepted_at").desc(),
                  "pct__name", "-cycle__start_year", "focus")
    )
    return Queue(
        rows=[QueueRow(access.decide(user, a), days_waiting(a, today=today), a.returned_at,
                       deadlines.standing(a, today=today)) for a in rows],
        counts=[StatusCount(s, label, counted.get(s, 0)) for s, label in QUEUE_STATUSES.items()],
    )
