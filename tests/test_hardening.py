"""Attacks and slips found from outside: lockouts behind a proxy, control
characters, odd methods and sizes, and an admin who could change the record."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from assessments import workflow
from assessments.models import Answer, Assessment, CompetencyReview, EvidenceReference
from competencies.models import Competency
from tests.conftest import PASSWORD, make_person
from wcc_site.middleware import client_address

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same machine: every request's socket address
ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


# 1. Lockouts behind a proxy -----------------------------------------------------


@pytest.mark.parametrize(("header", "proxies", "expected"), [
    ("", 1, None),                                   # reached directly: the socket's address
    ("198.51.100.7", 0, None),                       # no trusted proxy: the header proves nothing
    ("198.51.100.7", 1, "198.51.100.7"),
    ("10.0.0.1, 198.51.100.7", 1, "198.51.100.7"),   # the left one was written by the client
    ("198.51.100.7, 10.0.0.2", 2, "198.51.100.7"),   # a load balancer, then nginx
    ("198.51.100.7", 2, None),                       # fewer hops than proxies: not through them
    ("unknown", 1, None),
    (" 2001:db8::1 ", 1, "2001:db8::1"),
])
def test_the_client_address_is_read_through_the_trusted_proxies(header, proxies, expected):
    assert client_address(header, proxies) == expected


def login(client, url, username, password, client_ip, *, forwarded=True):
    """A login as it reaches gunicorn from nginx's ``$proxy_add_x_forwarded_for``."""
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip} if forwarded else {
        "REMOTE_ADDR": client_ip}
    return client.post(url, {"username": username, "password": password}, **headers)


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_failures_from_one_address_do_not_lock_the_owner_out_behind_a_proxy(
    client, settings, admin_user, url_name
):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse(url_name)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, url, "ada", "guess", ATTACKER)
    # The attacker writes the owner's address into the header: nginx appends
    # the attacker's own, and that is the one counted.
    login(client, url, "ada", "guess", f"{OWNER}, {ATTACKER}")

    assert login(client, url, "ada", PASSWORD, ATTACKER).status_code == 429
    owner = login(client, url, "ada", PASSWORD, OWNER)

    assert owner.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_served_directly_the_header_cannot_dodge_the_lockout(client, board_member):
    url = reverse("login")
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "alice", "password": "guess"},
                    REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    response = client.post(url, {"username": "alice", "password": PASSWORD},
                           REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert response.status_code == 429


def test_wrong_old_passwords_are_throttled_on_the_password_change_form(client, board_member):
    client.force_login(board_member)
    url = reverse("password_change")
    new = {"new_password1": "a different long passphrase", "new_password2": "a different long passphrase"}
    wrong = client.post(url, {"old_password": "guess", **new})
    assert wrong.status_code == 200 and "incorrectly" in wrong.text
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"old_password": "guess", **new})

    response = client.post(url, {"old_password": PASSWORD, **new})

    assert response.status_code == 429
    board_member.refresh_from_db()
    assert board_member.check_password(PASSWORD)


def test_the_right_old_password_changes_it(client, board_member):
    client.force_login(board_member)
    new = "a different long passphrase"

    response = client.post(reverse("password_change"),
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})

    assert response.status_code == 302
    board_member.refresh_from_db()
    assert board_member.check_password(new)


# 2. Control characters in query strings ------------------------------------------


@pytest.mark.parametrize("path", [
    "/compare/", "/compare/trends/", "/compare/questions/", "/compare/questions/5/",
    "/compare/export/matrix.csv", "/compare/export/answers.xlsx", "/compare/export/actions.csv",
    "/admin/assessments/assessment/", "/assessments/",
])
@pytest.mark.parametrize("query", ["sha=%00", "cycle=2008%00", "status__exact=%00", "q=%07", "%00=1"])
def test_control_characters_in_the_query_string_are_a_400(client, admin_user, path, query):
    client.force_login(admin_user)

    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert "control character" in response.text


def test_a_nul_in_an_admin_form_field_is_an_error_at_the_field(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("admin:assessments_organisation_add"),
                           {"code": "X1", "name": "Bad\x00name", "kind": "sha"})

    assert response.status_code == 200
    assert "Null characters are not allowed" in response.text


# 3. A restarted database: see test_database_restart.py ---------------------------


def test_persistent_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# 4. Submitted work is read-only in the admin ---------------------------------------


@pytest.fixture
def accepted(submitted, reviewer):
    for competency in Competency.objects.all():
        workflow.record_review(assessment=submitted, competency=competency, user=reviewer, level=2,
                               reason="As the answers show.")
    workflow.accept(assessment=submitted, user=reviewer)
    return submitted


def test_reverting_an_answer_of_an_accepted_assessment_is_refused(client, admin_user, accepted):
    answer = Answer.objects.get(assessment=accepted, question__number=1)
    first = answer.history.earliest()  # the blank answer it started as
    client.force_login(admin_user)
    url = reverse("admin:assessments_answer_simple_history", args=[answer.pk, first.history_id])

    page = client.get(url)
    response = client.post(url, {"value": "", "action": "", "owner": "", "action_status": "open"})

    assert page.status_code == 200 and "Revert" not in page.text
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.value == "yes"


