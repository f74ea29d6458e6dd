import datetime

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Answer, Assessment, CompetencyReview, Cycle, Transition
from competencies.models import Question
from tests.conftest import fill

pytestmark = pytest.mark.django_db


def test_submit_with_gaps_lists_each_and_changes_nothing(client, board_member, draft):
    fill(draft)
    draft.answers.filter(question__number=5).update(value="")
    draft.answers.filter(question__number=6).update(owner="", due_date=None)
    client.force_login(board_member)

    response = client.post(reverse("assessments:submit", args=[draft.pk]))

    assert response.status_code == 400
    assert f'href="{reverse("assessments:answer", args=[draft.pk])}#q5">Question 5: Answer Yes or No.' \
        in response.text
    assert "Question 6: A “No” needs an owner and a due date." in response.text
    assert response.text.count("#q") >= 2
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert not draft.transitions.filter(to_status="submitted").exists()


def test_submit_when_complete_freezes_the_wording(client, board_member, draft):
    fill(draft)
    client.force_login(board_member)

    response = client.post(reverse("assessments:submit", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at
    question = Question.objects.get(number=10)
    original = question.text
    question.text = "A reworded question?"
    question.save()
    answer = draft.answers.get(question=question)
    assert answer.question_text == original and answer.wording == original
    page = client.get(reverse("assessments:answer", args=[draft.pk])).text
    assert "A reworded question?" not in page
    assert original.replace("'", "&#x27;") in page


def test_return_resubmit_accept_with_reviews(client, board_member, reviewer, submitted):
    client.force_login(reviewer)
    assert client.post(reverse("assessments:record_review", args=[submitted.pk, 3]), {
        "c3-level": "2", "c3-reason": "Little evidence of engagement <script>x</script>",
    }).status_code == 302
    response = client.post(reverse("assessments:return", args=[submitted.pk]),
                           {"return-comment": "Show evidence for competency 3."})
    assert response.status_code == 302

    client.force_login(board_member)
    page = client.get(reverse("assessments:detail", args=[submitted.pk])).text
    assert "Show evidence for competency 3." in page
    assert "Little evidence of engagement &lt;script&gt;" in page
    answer = submitted.answers.get(question__number=30)
    response = client.post(reverse("assessments:save_answer", args=[submitted.pk, 30]), {
        "q30-value": "yes", "q30-action": "", "q30-owner": "", "q30-due_date": "",
        "q30-action_status": "open", "q30-version": answer.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert client.post(reverse("assessments:submit", args=[submitted.pk])).status_code == 302

    client.force_login(reviewer)
    assert client.post(reverse("assessments:accept", args=[submitted.pk]),
                       {"accept-comment": ""}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "accepted" and submitted.accepted_at
    steps = list(submitted.transitions.values_list("from_status", "to_status"))
    assert steps == [("draft", "draft"), ("draft", "submitted"), ("submitted", "returned"),
                     ("returned", "submitted"), ("submitted", "accepted")]
    timeline = client.get(reverse("assessments:detail", args=[submitted.pk])).text
    assert timeline.count("<li>\n    <strong>") == 5


def test_the_pct_does_not_see_reviews_while_submitted(client, board_member, reviewer, submitted):
    workflow.record_review(assessment=submitted, competency=submitted.answers.first().question.competency,
                           user=reviewer, level=3, reason="Secret for now")
    client.force_login(board_member)

    assert "Secret for now" not in client.get(reverse("assessments:detail", args=[submitted.pk])).text
    client.force_login(reviewer)
    assert "Secret for now" in client.get(reverse("assessments:detail", args=[submitted.pk])).text


def test_a_review_needs_a_level_and_a_reason(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(reverse("assessments:record_review", args=[submitted.pk, 1]),
                           {"c1-level": "7", "c1-reason": ""})

    assert response.status_code == 400
    assert "Select a valid choice: a level from 1 to 4." in response.text
    assert "Say why you give this level." in response.text
    assert not CompetencyReview.objects.exists()


def test_returning_needs_a_comment(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(reverse("assessments:return", args=[submitted.pk]), {"return-comment": ""})

    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_start_from_previous_carries_answers_and_open_actions(board_member, pct, cycle):
    old = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member)
    fill(old)
    old.answers.filter(question__number=3).update(action_status="done")
    later = Cycle.objects.create(start_year=2009)

    new = workflow.start_assessment(pct=pct, cycle=later, user=board_member, from_previous=True)

    assert new.previous == old
    carried = {a.question.number: a for a in new.answers.select_related("question")}
    assert all(a.carried_over and a.value for a in carried.values())
    assert carried[6].action == "Agree a joint plan with the council"
    assert carried[6].due_date == datetime.date(2009, 3, 31)
    assert carried[3].value == "no" and carried[3].action == ""  # done: not carried
    assert new.transitions.get().comment == "Started from the 2008/09 assessment."


def test_one_assessment_per_pct_cycle_and_focus_is_a_database_rule(board_member, pct, cycle, draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(pct=pct, cycle=cycle, focus="")
    obesity = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member, focus="Obesity strategy")
    assert obesity.answers.count() == 112


def test_evidence_can_be_added_and_removed_while_editable(client, board_member, draft):
    client.force_login(board_member)

    response = client.post(reverse("assessments:add_evidence", args=[draft.pk]), {
        "evidence_item": 101, "title": "Communications policy 2008", "reference": "Board paper 12",
        "note": "Approved in May"})

    assert response.status_code == 302
    reference = draft.evidence_references.get()
    page = client.get(reverse("assessments:evidence", args=[draft.pk])).text
    assert "Communications policy 2008" in page
    assert client.post(reverse("assessments:delete_evidence", args=[draft.pk, reference.pk])).status_code == 302
    assert not draft.evidence_references.exists()


def test_evidence_without_a_title_is_refused(client, board_member, draft):
    client.force_login(board_member)

    response = client.post(reverse("assessments:add_evidence", args=[draft.pk]),
                           {"evidence_item": 101, "title": "", "reference": "x"})

    assert response.status_code == 400
    assert "Give the evidence a title." in response.text
    assert not draft.evidence_references.exists()


def test_every_step_is_recorded(board_member, reviewer, submitted):
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Please add evidence")

    step = Transition.objects.filter(assessment=submitted).last()
    assert (step.by, step.from_status, step.to_status, step.comment) == (
        reviewer, "submitted", "returned", "Please add evidence")


def test_wrong_state_transitions_are_refused(board_member, reviewer, draft):
    with pytest.raises(workflow.WorkflowError):
        workflow.accept(assessment=draft, user=reviewer)
    with pytest.raises(workflow.WorkflowError):
        workflow.return_to_pct(assessment=draft, user=reviewer, comment="x")
    assert Answer.objects.filter(assessment=draft).count() == 112
