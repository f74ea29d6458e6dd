"""Demo data: England's SHAs and PCTs of 2008, demo logins, and assessments in
every state, built the way the application itself builds them.

``seed()`` makes the demo set that ``manage.py seed_demo`` loads: two SHAs,
eight PCTs, a login for every role and assessments in every state across
2008/09 and 2009/10, driven through ``assessments.workflow`` so that
transitions, frozen wording and history are what the site would record.
``seed_national()`` adds England's scale for benchmarks: all 10 SHAs and 152
PCTs, three cycles, every assessment submitted. Both can run again and again:
they look things up by code, username and (PCT, cycle, focus) and create only
what is missing.

Answers are deterministic. Every PCT has a fixed "capability" per question,
drawn from ``random.Random`` seeded with the PCT's code; a question is a Yes
when the capability is under the PCT's strength for that year. Strength grows
a little each year, so a PCT's Yes answers stay Yes and some No answers turn
to Yes, as real trusts improved, and hard questions are No for most PCTs.
"""

import calendar
import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from competencies.models import Competency, EvidenceItem, Question

from . import workflow
from .models import Answer, Assessment, Cycle, Membership, Organisation, Transition
from .scorecards import load_bands, scorecard
from .scoring import count, level_for

DEMO_PASSWORD = "commissioning-demo"

# The ten Strategic Health Authorities of 2006–2013, by NHS organisation code.
SHAS: dict[str, str] = {
    "Q30": "North East Strategic Health Authority",
    "Q31": "North West Strategic Health Authority",
    "Q32": "Yorkshire and the Humber Strategic Health Authority",
    "Q33": "East Midlands Strategic Health Authority",
    "Q34": "West Midlands Strategic Health Authority",
    "Q35": "East of England Strategic Health Authority",
    "Q36": "London Strategic Health Authority",
    "Q37": "South East Coast Strategic Health Authority",
    "Q38": "South Central Strategic Health Authority",
    "Q39": "South West Strategic Health Authority",
}

