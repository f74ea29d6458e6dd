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
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User  # the site's user model, for the type hints
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone
from django_tasks import task

from competencies.models import Competency

from .deadlines import days_left, submission_deadline, submission_due_between, with_deadlines
from .emails import Email, link, members_of, send_all
from .models import (
    COMPETENCY_NUMBER_ANSWERED,
    Answer,
    Assessment,
    Assignment,
    Membership,
    SentReminder,
)
from .progress import STATE_EXPRESSIONS, STATE_FIELDS, AnswerState, Task, open_action

Kind = SentReminder.Kind
THRESHOLDS = (14, 7, 1)  # days before the submission deadline
ACTIONS_AHEAD = 14  # days: the weekly list's "due soon"


def threshold(days: int) -> int | None:
    """Which reminder is due with ``days`` left: the 14-day one from 14 days
    out, the 7-day one from 7, the 1-day one from the day before to the day
    itself. A day the scheduler missed is made up at its next run."""
    return min((t for t in THRESHOLDS if 0 <= days <= t), default=None)


# Whether a person wants reminder emails: yes, unless they turned them off.
WANTS_REMINDERS = ~Q(email_preference__reminders=False)


@dataclass
class Board:
    """A PCT's board members who can be emailed."""

    everyone: set[int] = field(default_factory=set)  # their ids
    wanting: list[User] = field(default_factory=list)  # those who want reminders, by name


def boards(pct_ids: Iterable[int]) -> dict[int, Board]:
    """Each PCT's board: one query, however many PCTs."""
    people = members_of(pct_ids, Membership.Role.BOARD_MEMBER).annotate(
        pct_id=F("membership__organisation_id"),
        wants_reminders=ExpressionWrapper(WANTS_REMINDERS, output_field=BooleanField()))
    board: dict[int, Board] = defaultdict(Board)
    for person in people:
        board[person.pct_id].everyone.add(person.pk)
        if person.wants_reminders:
            board[person.pct_id].wanting.append(person)
    return board


@dataclass(frozen=True)
class Left:
    """What one competency of an assessment still needs before submission."""

    competency: Competency
    assigned: bool  # to the person told; else to nobody
    unanswered: int
    to_confirm: int  # carried over from last year
    actions: int  # "No" answers whose action, owner or due date is missing
    url: str


def left_in_each(assessments: list[Assessment], board: dict[int, Board]) -> dict[int, dict[User, list[Left]]]:
    """For each assessment (by id), each person who should hear what is left
    of it, with the competencies left: the assignee's to them, the rest to
    every board member (also when the assignee has left the board).
    ``board`` is ``boards()``'s for the assessments' PCTs. Three queries,
    however many assessments."""
    ids = [assessment.pk for assessment in assessments]
    tasks: dict[int, dict[int, Task]] = defaultdict(dict)
    for row in Answer.objects.filter(assessment__in=ids).values("assessment_id", *STATE_FIELDS,
                                                                 **STATE_EXPRESSIONS):
        assessment_id = row.pop("assessment_id")
        state = AnswerState(**row)
        tasks[assessment_id].setdefault(state.competency_answered_id, Task()).add(state)
    assignees = {(assessment_id, competency_id): assignee_id for assessment_id, competency_id, assignee_id
                 in Assignment.objects.filter(assessment__in=ids)
                 .values_list("assessment_id", "competency_id", "assignee_id")}
    competencies = list(Competency.objects.order_by("theme__position", "number"))
    return {assessment.pk: _left(assessment, tasks[assessment.pk], assignees, competencies,
                                 board.get(assessment.pct_id, Board()))
            for assessment in assessments}


