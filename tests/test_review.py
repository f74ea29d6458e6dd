"""Reviewing: the SHA's levels beside the answers' levels, returning, accepting."""

import re

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Assessment, CompetencyReview
from assessments.scorecards import load_bands
from assessments.scoring import level_for
from competencies.models import Competency, Question

pytestmark = pytest.mark.django_db


def review_url(assessment, name="review", *args):
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def test_the_review_page_shows_each_competencys_level_from_the_answers(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.get(review_url(submitted))

    assert response.status_code == 200
    html = response.text
    bands = load_bands()
    for competency in Competency.objects.all():
        numbers = Question.objects.filter(competency=competency).values_list("number", flat=True)
        yes = sum(1 for n in numbers if n % 3)  # fill() answers every third "No"
        percent = 100 * yes / len(numbers)
        band = level_for(percent, bands)
        assert f"({yes} Yes of {len(numbers)} answered)" in html
        assert f"level {band.level}</strong>: {band.name}" in html
        assert f"Your level for {competency.short_title}" in html
    assert html.count('<fieldset class="nhsuk-fieldset"') == 11
    assert html.count('type="radio"') == 44
    assert "Return to North Tyneside PCT" in html and "Accept the assessment" in html


def test_a_reviewer_records_a_level_and_a_reason(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "record_review", 3),
                           {"c3-level": "2", "c3-reason": "Little evidence of engagement"})

    assert response.status_code == 302
    assert response["Location"].endswith("#competency-3")
    review = CompetencyReview.objects.get()
    assert (review.competency.number, review.level, review.reason, review.reviewer) == (
        3, 2, "Little evidence of engagement", reviewer)
    page = client.get(review_url(submitted)).text
    assert "Recorded level: <strong>Level 2</strong>" in page
    assert re.search(r'name="c3-level" type="radio" value="2"[^>]* checked', page)


@pytest.mark.parametrize("data, messages", [
    ({"c1-level": "7", "c1-reason": "x"}, ["Select a valid choice: a level from 1 to 4."]),
    ({"c1-level": "", "c1-reason": ""}, ["Choose a level from 1 to 4.", "Say why you give this level."]),
    ({"c1-level": "2", "c1-reason": "x" * 2001}, ["at most 2000 characters"]),
])
def test_a_review_needs_a_level_and_a_reason(client, reviewer, submitted, data, messages):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "record_review", 1), data)

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#id_c1-level_0"' in response.text or 'href="#id_c1-reason"' in response.text
    for message in messages:
        assert message in response.text
    assert not CompetencyReview.objects.exists()


def test_returning_needs_a_comment(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "return"), {"return-comment": "  "})

    assert response.status_code == 400
    assert "Say what the PCT needs to change." in response.text
    assert 'href="#id_return-comment"' in response.text
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_pct_sees_the_reviewers_levels_only_once_returned(client, board_member, reviewer,
                                                              submitted):
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=3),
                           user=reviewer, level=2, reason="Little evidence <script>x</script>")
    client.force_login(board_member)
    detail = review_url(submitted, "detail")
    activity = review_url(submitted, "activity")

    assert "Little evidence" not in client.get(detail).text
    assert "Little evidence" not in client.get(activity).text
    client.force_login(reviewer)
    assert "Little evidence &lt;script&gt;x&lt;/script&gt;" in client.get(detail).text
    assert "Little evidence" in client.get(activity).text

    response = client.post(review_url(submitted, "return"),
                           {"return-comment": "Show evidence for competency 3."})

    assert response.status_code == 302
    client.force_login(board_member)
    page = client.get(detail).text
    assert 'nhsuk-card--warning' in page and "Returned by the SHA" in page
    assert "Show evidence for competency 3." in page
    assert "Level 2" in page and "Little evidence &lt;script&gt;x&lt;/script&gt;" in page
    assert "Little evidence" in client.get(activity).text


