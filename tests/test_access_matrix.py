"""Every URL pattern × every persona × GET and POST, and for the pages of one
assessment, × each of its four statuses: the status each must get.

A URL pattern without a rule here fails the suite, so no page ships
unchecked. POSTs send valid data, so a write that is allowed succeeds (302)
and one that is not is refused for the right reason: 404 for outsiders, 403
for a role that may only read, 409 for a status that allows no change.

The people and the four assessments are made once for the module (outside
the tests' transactions); each request's changes are rolled back.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import Answer, Assessment, Challenge, Cycle, Organisation
from tests.factories import (
    CycleFactory,
    PctFactory,
    PersonFactory,
    ShaFactory,
    assessment_in,
    review_every_competency,
)

PERSONAS = ["anonymous", "board_member", "other_board_member", "reviewer", "other_reviewer", "admin_user"]
STATES = ["draft", "submitted", "returned", "accepted"]
LOGIN = 302

# One status per persona, in PERSONAS order.
EVERYONE = (LOGIN, 200, 200, 200, 200, 200)
NOT_THIS_METHOD = (LOGIN, 405, 405, 405, 405, 405)
NAMED = (LOGIN, 404, 404, 200, 200, 200)  # comparisons that name other PCTs

# The pages of one assessment: {state: statuses}. A draft is the PCT's alone.
SEEN = {"draft": (LOGIN, 200, 404, 404, 404, 200), **dict.fromkeys(STATES[1:], (LOGIN, 200, 404, 200, 404, 200))}


def answering(done: int, invalid: bool = False) -> dict:
    """A write by the PCT's board: allowed while a draft or returned."""
    outcome = 400 if invalid else done
    return {
        "draft": (LOGIN, outcome, 404, 404, 404, 403),
        "submitted": (LOGIN, 409, 404, 403, 404, 403),
        "returned": (LOGIN, outcome, 404, 403, 404, 403),
        "accepted": (LOGIN, 409, 404, 403, 404, 403),
    }


# A decision by the SHA's reviewer: allowed while submitted.
REVIEWING = {
    "draft": (LOGIN, 403, 404, 404, 404, 403),
    "submitted": (LOGIN, 403, 404, 302, 404, 403),
    "returned": (LOGIN, 403, 404, 409, 404, 403),
    "accepted": (LOGIN, 403, 404, 409, 404, 403),
}
# A reply by the PCT's board: allowed while returned.
REPLYING = {**answering(302), "draft": (LOGIN, 409, 404, 404, 404, 403)}
REVIEW_PAGE = {"draft": REVIEWING["draft"], **dict.fromkeys(STATES[1:], (LOGIN, 403, 404, 200, 404, 403))}
NOT_POST = dict.fromkeys(STATES, NOT_THIS_METHOD)
NOT_GET = NOT_POST
# The answering page's JSON: a signed-out person is told so (401), not sent to the login page.
AUTOSAVE = {state: (401, *statuses[1:]) for state, statuses in answering(200).items()}
COLLEAGUES = {state: (401, *statuses[1:]) for state, statuses in SEEN.items()}
# Sent on (302) by whoever sees the assessment.
SEEN_THEN_SENT_ON = {state: tuple(302 if status == 200 else status for status in statuses)
                     for state, statuses in SEEN.items()}
# The board paper: the PCT's board and admins write it in every status; the SHA's reviewers only read it.
BOARD_PAPER = {"draft": (LOGIN, 302, 404, 404, 404, 302),
               **dict.fromkeys(STATES[1:], (LOGIN, 302, 404, 403, 404, 302))}


def answer_data(number: int = 1) -> dict:
    return {f"q{number}-value": "yes", f"q{number}-action": "", f"q{number}-owner": "",
            f"q{number}-due_date_day": "", f"q{number}-due_date_month": "", f"q{number}-due_date_year": "",
            f"q{number}-action_status": "open", f"q{number}-version": 0}