def _left(assessment: Assessment, tasks: dict[int, Task], assignees: dict[tuple[int, int], int],
          competencies: list[Competency], board: Board) -> dict[User, list[Left]]:
    wanting = {person.pk: person for person in board.wanting}
    left: dict[User, list[Left]] = defaultdict(list)
    for competency in competencies:
        task = tasks.get(competency.pk)
        if task is None or not task.gaps:
            continue
        fields = [gap.field for gap in task.gaps]
        actions = len({gap.number for gap in task.gaps if gap.field in ("action", "owner", "due_date")})
        assignee = assignees.get((assessment.pk, competency.pk))
        # An assignee who turned reminders off hears nothing; one who has left the board is nobody.
        people = ([wanting[assignee]] if assignee in wanting else [] if assignee in board.everyone
                  else list(wanting.values()))
        for person in people:
            left[person].append(Left(competency, assigned=assignee == person.pk, unanswered=fields.count("value"),
                                     to_confirm=task.to_confirm, actions=actions,
                                     url=link("assessments:competency", assessment.pk, competency.number)))
    return left


@dataclass(frozen=True)
class ActionDue:
    answer: Answer
    due: datetime.date
    overdue: bool
    url: str  # its question on its competency's page


def actions_due(today: datetime.date, *, pct_id: int | None = None) -> dict[int, list[ActionDue]]:
    """Each PCT's actions (or one PCT's: any answer's, as the report counts
    them) not done and overdue or due within
    ``ACTIONS_AHEAD`` days, by due date: one query, however many PCTs. An assessment that a
    later one was started from is left out: its open actions were carried
    into the later one."""
    carried_forward = Assessment.objects.filter(previous__isnull=False).values("previous_id")
    answers = (Answer.objects
               .filter(open_action(), due_date__lte=today + datetime.timedelta(days=ACTIONS_AHEAD))
               .filter(**({"assessment__pct": pct_id} if pct_id else {}))
               .exclude(assessment__in=carried_forward)
               .annotate(competency_number=COMPETENCY_NUMBER_ANSWERED)
               .select_related("assessment__pct", "assessment__cycle", "question")
               .order_by("due_date", "assessment__cycle__start_year", "question__number"))
    due: dict[int, list[ActionDue]] = defaultdict(list)
    for answer in answers:
        assert answer.due_date is not None  # filtered on it
        due[answer.assessment.pct_id].append(ActionDue(
            answer, answer.due_date, answer.due_date < today,
            link("assessments:competency", answer.assessment_id, answer.competency_number)
            + f"#q{answer.question.number}"))
    return due


def week_of(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=today.weekday())


@dataclass(frozen=True)
class Due:
    """A reminder due today (unsaved) and its email, as it stands today."""

    reminder: SentReminder
    email: Email


def due_reminders(today: datetime.date) -> list[Due]:
    """Every reminder due today, recorded already or not: six queries,
    however many PCTs, people and assessments (the assessments due in the
    next fortnight; the open actions of every PCT; the boards of the PCTs
    with either; the assessments' answers and assignments, and the
    competencies)."""
    answerable = Assessment.objects.filter(status__in=Assessment.Status.where("answerable"))
    soon = submission_due_between(answerable, today, today + datetime.timedelta(days=max(THRESHOLDS)))
    assessments = list(with_deadlines(soon).select_related("pct__sha", "cycle"))
    actions = actions_due(today)
    board = boards({assessment.pct_id for assessment in assessments} | set(actions))
    left = left_in_each(assessments, board) if assessments else {}
    account = link("account")
    due = []
    for assessment in assessments:
        deadline = submission_deadline(assessment)
        assert deadline is not None  # filtered on it
        days_before = threshold(days_left(deadline, today))
        assert days_before is not None
        for person, competencies in left[assessment.pk].items():
            reminder = SentReminder(person=person, kind=Kind.DEADLINE, pct=assessment.pct, assessment=assessment,
                                    deadline=deadline, days_before=days_before)
            due.append(Due(reminder, _deadline_email(reminder, person, competencies, today, account)))
    for pct_id, pct_actions in actions.items():
        pct = pct_actions[0].answer.assessment.pct
        for person in board[pct_id].wanting:
            reminder = SentReminder(person=person, kind=Kind.ACTIONS, pct=pct, week=week_of(today))
            due.append(Due(reminder, _actions_email(reminder, person, pct_actions, today, account)))
    return due


