"""Sharing out an assessment's competencies among its PCT's board members."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from competencies.models import Competency

from . import workflow
from .models import Answer, Assessment, Assignment, Membership, Organisation
from .progress import STATE_EXPRESSIONS, STATE_FIELDS, AnswerState, Task


class NotOnTheBoard(workflow.WorkflowError):
    """Only the PCT's own board members answer its assessment."""

    status = 400


def board_of(pct: Organisation) -> QuerySet:
    """The PCT's board members, by name."""
    return (get_user_model().objects.filter(membership__organisation=pct,
                                            membership__role=Membership.Role.BOARD_MEMBER, is_active=True)
            .order_by("first_name", "last_name", "username"))


@transaction.atomic
def assign(*, assessment: Assessment, user, competencies: list[Competency], assignee) -> None:
    """Give each of ``competencies`` to ``assignee``, a board member of the
    PCT, or to nobody (``None``). Each change is kept in the history (the
    activity log shows it); giving a competency to whom it is given already
    changes nothing."""
    workflow.require_answerable(workflow.lock(assessment, user), "assignments")
    if assignee is not None and not board_of(assessment.pct).filter(pk=assignee.pk).exists():
        raise NotOnTheBoard(f"{assignee.get_full_name() or assignee} is not on {assessment.pct}'s board.")
    current = {a.competency_id: a for a in Assignment.objects.filter(assessment=assessment)}
    for competency in competencies:
        assignment = current.get(competency.pk)
        if assignment is not None and (assignee is None or assignment.assignee_id != assignee.pk):
            setattr(assignment, "_history_user", user)  # noqa: B010 (the author simple-history records)
            assignment.delete()
            assignment = None
        if assignee is not None and assignment is None:
            assignment = Assignment(assessment=assessment, competency=competency, assignee=assignee,
                                    assigned_by=user)
            setattr(assignment, "_history_user", user)  # noqa: B010
            assignment.save()
    assessment.touch()


def assigned_to(user) -> list[tuple[Assessment, Competency, Task]]:
    """What is given to ``user`` in their PCT's assessments that can still be
    answered, with how far each has got, in checklist order: three queries."""
    given = list(Assignment.objects.filter(assignee=user, assessment__status__in=Assessment.Status.where("answerable"))
                 .select_related("assessment__cycle", "assessment__pct", "competency__theme")
                 .order_by("-assessment__cycle__start_year", "assessment__focus", "competency__theme__position",
                           "competency__number"))
    tasks: dict[tuple[int, int], Task] = {}
    answers = Answer.objects.filter(assessment__in={a.assessment_id for a in given})
    for row in answers.values("assessment_id", *STATE_FIELDS, **STATE_EXPRESSIONS):
        assessment_id = row.pop("assessment_id")
        state = AnswerState(**row)
        tasks.setdefault((assessment_id, state.competency_answered_id), Task()).add(state)
    return [(a.assessment, a.competency, tasks.get((a.assessment_id, a.competency_id), Task())) for a in given]
