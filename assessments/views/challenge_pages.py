"""What the pages show of the reviewers' challenges: on the review
worksheet, every answer of a competency with its thread and a form to
challenge it; on a competency's answering page, each challenged question's
thread with a box for the PCT's reply."""

from dataclasses import dataclass, field
from functools import cached_property
from hashlib import sha256

from django.http import QueryDict

from .. import access
from ..challenges import challenges_of, raised_by_answer, threads
from ..models import Answer, Challenge
from ..review_forms import ChallengeForm, ReplyForm
from ..reviews import AnswerLine


@dataclass
class Challenged:
    """One answer on the worksheet: its challenges and, while the reviewer
    may challenge it (no open challenge), the form to do so, made only when
    it is drawn (an untouched competency comes from the cache)."""

    answer: AnswerLine
    challenges: list[Challenge]
    may_challenge: bool = False
    note: str = ""  # what was typed
    bound: ChallengeForm | None = None  # sent, with its errors

    @property
    def typed(self) -> bool:
        return self.bound is not None or bool(self.note)

    @cached_property
    def form(self) -> ChallengeForm | None:
        if not self.may_challenge:
            return None
        return self.bound or ChallengeForm(number=self.answer.number,
                                           initial={"note": self.note} if self.note else None)


@dataclass
class CompetencyChallenges:
    rows: list[Challenged] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(row.challenges) for row in self.rows)

    @property
    def open(self) -> bool:
        """Shown open: something was typed or refused here."""
        return any(row.typed for row in self.rows)

    @cached_property
    def fragment_key(self) -> str:
        """Everything the competency's challenges show, so that it can be
        cached; none while something typed is shown."""
        if self.open:
            return ""
        return sha256(repr([
            ((row.answer.pk, row.answer.number, row.answer.value, row.answer.wording), row.may_challenge,
             [(c.pk, c.note, c.raised_by_id, str(c.raised_by), c.raised_at, c.reply, c.replied_by_id,
               str(c.replied_by), c.replied_at) for c in row.challenges])
            for row in self.rows
        ]).encode()).hexdigest()


def worksheet_challenges(grant: access.Grant, answers: list[AnswerLine], *, data: QueryDict | None = None,
                         bound: ChallengeForm | None = None) -> dict[int, CompetencyChallenges]:
    """By competency id: every answer (the worksheet's, in number order) with
    its challenges; for the reviewer while the assessment is submitted, a
    form for each answer without an open challenge, holding what was typed
    (``data``) or, ``bound``, its errors. Queries: the challenges."""
    by_answer = raised_by_answer(grant)
    sheet: dict[int, CompetencyChallenges] = {}
    for answer in answers:
        here = by_answer.get(answer.pk, [])
        sheet.setdefault(answer.competency_id, CompetencyChallenges()).rows.append(Challenged(
            answer, here, may_challenge=grant.may_review and all(c.reply for c in here),
            note=data.get(f"x{answer.number}-note", "") if data else "",
            bound=bound if bound is not None and bound.prefix == f"x{answer.number}" else None))
    return sheet


@dataclass
class Thread:
    """A challenge on the answering page, with the PCT's reply box while it may reply."""

    challenge: Challenge
    form: ReplyForm | None = None


def answer_threads(grant: access.Grant, answers: list[Answer], *, bound: ReplyForm | None = None
                   ) -> dict[int, list[Thread]]:
    """By answer id: the challenges a competency page shows (one query), each
    with a reply form for the PCT's board while the assessment is returned:
    ``bound``, with what was typed and its error, for the one just posted."""
    shown: dict[int, list[Thread]] = {}
    if not grant.sees_reviews:
        return shown  # no query: the PCT sees no challenge while the SHA reviews
    for answer_id, challenges in threads(challenges_of(grant, [a.pk for a in answers])).items():
        for challenge in challenges:
            form = None
            if grant.may_reply:
                form = bound if bound is not None and bound.form_id == f"reply-{challenge.pk}" else ReplyForm(
                    challenge_id=challenge.pk, number=challenge.answer.question.number,
                    initial={"reply": challenge.reply})
            shown.setdefault(answer_id, []).append(Thread(challenge, form))
    return shown
