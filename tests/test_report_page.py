"""The assessment report page: scores, levels, chart, changes, action plan, evidence."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Answer, Cycle
from competencies.models import Competency, EvidenceItem
from tests.conftest import fill
from tests.factories import accept

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def url(assessment) -> str:
    return reverse("reports:assessment", args=[assessment.pk])


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def review_everything(assessment, reviewer, *, reason="Evidence seen at the board.") -> None:
    for competency in Competency.objects.all():
        workflow.record_review(assessment=assessment, competency=competency, user=reviewer,
                               level=3, reason=reason)


@pytest.fixture
def later(pct, board_member, submitted, reviewer):
    """The 2009/10 assessment, started after 2008/09 was accepted."""
    accept(submitted, reviewer)
    return workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                     user=board_member, from_previous=True)


def test_the_report_shows_scores_levels_chart_and_tables(client, board_member, submitted):
    client.force_login(board_member)

    response = client.get(url(submitted))

    assert response.status_code == 200
    html = response.text
    text = text_of(html)
    assert "North Tyneside PCT: assessment report" in text
    assert "112 of 112 questions answered" in text
    assert re.search(r"\d+% Level [1-4]: \w+", text)
    svg = re.search(r'<svg[^>]*aria-label="Score for each competency.*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and "aria-label=" in svg and "<title>" in svg
    assert svg.count("<rect") >= 11
    for competency in Competency.objects.all():
        assert f"{competency.number}. {competency.short_title}" in text
    assert "Scores by theme" in text and "16 of 16" in text
    assert "Local defaults" in text or "local defaults" in text
    assert reverse("reports:pdf", args=[submitted.pk]) in html


def test_a_draft_is_shown_with_how_much_is_answered(client, board_member, draft):
    Answer.objects.filter(assessment=draft, question__number__lte=54).update(value="yes")
    client.force_login(board_member)

    text = text_of(client.get(url(draft)).text)

    assert "Not complete" in text
    assert "54 of 112 questions answered" in text
    assert "over the answered questions only" in text


def test_a_blank_draft_has_no_scores_yet(client, board_member, draft):
    client.force_login(board_member)

    response = client.get(url(draft))

    assert response.status_code == 200
    text = text_of(response.text)
    assert "No answers yet" in text and "0 of 112 questions answered" in text
    assert "No actions recorded." in text


def test_the_action_plan_lists_every_action_and_marks_overdue_ones(client, board_member, draft):
    fill(draft)
    draft.answers.exclude(action="").update(due_date=datetime.date.today() + datetime.timedelta(30))
    late = draft.answers.get(question__number=3)
    late.due_date = datetime.date(2000, 1, 1)
    late.save()
    done = draft.answers.get(question__number=6)
    done.due_date, done.action_status = datetime.date(2000, 1, 1), Answer.ActionStatus.DONE
    done.save()
    client.force_login(board_member)

    html = client.get(url(draft)).text

    plan = html[html.index("<h2>Action plan</h2>"):html.index("<h2>Evidence references</h2>")]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">.*?</tr>", plan, re.S)
    assert len(rows) - 1 == draft.answers.exclude(action="").count() == 37
    row_3 = next(r for r in rows if re.search(r"</span>3\. ", r))
    assert late.question.text[:40] in text_of(row_3)
    assert "Director of Commissioning" in row_3 and "1 Jan 2000" in row_3 and "Overdue" in row_3
    row_6 = next(r for r in rows if re.search(r"</span>6\. ", r))
    assert "Done" in row_6 and "Overdue" not in row_6
    assert "1 overdue" in text_of(plan)


def test_the_pct_sees_reviewers_levels_only_once_returned_or_accepted(
    client, board_member, reviewer, submitted
):
    review_everything(submitted, reviewer, reason="Strong partnership evidence.")
    client.force_login(board_member)

    while_reviewed = client.get(url(submitted)).text
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Add evidence for 4.")
    once_returned = client.get(url(submitted)).text

    assert "Strong partnership evidence." not in while_reviewed
    assert "Reviewer's level" not in while_reviewed
    assert "once the SHA returns or accepts" in while_reviewed
    assert "Strong partnership evidence." in once_returned
    assert "Level 3: Established" in text_of(once_returned)


def test_reviewers_always_see_their_levels(client, reviewer, submitted):
    review_everything(submitted, reviewer, reason="Strong partnership evidence.")
    client.force_login(reviewer)

    html = client.get(url(submitted)).text

    assert "Reviewer's level and reason" in html
    assert html.count("Strong partnership evidence.") == 11


def test_no_previous_assessment_is_said_once(client, board_member, submitted):
    client.force_login(board_member)

    text = text_of(client.get(url(submitted)).text)

    assert "No previous assessment to compare with." in text
    assert "Change since" not in text


def test_the_change_since_the_previous_assessment_is_in_words(client, board_member, later):
    later.answers.update(value="yes")
    client.force_login(board_member)

    text = text_of(client.get(url(later)).text)

    assert "Change since 2008/09" in text
    # Overall, and every competency: each had a "No" in 2008/09.
    assert text.count("↑ up") == 12 and "points" in text


def test_a_fall_is_shown_as_down(client, board_member, later):
    later.answers.update(value="no")
    client.force_login(board_member)

    text = text_of(client.get(url(later)).text)

    assert "↓ down" in text and "↑ up" not in text


def test_a_reviewer_sees_no_change_from_a_draft_the_pct_never_submitted(
    client, pct, board_member, reviewer, draft
):
    draft.answers.update(value="no")
    later = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=board_member)
    fill(later)
    assert workflow.submit(assessment=later, user=board_member) == []
    client.force_login(reviewer)

    reviewer_text = text_of(client.get(url(later)).text)
    client.force_login(board_member)
    pct_text = text_of(client.get(url(later)).text)

    assert "No previous assessment to compare with." in reviewer_text
    assert "Change since 2008/09" in pct_text


def test_evidence_references_are_listed(client, board_member, draft):
    item = EvidenceItem.objects.filter(competency__number=2).first()
    workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=item.pk,
                          title="Joint commissioning board minutes", reference="Item 7, May 2008",
                          note="Approved by both boards.")
    client.force_login(board_member)

    text = text_of(client.get(url(draft)).text)

    assert "Joint commissioning board minutes – Item 7, May 2008" in text
    assert "(competency 2:" in text and "Approved by both boards." in text


def test_html_in_actions_owners_reasons_and_notes_appears_as_text(
    client, board_member, reviewer, draft
):
    fill(draft, action=f"Agree a plan {SCRIPT}")
    draft.answers.exclude(action="").update(owner=f"Owner {SCRIPT}")
    item = EvidenceItem.objects.first()
    workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=item.pk,
                          title=f"Title {SCRIPT}", reference=SCRIPT, note=f"Note {SCRIPT}")
    assert workflow.submit(assessment=draft, user=board_member) == []
    review_everything(draft, reviewer, reason=f"Reason {SCRIPT}")
    client.force_login(reviewer)

    html = client.get(url(draft)).text

    assert SCRIPT not in html
    for text in ["Agree a plan", "Owner", "Reason", "Title", "Note"]:
        assert f"{text} {ESCAPED}" in html


@pytest.mark.parametrize("persona", ["other_board_member", "other_reviewer"])
def test_outsiders_get_a_404(client, request, submitted, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(submitted)).status_code == 404


def test_a_reviewer_cannot_see_a_draft_report(client, reviewer, draft):
    client.force_login(reviewer)

    assert client.get(url(draft)).status_code == 404


def test_an_unknown_assessment_is_a_404(client, board_member):
    client.force_login(board_member)

    assert client.get(reverse("reports:assessment", args=[999999])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, submitted):
    response = client.get(url(submitted))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_report_page_is_read_only(client, board_member, submitted):
    client.force_login(board_member)

    assert client.post(url(submitted)).status_code == 405


def test_admins_see_any_report(client, admin_user, draft):
    client.force_login(admin_user)

    assert client.get(url(draft)).status_code == 200


# Queries. Each page load, whatever the number of answers and actions:
# 1 session, 2 user, 3 membership (with organisation), 4 assessment (with PCT,
# SHA, cycle), 5 level bands, 6 competencies with their themes, then per
# case: the answers' values (only for a draft or a returned assessment: a
# submitted one keeps its scores), the reviews (only for those who see
# them), the previous assessment (same focus, then any: one or two queries)
# and its answers' values (likewise); then the peers' kept scorecards, the
# answers with actions, the evidence references; last, the board paper.


def test_report_page_queries_for_a_draft_are_constant(
    client, board_member, draft, django_assert_num_queries
):
    client.force_login(board_member)
    # 1–6; the answers' values; no reviews for the PCT during a draft;
    # previous: same focus, then any (none found); peers; actions; evidence;
    # the board paper; the submission and review deadlines
    with django_assert_num_queries(15):
        client.get(url(draft))
    fill(draft)
    with django_assert_num_queries(15):
        client.get(url(draft))


def test_report_page_queries_with_reviews_and_a_previous_assessment_are_constant(
    client, board_member, reviewer, later, django_assert_num_queries
):
    client.force_login(reviewer)
    url_later = url(later)
    fill(later)
    assert workflow.submit(assessment=later, user=board_member) == []
    # 1–6; reviews; previous assessment (found with the same focus); peers;
    # actions; evidence; the previous assessment's cycle (previous_assessment()
    # does not select it); the challenges (the reviewer sees them). Both
    # assessments are submitted: no answers' values. The board paper; the
    # submission and review deadlines and the first submission.
    with django_assert_num_queries(17):
        client.get(url_later)
    review_everything(later, reviewer)
    later.answers.update(action="More", owner="Someone")
    with django_assert_num_queries(17):
        client.get(url_later)