# England's 152 PCTs (and care trusts that were PCTs) by SHA: code, name.
PCTS_BY_SHA: dict[str, list[tuple[str, str]]] = {
    "Q30": [
        ("5ND", "County Durham PCT"), ("5J9", "Darlington PCT"), ("5KF", "Gateshead PCT"),
        ("5D9", "Hartlepool PCT"), ("5KM", "Middlesbrough PCT"), ("5D7", "Newcastle PCT"),
        ("5D8", "North Tyneside PCT"), ("TAC", "Northumberland Care Trust"),
        ("5QR", "Redcar and Cleveland PCT"), ("5KG", "South Tyneside PCT"),
        ("5E1", "Stockton-on-Tees Teaching PCT"), ("5KL", "Sunderland Teaching PCT"),
    ],
    "Q31": [
        ("5HG", "Ashton, Leigh and Wigan PCT"), ("5CC", "Blackburn with Darwen PCT"),
        ("5HP", "Blackpool PCT"), ("5HQ", "Bolton PCT"), ("5JX", "Bury PCT"),
        ("5NP", "Central and Eastern Cheshire PCT"), ("5NG", "Central Lancashire PCT"),
        ("5NE", "Cumbria Teaching PCT"), ("5NH", "East Lancashire Teaching PCT"),
        ("5NM", "Halton and St Helens PCT"), ("5NQ", "Heywood, Middleton and Rochdale PCT"),
        ("5J4", "Knowsley PCT"), ("5NL", "Liverpool PCT"), ("5NT", "Manchester PCT"),
        ("5NF", "North Lancashire Teaching PCT"), ("5J5", "Oldham PCT"), ("5F5", "Salford PCT"),
        ("5NJ", "Sefton PCT"), ("5F7", "Stockport PCT"), ("5LH", "Tameside and Glossop PCT"),
        ("5NR", "Trafford PCT"), ("5J2", "Warrington PCT"), ("5NN", "Western Cheshire PCT"),
        ("5NK", "Wirral PCT"),
    ],
    "Q32": [
        ("5JE", "Barnsley PCT"), ("5NY", "Bradford and Airedale Teaching PCT"),
        ("5J6", "Calderdale PCT"), ("5N5", "Doncaster PCT"),
        ("5NW", "East Riding of Yorkshire PCT"), ("5NX", "Hull Teaching PCT"),
        ("5N2", "Kirklees PCT"), ("5N1", "Leeds PCT"),
        ("TAN", "North East Lincolnshire Care Trust Plus"), ("5EF", "North Lincolnshire PCT"),
        ("5NV", "North Yorkshire and York PCT"), ("5H8", "Rotherham PCT"),
        ("5N4", "Sheffield PCT"), ("5N3", "Wakefield District PCT"),
    ],
    "Q33": [
        ("5ET", "Bassetlaw PCT"), ("5N7", "Derby City PCT"), ("5N6", "Derbyshire County PCT"),
        ("5PC", "Leicester City PCT"), ("5PA", "Leicestershire County and Rutland PCT"),
        ("5N9", "Lincolnshire Teaching PCT"), ("5PD", "Northamptonshire Teaching PCT"),
        ("5EM", "Nottingham City PCT"), ("5N8", "Nottinghamshire County Teaching PCT"),
    ],
    "Q34": [
        ("5PG", "Birmingham East and North PCT"), ("5MD", "Coventry Teaching PCT"),
        ("5PE", "Dudley PCT"), ("5MX", "Heart of Birmingham Teaching PCT"),
        ("5CN", "Herefordshire PCT"), ("5PH", "North Staffordshire PCT"), ("5PF", "Sandwell PCT"),
        ("5M2", "Shropshire County PCT"), ("TAM", "Solihull Care Trust"),
        ("5M1", "South Birmingham PCT"), ("5PK", "South Staffordshire PCT"),
        ("5PJ", "Stoke on Trent PCT"), ("5MK", "Telford and Wrekin PCT"),
        ("5M3", "Walsall Teaching PCT"), ("5PM", "Warwickshire PCT"),
        ("5MV", "Wolverhampton City PCT"), ("5PL", "Worcestershire PCT"),
    ],
    "Q35": [
        ("5P2", "Bedfordshire PCT"), ("5PP", "Cambridgeshire PCT"),
        ("5P3", "East and North Hertfordshire PCT"), ("5PR", "Great Yarmouth and Waveney PCT"),
        ("5GC", "Luton PCT"), ("5PX", "Mid Essex PCT"), ("5PQ", "Norfolk PCT"),
        ("5PW", "North East Essex PCT"), ("5PN", "Peterborough PCT"),
        ("5P1", "South East Essex PCT"), ("5PY", "South West Essex PCT"), ("5PT", "Suffolk PCT"),
        ("5PV", "West Essex PCT"), ("5P4", "West Hertfordshire PCT"),
    ],
    "Q36": [
        ("5C2", "Barking and Dagenham PCT"), ("5A9", "Barnet PCT"), ("TAK", "Bexley Care Trust"),
        ("5K5", "Brent Teaching PCT"), ("5A7", "Bromley PCT"), ("5K7", "Camden PCT"),
        ("5C3", "City and Hackney Teaching PCT"), ("5K9", "Croydon PCT"), ("5HX", "Ealing PCT"),
        ("5C1", "Enfield PCT"), ("5A8", "Greenwich Teaching PCT"),
        ("5H1", "Hammersmith and Fulham PCT"), ("5C9", "Haringey Teaching PCT"),
        ("5K6", "Harrow PCT"), ("5A4", "Havering PCT"), ("5AT", "Hillingdon PCT"),
        ("5HY", "Hounslow PCT"), ("5K8", "Islington PCT"), ("5LA", "Kensington and Chelsea PCT"),
        ("5A5", "Kingston PCT"), ("5LD", "Lambeth PCT"), ("5LF", "Lewisham PCT"),
        ("5C5", "Newham PCT"), ("5NA", "Redbridge PCT"), ("5M6", "Richmond and Twickenham PCT"),
        ("5LE", "Southwark PCT"), ("5M7", "Sutton and Merton PCT"), ("5C4", "Tower Hamlets PCT"),
        ("5NC", "Waltham Forest PCT"), ("5LG", "Wandsworth PCT"), ("5LC", "Westminster PCT"),
    ],
    "Q37": [
        ("5LQ", "Brighton and Hove City PCT"), ("5P7", "East Sussex Downs and Weald PCT"),
        ("5QA", "Eastern and Coastal Kent PCT"), ("5P8", "Hastings and Rother PCT"),
        ("5L3", "Medway PCT"), ("5P5", "Surrey PCT"), ("5P9", "West Kent PCT"),
        ("5P6", "West Sussex PCT"),
    ],
    "Q38": [
        ("5QG", "Berkshire East PCT"), ("5QF", "Berkshire West PCT"),
        ("5QD", "Buckinghamshire PCT"), ("5QC", "Hampshire PCT"), ("5QT", "Isle of Wight NHS PCT"),
        ("5CQ", "Milton Keynes PCT"), ("5QE", "Oxfordshire PCT"),
        ("5FE", "Portsmouth City Teaching PCT"), ("5L1", "Southampton City PCT"),
    ],
    "Q39": [
        ("5FL", "Bath and North East Somerset PCT"), ("5QN", "Bournemouth and Poole Teaching PCT"),
        ("5QJ", "Bristol PCT"), ("5QP", "Cornwall and Isles of Scilly PCT"), ("5QQ", "Devon PCT"),
        ("5QM", "Dorset PCT"), ("5QH", "Gloucestershire PCT"), ("5M8", "North Somerset PCT"),
        ("5F1", "Plymouth Teaching PCT"), ("5QL", "Somerset PCT"),
        ("5A3", "South Gloucestershire PCT"), ("5K3", "Swindon PCT"), ("TAL", "Torbay Care Trust"),
        ("5QK", "Wiltshire PCT"),
    ],
}