@pytest.mark.parametrize("model", ["answer", "competencyreview", "evidencereference"])
def test_parts_of_an_accepted_assessment_cannot_be_changed_or_deleted(client, admin_user, accepted, model):
    if model == "evidencereference":
        EvidenceReference.objects.create(assessment=accepted, evidence_item_id=101, title="Minutes")
    obj = {"answer": Answer, "competencyreview": CompetencyReview,
           "evidencereference": EvidenceReference}[model].objects.filter(assessment=accepted).first()
    client.force_login(admin_user)

    deleted = client.post(reverse(f"admin:assessments_{model}_delete", args=[obj.pk]), {"post": "yes"})
    changed = client.post(reverse(f"admin:assessments_{model}_change", args=[obj.pk]), {"title": "Changed"})

    assert deleted.status_code == 403
    assert changed.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_evidence_of_a_draft_can_still_be_corrected_in_the_admin(client, admin_user, draft):
    reference = EvidenceReference.objects.create(assessment=draft, evidence_item_id=101, title="Minutes")
    client.force_login(admin_user)

    response = client.post(reverse("admin:assessments_evidencereference_change", args=[reference.pk]),
                           {"title": "Board minutes", "reference": "", "note": ""})

    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.title == "Board minutes"


def test_a_submitted_assessment_cannot_be_deleted(client, admin_user, accepted):
    client.force_login(admin_user)

    single = client.post(reverse("admin:assessments_assessment_delete", args=[accepted.pk]), {"post": "yes"})
    bulk = client.post(reverse("admin:assessments_assessment_changelist"), {
        "action": "delete_selected", "_selected_action": [accepted.pk], "post": "yes"})

    assert single.status_code == 403
    assert bulk.status_code == 200 and "kept as a record" in bulk.text
    assert Assessment.objects.filter(pk=accepted.pk).exists()
    assert accepted.answers.count() == 112 and accepted.transitions.count() == 3


def test_a_draft_can_be_deleted_with_its_answers(client, admin_user, draft):
    client.force_login(admin_user)

    response = client.post(reverse("admin:assessments_assessment_delete", args=[draft.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Assessment.objects.exists() and not Answer.objects.exists()


def test_a_person_who_has_written_anything_is_deactivated_not_deleted(client, admin_user, draft, board_member):
    client.force_login(admin_user)

    page = client.get(reverse("admin:auth_user_change", args=[board_member.pk]))
    single = client.post(reverse("admin:auth_user_delete", args=[board_member.pk]), {"post": "yes"})
    bulk = client.post(reverse("admin:auth_user_changelist"), {
        "action": "delete_selected", "_selected_action": [board_member.pk], "post": "yes"})

    assert "untick “Active”" in page.text
    assert single.status_code == 403
    assert bulk.status_code == 200 and "Deactivate them instead" in bulk.text
    assert type(board_member).objects.filter(pk=board_member.pk).exists()


def test_a_person_who_has_written_nothing_can_be_deleted(client, admin_user, pct):
    newcomer = make_person("newcomer", pct, "board_member")
    client.force_login(admin_user)

    response = client.post(reverse("admin:auth_user_delete", args=[newcomer.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not type(newcomer).objects.filter(pk=newcomer.pk).exists()


# 5. Smaller ones ---------------------------------------------------------------------


def test_signed_in_pages_are_not_stored_by_any_cache(client, board_member, draft):
    client.force_login(board_member)

    for url in [reverse("assessments:list"), reverse("assessments:tasks", args=[draft.pk]),
                reverse("assessments:competency", args=[draft.pk, 1]),
                reverse("assessments:changes", args=[draft.pk, 1])]:
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control


@pytest.mark.parametrize("typed", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_an_implausible_due_date_is_an_error_at_the_field(client, board_member, draft, typed):
    client.force_login(board_member)
    year, month, day = typed.split("-")

    response = client.post(reverse("assessments:save_answer", args=[draft.pk, 2]), {
        "q2-value": "no", "q2-action": "A plan", "q2-owner": "Someone", "q2-due_date_day": day,
        "q2-due_date_month": month, "q2-due_date_year": year, "q2-action_status": "open", "q2-version": "0"})

    assert response.status_code == 400
    assert response.json()["errors"]["due_date"][0].startswith("Enter a due date in 2")
    assert Answer.objects.get(assessment=draft, question__number=2).version == 0


def test_the_database_refuses_an_implausible_due_date(draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(assessment=draft, question__number=2).update(due_date=datetime.date(1, 1, 1))


def test_head_on_the_health_check_answers_like_get(client):
    response = client.head(reverse("health"))

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
@pytest.mark.parametrize("url_name", ["login", "password_change", "home"])
def test_methods_no_page_takes_are_a_405(client, board_member, method, url_name):
    client.force_login(board_member)

    response = getattr(client, method)(reverse(url_name))

    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_a_request_body_over_the_limit_is_refused_unread(client, board_member, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(board_member)
    big = SimpleUploadedFile("big.bin", b"x" * (20 * 1024 * 1024))

    response = client.post(reverse("assessments:add_evidence", args=[draft.pk]),
                           {"evidence_item": 101, "title": "Minutes", "attachment": big})

    assert response.status_code == 413
    assert not EvidenceReference.objects.exists()