def test_return_resubmit_accept_and_the_timeline(client, board_member, reviewer, submitted):
    client.force_login(reviewer)
    assert client.post(review_url(submitted, "return"),
                       {"return-comment": "Question 30 needs another look."}).status_code == 302
    client.force_login(board_member)
    answer = submitted.answers.get(question__number=30)
    response = client.post(reverse("assessments:save_answer", args=[submitted.pk, 30]), {
        "q30-value": "no", "q30-action": "Review the plan", "q30-owner": "Chair",
        "q30-due_date_day": "31", "q30-due_date_month": "3", "q30-due_date_year": "2009",
        "q30-action_status": "open", "q30-version": answer.version,
    })
    assert response.status_code == 200
    assert client.post(review_url(submitted, "submit")).status_code == 302
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "accept"), {"accept-comment": "Thank you."})

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "accepted" and submitted.accepted_at
    assert list(submitted.transitions.values_list("from_status", "to_status")) == [
        ("draft", "draft"), ("draft", "submitted"), ("submitted", "returned"),
        ("returned", "submitted"), ("submitted", "accepted")]
    timeline = client.get(review_url(submitted, "detail")).text
    timeline = timeline[timeline.index("<h2>Timeline</h2>"):]
    for step in ["Started as draft", "Draft → Submitted", "Submitted → Returned",
                 "Returned → Submitted", "Submitted → Accepted"]:
        assert step in timeline
    assert timeline.count("by Alice") == 3 and timeline.count("by Rita") == 2
    assert "Question 30 needs another look." in timeline and "Thank you." in timeline


def test_nothing_more_is_decided_once_accepted(client, reviewer, submitted):
    client.force_login(reviewer)
    assert client.post(review_url(submitted, "accept"), {"accept-comment": ""}).status_code == 302

    again = client.post(review_url(submitted, "accept"), {"accept-comment": ""})
    returned = client.post(review_url(submitted, "return"), {"return-comment": "Too late"})
    level = client.post(review_url(submitted, "record_review", 1),
                        {"c1-level": "1", "c1-reason": "Too late"})

    assert again.status_code == returned.status_code == level.status_code == 409
    assert "Only a submitted assessment can be accepted." in again.text
    assert "Levels can be recorded only while the assessment is submitted." in level.text
    assert Assessment.objects.get(pk=submitted.pk).status == "accepted"
    assert not CompetencyReview.objects.exists()
    page = client.get(review_url(submitted)).text
    assert "Accept the assessment" not in page and "levels and decisions can be recorded only" in page


def test_only_the_shas_reviewers_review(client, board_member, other_board_member, reviewer,
                                        other_reviewer, admin_user, submitted):
    cases = [(board_member, 403), (admin_user, 403), (other_board_member, 404),
             (other_reviewer, 404)]
    for person, status in cases:
        client.force_login(person)
        assert client.get(review_url(submitted)).status_code == status
        assert client.post(review_url(submitted, "record_review", 1),
                           {"c1-level": "1", "c1-reason": "x"}).status_code == status
        assert client.post(review_url(submitted, "return"),
                           {"return-comment": "x"}).status_code == status
        assert client.post(review_url(submitted, "accept"), {}).status_code == status
    assert Assessment.objects.get(pk=submitted.pk).status == "submitted"
    assert not CompetencyReview.objects.exists()


def test_a_reviewer_cannot_review_a_draft(client, reviewer, draft):
    client.force_login(reviewer)

    assert client.get(review_url(draft)).status_code == 404
    assert client.post(review_url(draft, "accept"), {}).status_code == 404


def test_a_competency_that_does_not_exist_is_404(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "record_review", 12),
                           {"c12-level": "1", "c12-reason": "x"})

    assert response.status_code == 404


def test_review_page_query_count(client, reviewer, submitted, django_assert_num_queries):
    client.force_login(reviewer)
    # session, user, membership, assessment, bands, competencies with their
    # themes, reviews with their reviewers (a submitted assessment keeps its
    # scores: no answers)
    with django_assert_num_queries(7):
        client.get(review_url(submitted))
