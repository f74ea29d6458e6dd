"""Where answering stands: what each answer still needs before submission,
and each competency as a task on the task list. Pure functions over plain
values (``AnswerState``), which a query reads without building models."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone

from .models import COMPETENCY_ANSWERED, THEME_ANSWERED, Answer


@dataclass(frozen=True)
class AnswerState:
    """What the task list and submission need to know of one answer."""

    number: int
    competency_answered_id: int  # where the answer counts
    theme_answered_id: int
    value: str
    carried_over: bool
    action: str
    owner: str
    due_date: date | None
    version: int
    updated_at: datetime | None
    updated_by_id: int | None

    @classmethod
    def of(cls, answer: Answer) -> "AnswerState":
        return cls(answer.question.number, answer.competency_answered_id, answer.theme_answered_id,
                   answer.value, answer.carried_over, answer.action, answer.owner, answer.due_date,
                   answer.version, answer.updated_at, answer.updated_by_id)


# ``answers.values(*STATE_FIELDS, **STATE_EXPRESSIONS)`` reads AnswerState's fields.
STATE_EXPRESSIONS = {"number": models.F("question__number"), "competency_answered_id": COMPETENCY_ANSWERED,
                     "theme_answered_id": THEME_ANSWERED}
STATE_FIELDS = ("value", "carried_over", "action", "owner", "due_date", "version", "updated_at", "updated_by_id")


@dataclass(frozen=True)
class Gap:
    """Something one answer needs before the assessment can be submitted:
    ``field`` is the answer form's field that shows it."""

    number: int
    competency_id: int
    field: str
    problem: str


def gaps_in(answer: AnswerState) -> list[Gap]:
    where = (answer.number, answer.competency_answered_id)
    gaps = []
    if answer.carried_over:
        gaps.append(Gap(*where, "confirm", "Confirm the answer carried over from last time, or change it"))
    if not answer.value:
        gaps.append(Gap(*where, "value", "Select Yes or No"))
    elif answer.value == Answer.Value.NO:
        needs = [
            ("action", answer.action.strip(), "Enter the action the PCT will take"),
            ("owner", answer.owner.strip(), "Enter who owns the action"),
            ("due_date", answer.due_date, "Enter the action's due date"),
        ]
        gaps += [Gap(*where, name, problem) for name, present, problem in needs if not present]
    return gaps


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    TO_CONFIRM = "to_confirm", "Carried over: to confirm"
    COMPLETED = "completed", "Completed"


@dataclass
class Task:
    """Some answers (a competency's, or all), as answering stands."""

    total: int = 0
    answered: int = 0  # answered by a person in this assessment
    to_confirm: int = 0  # carried over, not yet confirmed or changed
    gaps: list[Gap] = field(default_factory=list)
    last_by_id: int | None = None
    last_at: datetime | None = None

    def add(self, answer: AnswerState) -> None:
        self.total += 1
        if answer.carried_over:
            self.to_confirm += 1
        elif answer.value:
            self.answered += 1
        self.gaps += gaps_in(answer)
        # Version 0 is how the answer started (blank or carried over): nobody worked on it yet.
        if answer.version and answer.updated_at and (self.last_at is None or answer.updated_at > self.last_at):
            self.last_by_id, self.last_at = answer.updated_by_id, answer.updated_at

    @property
    def status(self) -> TaskStatus:
        if not self.gaps:
            return TaskStatus.COMPLETED
        if self.to_confirm:
            return TaskStatus.TO_CONFIRM
        if self.answered or self.last_at:
            return TaskStatus.IN_PROGRESS
        return TaskStatus.NOT_STARTED


def answered(through: str = "") -> models.Q:
    """``Task.add``'s rule for an answered question, for counting in SQL;
    ``through``, the relation to the answers ("answers__")."""
    return ~models.Q(**{f"{through}value": ""}) & models.Q(**{f"{through}carried_over": False})


def tally(answers: Iterable[AnswerState]) -> Task:
    task = Task()
    for answer in answers:
        task.add(answer)
    return task


def tasks_by_competency(answers: models.QuerySet[Answer]) -> dict[int, Task]:
    """Each competency's task, by the id of the competency its answers count in: one query."""
    tasks: dict[int, Task] = {}
    for row in answers.values(*STATE_FIELDS, **STATE_EXPRESSIONS):
        state = AnswerState(**row)
        tasks.setdefault(state.competency_answered_id, Task()).add(state)
    return tasks


def tally_tasks(tasks: Iterable[Task]) -> Task:
    """The tasks taken together (the whole assessment)."""
    whole = Task()
    for task in tasks:
        whole.total += task.total
        whole.answered += task.answered
        whole.to_confirm += task.to_confirm
        whole.gaps += task.gaps
        if task.last_at and (whole.last_at is None or task.last_at > whole.last_at):
            whole.last_by_id, whole.last_at = task.last_by_id, task.last_at
    return whole


def open_action(through: str = "") -> models.Q:
    """An action still to do, for SQL: any answer's action (a Yes may have
    one too) not marked done; ``is_overdue`` below holds the same rule."""
    return ~models.Q(**{f"{through}action": ""}) & ~models.Q(**{f"{through}action_status": Answer.ActionStatus.DONE})


def is_overdue(answer: Answer, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(
        answer.action
        and answer.due_date
        and answer.due_date < today
        and answer.action_status != Answer.ActionStatus.DONE
    )