# The demo set's PCTs and how strong each is: the usual share of Yes answers in 2008.
DEMO_STRENGTH: dict[str, float] = {
    "5D8": 0.80,  # North Tyneside
    "5D7": 0.65,  # Newcastle
    "5KL": 0.45,  # Sunderland Teaching
    "5KF": 0.70,  # Gateshead
    "5K7": 0.75,  # Camden
    "5K8": 0.55,  # Islington
    "5LC": 0.85,  # Westminster
    "5H1": 0.40,  # Hammersmith and Fulham
}
DEMO_SHAS = ("Q30", "Q36")
DEMO_YEARS = (2008, 2009)
NATIONAL_YEARS = (2007, 2008, 2009)
# Each year the same PCT answers Yes to this much more of the checklist.
YEARLY_GAIN = 0.06

ADMIN = "admin"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    organisation: str | None  # NHS organisation code; None for the administrator
    role: str  # a Membership.Role, or ADMIN


PEOPLE: list[Person] = [
    Person("admin", "Alex", "Morgan", None, ADMIN),
    Person("board.northtyneside", "Helen", "Armstrong", "5D8", Membership.Role.BOARD_MEMBER),
    Person("board2.northtyneside", "David", "Charlton", "5D8", Membership.Role.BOARD_MEMBER),
    Person("board.newcastle", "Priya", "Shah", "5D7", Membership.Role.BOARD_MEMBER),
    Person("board.sunderland", "Gary", "Robson", "5KL", Membership.Role.BOARD_MEMBER),
    Person("board.gateshead", "Claire", "Forster", "5KF", Membership.Role.BOARD_MEMBER),
    Person("board.camden", "Tom", "Okafor", "5K7", Membership.Role.BOARD_MEMBER),
    Person("board.islington", "Ruth", "Adeyemi", "5K8", Membership.Role.BOARD_MEMBER),
    Person("board.westminster", "Edward", "Hale", "5LC", Membership.Role.BOARD_MEMBER),
    Person("board.hammersmithfulham", "Sarah", "Kowalski", "5H1", Membership.Role.BOARD_MEMBER),
    Person("reviewer.northeast", "Margaret", "Bell", "Q30", Membership.Role.REVIEWER),
    Person("reviewer.london", "James", "Whitfield", "Q36", Membership.Role.REVIEWER),
]

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

