"""What the answering pages show: the task list (each competency a task) and
one competency's page of questions, each question an ``AnswerForm``."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from hashlib import sha256
from itertools import groupby
from typing import cast

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.timezone import localtime

from competencies import framework
from competencies.models import Competency, Theme

from .. import access, workflow
from ..forms import AnswerForm
from ..models import COMPETENCY_NUMBER_ANSWERED, Answer, Assessment, Assignment
from ..progress import STATE_EXPRESSIONS, STATE_FIELDS, AnswerState, Gap, Task, gaps_in, tally, tally_tasks
from ..scorecards import themes_by_id


@dataclass
class TaskRow:
    """One competency on the task list."""

    competency: Competency
    task: Task
    last_by: str = ""  # who last worked on it
    assignee: str = ""  # whom it is given to


@dataclass
class ThemeTasks:
    theme: Theme
    rows: list[TaskRow] = field(default_factory=list)


# How long a task list is kept. Its answers and assignments cannot go stale
# (the key changes with them, as ``Assessment.touch`` records); what it
# shows of other things, people's names and competencies' titles, is at
# most this old.
TASK_LIST_SECONDS = 300


def task_list(assessment: Assessment) -> list[ThemeTasks]:
    """Themes in checklist order, each with its competencies as tasks:
    worked out once for each change to the assessment, then kept."""
    key = f"task-list:{assessment.pk}:{assessment.updated_at.isoformat()}"
    return cast(list[ThemeTasks], cache.get_or_set(key, lambda: _task_list(assessment), TASK_LIST_SECONDS))


def _task_list(assessment: Assessment) -> list[ThemeTasks]:
    answers = [AnswerState(**row) for row in assessment.answers.values(*STATE_FIELDS, **STATE_EXPRESSIONS)]
    competencies = (Competency.objects.select_related("theme")
                    .only("number", "short_title", "theme__title", "theme__position").in_bulk())
    theme_of = themes_by_id(competencies.values(), {a.theme_answered_id for a in answers})
    # The checklist's order (``CHECKLIST_ORDER``), sorted here: cheaper than the joins it takes in SQL.
    answers.sort(key=lambda a: (theme_of[a.theme_answered_id].position,
                                competencies[a.competency_answered_id].number, a.number))
    assignees = dict(Assignment.objects.filter(assessment=assessment).order_by()
                     .values_list("competency_id", "assignee_id"))
    themes: list[ThemeTasks] = []
    for competency_id, group in groupby(answers, key=lambda a: a.competency_answered_id):
        here = list(group)
        theme = theme_of[here[0].theme_answered_id]
        if not themes or themes[-1].theme.pk != theme.pk:
            themes.append(ThemeTasks(theme))
        themes[-1].rows.append(TaskRow(competencies[competency_id], tally(here)))
    rows = [row for group in themes for row in group.rows]
    names = _names({row.task.last_by_id for row in rows} | set(assignees.values()))
    for row in rows:
        row.last_by = names.get(row.task.last_by_id or 0, "")
        row.assignee = names.get(assignees.get(row.competency.pk, 0), "")
    return themes


def tasks_key(assessment: Assessment, themes: list[ThemeTasks], to_reply: Mapping[int, int]) -> str:
    """Everything the task list's tasks show, so that they can be cached:
    each theme's title, each competency's number and title, each task's
    figures and status, who last worked on it when, whom it is given to,
    and the challenges without a reply by competency number."""
    return sha256(repr((assessment.pk, sorted(to_reply.items()), [
        (group.theme.title, [(row.competency.number, row.competency.short_title, row.task.total, row.task.answered,
                              row.task.to_confirm, row.task.status, row.last_by, row.task.last_at, row.assignee)
                             for row in group.rows])
        for group in themes
    ])).encode()).hexdigest()


def overall(themes: list[ThemeTasks]) -> Task:
    """One task for the whole assessment, from its competencies' tasks."""
    return tally_tasks(row.task for group in themes for row in group.rows)


def _names(ids: set[int | None]) -> dict[int, str]:
    """People's names by id, in one query."""
    users = get_user_model().objects.filter(pk__in={pk for pk in ids if pk}).only("first_name", "last_name", "username")
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


def gap_errors(assessment: Assessment, gaps: list[Gap], competencies: dict[int, Competency]) -> list[dict]:
    """Gaps grouped by competency, for the error summary: each links to its
    field on the competency's page, which shows the error there."""
    grouped = []
    for competency_id, here in groupby(gaps, key=lambda gap: gap.competency_id):
        competency = competencies[competency_id]
        page = reverse("assessments:competency", args=[assessment.pk, competency.number]) + "?check"
        grouped.append({"competency": competency, "errors": [
            {"anchor": f"{page}#{field_anchor(gap.number, gap.field)}",
             "message": f"Question {gap.number}: {gap.problem}"}
            for gap in here
        ]})
    return grouped


def field_anchor(number: int, name: str) -> str:
    return {"value": f"id_q{number}-value_0", "due_date": f"id_q{number}-due_date_day"}.get(
        name, f"id_q{number}-{name}")


@dataclass
class Block:
    """One question on a competency's page. Its form is made only when the
    block is rendered: a block showing what is saved comes from the cache
    (``fragment_key``) without it."""

    answer: Answer
    data: QueryDict | None = None
    fragment_key: str = ""

    @cached_property
    def form(self) -> AnswerForm:
        if self.data is None:
            return AnswerForm(answer=self.answer)
        return AnswerForm(self.data, answer=self.answer)


COMPETENCY_TEXTS = ("statement", "why", "checklist_heading", "checklist_description")


