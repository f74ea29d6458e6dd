"""Reminder emails, which ``manage.py send_reminders`` queues once a day.

- Before the submission deadline (14, 7 and 1 days before): each person
  with competencies left to finish in a draft or returned assessment, the
  ones assigned to them and the ones assigned to nobody (which every board
  member hears of), each with a link to its page.
- Weekly (the first run of each week, Monday's when run daily): each board
  member, their PCT's actions overdue or due in the next 14 days.

A person who turned reminders off on their account page gets none. Each
reminder queued is recorded (``SentReminder``), and the database refuses a
second record for the same person, subject and moment, so running the
command again, even at the same time, queues nothing twice. What an email
says is worked out when it is sent, so it is never staler than the queue.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User  # the site's user model, for the type hints
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from competencies.models import Competency

from .deadlines import days_left, submission_deadline, with_deadlines
from .emails import Email, link, members, send_all
from .models import (
    COMPETENCY_NUMBER_ANSWERED,
    Answer,
    Assessment,
    Assignment,
    Membership,
    Organisation,
    SentReminder,
)
from .progress import STATE_EXPRESSIONS, STATE_FIELDS, AnswerState, Task

Kind = SentReminder.Kind
THRESHOLDS = (14, 7, 1)  # days before the submission deadline
ACTIONS_AHEAD = 14  # days: the weekly list's "due soon"


def threshold(days: int) -> int | None:
    """Which reminder is due with ``days`` left: the 14-day one from 14 days
    out, the 7-day one from 7, the 1-day one from the day before to the day
    itself. A day the scheduler missed is made up at its next run."""
    return min((t for t in THRESHOLDS if 0 <= days <= t), default=None)


def wanting_reminders(pct: Organisation) -> QuerySet:
    """The PCT's board members who have not turned reminder emails off."""
    return members(pct, Membership.Role.BOARD_MEMBER).exclude(email_preference__reminders=False)


@dataclass(frozen=True)
class Left:
    """What one competency of an assessment still needs before submission."""

    competency: Competency
    assigned: bool  # to the person told; else to nobody
    unanswered: int
    to_confirm: int  # carried over from last year
    actions: int  # "No" answers whose action, owner or due date is missing
    url: str


def left_in(assessment: Assessment) -> dict[User, list[Left]]:
    """Each person who should hear what is left of the assessment, with the
    competencies left: the assignee's to them, the rest to every board member
    (also when the assignee has left the board). Four queries."""
    tasks: dict[int, Task] = defaultdict(Task)
    for row in assessment.answers.values(*STATE_FIELDS, **STATE_EXPRESSIONS):
        state = AnswerState(**row)
        tasks[state.competency_answered_id].add(state)
    wanting = list(wanting_reminders(assessment.pct))
    by_id = {person.pk: person for person in wanting}
    on_board = set(members(assessment.pct, Membership.Role.BOARD_MEMBER).values_list("pk", flat=True))
    assignees = dict(Assignment.objects.filter(assessment=assessment).values_list("competency_id", "assignee_id"))
    left: dict[User, list[Left]] = defaultdict(list)
    for competency in Competency.objects.order_by("theme__position", "number"):
        task = tasks.get(competency.pk)
        if task is None or not task.gaps:
            continue
        fields = [gap.field for gap in task.gaps]
        actions = len({gap.number for gap in task.gaps if gap.field in ("action", "owner", "due_date")})
        assignee = assignees.get(competency.pk)
        # An assignee who turned reminders off hears nothing; one who has left the board is nobody.
        people = [by_id[assignee]] if assignee in by_id else [] if assignee in on_board else wanting
        for person in people:
            left[person].append(Left(competency, assigned=assignee == person.pk, unanswered=fields.count("value"),
                                     to_confirm=task.to_confirm, actions=actions,
                                     url=link("assessments:competency", assessment.pk, competency.number)))
    return left


def _open_actions(today: datetime.date) -> QuerySet[Answer]:
    """Actions not done and due within ``ACTIONS_AHEAD`` days (or overdue).
    An assessment that a later one was started from is left out: its open
    actions were carried into the later one."""
    carried_forward = Assessment.objects.filter(previous__isnull=False).values("previous_id")
    return (Answer.objects.filter(value=Answer.Value.NO, due_date__lte=today + datetime.timedelta(days=ACTIONS_AHEAD))
            .exclude(action="").exclude(action_status=Answer.ActionStatus.DONE)
            .exclude(assessment__in=carried_forward))


@dataclass(frozen=True)
class ActionDue:
    answer: Answer
    due: datetime.date
    overdue: bool
    url: str  # its question on its competency's page


