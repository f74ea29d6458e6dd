"""Every URL pattern × every persona × GET and POST, with the status each must get.

A URL pattern without a row here fails the suite, so no page ships unchecked.
The assessment under test is submitted: its PCT can read it but no longer
change it, its SHA's reviewer can act on it.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from assessments import workflow
from tests.conftest import fill

PERSONAS = ["anonymous", "board_member", "other_board_member", "reviewer", "other_reviewer", "admin_user"]

# name: (GET statuses, POST statuses), one per persona in PERSONAS order.
LOGIN = 302
OWN = (LOGIN, 200, 404, 200, 404, 200)           # readable by the PCT, its SHA's reviewer, admins
NOT_GET = (LOGIN, 405, 405, 405, 405, 405)
NOT_POST = (LOGIN, 405, 405, 405, 405, 405)
ANSWERING = (LOGIN, 409, 404, 403, 404, 403)      # the PCT may write, but it is submitted now
REVIEWING = (LOGIN, 403, 404, None, 404, 403)     # None: the reviewer's own status, below
NAMED = (LOGIN, 404, 404, 200, 200, 200)          # comparisons that name other PCTs
EVERYONE = (LOGIN, 200, 200, 200, 200, 200)

RULES = {
    "home": ((LOGIN, 302, 302, 302, 302, 302), (LOGIN, 405, 405, 405, 405, 405)),
    "login": ((200,) * 6, (200,) * 6),  # a POST without credentials shows the form's errors
    "logout": ((405,) * 6, (302,) * 6),
    "password_change": (EVERYONE, (LOGIN, 200, 200, 200, 200, 200)),
    "password_change_done": (EVERYONE, NOT_POST),
    "health": ((200,) * 6, (405,) * 6),
    "competencies:index": (EVERYONE, NOT_POST),
    "competencies:detail": (EVERYONE, NOT_POST),
    "competencies:checklist": (EVERYONE, NOT_POST),
    "assessments:list": (EVERYONE, NOT_POST),
    "assessments:start": (NOT_GET, (LOGIN, 400, 400, 403, 403, 403)),
    "assessments:detail": (OWN, NOT_POST),
    "assessments:answer": (OWN, NOT_POST),
    "assessments:save_answer": (NOT_GET, ANSWERING),
    "assessments:save_section": (NOT_GET, ANSWERING),
    "assessments:submit": (NOT_GET, ANSWERING),
    "assessments:review": (REVIEWING[:3] + (200,) + REVIEWING[4:], NOT_POST),
    "assessments:record_review": (NOT_GET, REVIEWING[:3] + (400,) + REVIEWING[4:]),
    "assessments:return": (NOT_GET, REVIEWING[:3] + (400,) + REVIEWING[4:]),
    "assessments:accept": (NOT_GET, REVIEWING[:3] + (302,) + REVIEWING[4:]),
    "assessments:evidence": (OWN, NOT_POST),
    "assessments:add_evidence": (NOT_GET, ANSWERING),
    "assessments:delete_evidence": (NOT_GET, ANSWERING),
    "assessments:activity": (OWN, NOT_POST),
    "reports:assessment": (OWN, NOT_POST),
    "reports:pdf": (OWN, NOT_POST),
    "compare:matrix": (EVERYONE, NOT_POST),
    "compare:trends": (NAMED, NOT_POST),
    "compare:questions": (NAMED, NOT_POST),
    "compare:question": (NAMED, NOT_POST),
    "compare:export_matrix": (NAMED, NOT_POST),
    "compare:export_answers": (NAMED, NOT_POST),
    "compare:export_actions": (NAMED, NOT_POST),
}
# Every page of the Django admin: staff only; everyone else is sent to its login.
ADMIN = ((LOGIN, 302, 302, 302, 302, 200), (LOGIN, 302, 302, 302, 302, None))


def patterns(resolver: URLResolver | None = None, namespace: str = ""):
    """(namespaced name, pattern) for every URL pattern in the URLconf."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or '<unnamed>'}", pattern.pattern


def test_every_url_pattern_has_a_rule():
    unchecked = [name for name, _ in patterns() if name not in RULES and not name.startswith("admin:")]
    assert not unchecked, f"URL patterns with no access rule: {unchecked}"


@pytest.fixture
def world(db, board_member, other_board_member, reviewer, other_reviewer, admin_user, draft):
    fill(draft)
    reference = workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=101,
                                      title="Minutes")
    assert workflow.submit(assessment=draft, user=board_member) == []
    return {"pk": draft.pk, "number": 1, "reference_pk": reference.pk, "fmt": "csv"}


def url_for(name: str, world: dict) -> str:
    from django.urls import reverse

    pattern = dict(patterns())[name]
    return reverse(name, kwargs={key: world[key] for key in pattern.converters}
                   or {k: world[k] for k in pattern.regex.groupindex})


CASES = [
    (name, method, index)
    for name in RULES
    for method in ("GET", "POST")
    for index in range(len(PERSONAS))
]


@pytest.mark.parametrize("name, method, index", CASES,
                         ids=[f"{n}-{m}-{PERSONAS[i]}" for n, m, i in CASES])
def test_access(request, world, name, method, index):
    expected = RULES[name][method == "POST"][index]
    persona = PERSONAS[index]
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = url_for(name, world)

    response = client.get(url) if method == "GET" else client.post(url, {})

    assert response.status_code == expected, f"{method} {url} as {persona}"


@pytest.mark.parametrize("name", ["admin:index", "admin:competencies_question_changelist",
                                  "admin:assessments_assessment_changelist", "admin:auth_user_changelist"])
@pytest.mark.parametrize("index", range(len(PERSONAS)))
def test_admin_is_for_staff_only(request, world, name, index):
    from django.urls import reverse

    persona = PERSONAS[index]
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse(name)).status_code == ADMIN[0][index]


def test_writes_without_a_csrf_token_are_refused(world, board_member):
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    client.force_login(board_member)

    response = client.post(reverse("assessments:save_answer", args=[world["pk"], 1]), {"q1-value": "no"})

    assert response.status_code == 403
    assert "Your form expired" in response.text