@dataclass
class CompetencyPage:
    """One competency's questions: each shows what is saved, or what the person sent."""

    grant: access.Grant
    competency: Competency
    blocks: list[Block]
    previous: Competency | None = None
    next: Competency | None = None

    @classmethod
    def load(cls, grant: access.Grant, number: int, data: QueryDict | None = None) -> "CompetencyPage":
        # One competency's answers: the checklist's order is the questions' order.
        answers = list(grant.assessment.answers
                       .select_related("question__process", "question__competency", "updated_by")
                       # Its competency only for the theme it is under (not its long texts).
                       .defer(*(f"question__competency__{name}" for name in COMPETENCY_TEXTS))
                       .annotate(number=COMPETENCY_NUMBER_ANSWERED).filter(number=number).order_by("question__number"))
        if not answers:
            raise Http404("This assessment has no competency with that number.")
        ordered = framework.in_checklist_order()
        at = next(i for i, c in enumerate(ordered) if c.pk == answers[0].competency_answered_id)
        for answer in answers:
            answer.assessment = grant.assessment
        blocks = [Block(a, data, "" if data is not None else block_key(a, grant.assessment)) for a in answers]
        return cls(grant, ordered[at], blocks, previous=ordered[at - 1] if at else None,
                   next=ordered[at + 1] if at + 1 < len(ordered) else None)

    @property
    def answers(self) -> list[Answer]:
        return [block.answer for block in self.blocks]

    @property
    def forms(self) -> dict[int, AnswerForm]:
        return {block.answer.question.number: block.form for block in self.blocks}

    def is_valid(self) -> bool:
        return all(block.form.is_valid() for block in self.blocks)

    def changes(self, *, keep: set[int], confirm_all: bool) -> list[workflow.Change]:
        """What to save: every question but those whose saved answer the person keeps."""
        return [
            workflow.Change(form.answer, form.cleaned_data, form.cleaned_data["version"],
                            confirm=confirm_all or form.cleaned_data.get("confirm", False))
            for number, form in self.forms.items() if number not in keep
        ]

    def mark_conflicts(self, results: list[workflow.SaveResult]) -> int:
        """Show each conflict with what is saved now; the form's version
        becomes the saved one, so that saving again uses the person's answer."""
        conflicts = [r.answer for r in results if r.conflict]
        for answer in conflicts:
            form = self.forms[answer.question.number]
            form.conflict = True
            data = cast(QueryDict, form.data).copy()
            data[form.add_prefix("version")] = str(answer.version)
            form.data = data
        return len(conflicts)

    def check(self) -> None:
        """Show at each field what submission still needs (from the submission's gap list)."""
        for block in self.blocks:
            block.data, block.fragment_key = _as_sent(block.answer), ""
            block.form.is_valid()
            for gap in gaps_in(AnswerState.of(block.answer)):
                block.form.add_error(gap.field if gap.field in block.form.fields else None, f"{gap.problem}.")

    def errors(self) -> list[dict]:
        errors = []
        for block in self.blocks:
            if block.data is None:
                continue  # shows what is saved: nothing to correct
            number, form = block.answer.question.number, block.form
            for name, messages in form.errors.items():
                anchor = field_anchor(number, name) if name in form.fields and name != "version" else f"q{number}"
                errors += [{"anchor": f"#{anchor}", "message": f"Question {number}: {m}"} for m in messages]
        return errors

    def guidance(self) -> dict[str, list[dict]]:
        """The competency's skills, processes and evidence items (their text)."""
        return framework.guidance(self.competency)


def block_key(answer: Answer, assessment: Assessment) -> str:
    """Everything a question block shows when it shows what is saved, so that
    its rendered HTML can be cached: any change to the answer, its question's
    number or wording or the process it rephrases is a new key."""
    who = answer.updated_by
    return sha256(repr((
        assessment.pk, answer.pk, answer.question.number, answer.version, answer.updated_at,
        [getattr(answer, name) for name in workflow.ANSWER_FIELDS],
        who and (who.get_full_name() or who.get_username()),
        answer.wording, answer.question.process and answer.question.process.text,
        answer.carried_over, assessment.previous and str(assessment.previous.cycle),
    )).encode()).hexdigest()


def _as_sent(answer: Answer) -> QueryDict:
    """The answer's saved values as its form would send them."""
    data = QueryDict(mutable=True)
    prefix = f"q{answer.question.number}-"
    for name in ("value", "action", "owner", "action_status", "version"):
        data[prefix + name] = str(getattr(answer, name))
    if answer.due_date:
        due = answer.due_date
        data.update({f"{prefix}due_date_day": str(due.day), f"{prefix}due_date_month": str(due.month),
                     f"{prefix}due_date_year": str(due.year)})
    return data


def stored(answer: Answer) -> dict:
    """What is saved, as the page's fields hold it, for the autosave to compare."""
    fields = {name: value for name, value in _as_sent(answer).items() if not name.endswith("-version")}
    prefix = f"q{answer.question.number}-"
    for part in ("day", "month", "year"):
        fields.setdefault(f"{prefix}due_date_{part}", "")
    who = answer.updated_by
    return {
        "number": answer.question.number, "version": answer.version, "fields": fields,
        "carried_over": answer.carried_over,
        "saved_by": (who.get_full_name() or who.get_username()) if who else "",
        "saved_at": localtime(answer.updated_at).strftime("%H:%M") if answer.updated_at else "",
    }


def conflict_message(answer: Answer) -> str:
    who = (
        answer.updated_by.get_full_name() or answer.updated_by.get_username()
        if answer.updated_by else "Someone"
    )
    return (
        f"{who} changed this answer after you opened the page, so your change was not saved. "
        "Compare the answers, then use yours or keep theirs."
    )
