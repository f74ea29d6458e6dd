"""Challenges to answers: a reviewer flags an answer while the assessment is
submitted ("Evidence does not show this"); once it is returned, the PCT's
board replies to each and may change the answer.

The writes follow ``workflow``'s rules: keyword-only, each its own
transaction holding the assessment's row lock, the person's role checked
through ``access.decide``, refusals as ``WorkflowError``. The reads give each
answer its thread, for those who see the reviewers' work (``Grant.sees_reviews``).
"""

from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import access
from .models import Assessment, Challenge
from .workflow import BOARD, REVIEWERS, NotAllowed, WorkflowError, _require, lock

Status = Assessment.Status


class NoSuchChallenge(WorkflowError):
    """A challenge or question the assessment does not have."""

    status = 404


def _open_to(grant: access.Grant, role: str, status: str, what: str) -> None:
    _require(grant, role)
    if grant.assessment.status != status:
        raise WorkflowError(f"This assessment is {grant.assessment.get_status_display().lower()}: {what}.")


def _text(value: str, missing: str) -> str:
    value = value.strip()
    if not value:
        raise WorkflowError(missing)
    return value


def _challenge(assessment: Assessment, challenge_id: int) -> Challenge:
    """The assessment's challenge, its row locked."""
    try:
        return Challenge.objects.select_for_update().get(pk=challenge_id, answer__assessment=assessment)
    except Challenge.DoesNotExist:
        raise NoSuchChallenge("This assessment has no such challenge.") from None


@transaction.atomic
def raise_challenge(*, assessment: Assessment, number: int, user, note: str) -> Challenge:
    """Challenge the answer to question ``number``: one open challenge an answer."""
    _open_to(lock(assessment, user), REVIEWERS, Status.SUBMITTED,
             "answers can be challenged only while it is submitted")
    note = _text(note, "Say what is wrong with the answer.")
    answer = assessment.answers.filter(question__number=number).first()
    if answer is None:
        raise NoSuchChallenge("This assessment has no question with that number.")
    try:
        with transaction.atomic():
            challenge = Challenge(answer=answer, note=note, raised_by=user)
            challenge._history_user = user  # type: ignore[attr-defined]
            challenge.save()
    except IntegrityError:
        raise WorkflowError(f"Question {number} is already challenged: withdraw that challenge first.") from None
    return challenge


@transaction.atomic
def withdraw_challenge(*, assessment: Assessment, challenge_id: int, user) -> None:
    """Take back a challenge: its reviewers, while the assessment is submitted.
    Its history keeps what it said."""
    _open_to(lock(assessment, user), REVIEWERS, Status.SUBMITTED,
             "challenges can be withdrawn only while it is submitted")
    challenge = _challenge(assessment, challenge_id)
    if challenge.raised_by_id != user.pk:
        raise NotAllowed("Only the reviewer who raised a challenge can withdraw it.")
    challenge._history_user = user  # type: ignore[attr-defined]
    challenge.delete()


def require_reply_open(grant: access.Grant) -> None:
    """Refuse unless the person is on the PCT's board and the assessment is returned."""
    _open_to(grant, BOARD, Status.RETURNED, "challenges can be replied to only while it is returned")


@transaction.atomic
def reply_to_challenge(*, assessment: Assessment, challenge_id: int, user, reply: str) -> Challenge:
    """The PCT's reply, while the assessment is returned; a reply may be
    changed until it is submitted again (the history keeps each one)."""
    require_reply_open(lock(assessment, user))
    challenge = _challenge(assessment, challenge_id)
    challenge.reply = _text(reply, "Write your reply to the challenge.")
    challenge.replied_by, challenge.replied_at = user, timezone.now()
    challenge._history_user = user  # type: ignore[attr-defined]
    challenge.save(update_fields=["reply", "replied_by", "replied_at"])
    return challenge


# The competency an answer counts in, seen from its challenge.
CHALLENGED_COMPETENCY = Coalesce("answer__competency__number", "answer__question__competency__number")


def challenges_of(grant: access.Grant, answers: Iterable[int] | None = None) -> QuerySet[Challenge]:
    """The challenges this person sees (none until the PCT may see them), in
    checklist order, with their question and people: one query."""
    if not grant.sees_reviews:
        return Challenge.objects.none()  # before building the query: a page asks on every request
    challenges = Challenge.objects.filter(answer__assessment=grant.assessment)
    if answers is not None:
        challenges = challenges.filter(answer__in=list(answers))
    return challenges.select_related("answer__question", "raised_by", "replied_by").annotate(
        competency_number=CHALLENGED_COMPETENCY).order_by(F("competency_number"), "answer__question__number",
                                                         "raised_at", "pk")


def raised_by_answer(grant: access.Grant) -> dict[int, list[Challenge]]:
    """The challenges this person sees of the whole assessment, by answer id,
    each answer's in the order raised, with their people: one query, for a
    page that has read the answers already (the review worksheet)."""
    if not grant.sees_reviews:
        return {}
    return threads(Challenge.objects.filter(answer__assessment=grant.assessment)
                   .select_related("raised_by", "replied_by").order_by("raised_at", "pk"))


def threads(challenges: Iterable[Challenge]) -> dict[int, list[Challenge]]:
    """Challenges by answer id."""
    by_answer: dict[int, list[Challenge]] = {}
    for challenge in challenges:
        by_answer.setdefault(challenge.answer_id, []).append(challenge)
    return by_answer


def unanswered_by_competency(grant: access.Grant) -> Counter[int]:
    """Challenges without a reply, by competency number: one query."""
    if not grant.sees_reviews:
        return Counter()
    return Counter(Challenge.objects.filter(answer__assessment=grant.assessment, reply="")
                   .values_list(CHALLENGED_COMPETENCY, flat=True))


def unanswered(assessment: Assessment) -> list[Challenge]:
    """Every challenge of the assessment without a reply, with its question."""
    return list(Challenge.objects.filter(answer__assessment=assessment, reply="")
                .select_related("answer__question__competency", "answer__competency")
                .order_by("answer__question__number"))


