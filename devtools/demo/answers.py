"""How a PCT answers: every question's Yes or No, the actions it plans for
each "No", and the documents it offers as evidence.

Answers are deterministic. Every PCT has a fixed "capability" per question,
drawn from ``random.Random`` seeded with the PCT's code; a question is a Yes
when the capability is under the PCT's strength for that year. Strength grows
a little each year, so a PCT's Yes answers stay Yes and some No answers turn
to Yes, as real trusts improved, and hard questions are No for most PCTs.
"""

import calendar
import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db.models import F
from django.utils import timezone

from assessments import workflow
from assessments.models import Answer, Assessment
from competencies.models import EvidenceItem, Question

# A PCT's strength is the usual share of Yes answers in this year.
STRENGTH_YEAR = 2008
# Each year the same PCT answers Yes to this much more of the checklist.
YEARLY_GAIN = 0.06

# What a PCT would do about a "No", by competency: (action, the roles that own such actions).
ACTIONS: dict[int, tuple[list[str], list[str]]] = {
    1: ([
        "Agree a communications strategy with a media-handling protocol and take it to the board",
        "Run a board development session on reputation management and stakeholder engagement",
    ], ["Chief Executive", "Director of Communications"]),
    2: ([
        "Agree a joint data-sharing protocol with the local authority and publish it on the PCT website",
        "Set up joint commissioning arrangements with the council for learning disability services",
    ], ["Director of Partnerships", "Director of Public Health"]),
    3: ([
        "Set up a patient and public reference panel that meets quarterly and reports to the board",
        "Hold engagement events with seldom-heard groups and publish what changed as a result",
    ], ["Head of Patient and Public Involvement", "Director of Communications"]),
    4: ([
        "Establish a clinical reference group for long-term conditions, chaired by a PEC member",
        "Send every practice its indicative PBC budget and monthly activity data by the end of April",
    ], ["PEC Chair", "Director of Primary Care"]),
    5: ([
        "Refresh the JSNA with the public health observatory and agree its priorities with the council",
        "Map current provision against need for children's services and share the map with providers",
    ], ["Director of Public Health", "Head of Information"]),
    6: ([
        "Introduce programme budgeting for the five largest programmes and report the results to the board",
        "Agree a prioritisation framework with the PEC and apply it to every new investment bid",
    ], ["Director of Finance", "Director of Commissioning"]),
    7: ([
        "Develop a market development strategy for community services with the third sector",
        "Hold a provider event setting out the PCT's commissioning intentions for the next three years",
    ], ["Director of Commissioning", "Head of Service Development"]),
    8: ([
        "Agree CQUIN quality incentives with the main acute provider, linked to the strategic plan",
        "Set up a horizon-scanning group to share research and best practice across the health economy",
    ], ["Director of Nursing and Quality", "Director of Public Health"]),
    9: ([
        "Train the contracting team in the standard NHS contracts and the rules on competition",
        "Write a procurement policy setting out when services will be tendered, and publish it",
    ], ["Head of Contracting", "Director of Commissioning"]),
    10: ([
        "Produce a provider scorecard and review it at the monthly contract performance meetings",
        "Agree a contingency plan with the SHA for the failure of a major provider",
    ], ["Director of Performance", "Head of Contracting"]),
    11: ([
        "Agree a five-year financial plan with scenario testing for growth in demand",
        "Write a disinvestment policy and apply it to two low-value services this year",
    ], ["Director of Finance", "Chief Executive"]),
}

# How far actions have got, by how long ago the cycle started: weights of open, in progress, done.
ACTION_PROGRESS: dict[int, tuple[int, int, int]] = {
    2007: (15, 25, 60),
    2008: (30, 40, 30),
    2009: (55, 35, 10),
}

# Documents a PCT would offer as evidence: (competency, evidence item position, title, reference, note).
EVIDENCE: list[tuple[int, int, str, str, str]] = [
    (5, 1, "Joint Strategic Needs Assessment", "Published on the PCT and council websites",
     "Signed off jointly by the Director of Public Health and the Director of Adult Social Services."),
    (1, 1, "Communications and engagement strategy 2008–2011", "Board paper 08/112", ""),
    (3, 1, "PCT prospectus", "Document library: Corporate / Prospectus",
     "Sent to every household in the spring."),
    (4, 5, "Indicative practice-based commissioning budgets", "Budget letters to practices, April", ""),
    (6, 4, "Programme budgeting analysis", "Finance committee paper, September",
     "Compares spend and outcomes with the ONS cluster."),
    (9, 1, "Procurement and tendering policy", "Policy register CP-07", ""),
    (10, 2, "Provider scorecard", "Board pack, monthly performance report, item 9", ""),
    (11, 1, "Medium-term financial plan", "Board paper 08/045", "Approved with the strategic plan."),
    (2, 2, "Local Area Agreement 2008–2011", "Agreed by the Local Strategic Partnership in June", ""),
    (8, 4, "Quality and outcomes report", "Board pack, quarterly", ""),
    (7, 1, "Five-year commissioning strategy", "Board paper 08/077", ""),
    (3, 7, "Patient and public survey results", "Patient experience team annual report",
     "Shows the changes made to community services after the survey."),
]


@dataclass(frozen=True)
class QuestionRow:
    pk: int
    number: int
    competency: int  # the competency's number
    text: str


class FrameworkMissing(Exception):
    """The competency framework, which every assessment answers, is not loaded."""