def _key(reminder: SentReminder) -> tuple:
    """What the database keeps one of (``SentReminder``'s unique constraints)."""
    if reminder.kind == Kind.DEADLINE:
        return reminder.kind, reminder.person_id, reminder.assessment_id, reminder.deadline, reminder.days_before
    return reminder.kind, reminder.person_id, reminder.pct_id, reminder.week


def _recorded(due: list[Due], today: datetime.date) -> set[tuple]:
    """The keys of the reminders recorded for these assessments, and this week's: one query."""
    assessment_ids = {each.reminder.assessment_id for each in due if each.reminder.kind == Kind.DEADLINE}
    rows = SentReminder.objects.filter(Q(kind=Kind.DEADLINE, assessment__in=assessment_ids)
                                       | Q(kind=Kind.ACTIONS, week=week_of(today)))
    return {_key(row) for row in rows.only("kind", "person", "assessment", "deadline", "days_before", "pct", "week")}


def record_reminders(*, today: datetime.date, queue: bool = True) -> list[Due]:
    """Record each reminder due today that is not recorded already, and
    (with ``queue``) queue it for a task worker in the same transaction;
    return the new ones."""
    due = due_reminders(today)
    recorded = _recorded(due, today) if due else set()
    new = []
    for each in due:
        if _key(each.reminder) in recorded:
            continue
        try:
            with transaction.atomic():
                each.reminder.save()
                if queue:
                    send_reminder.enqueue(each.reminder.pk)
        except IntegrityError:
            continue  # recorded in the meantime, by a run beside this one
        new.append(each)
    return new


def send_now(due: list[Due]) -> int:
    """Send the reminders in this process, over one connection: how many emails went."""
    return send_all(each.email for each in due if each.email is not None)


def reminder_email(reminder: SentReminder, *, today: datetime.date) -> Email | None:
    """The reminder as it stands today; none if the person no longer wants
    it, is no longer on the PCT's board, or has nothing left to do."""
    board = boards([reminder.pct_id])[reminder.pct_id]
    person = next((person for person in board.wanting if person.pk == reminder.person_id), None)
    if person is None:
        return None
    account = link("account")
    if reminder.kind == Kind.DEADLINE:
        assessment = reminder.assessment
        assert assessment is not None  # a deadline reminder names it
        left = (left_in_each([assessment], {reminder.pct_id: board})[assessment.pk].get(person)
                if assessment.state.answerable else None)
        return _deadline_email(reminder, person, left, today, account) if left else None
    actions = actions_due(today, pct_id=reminder.pct_id).get(reminder.pct_id)
    return _actions_email(reminder, person, actions, today, account) if actions else None


def _deadline_email(reminder: SentReminder, person: User, left: list[Left], today: datetime.date, account: str
                    ) -> Email:
    assessment = reminder.assessment
    assert assessment is not None and reminder.deadline is not None  # a deadline reminder names both
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


def _actions_email(reminder: SentReminder, person: User, actions: list[ActionDue], today: datetime.date,
                   account: str) -> Email:
    overdue = sum(action.overdue for action in actions)
    parts = [f"{n} action{'' if n == 1 else 's'} {what}"
             for n, what in ((overdue, "overdue"), (len(actions) - overdue, f"due in the next {ACTIONS_AHEAD} days"))
             if n]
    return Email(
        person, f"{reminder.pct}: {' and '.join(parts)}", "actions", link("assessments:list"),
        f"You get this weekly email because you are on {reminder.pct}'s board.",
        {"actions": actions, "pct": reminder.pct, "today": today, "ahead": ACTIONS_AHEAD, "account_url": account,
         # Some can no longer be changed where they are (the page says why).
         "locked": any(not action.answer.assessment.state.answerable for action in actions)},
    )


@task()
def send_reminder(reminder_id: int) -> int:
    """The worker's side of ``record_reminders``: how many emails went (0 or 1)."""
    reminder = (SentReminder.objects.select_related("pct", "assessment__pct__sha", "assessment__cycle")
                .filter(pk=reminder_id).first())
    if reminder is None:
        return 0  # its person or assessment deleted since
    email = reminder_email(reminder, today=timezone.localdate())
    return send_all([email]) if email is not None else 0