REVIEW_REASONS: dict[int, list[str]] = {
    1: [
        "Plans exist but the board has not agreed them, and we saw little sign of them in use.",
        "The answers rest on intentions; no documents were offered in support.",
        "Several key processes are missing, and the actions have no realistic dates.",
    ],
    2: [
        "Some arrangements are in place, but the evidence is recent and patchy.",
        "Early evidence of good practice; its effect on commissioning decisions is not shown yet.",
        "The processes exist on paper; we saw little evidence that they are routinely used.",
    ],
    3: [
        "Established processes with good evidence; evaluation of their impact is still informal.",
        "Solid evidence from board papers and minutes; a few gaps remain in partnership working.",
        "Consistent practice across the PCT, with clear owners for the remaining actions.",
    ],
    4: [
        "Embedded practice with evidence of impact on outcomes, shared with other PCTs.",
        "Strong evidence throughout; other PCTs in the region visit to learn from this.",
        "Mature processes that are evaluated and improved every year.",
    ],
}

RETURN_COMMENTS = [
    "Thank you. Before we can accept this, please add evidence for competencies 3 and 5 (the JSNA "
    "and the engagement events you mention), and give the open actions under competency 10 owners "
    "and realistic dates.",
    "The answers on managing the market are more positive than the evidence supports. Please "
    "review competency 7 with your Director of Commissioning and resubmit by the end of October.",
]
ACCEPT_COMMENT = (
    "A fair and well-evidenced assessment. We agree the levels recorded; please report progress "
    "on the open actions at the mid-year review."
)

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
class Planned:
    """One demo assessment, and how far along it is."""

    pct: str
    year: int
    state: str  # an Assessment.Status
    focus: str = ""
    from_previous: bool = False
    # Drafts: the share of the checklist worked through so far, in checklist order.
    progress: float = 1.0


Status = Assessment.Status

# Every state in both cycles.
PLAN: list[Planned] = [
    Planned("5D8", 2008, Status.ACCEPTED),
    Planned("5D7", 2008, Status.ACCEPTED),
    Planned("5KL", 2008, Status.SUBMITTED),
    Planned("5KF", 2008, Status.ACCEPTED),
    Planned("5K7", 2008, Status.ACCEPTED),
    Planned("5K8", 2008, Status.RETURNED),
    Planned("5LC", 2008, Status.ACCEPTED),
    Planned("5H1", 2008, Status.DRAFT, progress=0.6),
    Planned("5D8", 2009, Status.DRAFT, from_previous=True, progress=0.4),
    Planned("5D8", 2009, Status.SUBMITTED, focus="Obesity strategy"),
    Planned("5D7", 2009, Status.RETURNED, from_previous=True),
    Planned("5KL", 2009, Status.DRAFT, progress=0.5),
    Planned("5KF", 2009, Status.SUBMITTED, from_previous=True),
    Planned("5K7", 2009, Status.SUBMITTED),
    Planned("5LC", 2009, Status.ACCEPTED, from_previous=True),
    Planned("5H1", 2009, Status.SUBMITTED),
]


@dataclass
class Tally:
    """What a seeding run created, and what it found already there."""

    created: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    kinds: dict[str, None] = field(default_factory=dict)  # in the order first counted

    def add(self, kind: str, created: bool, count: int = 1) -> None:
        self.kinds.setdefault(kind)
        (self.created if created else self.found)[kind] += count

    def lines(self) -> list[str]:
        return [f"{kind}: {self.created[kind]} created, {self.found[kind]} already there"
                for kind in self.kinds]


def all_pcts() -> list[tuple[str, str, str]]:
    """(code, name, SHA code) of every PCT."""
    return [(code, name, sha) for sha, pcts in PCTS_BY_SHA.items() for code, name in pcts]


def pct_name(code: str) -> str:
    return next(name for pct, name, _ in all_pcts() if pct == code)


def organisation_name(code: str | None) -> str:
    if code is None:
        return ""
    return SHAS.get(code) or pct_name(code)


# Organisations, people, cycles -------------------------------------------------


