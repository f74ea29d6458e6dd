"""The assessment's life: starting, answering, submitting, reviewing.

Plain functions with keyword-only arguments; views call exactly one of them.
Rules that must hold whatever the caller (who may act, which state allows
what) are checked here, not only in the pages.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from competencies.models import Competency, Question

from .models import (
    Answer,
    Assessment,
    CompetencyReview,
    Cycle,
    EvidenceReference,
    Organisation,
    Transition,
)
from .scorecards import counted

Status = Assessment.Status


class WorkflowError(Exception):
    """An action the assessment's state does not allow; the message says why."""


class AssessmentExists(WorkflowError):
    pass


@dataclass(frozen=True)
class Gap:
    """Something that stops an assessment being submitted."""

    question: Question
    problem: str


@dataclass
class SaveResult:
    answer: Answer
    conflict: bool = False
    # On a conflict: the values the person tried to save, to apply deliberately.
    attempted: dict = field(default_factory=dict)


ANSWER_FIELDS = ["value", "action", "owner", "due_date", "action_status"]


def previous_assessment(*, pct: Organisation, before: Cycle, focus: str = "") -> Assessment | None:
    """The PCT's latest assessment of an earlier cycle, preferring the same focus."""
    earlier = Assessment.objects.filter(pct=pct, cycle__start_year__lt=before.start_year)
    earlier = earlier.order_by("-cycle__start_year", "-created_at")
    return earlier.filter(focus=focus).first() or earlier.first()


@transaction.atomic
def start_assessment(
    *, pct: Organisation, cycle: Cycle, user, focus: str = "", from_previous: bool = False
) -> Assessment:
    """Create a draft with a blank answer per question, or one carried over
    from the PCT's previous assessment (its answers, and its actions that are
    not done).

    Each answer starts with a history record, so that the activity log can
    show its first change as a change from what it started as.
    """
    previous = previous_assessment(pct=pct, before=cycle, focus=focus) if from_previous else None
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                pct=pct, cycle=cycle, focus=focus, created_by=user, previous=previous
            )
    except IntegrityError:
        raise AssessmentExists(
            f"{pct} already has an assessment for {cycle}"
            + (f" with the focus “{focus}”." if focus else " with no focus.")
        ) from None
    carried = {}
    if previous is not None:
        carried = {a.question_id: a for a in previous.answers.all()}
    answers = []
    for question_id in Question.objects.values_list("pk", flat=True):
        answer = Answer(assessment=assessment, question_id=question_id, updated_by=user)
        old = carried.get(question_id)
        if old is not None and old.value:
            answer.value = old.value
            answer.carried_over = True
            if old.action and old.action_status != Answer.ActionStatus.DONE:
                answer.action, answer.owner = old.action, old.owner
                answer.due_date, answer.action_status = old.due_date, old.action_status
        answers.append(answer)
    bulk_create_with_history(answers, Answer, default_user=user)
    Transition.objects.create(
        assessment=assessment,
        from_status=Status.DRAFT,
        to_status=Status.DRAFT,
        by=user,
        comment=f"Started from the {previous.cycle} assessment." if previous else "Started.",
    )
    return assessment


def save_answer(*, answer: Answer, user, values: dict, version: int) -> SaveResult:
    """Save one answer, unless someone else changed it since ``version`` was read.

    Sending back exactly what is saved writes nothing: it is not a change,
    so it is not a conflict either, and it leaves no entry in the history.
    A carried-over answer sent back unchanged is saved, as confirmed.

    The caller holds the assessment's row lock (``get_assessment_to_answer(lock=True)``)
    in the same transaction, so saves of one answer are serialised.
    """
    if not answer.assessment.is_editable:
        raise WorkflowError("This assessment has been submitted: its answers can no longer change.")
    unchanged = all(getattr(answer, name) == values[name] for name in ANSWER_FIELDS)
    if unchanged and not answer.carried_over:
        return SaveResult(answer=answer)
    if answer.version != version:
        return SaveResult(answer=answer, conflict=True, attempted=values)
    for name in ANSWER_FIELDS:
        setattr(answer, name, values[name])
    answer.carried_over = False  # confirmed or changed by a person now
    answer.version = version + 1
    answer.updated_by = user
    answer._history_user = user
    answer.save()
    return SaveResult(answer=answer)


