"""The assessment's life: starting, answering, submitting, reviewing.

Every write is one of these functions, with keyword-only arguments. Each takes
the person acting, opens its own transaction, locks the assessment's row (so
that writes to one assessment are serialised: nothing changes while a
submission checks and freezes the answers, and two reviewers cannot both
return and accept), checks what the person may do (``access.decide``) and
what the assessment's status allows, and raises ``WorkflowError``, whose
``status`` is the HTTP status a page answers with.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from competencies.models import Competency, Question

from . import access, emails, signals
from .models import (
    CHECKLIST_ORDER,
    Answer,
    Assessment,
    Challenge,
    CompetencyReview,
    Cycle,
    EvidenceReference,
    Organisation,
    Transition,
)
from .progress import STATE_EXPRESSIONS, STATE_FIELDS, AnswerState, Gap, gaps_in
from .reviews import missing_reviews
from .scorecards import counted

Status = Assessment.Status


class WorkflowError(Exception):
    """An action the assessment's state does not allow; the message says why."""

    status = 409


class NotAllowed(WorkflowError):
    """An action the person's role does not allow."""

    status = 403


class AssessmentExists(WorkflowError):
    pass


class ReviewsMissing(WorkflowError):
    """Accepting before every competency has the reviewer's level and reason."""

    status = 400

    def __init__(self, missing: list[Competency]):
        self.missing = missing
        super().__init__(f"Record a level and reason for every competency to accept: {len(missing)} missing.")


