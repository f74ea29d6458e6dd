"""England's scale for the bench and the load test: all 10 SHAs and 152
PCTs, three cycles, every assessment submitted.

``seed_national()`` can run again and again: it creates only the assessments
missing, and keeps the demo set's.
"""

import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from assessments.models import Answer, Assessment, Transition

from .answers import planned_answers, require_framework
from .demo_set import DEMO_STRENGTH
from .england import all_pcts, ensure_cycles, ensure_organisations
from .tally import Tally

Status = Assessment.Status

NATIONAL_YEARS = (2007, 2008, 2009)


def national_strength(code: str) -> float:
    if code in DEMO_STRENGTH:
        return DEMO_STRENGTH[code]
    return random.Random(f"strength:{code}").uniform(0.35, 0.9)


@transaction.atomic
def seed_national(*, log: Callable[[str], None] = print) -> Tally:
    """Every SHA and PCT of England, three cycles, and a submitted assessment
    for every PCT and cycle that has none yet (the demo set's are kept).

    Written with bulk inserts, to take seconds rather than minutes: about
    51,000 answers. The rows are those ``start_assessment`` and ``submit``
    would write: an answer per question, every "No" with an action, owner
    and due date (so nothing would stop submission), the question's wording
    frozen in ``question_text`` (``submit``'s ``_with_wording_frozen`` does
    this one query per assessment, too slow for 450 of them), and the
    started and submitted transitions. Nobody in these PCTs has a login, so
    the transitions have no author.
    """
    questions = require_framework()
    tally = Tally()
    organisations = ensure_organisations([code for code, _, _ in all_pcts()], tally)
    cycles = ensure_cycles(NATIONAL_YEARS, tally)
    existing = set(
        Assessment.objects.filter(focus="", cycle__in=cycles.values()).values_list("pct_id", "cycle_id")
    )
    pcts = [(code, organisations[code]) for code, _, _ in all_pcts()]
    new = [
        Assessment(pct=pct, cycle=cycle, status=Status.SUBMITTED)
        for code, pct in pcts for cycle in cycles.values() if (pct.pk, cycle.pk) not in existing
    ]
    tally.add("Assessments", False, len(pcts) * len(cycles) - len(new))
    tally.add("Assessments", True, len(new))
    now = timezone.now()
    for assessment in new:
        assessment.submitted_at = now
    Assessment.objects.bulk_create(new, batch_size=500)
    answers, transitions = [], []
    for assessment in new:
        code = assessment.pct.code
        planned = planned_answers(code=code, year=assessment.cycle.start_year, focus="",
                                  strength=national_strength(code), questions=questions)
        answers.extend(
            Answer(assessment=assessment, question_id=q.pk, question_text=q.text, version=1,
                   **planned[q.number])
            for q in questions
        )
        transitions.append(Transition(assessment=assessment, from_status=Status.DRAFT,
                                      to_status=Status.DRAFT, comment="Started."))
        transitions.append(Transition(assessment=assessment, from_status=Status.DRAFT,
                                      to_status=Status.SUBMITTED))
    Answer.objects.bulk_create(answers, batch_size=2000)
    Transition.objects.bulk_create(transitions, batch_size=2000)
    for line in tally.lines():
        log(line)
    return tally
