"""What the answering page shows: question blocks grouped under competencies
and themes, with each competency's guidance."""

from collections import defaultdict
from itertools import groupby

from competencies.models import Competency, EvidenceItem, Process, Skill

from .. import workflow
from ..forms import AnswerForm
from ..models import ACTION_MAX_LENGTH, CHECKLIST_ORDER, OWNER_MAX_LENGTH, Answer, Assessment
from ..scorecards import themes_by_id

ANSWER_LIMITS = {"action": f"{ACTION_MAX_LENGTH:,}", "owner": OWNER_MAX_LENGTH}


def _shown(data: dict) -> dict:
    """Values as a person reads them, for the conflict message."""
    value = data.get("value") or ""
    status = data.get("action_status") or ""
    return {
        **data,
        "value_label": dict(Answer.Value.choices).get(value, value),
        "action_status_label": dict(Answer.ActionStatus.choices).get(status, status),
    }


def question_view(
    answer: Answer, form: AnswerForm | None = None, *, state: str = "", section: int | None = None
) -> dict:
    """What a question block shows: what was sent if a form came back, else what is saved."""
    if form is not None and form.is_bound:
        data = {name: form[name].value() or "" for name in workflow.ANSWER_FIELDS}
        errors = form.errors
    else:
        data = {name: getattr(answer, name) or "" for name in workflow.ANSWER_FIELDS}
        errors = {}
    conflict = state == "conflict" or bool(form is not None and form.conflict)
    if conflict:
        state = "conflict"
    elif errors and not state:
        state = "error"
    version = answer.version
    if errors and not conflict:
        # A refused save keeps the version the page had, so saving again
        # after a correction still notices someone else's change.
        sent = str(form["version"].value() or "")
        version = int(sent) if sent.isdigit() else answer.version
    return {
        "answer": answer,
        "number": answer.question.number,
        "section": section if section is not None else answer.question.competency.number,
        "data": data,
        "attempted": _shown(data),
        "errors": errors,
        "block_errors": [*errors.get("__all__", []), *errors.get("version", [])],
        "state": state,
        "conflict": conflict,
        "version": version,
        "limits": ANSWER_LIMITS,
    }


def sections(assessment: Assessment, forms: dict[int, AnswerForm] | None = None) -> list:
    """Themes → competencies → question blocks, in the checklist's order."""
    forms = forms or {}
    answers = list(
        assessment.answers.select_related("question__process", "question__competency", "updated_by")
        .order_by(*CHECKLIST_ORDER)
    )
    competencies = Competency.objects.select_related("theme").in_bulk()
    theme_of = themes_by_id(competencies.values(), {a.theme_answered_id for a in answers})
    guidance = _guidance()
    themes = []
    for competency_id, answered_here in groupby(answers, key=lambda a: a.competency_answered_id):
        group = list(answered_here)
        theme = theme_of[group[0].theme_answered_id]
        competency = competencies[competency_id]
        competency.guidance = guidance[competency_id]
        competency.questions_here = [
            question_view(answer, forms.get(answer.question.number), section=competency.number)
            for answer in group
        ]
        # A section whose blocks all show what is saved is cached as a whole.
        if not any(q["state"] or q["errors"] or q["conflict"] for q in competency.questions_here):
            competency.fragment_key = repr([_fragment_key(q, assessment) for q in competency.questions_here])
        competency.answered = sum(1 for q in competency.questions_here if q["answer"].value)
        if not themes or themes[-1].pk != theme.pk:
            themes.append(theme)
            theme.sections = []
        themes[-1].sections.append(competency)
    return themes


def _guidance() -> dict[int, dict[str, list[dict]]]:
    """Each competency's skills, processes and evidence items, as plain
    values: the answering page only prints their text."""
    guidance = defaultdict(lambda: {"skills": [], "processes": [], "evidence_items": []})
    for name, model in [("skills", Skill), ("processes", Process), ("evidence_items", EvidenceItem)]:
        for item in model.objects.order_by("position").values("competency_id", "text"):
            guidance[item["competency_id"]][name].append(item)
    return guidance


def _fragment_key(q: dict, assessment: Assessment) -> str:
    """Everything a saved question block shows, so that its rendered HTML can
    be cached: any change to the answer, its question's number or wording or
    its guidance is a new key."""
    answer = q["answer"]
    return repr((
        assessment.pk, answer.pk, answer.question.number, answer.version, answer.updated_at,
        sorted(q["data"].items()),
        answer.updated_by and (answer.updated_by.get_full_name() or answer.updated_by.get_username()),
        answer.wording, answer.question.process and answer.question.process.text,
        answer.carried_over, assessment.previous and str(assessment.previous.cycle),
    ))


def conflict_message(answer: Answer) -> str:
    who = (
        answer.updated_by.get_full_name() or answer.updated_by.get_username()
        if answer.updated_by else "Someone"
    )
    return (
        f"{who} changed this answer after you opened the page, so your change was not saved. "
        "Compare the answers, then use yours or keep theirs."
    )