class UnansweredChallenges(WorkflowError):
    """Resubmitting while reviewers' challenges have no reply, unless the person confirms."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(f"{count} of the reviewers' challenges {'has' if count == 1 else 'have'} no reply.")


@dataclass
class SaveResult:
    answer: Answer
    conflict: bool = False
    # On a conflict: the values the person tried to save, to apply deliberately.
    attempted: dict = field(default_factory=dict)
    changed: bool = False


BOARD, REVIEWERS = "on_board", "reviews_it"
# Every legal move, who makes it (a Grant's attribute), and what a move from
# any other status is told.
MOVES: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): BOARD,
    (Status.RETURNED, Status.SUBMITTED): BOARD,
    (Status.SUBMITTED, Status.RETURNED): REVIEWERS,
    (Status.SUBMITTED, Status.ACCEPTED): REVIEWERS,
}
REFUSED_MOVE: dict[str, str] = {
    Status.SUBMITTED: "This assessment is {status}.",
    Status.RETURNED: "Only a submitted assessment can be returned.",
    Status.ACCEPTED: "Only a submitted assessment can be accepted.",
}
NOT_YOURS = {
    BOARD: "Only the PCT's board members can change its assessment.",
    REVIEWERS: "Only the SHA's reviewers can review this assessment.",
}


def lock(assessment: Assessment, user) -> access.Grant:
    """Lock the assessment's row for the rest of the transaction, bring its
    status up to date, and decide what the person may do with it: what every
    service that writes to an assessment starts with."""
    assessment.status = (
        Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("status", flat=True).get()
    )
    return access.decide(user, assessment)


ANSWER_FIELDS = ["value", "action", "owner", "due_date", "action_status"]
# What a save compares and sets, by attribute (the person saving as an id: no query).
SAVED = [*ANSWER_FIELDS, "carried_over", "version", "updated_at", "updated_by_id"]


def _lock_answer(answer: Answer, user) -> access.Grant:
    """As ``lock``, and the answer's own row with it, in one query: the
    answer is brought up to date too, since it was read before the lock."""
    fresh = (
        Answer.objects.select_for_update(of=("self", "assessment")).select_related("assessment")
        .only(*SAVED[:-1], "updated_by", "assessment__status").get(pk=answer.pk)
    )
    for name in SAVED:
        setattr(answer, name, getattr(fresh, name))
    answer.assessment.status = fresh.assessment.status
    return access.decide(user, answer.assessment)


def _require(grant: access.Grant, role: str) -> None:
    if not getattr(grant, role):
        raise NotAllowed(NOT_YOURS[role])


def require_answerable(grant: access.Grant, what: str = "answers") -> None:
    _require(grant, BOARD)
    if not grant.assessment.state.answerable:
        raise WorkflowError(
            f"This assessment is {grant.assessment.get_status_display().lower()}: "
            f"its {what} can no longer be changed."
        )


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
    if access.own_pct(user) != pct:
        raise NotAllowed("Only a PCT's board members can start its assessment.")
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


def save_answer(*, answer: Answer, user, values: dict, version: int, confirm: bool = False) -> SaveResult:
    """Save one answer, unless someone else changed it since ``version`` was read.

    Sending back exactly what is saved writes nothing: it is not a change,
    so it is not a conflict either, and it leaves no entry in the history.
    A carried-over answer stays carried over until it is changed, or sent
    back unchanged with ``confirm``.
    """
    with transaction.atomic():
        result = _save_answer(answer=answer, user=user, values=values, version=version, confirm=confirm)
        if result.changed:
            answer.assessment.touch()
    return result


def _save_answer(*, answer: Answer, user, values: dict, version: int, confirm: bool) -> SaveResult:
    """``save_answer``'s work, inside its caller's transaction, without
    touching the assessment: the caller does, once however many it saves."""
    require_answerable(_lock_answer(answer, user))
    unchanged = all(getattr(answer, name) == values[name] for name in ANSWER_FIELDS)
    if unchanged and not (answer.carried_over and confirm):
        return SaveResult(answer=answer)
    if answer.version != version:
        return SaveResult(answer=answer, conflict=True, attempted=values)
    for name in ANSWER_FIELDS:
        setattr(answer, name, values[name])
    answer.carried_over = False  # confirmed or changed by a person now
    answer.version = version + 1
    answer.updated_by = user
    setattr(answer, "_history_user", user)  # noqa: B010 (what simple-history records as the author)
    answer.save()
    return SaveResult(answer=answer, changed=True)


class _Conflicts(Exception):
    """Rolls back a set of saves of which one met a conflict."""

    def __init__(self, results: list[SaveResult]):
        self.results = results


@dataclass(frozen=True)
class Change:
    """One answer's values as sent, the version they were read at, and
    whether a carried-over answer is confirmed."""

    answer: Answer
    values: dict
    version: int
    confirm: bool = False


def save_answers(*, assessment: Assessment, user, changes: list[Change]) -> list[SaveResult]:
    """Save several answers all or nothing: if someone else changed any of
    them since it was read, none is saved."""
    try:
        with transaction.atomic():
            lock(assessment, user)
            results = [
                _save_answer(answer=c.answer, user=user, values=c.values, version=c.version, confirm=c.confirm)
                for c in changes
            ]
            if any(result.conflict for result in results):
                raise _Conflicts(results)
            if any(result.changed for result in results):
                assessment.touch()
    except _Conflicts as conflicts:
        return conflicts.results
    return results


def gaps_for_submission(assessment: Assessment) -> list[Gap]:
    """Everything that stops the assessment being submitted, in checklist order."""
    answers = assessment.answers.values(*STATE_FIELDS, **STATE_EXPRESSIONS).order_by(*CHECKLIST_ORDER)
    return [gap for answer in answers for gap in gaps_in(AnswerState(**answer))]


def _move(assessment: Assessment, *, to: str, user, comment: str = "", grant: access.Grant | None = None
          ) -> access.Grant:
    """Take the assessment to ``to``, if that is a legal move and this person
    makes it, record the step in its timeline and queue the emails that tell
    people of it. The caller's transaction
    holds the row lock from here on (taken here unless the caller's ``grant``
    says it holds it already)."""
    grant = grant or lock(assessment, user)
    role = MOVES.get((assessment.status, to))
    if role is None:
        _require(grant, BOARD if to == Status.SUBMITTED else REVIEWERS)
        raise WorkflowError(REFUSED_MOVE[to].format(status=assessment.get_status_display().lower()))
    _require(grant, role)
    transition = Transition.objects.create(
        assessment=assessment, from_status=assessment.status, to_status=to, by=user, comment=comment
    )
    emails.queue_workflow_emails(transition)
    assessment.status = to
    return grant


@transaction.atomic
def submit(*, assessment: Assessment, user, confirm_unanswered: bool = False) -> list[Gap]:
    """Submit the assessment if nothing is missing; return what is missing.
    Challenges left without a reply raise ``UnansweredChallenges`` unless
    the person confirms they submit anyway.

    From the first submission on, every answer keeps its question as it was
    then: its wording, and the competency and theme it counts in. A
    resubmission after a return keeps them too, because they are what the
    PCT has gone on answering. The scorecard, though, is counted again at
    every submission from the answers as they now are, and kept until the
    SHA returns the assessment.
    """
    grant = lock(assessment, user)
    require_answerable(grant)
    gaps = gaps_for_submission(assessment)
    if gaps:
        return gaps
    unanswered = 0 if confirm_unanswered else Challenge.objects.filter(answer__assessment=assessment, reply="").count()
    if unanswered:
        raise UnansweredChallenges(unanswered)
    _keep_the_questions(assessment)
    assessment.scores = counted(assessment).as_json()
    _move(assessment, to=Status.SUBMITTED, user=user, grant=grant)
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "scores", "updated_at"])
    signals.moved.send(sender=Assessment, assessment=assessment)
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
    """Send a submitted assessment back to its PCT with what to change."""
    if not comment.strip():
        raise WorkflowError("Say what the PCT needs to change.")
    _move(assessment, to=Status.RETURNED, user=user, comment=comment)
    # Its answers may change now: it is scored live until submitted again.
    assessment.scores = None
    assessment.save(update_fields=["status", "scores", "updated_at"])
    signals.moved.send(sender=Assessment, assessment=assessment)


@transaction.atomic
def accept(*, assessment: Assessment, user, comment: str = "") -> None:
    """Accept a submitted assessment, once the reviewer has recorded a level
    and a reason for every competency."""
    if lock(assessment, user).may_review:
        missing = missing_reviews(assessment)
        if missing:
            raise ReviewsMissing(missing)
    _move(assessment, to=Status.ACCEPTED, user=user, comment=comment)
    assessment.accepted_at = timezone.now()
    assessment.save(update_fields=["status", "accepted_at", "updated_at"])
    signals.moved.send(sender=Assessment, assessment=assessment)


Levels = Mapping[Competency, tuple[int, str]]  # a competency's level from the reviewer, and why


@transaction.atomic
def record_reviews(*, assessment: Assessment, user, levels: Levels) -> list[CompetencyReview]:
    """The reviewer's own levels, each with its reason, for some competencies,
    beside the ones the answers give: all of them, or none."""
    grant = lock(assessment, user)
    _require(grant, REVIEWERS)
    if not grant.may_review:
        raise WorkflowError("Levels can be recorded only while the assessment is submitted.")
    reviews = []
    for competency, (level, reason) in levels.items():
        if level not in range(1, 5):
            raise WorkflowError("A level is 1, 2, 3 or 4.")
        if not reason.strip():
            raise WorkflowError("Say why you give this level.")
        reviews.append(CompetencyReview.objects.update_or_create(
            assessment=assessment, competency=competency,
            defaults={"level": level, "reason": reason, "reviewer": user},
        )[0])
    return reviews


def record_review(*, assessment: Assessment, competency: Competency, user, level: int, reason: str) -> CompetencyReview:
    """One competency's level: ``record_reviews`` of one."""
    return record_reviews(assessment=assessment, user=user, levels={competency: (level, reason)})[0]


@transaction.atomic
def add_evidence(
    *, assessment: Assessment, user, evidence_item_id: int, title: str, reference: str = "",
    note: str = ""
) -> EvidenceReference:
    require_answerable(lock(assessment, user), "evidence")
    return EvidenceReference.objects.create(
        assessment=assessment, evidence_item_id=evidence_item_id, title=title,
        reference=reference, note=note, created_by=user,
    )


@transaction.atomic
def delete_evidence(*, assessment: Assessment, user, reference: EvidenceReference) -> None:
    require_answerable(lock(assessment, user), "evidence")
    if reference.assessment_id != assessment.pk:
        raise WorkflowError("That evidence reference belongs to another assessment.")
    reference.delete()

