"""Hostile input: a clear error or a 4xx, never a 500, nothing half-saved,
text shown literally."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment, EvidenceReference

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "script": "<script>alert('x')</script><b>bold</b>",
    "huge": "x" * 100_000,
    "nul": "before\x00after",
    "control": "bell\x07 escape\x1b[31m",
    "rtl": "\u202egnp.exe",
}


@pytest.mark.parametrize("field", ["action", "owner"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_answer_text_fields(client, board_member, draft, field, payload):
    client.force_login(board_member)
    data = {"q2-value": "no", "q2-action": "A plan", "q2-owner": "Someone",
            "q2-action_status": "open", "q2-version": "0", f"q2-{field}": PAYLOADS[payload]}

    response = client.post(reverse("assessments:save_answer", args=[draft.pk, 2]), data)

    assert response.status_code in (200, 400)
    answer = Answer.objects.get(assessment=draft, question__number=2)
    if response.status_code == 400:
        assert answer.version == 0 and answer.value == ""
        assert response.json()["errors"][field]  # the message for the field
    else:
        stored = getattr(answer, field)
        assert stored == PAYLOADS[payload]
        page = client.get(reverse("assessments:competency", args=[draft.pk, 5])).text
        assert "<script>alert" not in page
        if payload == "script":
            assert "&lt;script&gt;alert(&#x27;x&#x27;)" in page
    if payload in ("huge", "nul"):
        assert response.status_code == 400


@pytest.mark.parametrize("value", ["maybe", "YES", "", "yes\x00"])
def test_wrong_choice_values(client, board_member, draft, value):
    client.force_login(board_member)

    response = client.post(reverse("assessments:save_answer", args=[draft.pk, 3]), {
        "q3-value": value, "q3-action_status": "sometime", "q3-version": "0"})

    assert response.status_code == 400
    assert Answer.objects.get(assessment=draft, question__number=3).version == 0


@pytest.mark.parametrize("version", ["-1", "abc", "99999999999999999999"])
def test_bad_versions(client, board_member, draft, version):
    client.force_login(board_member)

    response = client.post(reverse("assessments:save_answer", args=[draft.pk, 3]), {
        "q3-value": "yes", "q3-action_status": "open", "q3-version": version})

    assert response.status_code in (400, 409)
    assert Answer.objects.get(assessment=draft, question__number=3).value == ""


@pytest.mark.parametrize("path", [
    "/assessments/-1/", "/assessments/0/", "/assessments/99999999999999999999/",
    "/assessments/1/answers/999/", "/assessments/1/answers/-5/", "/framework/99999999999/",
    "/reports/assessments/2147483648/pdf/", "/compare/questions/0/", "/compare/questions/113/",
])
def test_absurd_ids_are_404(client, board_member, draft, path):
    client.force_login(board_member)

    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_evidence_fields(client, board_member, draft, payload):
    client.force_login(board_member)

    response = client.post(reverse("assessments:add_evidence", args=[draft.pk]), {
        "evidence_item": 101, "title": PAYLOADS[payload][:300], "reference": PAYLOADS[payload],
        "note": PAYLOADS[payload]})

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert EvidenceReference.objects.get().note == PAYLOADS[payload]
        assert "<script>alert" not in client.get(reverse("assessments:evidence", args=[draft.pk])).text
    else:
        assert not EvidenceReference.objects.exists()


@pytest.mark.parametrize("item", ["", "abc", "-1", "99999999999", "0"])
def test_evidence_for_an_item_that_does_not_exist(client, board_member, draft, item):
    client.force_login(board_member)

    response = client.post(reverse("assessments:add_evidence", args=[draft.pk]),
                           {"evidence_item": item, "title": "Minutes"})

    assert response.status_code == 400
    assert not EvidenceReference.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_review_and_return_comments(client, reviewer, submitted, payload):
    client.force_login(reviewer)

    levels = reverse("assessments:record_reviews", args=[submitted.pk])
    one = client.post(levels, {"c1-level": "2", "c1-reason": PAYLOADS[payload], "only": "1"})
    review = client.post(levels, {"c2-level": "2", "c2-reason": PAYLOADS[payload]})
    returned = client.post(reverse("assessments:return", args=[submitted.pk]),
                           {"return-comment": PAYLOADS[payload]})

    assert one.status_code in (200, 400)
    assert review.status_code in (302, 400) and returned.status_code in (302, 400)
    if payload in ("huge", "nul"):
        assert one.status_code == review.status_code == returned.status_code == 400
        assert Assessment.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.parametrize("focus", list(PAYLOADS.values()))
def test_start_focus(client, board_member, cycle, focus):
    client.force_login(board_member)

    response = client.post(reverse("assessments:start"),
                           {"cycle": cycle.pk, "focus": focus, "start_from": "empty"})

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not Assessment.objects.exists()


@pytest.mark.parametrize("params", [{"cycle": "abc"}, {"cycle": "99999"}, {"sort": "<x>"},
                                    {"sort": "c99", "dir": "sideways"}, {"sha": "'; DROP TABLE"}])
def test_comparison_parameters(client, reviewer, params):
    client.force_login(reviewer)

    assert client.get(reverse("compare:matrix"), params).status_code in (200, 404)