def require_framework() -> list[QuestionRow]:
    """The checklist, in order, or ``FrameworkMissing``."""
    questions = [
        QuestionRow(*row)
        for row in Question.objects.order_by("number").values_list("pk", "number", "competency__number", "text")
    ]
    if not questions or not EvidenceItem.objects.exists():
        raise FrameworkMissing("The competency framework (the 112 questions) is not loaded.")
    return questions


def _difficulty(questions: list[QuestionRow]) -> dict[int, float]:
    """How much harder than average each question is, the same for every PCT."""
    rng = random.Random("difficulty")
    return {q.number: rng.uniform(-0.15, 0.15) for q in questions}


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def planned_answers(
    *, code: str, year: int, focus: str, strength: float, questions: list[QuestionRow]
) -> dict[int, dict]:
    """Every question's answer fields for one PCT's assessment of one cycle, by question number.

    A "No" always has an action, an owner and a due date within the cycle; a
    few "Yes" answers have an action too, for work that is still improving.
    """
    capability = random.Random(f"capability:{code}:{focus}")
    capabilities = {q.number: capability.random() for q in questions}
    difficulty = _difficulty(questions)
    rng = random.Random(f"actions:{code}:{year}:{focus}")
    year_strength = strength + YEARLY_GAIN * (year - STRENGTH_YEAR)
    due_months = [_month_end(year, m) for m in range(7, 13)] + [_month_end(year + 1, m) for m in (1, 2, 3)]
    progress = ACTION_PROGRESS.get(year, ACTION_PROGRESS[max(ACTION_PROGRESS)])
    statuses = list(Answer.ActionStatus)
    planned = {}
    for q in questions:
        yes = capabilities[q.number] < year_strength - difficulty[q.number]
        fields = {"value": Answer.Value.YES if yes else Answer.Value.NO, "action": "", "owner": "",
                  "due_date": None, "action_status": Answer.ActionStatus.OPEN}
        if not yes or rng.random() < 0.06:
            actions, owners = ACTIONS[q.competency]
            fields["action"] = rng.choice(actions)
            fields["owner"] = rng.choice(owners)
            fields["due_date"] = rng.choice(due_months)
            fields["action_status"] = rng.choices(statuses, weights=progress)[0]
        planned[q.number] = fields
    return planned


def answer_fields(
    assessment: Assessment, *, strength: float, questions: list[QuestionRow], users: list[AbstractUser | None],
    progress: float = 1.0, incomplete_actions: bool = False,
) -> dict[int, dict]:
    """The fields the assessment's board members would have given its answers, by answer pk.

    With ``progress`` under 1, only that share of the checklist (in order) is
    worked through; the rest is left out, to stay blank or as carried over
    from the previous assessment. ``incomplete_actions`` leaves a few "No"
    answers without an owner or date, as a draft in progress has.
    """
    planned = planned_answers(code=assessment.pct.code, year=assessment.cycle.start_year,
                              focus=assessment.focus, strength=strength, questions=questions)
    worked = round(progress * len(questions))
    rng = random.Random(f"drafting:{assessment.pct.code}:{assessment.cycle.start_year}")
    answers = assessment.answers.order_by("question__number").values_list("pk", "question__number")
    fields_by_pk = {}
    for index, (pk, number) in enumerate(answers[:worked]):
        fields = dict(planned[number], updated_by=users[index % len(users)])
        if incomplete_actions and fields["value"] == Answer.Value.NO and rng.random() < 0.15:
            fields.update(owner="", due_date=None)
        fields_by_pk[pk] = fields
    return fields_by_pk


# SQLite before 3.32 refuses a statement with more than 999 parameters.
PKS_PER_STATEMENT = 900


def write_answers(fields_by_pk: dict[int, dict]) -> None:
    """Give each answer its fields, as saving them one by one would leave
    them (confirmed, the version raised) but without a history entry each.

    ``workflow.save_answer`` saves one answer at a time, too slow for
    thousands. Here the answers that take the same fields are updated
    together, a few hundred pks a statement, so each row is written once:
    England's 49,000 new answers take some 4,800 short UPDATEs, where
    ``bulk_update`` would build a CASE per row and field. (An UPDATE per
    field and value would take a tenth of the statements but write every
    row seven times, which costs PostgreSQL more.)
    """
    pks_by_fields: dict[tuple, list[int]] = defaultdict(list)
    for pk, fields in fields_by_pk.items():
        pks_by_fields[tuple(fields.items())].append(pk)
    now = timezone.now()
    for fields, pks in pks_by_fields.items():
        for start in range(0, len(pks), PKS_PER_STATEMENT):
            Answer.objects.filter(pk__in=pks[start:start + PKS_PER_STATEMENT]).update(
                **dict(fields), carried_over=False, version=F("version") + 1, updated_at=now
            )


def add_evidence(assessment: Assessment, *, user: AbstractUser, count: int) -> None:
    items = {(e.competency.number, e.position): e.pk
             for e in EvidenceItem.objects.select_related("competency")}
    rng = random.Random(f"evidence:{assessment.pct.code}:{assessment.cycle.start_year}:{assessment.focus}")
    for number, position, title, reference, note in rng.sample(EVIDENCE, count):
        workflow.add_evidence(
            assessment=assessment, user=user, evidence_item_id=items[(number, position)],
            title=title, reference=reference, note=note,
        )