def gaps_for_submission(assessment: Assessment) -> list[Gap]:
    """Everything that stops the assessment being submitted, in checklist order."""
    gaps = []
    answers = assessment.answers.select_related("question").order_by("question__number")
    for answer in answers:
        if not answer.value:
            gaps.append(Gap(answer.question, "Answer Yes or No."))
        elif answer.value == Answer.Value.NO:
            missing = [
                label
                for label, present in [
                    ("an action", answer.action.strip()),
                    ("an owner", answer.owner.strip()),
                    ("a due date", answer.due_date),
                ]
                if not present
            ]
            if missing:
                gaps.append(Gap(answer.question, f"A “No” needs {_join(missing)}."))
    return gaps


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _transition(assessment: Assessment, *, to: str, user, comment: str = "") -> None:
    Transition.objects.create(
        assessment=assessment, from_status=assessment.status, to_status=to, by=user,
        comment=comment,
    )
    assessment.status = to


@transaction.atomic
def submit(*, assessment: Assessment, user) -> list[Gap]:
    """Submit the assessment if nothing is missing; return what is missing.

    From the first submission on, every answer keeps its question as it was
    then: its wording, and the competency and theme it counts in. A
    resubmission after a return keeps them too, because they are what the
    PCT has gone on answering. The scorecard, though, is counted again at
    every submission from the answers as they now are, and kept until the
    SHA returns the assessment. The caller holds the assessment's row lock.
    """
    if not assessment.is_editable:
        raise WorkflowError(f"This assessment is {assessment.get_status_display().lower()}.")
    gaps = gaps_for_submission(assessment)
    if gaps:
        return gaps
    _keep_the_questions(assessment)
    assessment.scores = counted(assessment).as_json()
    _transition(assessment, to=Status.SUBMITTED, user=user)
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "scores", "updated_at"])
    return []


def _keep_the_questions(assessment: Assessment) -> None:
    """Each answer not yet keeping its question keeps it as the framework has it now: one UPDATE."""
    question = Question.objects.filter(pk=OuterRef("question_id"))
    assessment.answers.filter(competency__isnull=True).update(
        question_text=Subquery(question.values("text")[:1]),
        competency_id=Subquery(question.values("competency_id")[:1]),
        theme_id=Subquery(question.values("competency__theme_id")[:1]),
    )


@transaction.atomic
def return_to_pct(*, assessment: Assessment, user, comment: str) -> None:
    """Send a submitted assessment back to its PCT with what to change.

    The caller holds the assessment's row lock (``get_assessment_to_review(lock=True)``),
    so a return and an acceptance cannot both happen.
    """
    if assessment.status != Status.SUBMITTED:
        raise WorkflowError("Only a submitted assessment can be returned.")
    if not comment.strip():
        raise WorkflowError("Say what the PCT needs to change.")
    _transition(assessment, to=Status.RETURNED, user=user, comment=comment)
    # Its answers may change now: it is scored live until submitted again.
    assessment.scores = None
    assessment.save(update_fields=["status", "scores", "updated_at"])


@transaction.atomic
def accept(*, assessment: Assessment, user, comment: str = "") -> None:
    """The caller holds the assessment's row lock, as for ``return_to_pct``."""
    if assessment.status != Status.SUBMITTED:
        raise WorkflowError("Only a submitted assessment can be accepted.")
    _transition(assessment, to=Status.ACCEPTED, user=user, comment=comment)
    assessment.accepted_at = timezone.now()
    assessment.save(update_fields=["status", "accepted_at", "updated_at"])


def record_review(
    *, assessment: Assessment, competency: Competency, user, level: int, reason: str
) -> CompetencyReview:
    """The reviewer's own level for a competency, beside the one the answers give."""
    if assessment.status != Status.SUBMITTED:
        raise WorkflowError("Levels can be recorded only while the assessment is submitted.")
    if level not in range(1, 5):
        raise WorkflowError("A level is 1, 2, 3 or 4.")
    if not reason.strip():
        raise WorkflowError("Say why you give this level.")
    review, _ = CompetencyReview.objects.update_or_create(
        assessment=assessment,
        competency=competency,
        defaults={"level": level, "reason": reason, "reviewer": user},
    )
    return review


def add_evidence(
    *, assessment: Assessment, user, evidence_item_id: int, title: str, reference: str = "",
    note: str = ""
) -> EvidenceReference:
    if not assessment.is_editable:
        raise WorkflowError("This assessment has been submitted: its evidence can no longer change.")
    return EvidenceReference.objects.create(
        assessment=assessment, evidence_item_id=evidence_item_id, title=title,
        reference=reference, note=note, created_by=user,
    )


def delete_evidence(*, assessment: Assessment, reference: EvidenceReference) -> None:
    if reference.assessment_id != assessment.pk:
        raise WorkflowError("That evidence reference belongs to another assessment.")
    if not assessment.is_editable:
        raise WorkflowError("This assessment has been submitted: its evidence can no longer change.")
    reference.delete()


def is_overdue(answer: Answer, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(
        answer.action
        and answer.due_date
        and answer.due_date < today
        and answer.action_status != Answer.ActionStatus.DONE
    )