# name: (GET rule, POST rule, POST data). A rule is a statuses tuple, or
# {state: statuses} for the pages of one assessment.
RULES = {
    "home": ((LOGIN, 302, 302, 302, 302, 302), NOT_THIS_METHOD, {}),
    "login": ((200,) * 6, (200,) * 6, {}),  # a POST without credentials shows the form's errors
    "logout": ((405,) * 6, (302,) * 6, {}),
    "account": (EVERYONE, (LOGIN, 302, 302, 302, 302, 302), {}),  # reminders turned off
    "password_change": (EVERYONE, EVERYONE, {}),
    "password_change_done": (EVERYONE, NOT_THIS_METHOD, {}),
    "health": ((200,) * 6, (405,) * 6, {}),
    "competencies:index": (EVERYONE, NOT_THIS_METHOD, {}),
    "competencies:detail": (EVERYONE, NOT_THIS_METHOD, {}),
    "competencies:checklist": (EVERYONE, NOT_THIS_METHOD, {}),
    "assessments:list": (EVERYONE, NOT_THIS_METHOD, {}),
    "assessments:review_queue": ((LOGIN, 403, 403, 200, 200, 200), NOT_THIS_METHOD, {}),
    # A board member's PCT already has an assessment for the cycle with no focus.
    "assessments:start": (NOT_THIS_METHOD, (LOGIN, 400, 400, 403, 403, 403), {"start_from": "empty"}),
    "assessments:detail": (SEEN, NOT_POST, {}),
    "assessments:tasks": (SEEN, NOT_POST, {}),
    "assessments:assign": (answering(200), answering(302, invalid=True), {}),
    "assessments:mine": (EVERYONE, NOT_THIS_METHOD, {}),
    # The PCT's SHA's: its reviewers set it; its PCTs' board members and admins may not (403).
    "assessments:review_deadline": ((LOGIN, 403, 403, 200, 404, 403), (LOGIN, 403, 403, 302, 404, 403),
                                    {"due_day": "30", "due_month": "6", "due_year": "2009"}),
    # Without the competency's every question the form is refused; a
    # complete one is saved (see test_answering).
    "assessments:competency": (SEEN, answering(302, invalid=True), {}),
    "assessments:changes": (COLLEAGUES, dict.fromkeys(STATES, (405,) * 6), {}),
    "assessments:save_answer": (dict.fromkeys(STATES, (405,) * 6), AUTOSAVE, answer_data()),
    "assessments:submit": (NOT_GET, answering(302), {}),
    "assessments:review": (REVIEW_PAGE, NOT_POST, {}),
    # Save all; the submitted assessment has every level already, so accepting it is allowed.
    "assessments:record_reviews": (NOT_GET, REVIEWING, {"c1-level": "2", "c1-reason": "Thin evidence"}),
    "assessments:return": (NOT_GET, REVIEWING, {"return-comment": "Look again at question 3."}),
    "assessments:accept": (NOT_GET, REVIEWING, {"accept-comment": ""}),
    # Question 1 is not challenged yet; question 3 is, by the reviewer (a replied challenge once returned).
    "assessments:raise_challenge": (NOT_GET, REVIEWING, {"question": "1", "x1-note": "Evidence does not show this."}),
    "assessments:withdraw_challenge": (NOT_GET, REVIEWING, {}),
    "assessments:reply_to_challenge": (NOT_GET, REPLYING, {"reply": "See the minutes."}),
    "assessments:evidence": (SEEN, NOT_POST, {}),
    "assessments:add_evidence": (NOT_GET, answering(302), {"evidence_item": 102, "title": "Board minutes"}),
    "assessments:delete_evidence": (NOT_GET, answering(302), {}),
    "assessments:activity": (SEEN, NOT_POST, {}),
    "reports:assessment": (SEEN, NOT_POST, {}),
    "reports:pdf": (SEEN, NOT_POST, {}),
    # Without htmx, the progress of a render is the PDF's own page.
    "reports:pdf_progress": (SEEN_THEN_SENT_ON, NOT_POST, {}),
    "reports:retry_pdf": (NOT_GET, SEEN_THEN_SENT_ON, {}),
    "reports:board_paper": (NOT_GET, BOARD_PAPER, {"meeting": "Public board", "question_record": "on"}),
    "compare:matrix": (EVERYONE, NOT_THIS_METHOD, {}),
    "compare:trends": (NAMED, NOT_THIS_METHOD, {}),
    "compare:questions": (NAMED, NOT_THIS_METHOD, {}),
    "compare:question": (NAMED, NOT_THIS_METHOD, {}),
    "compare:export_matrix": (NAMED, NOT_THIS_METHOD, {}),
    "compare:export_answers": (NAMED, NOT_THIS_METHOD, {}),
    "compare:export_actions": (NAMED, NOT_THIS_METHOD, {}),
    "compare:calibration": (NAMED, NOT_THIS_METHOD, {}),
    "compare:export_calibration": (NAMED, NOT_THIS_METHOD, {}),
}
# Every page of the Django admin: staff only; everyone else is sent to its login.
ADMIN = (LOGIN, 302, 302, 302, 302, 200)


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


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The personas, and one assessment of their PCT in each status (told
    apart by their focus, since a PCT has one assessment a cycle per focus)."""
    with django_db_blocker.unblock():
        queued_before = list(DBTaskResult.objects.values_list("pk", flat=True))
        sha, other_sha = ShaFactory(code="QM1"), ShaFactory(code="QM2")
        pct = PctFactory(code="5M1", sha=sha)
        people = {
            "board_member": PersonFactory(username="m.board", membership__organisation=pct,
                                          membership__role="board_member"),
            "other_board_member": PersonFactory(username="m.other.board",
                                                membership__organisation=PctFactory(code="5M2", sha=sha),
                                                membership__role="board_member"),
            "reviewer": PersonFactory(username="m.reviewer", membership__organisation=sha,
                                      membership__role="reviewer"),
            "other_reviewer": PersonFactory(username="m.other.reviewer", membership__organisation=other_sha,
                                            membership__role="reviewer"),
            "admin_user": PersonFactory(username="m.admin", is_staff=True, is_superuser=True),
        }
        cycle = CycleFactory(start_year=2008)
        assessments = {
            state: assessment_in(state, pct=pct, cycle=cycle, board=people["board_member"],
                                 reviewer=people["reviewer"], focus="" if state == "draft" else state)
            for state in STATES
        }
        review_every_competency(assessments["submitted"], people["reviewer"])
        for state in STATES[1:]:  # as if raised while submitted; replied to once returned
            Challenge.objects.create(answer=assessments[state].answers.get(question__number=3), note="Not shown.",
                                     raised_by=people["reviewer"], **({"reply": "Shown.", "replied_at": timezone.now()}
                                                                      if state == "returned" else {}))
        yield {"people": {name: user.pk for name, user in people.items()}, "assessments": assessments}
        # The renders and emails the moves queued, which outlive the module's tests otherwise.
        DBTaskResult.objects.exclude(pk__in=queued_before).delete()
        answers = Answer.objects.filter(assessment__in=assessments.values())
        answer_ids = list(answers.values_list("pk", flat=True))
        Answer.history.filter(id__in=answers.values("pk")).delete()
        Assessment.objects.filter(pk__in=[a.pk for a in assessments.values()]).delete()
        Challenge.history.filter(answer_id__in=answer_ids).delete()  # the cascade's records too
        get_user_model().objects.filter(pk__in=[user.pk for user in people.values()]).delete()
        Organisation.objects.filter(code__in=["5M1", "5M2"]).delete()
        Organisation.objects.filter(code__in=["QM1", "QM2"]).delete()
        Cycle.objects.filter(pk=cycle.pk).delete()


def url_for(name: str, assessment: Assessment) -> str:
    pattern = dict(patterns())[name]
    challenge = Challenge.objects.filter(answer__assessment=assessment).values_list("pk", flat=True).first()
    values = {"pk": assessment.pk, "number": 1, "fmt": "csv", "challenge_pk": challenge or 1, "table": "ratings",
              "reference_pk": assessment.evidence_references.values_list("pk", flat=True).first(),
              "sha_pk": assessment.pct.sha_id, "cycle_pk": assessment.cycle_id}
    names = pattern.converters or pattern.regex.groupindex
    return reverse(name, kwargs={key: values[key] for key in names})


def client_for(persona: str, world: dict) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(get_user_model().objects.get(pk=world["people"][persona]))
    return client


CASES = [
    (name, method, state, index)
    for name, (get_rule, post_rule, _) in RULES.items()
    for method, rule in (("GET", get_rule), ("POST", post_rule))
    for state in (STATES if isinstance(rule, dict) else ["submitted"])
    for index in range(len(PERSONAS))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "state", "index"), CASES,
                         ids=[f"{n}-{m}-{s}-{PERSONAS[i]}" for n, m, s, i in CASES])
def test_access(world, name, method, state, index):
    get_rule, post_rule, data = RULES[name]
    rule = get_rule if method == "GET" else post_rule
    expected = (rule[state] if isinstance(rule, dict) else rule)[index]
    client = client_for(PERSONAS[index], world)
    url = url_for(name, world["assessments"][state])

    response = client.get(url) if method == "GET" else client.post(url, data)

    assert response.status_code == expected, f"{method} {url} ({state}) as {PERSONAS[index]}"
    if PERSONAS[index] == "anonymous" and expected == LOGIN:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["admin:index", "admin:competencies_question_changelist",
                                  "admin:assessments_assessment_changelist", "admin:auth_user_changelist"])
@pytest.mark.parametrize("index", range(len(PERSONAS)))
def test_admin_is_for_staff_only(world, name, index):
    assert client_for(PERSONAS[index], world).get(reverse(name)).status_code == ADMIN[index]


@pytest.mark.django_db
def test_writes_without_a_csrf_token_are_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(pk=world["people"]["board_member"]))
    draft = world["assessments"]["draft"]

    response = client.post(reverse("assessments:save_answer", args=[draft.pk, 1]), answer_data())

    assert response.status_code == 403
    assert "Your form expired" in response.text
    assert draft.answers.get(question__number=1).version == 0