def ensure_organisations(codes: Iterable[str], tally: Tally) -> dict[str, Organisation]:
    """The SHAs and PCTs with these codes (and the SHAs of those PCTs), created if missing."""
    codes = set(codes)
    pcts = [(code, name, sha) for code, name, sha in all_pcts() if code in codes]
    sha_codes = (codes & set(SHAS)) | {sha for _, _, sha in pcts}
    found = Organisation.objects.in_bulk([*sha_codes, *(code for code, _, _ in pcts)], field_name="code")
    tally.add("Organisations", False, len(found))
    missing_shas = [
        Organisation(code=code, name=SHAS[code], kind=Organisation.Kind.SHA)
        for code in sorted(sha_codes) if code not in found
    ]
    for sha in Organisation.objects.bulk_create(missing_shas):
        found[sha.code] = sha
    missing_pcts = [
        Organisation(code=code, name=name, kind=Organisation.Kind.PCT, sha=found[sha])
        for code, name, sha in pcts if code not in found
    ]
    for pct in Organisation.objects.bulk_create(missing_pcts):
        found[pct.code] = pct
    tally.add("Organisations", True, len(missing_shas) + len(missing_pcts))
    return found


def ensure_people(organisations: dict[str, Organisation], tally: Tally) -> dict[str, object]:
    User = get_user_model()
    existing = User.objects.in_bulk([p.username for p in PEOPLE], field_name="username")
    # Hashing is deliberately slow, and every demo login has the same password anyway.
    password = make_password(DEMO_PASSWORD) if len(existing) < len(PEOPLE) else ""
    people = {}
    for person in PEOPLE:
        user = existing.get(person.username)
        if user is None:
            user = User.objects.create(
                username=person.username, first_name=person.first_name, last_name=person.last_name,
                email=f"{person.username}@example.org", password=password,
                is_staff=person.role == ADMIN, is_superuser=person.role == ADMIN,
            )
        tally.add("Logins", person.username not in existing)
        if person.organisation is not None:
            Membership.objects.get_or_create(
                user=user,
                defaults={"organisation": organisations[person.organisation], "role": person.role},
            )
        people[person.username] = user
    return people


def ensure_cycles(years: Iterable[int], tally: Tally) -> dict[int, Cycle]:
    cycles = {}
    for year in years:
        cycles[year], created = Cycle.objects.get_or_create(start_year=year)
        tally.add("Cycles", created)
    return cycles


def logins() -> list[tuple[str, str, str, str]]:
    """(username, role, organisation, password) of every demo login that exists.

    The password column says when someone has changed a login's password
    since it was seeded.
    """
    users = get_user_model().objects.in_bulk([p.username for p in PEOPLE], field_name="username")
    demo_hash: dict[str, bool] = {}
    rows = []
    for person in PEOPLE:
        user = users.get(person.username)
        if user is None:
            continue
        # Seeded logins share one hash, so this usually checks a password once.
        if user.password not in demo_hash:
            demo_hash[user.password] = check_password(DEMO_PASSWORD, user.password)
        role = "Administrator" if person.role == ADMIN else Membership.Role(person.role).label
        password = DEMO_PASSWORD if demo_hash[user.password] else "(changed since seeding)"
        rows.append((person.username, role, organisation_name(person.organisation) or "–", password))
    return rows


# Answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRow:
    pk: int
    number: int
    competency: int  # the competency's number
    text: str


def checklist() -> list[QuestionRow]:
    return [
        QuestionRow(*row)
        for row in Question.objects.order_by("number").values_list(
            "pk", "number", "competency__number", "text")
    ]


def _difficulty(questions: list[QuestionRow]) -> dict[int, float]:
    """How much harder than average each question is, the same for every PCT."""
    rng = random.Random("difficulty")
    return {q.number: rng.uniform(-0.15, 0.15) for q in questions}


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def planned_answers(
    *, code: str, year: int, focus: str, strength: float, questions: list[QuestionRow]
) -> dict[int, dict]:
    """Every question's answer fields for one PCT's assessment of one cycle.

    A "No" always has an action, an owner and a due date within the cycle; a
    few "Yes" answers have an action too, for work that is still improving.
    """
    capability = random.Random(f"capability:{code}:{focus}")
    capabilities = {q.number: capability.random() for q in questions}
    difficulty = _difficulty(questions)
    rng = random.Random(f"actions:{code}:{year}:{focus}")
    year_strength = strength + YEARLY_GAIN * (year - DEMO_YEARS[0])
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


