"""Challenges to answers: the reviewer raises and withdraws them while the
assessment is submitted, the PCT replies once it is returned, and
resubmitting with a challenge left without a reply asks first."""

import pytest
from django.urls import reverse

from assessments import challenges, workflow
from assessments.access import decide
from assessments.activity import activity_for
from assessments.models import Challenge
from tests.conftest import fill

pytestmark = pytest.mark.django_db

NOTE = "Evidence does not show this."


def raise_on(assessment, reviewer, number=3, note=NOTE):
    return challenges.raise_challenge(assessment=assessment, number=number, user=reviewer, note=note)


@pytest.fixture
def returned(submitted, reviewer):
    """Returned with question 3 challenged."""
    raise_on(submitted, reviewer)
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="See the challenges.")
    return submitted


# Services ------------------------------------------------------------------------------


def test_a_reviewer_raises_one_open_challenge_per_answer(submitted, reviewer):
    challenge = raise_on(submitted, reviewer, note="  Evidence does not show this.  ")

    assert (challenge.note, challenge.raised_by, challenge.answer.question.number) == (NOTE, reviewer, 3)
    with pytest.raises(workflow.WorkflowError, match="already challenged"):
        raise_on(submitted, reviewer)
    assert Challenge.history.filter(id=challenge.pk).count() == 1


@pytest.mark.parametrize("note", ["", "   "])
def test_a_challenge_needs_a_note(submitted, reviewer, note):
    with pytest.raises(workflow.WorkflowError, match="Say what is wrong"):
        raise_on(submitted, reviewer, note=note)
    assert not Challenge.objects.exists()


def test_only_the_shas_reviewers_challenge_and_only_while_submitted(
        draft, submitted, board_member, other_reviewer, reviewer, admin_user):
    for person in (board_member, admin_user):
        with pytest.raises(workflow.NotAllowed):
            raise_on(submitted, person)
    with pytest.raises(workflow.NotAllowed):
        raise_on(submitted, other_reviewer)
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Again.")
    with pytest.raises(workflow.WorkflowError, match="only while it is submitted") as refused:
        raise_on(submitted, reviewer)
    assert refused.value.status == 409


def test_a_question_the_assessment_lacks_is_not_found(submitted, reviewer):
    with pytest.raises(challenges.NoSuchChallenge) as refused:
        raise_on(submitted, reviewer, number=999)
    assert refused.value.status == 404


def test_its_reviewer_withdraws_a_challenge_while_submitted(submitted, reviewer, sha):
    from tests.conftest import make_person

    challenge = raise_on(submitted, reviewer)
    colleague = make_person("ravi", sha, "reviewer")
    with pytest.raises(workflow.NotAllowed):
        challenges.withdraw_challenge(assessment=submitted, challenge_id=challenge.pk, user=colleague)

    challenges.withdraw_challenge(assessment=submitted, challenge_id=challenge.pk, user=reviewer)

    assert not Challenge.objects.exists()
    assert [h.history_type for h in Challenge.history.filter(id=challenge.pk).order_by("history_date")] == ["+", "-"]


def test_the_board_replies_while_returned_and_may_change_its_reply(returned, board_member, reviewer):
    challenge = Challenge.objects.get()
    with pytest.raises(workflow.WorkflowError, match="Write your reply"):
        challenges.reply_to_challenge(assessment=returned, challenge_id=challenge.pk, user=board_member, reply=" ")
    with pytest.raises(workflow.NotAllowed):
        challenges.reply_to_challenge(assessment=returned, challenge_id=challenge.pk, user=reviewer, reply="No")

    challenges.reply_to_challenge(assessment=returned, challenge_id=challenge.pk, user=board_member,
                                  reply="The minutes of May show it.")
    challenges.reply_to_challenge(assessment=returned, challenge_id=challenge.pk, user=board_member,
                                  reply="The minutes of June show it.")

    challenge.refresh_from_db()
    assert (challenge.reply, challenge.replied_by) == ("The minutes of June show it.", board_member)
    assert challenge.history.count() == 3


