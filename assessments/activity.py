"""An assessment's activity log: who changed what, when, from what to what."""

from dataclasses import dataclass
from datetime import datetime

from .access import Grant
from .models import Answer, Assignment, Challenge

FIELDS = {
    "value": "answer",
    "action": "action",
    "owner": "owner",
    "due_date": "due date",
    "action_status": "action status",
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    old: str = ""
    new: str = ""


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "System"


def _show(field: str, value) -> str:
    if value in (None, ""):
        return "(blank)"
    if field == "value":
        return Answer.Value(value).label
    if field == "action_status":
        return Answer.ActionStatus(value).label
    return str(value)


def activity_for(grant: Grant) -> list[Entry]:
    """Newest first: answer and action changes, workflow steps, reviews and
    challenges with their replies (for those who see them), evidence, who
    was given which competency.

    A handful of queries whatever the size: each history is read in one go and
    consecutive records are compared in Python.
    """
    assessment = grant.assessment
    entries = []
    history = (
        Answer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "question")
        .order_by("id", "history_date", "history_id")
    )
    previous = None
    for record in history:
        if previous is not None and previous.id == record.id:
            for field, label in FIELDS.items():
                old, new = getattr(previous, field), getattr(record, field)
                if old != new:
                    entries.append(Entry(
                        record.history_date, _name(record.history_user),
                        f"Question {record.question.number}: {label}",
                        _show(field, old), _show(field, new),
                    ))
        previous = record
    for step in assessment.transitions.select_related("by"):
        what = (f"Status: {step.get_from_status_display()} → {step.get_to_status_display()}"
                if step.from_status != step.to_status else "Assessment started")
        entries.append(Entry(step.at, _name(step.by), what, "", step.comment))
    reviews = assessment.reviews.model.history.filter(assessment_id=assessment.pk)
    for review in reviews.select_related("history_user", "competency") if grant.sees_reviews else []:
        entries.append(Entry(
            review.history_date, _name(review.history_user),
            f"Reviewer's level for competency {review.competency.number}",
            "", f"Level {review.level}: {review.reason}",
        ))
    challenges = Challenge.history.filter(answer__assessment=assessment.pk).select_related(
        "history_user", "answer__question")
    for challenge in challenges if grant.sees_reviews else []:
        number = challenge.answer.question.number
        if challenge.history_type == "+":
            entries.append(Entry(challenge.history_date, _name(challenge.history_user),
                                 f"Question {number}: challenged", "", challenge.note))
        elif challenge.history_type == "-":
            entries.append(Entry(challenge.history_date, _name(challenge.history_user),
                                 f"Question {number}: challenge withdrawn", challenge.note, ""))
        else:
            entries.append(Entry(challenge.history_date, _name(challenge.history_user),
                                 f"Question {number}: reply to the challenge", challenge.note, challenge.reply))
    for reference in assessment.evidence_references.model.history.filter(
        assessment_id=assessment.pk
    ).select_related("history_user"):
        verb = {"+": "added", "-": "removed", "~": "changed"}[reference.history_type]
        entries.append(Entry(
            reference.history_date, _name(reference.history_user),
            f"Evidence reference {verb}", "", reference.title,
        ))
    for given in Assignment.history.filter(assessment_id=assessment.pk).select_related(
        "history_user", "competency", "assignee"
    ):
        what = "given to" if given.history_type != "-" else "taken off"
        entries.append(Entry(
            given.history_date, _name(given.history_user),
            f"Competency {given.competency.number}: {what}", "", _name(given.assignee),
        ))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