def fill_answers(
    assessment: Assessment, *, strength: float, questions: list[QuestionRow], users: list,
    progress: float = 1.0, incomplete_actions: bool = False,
) -> None:
    """Answer the assessment as its board members would have, in bulk.

    With ``progress`` under 1, only that share of the checklist (in order) is
    worked through; the rest stays blank, or as carried over from the
    previous assessment. ``incomplete_actions`` leaves a few "No" answers
    without an owner or date, as a draft in progress has.

    Answers with the same new values are updated together, one UPDATE each:
    a few dozen small statements, several times quicker than ``bulk_update``'s
    one CASE per field and row.
    """
    planned = planned_answers(code=assessment.pct.code, year=assessment.cycle.start_year,
                              focus=assessment.focus, strength=strength, questions=questions)
    worked = round(progress * len(questions))
    rng = random.Random(f"drafting:{assessment.pct.code}:{assessment.cycle.start_year}")
    answers = assessment.answers.order_by("question__number").values_list("pk", "question__number")
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, (pk, number) in enumerate(answers[:worked]):
        fields = dict(planned[number], updated_by=users[index % len(users)])
        if incomplete_actions and fields["value"] == Answer.Value.NO and rng.random() < 0.15:
            fields.update(owner="", due_date=None)
        groups[tuple(fields.items())].append(pk)
    for fields, pks in groups.items():
        Answer.objects.filter(pk__in=pks).update(
            **dict(fields), carried_over=False, version=F("version") + 1, updated_at=timezone.now()
        )


def add_evidence(assessment: Assessment, *, user, count: int) -> None:
    items = {(e.competency.number, e.position): e.pk
             for e in EvidenceItem.objects.select_related("competency")}
    rng = random.Random(f"evidence:{assessment.pct.code}:{assessment.cycle.start_year}:{assessment.focus}")
    for number, position, title, reference, note in rng.sample(EVIDENCE, count):
        workflow.add_evidence(
            assessment=assessment, user=user, evidence_item_id=items[(number, position)],
            title=title, reference=reference, note=note,
        )


def record_reviews(assessment: Assessment, *, reviewer, competencies: int) -> None:
    """The reviewer's levels for the first ``competencies`` competencies: the
    level the answers give, give or take one, with a reason."""
    rng = random.Random(f"review:{assessment.pct.code}:{assessment.cycle.start_year}:{assessment.focus}")
    bands = load_bands()
    for result in scorecard(assessment, bands=bands).competencies[:competencies]:
        band = level_for(result.score.percent, bands)
        level = min(4, max(1, (band.level if band else 1) + rng.choice([-1, 0, 0, 0, 1])))
        workflow.record_review(assessment=assessment, competency=result.competency, user=reviewer,
                               level=level, reason=rng.choice(REVIEW_REASONS[level]))


# The demo set ------------------------------------------------------------------


def _board_of(people: dict, code: str) -> list:
    return [people[p.username] for p in PEOPLE
            if p.organisation == code and p.role == Membership.Role.BOARD_MEMBER]


def _reviewer_of(people: dict, sha_code: str):
    return next(people[p.username] for p in PEOPLE
                if p.organisation == sha_code and p.role == Membership.Role.REVIEWER)


def build_planned(
    planned: Planned, *, organisations: dict, cycles: dict, people: dict, questions: list[QuestionRow]
) -> Assessment:
    """Take one assessment from start to its planned state through the workflow."""
    pct = organisations[planned.pct]
    board = _board_of(people, planned.pct)
    author = board[0]
    reviewer = _reviewer_of(people, pct.sha.code)
    assessment = workflow.start_assessment(
        pct=pct, cycle=cycles[planned.year], user=author, focus=planned.focus,
        from_previous=planned.from_previous,
    )
    draft = planned.state == Status.DRAFT
    fill_answers(assessment, strength=DEMO_STRENGTH[planned.pct], questions=questions, users=board,
                 progress=planned.progress if draft else 1.0, incomplete_actions=draft)
    add_evidence(assessment, user=author, count=2 if draft else 4)
    if draft:
        return assessment
    gaps = workflow.submit(assessment=assessment, user=author)
    if gaps:
        raise RuntimeError(f"Demo assessment {assessment} cannot be submitted: {gaps[0].problem}")
    if planned.state == Status.SUBMITTED:
        # Part-way through the review.
        record_reviews(assessment, reviewer=reviewer, competencies=4)
        return assessment
    record_reviews(assessment, reviewer=reviewer, competencies=Competency.objects.count())
    if planned.state == Status.RETURNED:
        comment = RETURN_COMMENTS[planned.year % len(RETURN_COMMENTS)]
        workflow.return_to_pct(assessment=assessment, user=reviewer, comment=comment)
    elif planned.state == Status.ACCEPTED:
        workflow.accept(assessment=assessment, user=reviewer, comment=ACCEPT_COMMENT)
    return assessment


