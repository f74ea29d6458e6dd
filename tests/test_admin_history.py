import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from competencies.models import Competency, Question

pytestmark = pytest.mark.django_db


def test_editing_a_question_in_the_admin_records_who_and_what(client, admin_user):
    client.force_login(admin_user)
    question = Question.objects.get(number=1)
    before = question.text

    response = client.post(
        reverse("admin:competencies_question_change", args=[question.pk]),
        {"competency": question.competency_id, "number": 1, "text": "Reworded?",
         "process": question.process_id or ""},
    )

    assert response.status_code == 302, response.content
    latest, previous = question.history.all()[:2]
    assert latest.text == "Reworded?"
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    assert previous.text == before
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("text", before, "Reworded?")]


def test_history_is_visible_from_the_admin(client, admin_user):
    client.force_login(admin_user)
    competency = Competency.objects.get(number=3)

    response = client.get(reverse("admin:competencies_competency_history", args=[competency.pk]))

    assert response.status_code == 200
    assert "Engage with public and patients" in response.text


def test_the_competency_admin_page_has_inlines_for_every_list(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:competencies_competency_change", args=[7]))

    assert response.status_code == 200
    for prefix in ["skills", "processes", "evidence_items", "questions"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in response.text
    assert 'name="skills-TOTAL_FORMS" value="7"' in response.text


def test_admin_search_finds_questions(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:competencies_question_changelist"), {"q": "benchmarking"})

    assert response.status_code == 200
    assert "benchmarking" in response.text


def test_admins_manage_people_with_their_organisation_and_role(client, admin_user, sha, pct):
    client.force_login(admin_user)
    user = get_user_model().objects.create(username="newbie")
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = {
        "username": "newbie", "date_joined_0": "2008-04-01", "date_joined_1": "09:00:00",
        "membership-TOTAL_FORMS": "1", "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0", "membership-MAX_NUM_FORMS": "1",
        "membership-0-organisation": sha.pk, "membership-0-role": "board_member",
    }

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "Board members belong to a PCT and reviewers to an SHA." in refused.text
    data["membership-0-organisation"] = pct.pk
    assert client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert user.membership.organisation == pct


def test_the_band_admin_says_the_bands_are_local_defaults(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:assessments_levelband_changelist"))

    assert "local defaults, not Department of Health thresholds" in response.text
    assert response.text.count("World class") >= 1
