"""England's scale for the bench and the load test: all 10 SHAs and 152
PCTs, three cycles, every assessment submitted.

``seed_national()`` can run again and again: it creates only the assessments
missing, and keeps the demo set's. Each new assessment gets its SHA
reviewer's level for every competency (mostly at or below the level its
answers give, see ``reviews``), so that calibration has figures nationally.
"""

import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from assessments import workflow
from assessments.models import Assessment, Membership, Organisation
from assessments.scorecards import framework, load_bands

from .answers import answer_fields, require_framework, write_answers
from .demo_set import DEMO_STRENGTH
from .england import SHAS, all_pcts, ensure_cycles, ensure_organisations
from .reviews import record_reviews
from .tally import Tally

NATIONAL_YEARS = (2007, 2008, 2009)

# The reviewers of the SHAs that the demo set has none for (invented names).
REVIEWER_NAMES: dict[str, tuple[str, str]] = {
    "Q31": ("Anita", "Holroyd"), "Q32": ("Brian", "Oakes"), "Q33": ("Carol", "Pemberton"),
    "Q34": ("Dev", "Malhotra"), "Q35": ("Elaine", "Fisher"), "Q36": ("Frank", "Osei"),
    "Q37": ("Gwen", "Hartley"), "Q38": ("Hugh", "Lambert"), "Q39": ("Isla", "Trevithick"),
    "Q30": ("Joan", "Milburn"),
}


def national_strength(code: str) -> float:
    if code in DEMO_STRENGTH:
        return DEMO_STRENGTH[code]
    return random.Random(f"strength:{code}").uniform(0.35, 0.9)


@transaction.atomic
def seed_national(*, log: Callable[[str], None] = print) -> Tally:
    """Every SHA and PCT of England, three cycles, and a submitted assessment
    for every PCT and cycle that has none yet (the demo set's are kept).

    Each assessment is started and submitted by the workflow, as the site's
    own are, so it holds what the services write: the answers with their
    first history entry, the transitions, the frozen wording. Only the
    answering is done in bulk, where the workflow has no bulk path
    (``save_answer`` saves one answer at a time; these are about 49,000):
    every answer of every new assessment at once, between the starts and
    the submissions. Each PCT's assessments are started and submitted by a
    board member of its own, who has no password: nobody signs in as them.
    """
    questions = require_framework()
    tally = Tally()
    organisations = ensure_organisations([*SHAS, *(code for code, _, _ in all_pcts())], tally)
    cycles = ensure_cycles(NATIONAL_YEARS, tally)
    existing = set(
        Assessment.objects.filter(focus="", cycle__in=cycles.values()).values_list("pct_id", "cycle_id")
    )
    pcts = [organisations[code] for code, _, _ in all_pcts()]
    boards = {pct.pk: _board_member(pct) for pct in pcts}
    new = [
        workflow.start_assessment(pct=pct, cycle=cycle, user=boards[pct.pk])
        for pct in pcts for cycle in cycles.values() if (pct.pk, cycle.pk) not in existing
    ]
    tally.add("Assessments", False, len(pcts) * len(cycles) - len(new))
    tally.add("Assessments", True, len(new))
    fields_by_pk = {}
    for assessment in new:
        fields_by_pk.update(answer_fields(assessment, strength=national_strength(assessment.pct.code),
                                          questions=questions, users=[None]))
    write_answers(fields_by_pk)
    for assessment in new:
        gaps = workflow.submit(assessment=assessment, user=boards[assessment.pct_id])
        if gaps:
            raise RuntimeError(f"{assessment} cannot be submitted: {gaps[0].problem}")
    reviewers = {organisations[code].pk: _reviewer(organisations[code]) for code in SHAS}
    bands, competencies = load_bands(), framework()
    for assessment in new:
        record_reviews(assessment, reviewer=reviewers[assessment.pct.sha_id], competencies=len(competencies),
                       bands=bands, framework_competencies=competencies)
    tally.add("Reviewers' levels", True, len(new) * len(competencies))
    for line in tally.lines():
        log(line)
    return tally


def _board_member(pct: Organisation) -> AbstractUser:
    """A board member of the PCT for the workflow to act as (the demo set's
    PCTs have theirs; any other gets one without a password)."""
    membership = Membership.objects.select_related("user").filter(
        organisation=pct, role=Membership.Role.BOARD_MEMBER).first()
    if membership is not None:
        return membership.user
    user = get_user_model().objects.create_user(username=f"national.board.{pct.code.lower()}", password=None)
    Membership.objects.create(user=user, organisation=pct, role=Membership.Role.BOARD_MEMBER)
    return user


def _reviewer(sha: Organisation) -> AbstractUser:
    """A reviewer of the SHA for the workflow to act as (the demo set's SHAs
    have theirs; any other gets one without a password)."""
    membership = Membership.objects.select_related("user").filter(
        organisation=sha, role=Membership.Role.REVIEWER).order_by("pk").first()
    if membership is not None:
        return membership.user
    first, last = REVIEWER_NAMES[sha.code]
    user = get_user_model().objects.create_user(
        username=f"national.reviewer.{sha.code.lower()}", password=None, first_name=first, last_name=last)
    Membership.objects.create(user=user, organisation=sha, role=Membership.Role.REVIEWER)
    return user