def test_a_reply_waits_for_the_return(submitted, reviewer, board_member):
    challenge = raise_on(submitted, reviewer)
    with pytest.raises(workflow.WorkflowError, match="only while it is returned"):
        challenges.reply_to_challenge(assessment=submitted, challenge_id=challenge.pk, user=board_member,
                                      reply="Here")


def test_resubmitting_with_an_unanswered_challenge_asks_first(returned, board_member, reviewer):
    with pytest.raises(workflow.UnansweredChallenges) as asked:
        workflow.submit(assessment=returned, user=board_member)
    assert asked.value.count == 1
    returned.refresh_from_db()
    assert returned.status == "returned"

    assert workflow.submit(assessment=returned, user=board_member, confirm_unanswered=True) == []
    returned.refresh_from_db()
    assert returned.status == "submitted"
    # The thread stays with the answer, and a new challenge may follow the unanswered one later.
    assert Challenge.objects.count() == 1


def test_a_replied_challenge_does_not_hold_up_resubmission(returned, board_member, reviewer):
    challenges.reply_to_challenge(assessment=returned, challenge_id=Challenge.objects.get().pk,
                                  user=board_member, reply="Done")
    assert workflow.submit(assessment=returned, user=board_member) == []
    raise_on(returned, reviewer)  # the answer may be challenged again
    assert Challenge.objects.count() == 2


def test_the_activity_log_keeps_the_thread_for_those_who_see_it(submitted, reviewer, board_member):
    challenge = raise_on(submitted, reviewer)
    assert not [e for e in activity_for(decide(board_member, submitted)) if "challenge" in e.what]
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Again.")
    challenges.reply_to_challenge(assessment=submitted, challenge_id=challenge.pk, user=board_member,
                                  reply="See the minutes.")

    entries = [(e.what, e.old, e.new) for e in activity_for(decide(board_member, submitted))]

    assert ("Question 3: challenged", "", NOTE) in entries
    assert ("Question 3: reply to the challenge", NOTE, "See the minutes.") in entries


# Pages ---------------------------------------------------------------------------------


def review_url(assessment):
    return reverse("assessments:review", args=[assessment.pk])


def test_the_worksheet_offers_every_answer_to_challenge(client, reviewer, submitted):
    client.force_login(reviewer)
    html = client.get(review_url(submitted)).text

    assert html.count('name="question"') == submitted.answers.count()
    assert 'formaction="{}"'.format(reverse("assessments:raise_challenge", args=[submitted.pk])) in html


def test_challenging_from_the_worksheet(client, reviewer, submitted):
    client.force_login(reviewer)
    url = reverse("assessments:raise_challenge", args=[submitted.pk])

    response = client.post(url, {"question": "3", "x3-note": NOTE})

    assert response.status_code == 302 and response["Location"].endswith("#challenge-q3")
    assert Challenge.objects.get().note == NOTE
    html = client.get(review_url(submitted)).text
    assert NOTE in html and "Withdraw your challenge to question 3" in html


def test_an_empty_note_is_shown_at_its_field_keeping_what_was_typed(client, reviewer, submitted):
    client.force_login(reviewer)
    url = reverse("assessments:raise_challenge", args=[submitted.pk])

    response = client.post(url, {"question": "3", "x3-note": " ", "x4-note": "Kept note",
                                 "c1-level": "2", "c1-reason": "Kept reason"})

    assert response.status_code == 400
    html = response.text
    assert html.startswith("<!DOCTYPE") or "<title>Error:" in html
    assert '<a href="#id_x3-note">Say what is wrong with the answer to question 3.</a>' in html
    assert "Kept note</textarea>" in html and "Kept reason</textarea>" in html
    assert not Challenge.objects.exists()


def test_a_challenge_with_a_level_typed_keeps_the_level(client, reviewer, submitted):
    client.force_login(reviewer)
    url = reverse("assessments:raise_challenge", args=[submitted.pk])

    response = client.post(url, {"question": "3", "x3-note": NOTE, "c1-level": "2", "c1-reason": "Kept reason"})

    assert response.status_code == 200
    assert "Kept reason</textarea>" in response.text
    assert Challenge.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"question": "abc"}, {"question": "999", "x999-note": NOTE},
                                  {"question": "3", "x3-note": "x" * 2001}])
