"""The board paper's form beside the download button: who may change it,
what is kept, and what a mistake looks like."""

import datetime

import pytest
from django.urls import reverse

from reports.models import BoardPaper
from tests.conftest import download_pdf
from tests.test_pdf import read

pytestmark = pytest.mark.django_db

VALID = {
    "meeting": "Public board meeting", "meeting_date_day": "25", "meeting_date_month": "3",
    "meeting_date_year": "2009", "reference": "BD/09/41", "lead_director": "Director of Commissioning",
    "recommendation": "The board is asked to approve the action plan.",
    "question_record": "on", "evidence": "on",  # challenges off, framework text off
}


def save_url(assessment) -> str:
    return reverse("reports:board_paper", args=[assessment.pk])


def page_url(assessment) -> str:
    return reverse("reports:assessment", args=[assessment.pk])


def test_a_board_member_saves_the_paper_and_is_sent_to_the_download(client, board_member, submitted):
    client.force_login(board_member)

    response = client.post(save_url(submitted), VALID)

    assert response.status_code == 302 and response["Location"] == reverse("reports:pdf", args=[submitted.pk])
    paper = BoardPaper.objects.get(assessment=submitted)
    assert (paper.meeting, paper.meeting_date, paper.reference, paper.lead_director) == (
        "Public board meeting", datetime.date(2009, 3, 25), "BD/09/41", "Director of Commissioning")
    assert (paper.question_record, paper.challenges, paper.evidence, paper.framework_text) == (
        True, False, True, False)
    _, text = read(download_pdf(client, submitted).content)
    assert "Board paper BD/09/41: Public board meeting, 25 March 2009" in text
    assert "Lead director Director of Commissioning" in text
    assert "The board is asked to approve the action plan." in text


def test_the_form_shows_what_was_saved_and_saving_again_keeps_one_paper(client, board_member, submitted):
    client.force_login(board_member)
    client.post(save_url(submitted), VALID)

    client.post(save_url(submitted), {**VALID, "meeting": "Extraordinary board"})
    page = client.get(page_url(submitted)).content.decode()

    assert BoardPaper.objects.get().meeting == "Extraordinary board"
    assert 'value="Extraordinary board"' in page and 'value="BD/09/41"' in page
    assert 'id="board-paper"' in page and 'name="csrfmiddlewaretoken"' in page


def test_a_new_paper_offers_the_default_annexes(client, board_member, submitted):
    client.force_login(board_member)

    page = client.get(page_url(submitted)).content.decode()

    for name, checked in [("question_record", True), ("challenges", True), ("evidence", True),
                          ("framework_text", False)]:
        box = page[page.index(f'name="{name}"') - 200: page.index(f'name="{name}"') + 200]
        assert ("checked" in box) is checked, name


@pytest.mark.parametrize("change, field, message", [
    ({"meeting_date_day": "31", "meeting_date_month": "2"}, "meeting_date", "Meeting date must be a real date"),
    ({"meeting_date_year": ""}, "meeting_date", "Meeting date must include a year"),
    ({"reference": "x" * 41}, "reference", "The paper reference must be 40 characters or fewer."),
    ({"recommendation": "x" * 501}, "recommendation", "The recommendation must be 500 characters or fewer."),
])
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(client, board_member, submitted, change, field,
                                                                message):
    client.force_login(board_member)

    response = client.post(save_url(submitted), {**VALID, **change})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert f'href="#id_{field}' in page  # the summary links to the field
    assert "<details" in page and " open" in page[page.index("<details"):page.index("<summary")]
    assert not BoardPaper.objects.exists()


def test_the_reviewer_reads_the_paper_but_may_not_change_it(client, board_member, reviewer, submitted):
    client.force_login(board_member)
    client.post(save_url(submitted), VALID)
    client.force_login(reviewer)

    page = client.get(page_url(submitted)).content.decode()
    refused = client.post(save_url(submitted), {**VALID, "meeting": "Changed"})

    assert 'id="board-paper-summary"' in page and "Public board meeting" in page
    assert 'id="board-paper"' not in page
    assert refused.status_code == 403
    assert BoardPaper.objects.get().meeting == "Public board meeting"


def test_an_admin_may_change_the_paper(client, admin_user, submitted):
    client.force_login(admin_user)

    assert client.post(save_url(submitted), VALID).status_code == 302
    assert BoardPaper.objects.filter(assessment=submitted).exists()


@pytest.mark.parametrize("persona", ["other_board_member", "other_reviewer"])
def test_outsiders_get_a_404(client, request, submitted, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.post(save_url(submitted), VALID).status_code == 404
    assert not BoardPaper.objects.exists()


def test_saving_needs_the_csrf_token(board_member, submitted):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(board_member)

    assert client.post(save_url(submitted), VALID).status_code == 403
    assert not BoardPaper.objects.exists()