def actions_due(pct: Organisation, today: datetime.date) -> list[ActionDue]:
    """The PCT's open actions overdue or due soon, by due date: one query."""
    answers = (_open_actions(today).filter(assessment__pct=pct)
               .annotate(competency_number=COMPETENCY_NUMBER_ANSWERED)
               .select_related("assessment__cycle", "question")
               .order_by("due_date", "assessment__cycle__start_year", "question__number"))
    return [ActionDue(answer, answer.due_date, answer.due_date < today,
                      link("assessments:competency", answer.assessment_id, answer.competency_number)
                      + f"#q{answer.question.number}")
            for answer in answers if answer.due_date is not None]


def week_of(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=today.weekday())


def due_reminders(today: datetime.date) -> list[SentReminder]:
    """Every reminder due today, recorded already or not (unsaved)."""
    reminders = []
    answerable = Assessment.objects.filter(status__in=Assessment.Status.where("answerable"))
    for assessment in with_deadlines(answerable.select_related("pct__sha", "cycle")):
        deadline = submission_deadline(assessment)
        days_before = threshold(days_left(deadline, today)) if deadline else None
        if days_before is None:
            continue
        for person in left_in(assessment):
            reminders.append(SentReminder(person=person, kind=Kind.DEADLINE, pct=assessment.pct,
                                          assessment=assessment, deadline=deadline, days_before=days_before))
    pct_ids = _open_actions(today).order_by().values("assessment__pct_id").distinct()
    for pct in Organisation.objects.filter(pk__in=pct_ids):
        for person in wanting_reminders(pct):
            reminders.append(SentReminder(person=person, kind=Kind.ACTIONS, pct=pct, week=week_of(today)))
    return reminders


def record_reminders(*, today: datetime.date, queue: bool = True) -> list[SentReminder]:
    """Record each reminder due today that is not recorded already, and
    (with ``queue``) queue it for a task worker in the same transaction;
    return the new ones."""
    new = []
    for reminder in due_reminders(today):
        try:
            with transaction.atomic():
                reminder.save()
                if queue:
                    send_reminder.enqueue(reminder.pk)
        except IntegrityError:
            continue  # recorded already, by an earlier run
        new.append(reminder)
    return new


def send_now(reminders: list[SentReminder], *, today: datetime.date) -> int:
    """Send the reminders in this process, over one connection: how many emails went."""
    return send_all(email for reminder in reminders if (email := reminder_email(reminder, today=today)) is not None)


def reminder_email(reminder: SentReminder, *, today: datetime.date) -> Email | None:
    """The reminder as it stands today; none if the person no longer wants
    it, is no longer on the PCT's board, or has nothing left to do."""
    person = wanting_reminders(reminder.pct).filter(pk=reminder.person_id).first()
    if person is None:
        return None
    account = link("account")
    if reminder.kind == Kind.DEADLINE:
        return _deadline_email(reminder, person, today, account)
    return _actions_email(reminder, person, today, account)


def _deadline_email(reminder: SentReminder, person: User, today: datetime.date, account: str
                    ) -> Email | None:
    assessment = reminder.assessment
    assert assessment is not None and reminder.deadline is not None  # a deadline reminder names both
    left = left_in(assessment).get(person)
    if not left or not assessment.state.answerable:
        return None
    days = days_left(reminder.deadline, today)
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    named = f"{assessment.pct}'s {assessment.cycle} assessment" + (f" ({assessment.focus})" if assessment.focus
                                                                    else "")
    count = f"{len(left)} competenc{'y' if len(left) == 1 else 'ies'}"
    return Email(
        person, f"{named} is due {when}: {count} to finish", "deadline", link("assessments:tasks", assessment.pk),
        f"You get this email because you are on {assessment.pct}'s board and these competencies are assigned to "
        "you or to nobody.",
        {"left": left, "named": named, "when": when, "deadline": reminder.deadline, "count": count,
         "account_url": account},
    )


def _actions_email(reminder: SentReminder, person: User, today: datetime.date, account: str
                   ) -> Email | None:
    actions = actions_due(reminder.pct, today)
    if not actions:
        return None
    overdue = sum(action.overdue for action in actions)
    parts = [f"{n} action{'' if n == 1 else 's'} {what}"
             for n, what in ((overdue, "overdue"), (len(actions) - overdue, f"due in the next {ACTIONS_AHEAD} days"))
             if n]
    return Email(
        person, f"{reminder.pct}: {' and '.join(parts)}", "actions", link("assessments:list"),
        f"You get this weekly email because you are on {reminder.pct}'s board.",
        {"actions": actions, "pct": reminder.pct, "today": today, "ahead": ACTIONS_AHEAD, "account_url": account},
    )


@task()
def send_reminder(reminder_id: int) -> int:
    """The worker's side of ``record_reminders``: how many emails went (0 or 1)."""
    reminder = (SentReminder.objects.select_related("pct", "assessment__pct__sha", "assessment__cycle")
                .get(pk=reminder_id))
    email = reminder_email(reminder, today=timezone.localdate())
    return send_all([email]) if email is not None else 0