def test_bad_challenges_are_refused_without_a_server_error(client, reviewer, submitted, data):
    client.force_login(reviewer)
    response = client.post(reverse("assessments:raise_challenge", args=[submitted.pk]), data)
    assert response.status_code in (400, 404)
    assert not Challenge.objects.exists()


def test_withdrawing_from_the_worksheet(client, reviewer, submitted):
    challenge = raise_on(submitted, reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("assessments:withdraw_challenge", args=[submitted.pk, challenge.pk]))
    assert response.status_code == 302
    assert not Challenge.objects.exists()


def competency_url(assessment, question=3):
    """The answering page of the competency holding the question."""
    answer = assessment.answers.select_related("question__competency").get(question__number=question)
    return reverse("assessments:competency", args=[assessment.pk, answer.question.competency.number])


def test_the_board_sees_the_thread_and_replies_once_returned(client, board_member, reviewer, submitted):
    raise_on(submitted, reviewer)
    client.force_login(board_member)
    assert NOTE not in client.get(competency_url(submitted)).text  # still the reviewers' working notes
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Again.")
    tasks = client.get(reverse("assessments:tasks", args=[submitted.pk])).text
    assert "1 challenge to reply to" in tasks

    html = client.get(competency_url(submitted)).text
    challenge = Challenge.objects.get()
    assert NOTE in html and "nhsuk-warning-callout" in html
    assert f'form="reply-{challenge.pk}"' in html
    reply_url = reverse("assessments:reply_to_challenge", args=[submitted.pk, challenge.pk])
    assert f'<form id="reply-{challenge.pk}" method="post" action="{reply_url}"' in html

    response = client.post(reply_url, {"reply": "See the minutes."})

    assert response.status_code == 302 and response["Location"].endswith("#q3")
    html = client.get(competency_url(submitted)).text
    assert "See the minutes." in html and "Reply from" in html
    assert "challenge to reply to" not in client.get(reverse("assessments:tasks", args=[submitted.pk])).text


def test_an_empty_reply_is_shown_at_its_field(client, board_member, returned):
    challenge = Challenge.objects.get()
    client.force_login(board_member)
    reply_url = reverse("assessments:reply_to_challenge", args=[returned.pk, challenge.pk])

    response = client.post(reply_url, {"reply": "  "})

    assert response.status_code == 400
    assert f'<a href="#id_reply{challenge.pk}-reply">Write your reply to the challenge to question 3.</a>' \
        in response.text
    assert client.post(reply_url, {"reply": "x" * 2001}).status_code == 400
    missing = reverse("assessments:reply_to_challenge", args=[returned.pk, challenge.pk + 1000])
    assert client.post(missing, {"reply": "Hi"}).status_code == 404


def test_submitting_with_an_unanswered_challenge_asks_for_confirmation(client, board_member, returned):
    client.force_login(board_member)
    url = reverse("assessments:submit", args=[returned.pk])

    response = client.post(url)

    assert response.status_code == 200
    assert "1 challenge has no reply: submit anyway?" in response.text
    returned.refresh_from_db()
    assert returned.status == "returned"
    assert client.post(url, {"confirm_unanswered": "1"}).status_code == 302
    returned.refresh_from_db()
    assert returned.status == "submitted"


def test_the_report_shows_the_thread_to_those_who_see_it(client, board_member, reviewer, submitted):
    raise_on(submitted, reviewer)
    url = reverse("reports:assessment", args=[submitted.pk])
    client.force_login(board_member)
    assert NOTE not in client.get(url).text
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Again.")
    html = client.get(url).text
    assert "Challenges from the SHA's reviewers" in html and NOTE in html


def test_a_draft_shows_no_challenges(client, board_member, draft):
    fill(draft)
    client.force_login(board_member)
    assert "challenge" not in client.get(competency_url(draft)).text.lower()