class FrameworkMissing(Exception):
    """The competency framework, which every assessment answers, is not loaded."""


def require_framework() -> list[QuestionRow]:
    questions = checklist()
    if not questions or not EvidenceItem.objects.exists():
        raise FrameworkMissing("The competency framework (the 112 questions) is not loaded.")
    return questions


@transaction.atomic
def seed(*, log: Callable[[str], None] = print) -> Tally:
    """The demo set: two SHAs, eight PCTs, the demo logins, assessments in every state."""
    questions = require_framework()
    tally = Tally()
    organisations = ensure_organisations([*DEMO_SHAS, *DEMO_STRENGTH], tally)
    people = ensure_people(organisations, tally)
    cycles = ensure_cycles(DEMO_YEARS, tally)
    existing = set(
        Assessment.objects.filter(pct__code__in=DEMO_STRENGTH, cycle__start_year__in=DEMO_YEARS)
        .values_list("pct__code", "cycle__start_year", "focus")
    )
    for planned in PLAN:
        if (planned.pct, planned.year, planned.focus) in existing:
            tally.add("Assessments", False)
            continue
        build_planned(planned, organisations=organisations, cycles=cycles, people=people,
                      questions=questions)
        tally.add("Assessments", True)
    for line in tally.lines():
        log(line)
    return tally


# England's scale -----------------------------------------------------------------


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
    and due date (so nothing would stop submission), the question each
    answer was given under kept (wording, competency, theme) and the
    scorecard counted as ``submit`` keeps them (it does so with two queries
    per assessment, too slow for 450 of them), and the started and submitted
    transitions. Nobody in these PCTs has a login, so the transitions have
    no author.
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
    placed = {pk: (competency, theme) for pk, competency, theme
              in Question.objects.values_list("pk", "competency_id", "competency__theme_id")}
    plans = []
    for assessment in new:
        code = assessment.pct.code
        planned = planned_answers(code=code, year=assessment.cycle.start_year, focus="",
                                  strength=national_strength(code), questions=questions)
        assessment.submitted_at = now
        assessment.scores = count((*placed[q.pk], planned[q.number]["value"]) for q in questions).as_json()
        plans.append(planned)
    Assessment.objects.bulk_create(new, batch_size=500)
    answers, transitions = [], []
    for assessment, planned in zip(new, plans):
        answers.extend(
            Answer(assessment=assessment, question_id=q.pk, question_text=q.text,
                   competency_id=placed[q.pk][0], theme_id=placed[q.pk][1], version=1,
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


# What the bench measures -----------------------------------------------------------


def benchmark_assessments(*, board_member, reviewer) -> tuple[Assessment, Assessment]:
    """A submitted and a draft assessment of the board member's PCT, both
    fully answered with actions on every "No", as big as an assessment gets.

    The submitted one starts from the PCT's previous assessment, has evidence
    and the reviewer's levels, so its report shows everything a report can.
    They have their own focus, so they leave the demo set as it was.
    """
    questions = require_framework()
    pct = board_member.membership.organisation
    cycle, _ = Cycle.objects.get_or_create(start_year=DEMO_YEARS[-1])
    strength = DEMO_STRENGTH.get(pct.code, 0.7)
    submitted = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member,
                                          focus="Benchmark: submitted", from_previous=True)
    fill_answers(submitted, strength=strength, questions=questions, users=[board_member])
    add_evidence(submitted, user=board_member, count=6)
    gaps = workflow.submit(assessment=submitted, user=board_member)
    if gaps:
        raise RuntimeError(f"The benchmark assessment cannot be submitted: {gaps[0].problem}")
    record_reviews(submitted, reviewer=reviewer, competencies=Competency.objects.count())
    draft = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member, focus="Benchmark: draft")
    fill_answers(draft, strength=strength, questions=questions, users=[board_member])
    return submitted, draft
