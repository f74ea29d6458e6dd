"""The answering page, and saving answers with and without JavaScript."""

import re

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Answer, Cycle
from competencies.models import Question, Theme
from tests.conftest import fill, make_person

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def post_data(number, version=0, **values):
    data = {"value": "", "action": "", "owner": "", "due_date": "", "action_status": "open",
            "version": version, **values}
    return {f"q{number}-{k}": v for k, v in data.items()}


def save(client, assessment, number, htmx=True, **values):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("assessments:save_answer", args=[assessment.pk, number]),
                       post_data(number, **values), **headers)


def section_numbers(competency_number):
    return list(Question.objects.filter(competency__number=competency_number)
                .order_by("number").values_list("number", flat=True))


def answer_page(client, assessment):
    return client.get(reverse("assessments:answer", args=[assessment.pk])).text


def test_every_question_is_a_fieldset_in_the_checklists_order(client, board_member, draft):
    client.force_login(board_member)

    response = client.get(reverse("assessments:answer", args=[draft.pk]))

    assert response.status_code == 200
    html = response.text
    expected = list(
        Question.objects.order_by("competency__theme__position", "competency__number", "number")
        .values_list("number", flat=True)
    )
    assert len(expected) == 112
    blocks = [int(n) for n in re.findall(r'<div class="app-question" id="q(\d+)"', html)]
    assert blocks == expected
    assert html.count('<fieldset class="nhsuk-fieldset"') == 112
    assert html.count('<legend class="nhsuk-fieldset__legend') == 112
    # Themes in their order, each competency with its heading, statement and guidance.
    positions = [html.index(theme.title) for theme in Theme.objects.order_by("position")]
    assert positions == sorted(positions)
    assert html.count('<details class="nhsuk-details">') == 11
    question = Question.objects.select_related("competency").get(number=7)
    assert question.competency.checklist_heading in html
    assert question.competency.statement in html
    # The process a question rephrases is its guidance.
    assert Question.objects.get(number=1).process.text[1:40] in html
    for name in ["value", "action", "owner", "due_date", "action_status", "version"]:
        assert f'name="q7-{name}"' in html
    assert 'type="date"' in html and "Up to 2,000 characters." in html
    assert html.count("Save ") >= 11 and "Save Locally lead the NHS answers" in html
    assert '<span id="progress-total">0</span> of 112 answered' in html


def test_sub_points_of_a_question_are_on_their_own_lines(client, board_member, draft):
    client.force_login(board_member)
    question = next(q for q in Question.objects.all() if "\n• " in q.text)

    html = answer_page(client, draft)

    first, second = question.text.split("\n• ")[:2]
    assert f"{first}<br>• {second}".replace("'", "&#x27;")[:120] in html


def test_an_htmx_save_stores_the_answer_and_says_saved(client, board_member, draft):
    client.force_login(board_member)

    response = save(client, draft, 7, value="no", action="Agree <b>a plan</b>\nwith the council",
                    owner="Director of Public Health", due_date="2009-03-31",
                    action_status="in_progress")

    assert response.status_code == 200
    assert "Saved at" in response.text
    assert response.text.lstrip().startswith('<div class="app-question" id="q7"')
    assert 'name="q7-version" value="1"' in response.text
    assert '<span id="progress-total" hx-swap-oob="true">1</span>' in response.text
    assert "Question 7 saved." in response.text
    answer = draft.answers.get(question__number=7)
    assert (answer.value, answer.action, answer.owner, str(answer.due_date), answer.action_status,
            answer.version, answer.updated_by) == (
        "no", "Agree <b>a plan</b>\nwith the council", "Director of Public Health", "2009-03-31",
        "in_progress", 1, board_member)


def test_a_reload_shows_exactly_what_was_saved(client, board_member, draft):
    client.force_login(board_member)
    save(client, draft, 7, value="no", action="Agree <b>a plan</b>\nwith the council",
         owner="Director of Public Health", due_date="2009-03-31", action_status="in_progress")

    html = answer_page(client, draft)

    assert ">Agree &lt;b&gt;a plan&lt;/b&gt;\nwith the council</textarea>" in html
    assert 'name="q7-value" type="radio" value="no" checked' in html
    assert 'name="q7-owner" type="text" maxlength="200" value="Director of Public Health"' in html
    assert 'name="q7-due_date" type="date" value="2009-03-31"' in html
    assert '<option value="in_progress" selected>' in html
    assert 'name="q7-version" value="1"' in html
    assert "Last saved by Alice" in html
    assert '<span id="progress-total">1</span> of 112 answered' in html


def test_the_page_follows_every_change_to_what_a_question_shows(client, board_member, pct, draft):
    """Sections of question blocks are cached between requests; each change must still show."""
    client.force_login(board_member)
    answer_page(client, draft)  # every block rendered and cached
    colleague = client.__class__()
    colleague.force_login(make_person("carol", pct, "board_member"))
    save(colleague, draft, 7, value="yes")
    Question.objects.filter(number=110).update(text="Reworded question 110?")
    # Questions 7, 110 and 100 are in three different competencies, so each
    # change is seen through its own section's key.
    process = Question.objects.get(number=100).process
    process.text = "Reworded guidance for question one hundred"
    process.save()

    html = answer_page(client, draft)

    assert 'name="q7-value" type="radio" value="yes" checked' in html
    assert "Last saved by Carol" in html
    assert "Reworded question 110?" in html
    assert "reworded guidance for question one hundred." in html


def test_a_save_without_javascript_redirects_back_to_the_question(client, board_member, draft):
    client.force_login(board_member)

    response = save(client, draft, 3, htmx=False, value="yes")

    assert response.status_code == 302
    assert response["Location"].endswith("#q3")
    assert draft.answers.get(question__number=3).value == "yes"


def test_a_whole_section_saves_at_once_without_javascript(client, board_member, draft):
    client.force_login(board_member)
    numbers = section_numbers(1)
    data = {}
    for n in numbers:
        data.update(post_data(n, value="yes"))
    data.update(post_data(numbers[0], value="no", action="Publish a plan", owner="Chair",
                          due_date="2009-01-31"))

    response = client.post(reverse("assessments:save_section", args=[draft.pk, 1]), data,
                           follow=True)

    assert response.redirect_chain == [
        (reverse("assessments:answer", args=[draft.pk]) + "#competency-1", 302)]
    assert "Your answers for “Locally lead the NHS” are saved." in response.text
    saved = dict(draft.answers.filter(question__number__in=numbers)
                 .values_list("question__number", "value"))
    assert saved == {n: "no" if n == numbers[0] else "yes" for n in numbers}
    assert draft.answers.get(question__number=numbers[0]).owner == "Chair"


def test_a_section_with_one_bad_answer_saves_none_of_it(client, board_member, draft):
    client.force_login(board_member)
    numbers = section_numbers(1)
    data = {}
    for n in numbers:
        data.update(post_data(n, value="yes", action=f"Typed for {n}"))
    data[f"q{numbers[-1]}-due_date"] = "31st of never"

    response = client.post(reverse("assessments:save_section", args=[draft.pk, 1]), data)

    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html
    assert html.index("nhsuk-error-summary") < html.index('id="q1"')
    assert f'href="#id_q{numbers[-1]}-due_date"' in html
    assert "Enter the due date as a real date" in html
    assert 'value="31st of never"' in html  # what was typed is kept
    assert all(f">Typed for {n}</textarea>" in html for n in numbers)
    assert not draft.answers.exclude(value="").exists()


def test_a_section_with_one_conflict_saves_none_of_it(client, board_member, other_board_member,
                                                     draft):
    client.force_login(board_member)
    numbers = section_numbers(2)
    assert save(client, draft, numbers[1], value="no", action="Theirs").status_code == 200
    data = {}
    for n in numbers:
        data.update(post_data(n, value="yes", action=f"Mine for {n}"))

    response = client.post(reverse("assessments:save_section", args=[draft.pk, 2]), data)

    assert response.status_code == 409
    assert f'href="#q{numbers[1]}"' in response.text
    assert "Someone else changed this answer" in response.text
    assert f">Mine for {numbers[1]}</textarea>" in response.text
    saved = dict(draft.answers.filter(question__number__in=numbers)
                 .values_list("question__number", "action"))
    assert saved == {n: "Theirs" if n == numbers[1] else "" for n in numbers}


@pytest.mark.parametrize("values, message", [
    ({"value": "maybe"}, "Select a valid choice: Yes or No."),
    ({"action": "x" * 2001}, "Ensure this value has at most 2000 characters"),
    ({"owner": "x" * 201}, "Ensure this value has at most 200 characters"),
    ({"due_date": "2009-02-30"}, "Enter the due date as a real date"),
    ({"due_date": "next Tuesday"}, "Enter the due date as a real date"),
    ({"action_status": "finished"}, "Select a valid choice: open, in progress or done."),
    ({"version": "abc"}, "This page is out of date"),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    client, board_member, draft, values, message
):
    client.force_login(board_member)

    response = save(client, draft, 5, **{"value": "no", **values})

    assert response.status_code == 400
    assert message in response.text
    assert "Not saved: correct the problem below." in response.text
    assert response.text.lstrip().startswith('<div class="app-question" id="q5"')
    answer = draft.answers.get(question__number=5)
    assert (answer.value, answer.version) == ("", 0)
    assert answer.history.count() == 1  # only its creation


def test_bad_input_without_javascript_shows_the_page_with_a_summary(client, board_member, draft):
    client.force_login(board_member)

    response = save(client, draft, 5, htmx=False, value="no", action="x" * 2001)

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#id_q5-action"' in response.text
    assert draft.answers.get(question__number=5).version == 0


def test_a_stale_save_of_the_same_answer_is_refused_then_can_be_applied(
    client, board_member, other_board_member, pct, draft
):
    from assessments.models import Membership

    Membership.objects.filter(user=other_board_member).update(organisation=pct)
    client.force_login(other_board_member)
    assert save(client, draft, 9, value="yes", action="First", owner="Chair",
                due_date="2009-06-30", action_status="in_progress").status_code == 200
    client.force_login(board_member)

    stale = save(client, draft, 9, version=0, value="no", action="Second")

    assert stale.status_code == 409
    html = stale.text
    assert "Someone else changed this answer" in html
    assert "Bob saved question 9 at" in html
    assert "First" in html and "Chair" in html and "30 June 2009" in html and "In progress" in html
    assert ">Second</textarea>" in html  # what the person typed is kept
    assert "Use my answer instead" in html and "Keep the saved answer" in html
    assert 'hx-select="#q9"' in html
    # The conflicted block does not save by itself; its button carries the
    # current version, so using it overwrites deliberately.
    assert 'hx-trigger="change' not in html
    assert 'name="q9-version" value="1"' in html
    answer = draft.answers.get(question__number=9)
    assert (answer.value, answer.action, answer.version) == ("yes", "First", 1)

    applied = save(client, draft, 9, version=1, value="no", action="Second")

    assert applied.status_code == 200
    answer.refresh_from_db()
    assert (answer.value, answer.action, answer.version, answer.updated_by) == (
        "no", "Second", 2, board_member)


def test_a_stale_save_without_javascript_shows_the_conflict_on_the_page(client, board_member, draft):
    client.force_login(board_member)
    save(client, draft, 9, value="yes", action="First")

    response = save(client, draft, 9, htmx=False, version=0, value="no", action="Second")

    assert response.status_code == 409
    assert "There is a problem" in response.text and 'href="#q9"' in response.text
    assert draft.answers.get(question__number=9).action == "First"


def test_a_change_to_another_answer_from_a_stale_page_is_not_a_conflict(client, board_member, draft):
    client.force_login(board_member)

    assert save(client, draft, 1, version=0, value="yes").status_code == 200
    assert save(client, draft, 2, version=0, value="no").status_code == 200
    assert dict(draft.answers.filter(question__number__in=[1, 2])
                .values_list("question__number", "value")) == {1: "yes", 2: "no"}


def test_sending_back_what_is_saved_writes_nothing(client, board_member, draft):
    client.force_login(board_member)
    save(client, draft, 4, value="yes")

    again = save(client, draft, 4, version=1, value="yes")
    stale_but_same = save(client, draft, 4, version=0, value="yes")

    assert again.status_code == 204
    assert stale_but_same.status_code == 200  # the page gets the current version
    assert 'name="q4-version" value="1"' in stale_but_same.text
    answer = draft.answers.get(question__number=4)
    assert answer.version == 1 and answer.history.count() == 2


def test_a_submitted_assessment_refuses_changes(client, board_member, submitted):
    client.force_login(board_member)
    before = submitted.answers.get(question__number=4)

    response = save(client, submitted, 4, version=before.version, value="no", action="Sneaky")
    plain = save(client, submitted, 4, htmx=False, version=before.version, value="no")
    section = client.post(reverse("assessments:save_section", args=[submitted.pk, 1]),
                          post_data(1, value="no"))

    assert response.status_code == 409
    assert "This assessment is submitted: its answers can no longer be changed." in response.text
    assert "Your change was not saved." in response.text and "Sneaky" in response.text
    assert 'name="q4-value"' not in response.text
    assert plain.status_code == 409 and section.status_code == 409
    assert "can no longer be changed" in plain.text
    after = submitted.answers.get(question__number=4)
    assert (after.value, after.version) == (before.value, before.version)


def test_the_page_is_read_only_once_submitted(client, board_member, reviewer, submitted):
    for person in (board_member, reviewer):
        client.force_login(person)

        html = answer_page(client, submitted)

        assert "<fieldset" not in html and "hx-post" not in html
        assert html.count('class="app-question"') == 112


def test_a_page_seen_while_editable_is_read_only_once_submitted(client, board_member, draft):
    """The cached sections of the editable page are not served once it is read-only."""
    client.force_login(board_member)
    fill(draft)
    assert "<fieldset" in answer_page(client, draft)
    assert workflow.submit(assessment=draft, user=board_member) == []

    html = answer_page(client, draft)

    assert "<fieldset" not in html and "hx-post" not in html


def test_carried_over_answers_are_marked(client, board_member, pct, draft):
    fill(draft)
    later = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=board_member, from_previous=True)
    client.force_login(board_member)

    html = answer_page(client, later)

    assert html.count("Carried over from 2008/09") == 112
    response = save(client, later, 1, version=0, value="yes")
    assert "Carried over" not in response.text
    assert answer_page(client, later).count("Carried over from 2008/09") == 111


def test_an_answer_change_is_in_the_history_and_the_activity_log(client, board_member, draft):
    client.force_login(board_member)
    save(client, draft, 6, value="yes")
    save(client, draft, 6, version=1, value="no", action="Plan", owner="Chief Executive",
         due_date="2009-01-01")

    latest, previous, created = Answer.history.filter(question__number=6, assessment=draft)
    assert latest.history_user == previous.history_user == board_member
    assert created.history_type == "+"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes == {"value": ("yes", "no"), "action": ("", "Plan"),
                       "owner": ("", "Chief Executive"),
                       "due_date": (None, __import__("datetime").date(2009, 1, 1)),
                       "version": (1, 2)}
    log = client.get(reverse("assessments:activity", args=[draft.pk])).text
    assert "Question 6: answer" in log and "Chief Executive" in log
    # The first change too, from the blank answer the assessment started with.
    assert log.count("Question 6: answer") == 2


def test_save_makes_at_most_nine_queries(client, board_member, draft, django_assert_num_queries):
    client.force_login(board_member)
    # session, user, membership, the assessment (the grant), the answer; in the
    # service: the answer and its assessment locked and re-read, the update,
    # the history insert; then the progress counts. And the savepoint of the
    # service's transaction (inside the test's own) and its release.
    with django_assert_num_queries(11) as captured:
        response = save(client, draft, 8, value="yes")
    assert response.status_code == 200
    work = [q for q in captured.captured_queries
            if not q["sql"].upper().startswith(TRANSACTION_CONTROL)]
    assert len(work) == 9
    assert '<span id="progress-total" hx-swap-oob="true">1</span>' in response.text


def test_answering_page_query_count_does_not_grow_with_answers(
    client, board_member, draft, django_assert_num_queries
):
    client.force_login(board_member)
    url = reverse("assessments:answer", args=[draft.pk])
    # session, user, membership, assessment, answers with questions, processes
    # and who saved them, competencies with themes, skills, processes,
    # evidence items
    with django_assert_num_queries(9):
        client.get(url)
    fill(draft)
    draft.answers.update(version=1, updated_by=board_member)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.text.count("Last saved by Alice") == 112


def test_reviewers_and_others_cannot_save_answers(client, board_member, other_board_member,
                                                 reviewer, draft):
    client.force_login(other_board_member)
    assert save(client, draft, 1, value="no").status_code == 404
    client.force_login(reviewer)
    assert save(client, draft, 1, value="no").status_code == 404  # a draft: not theirs to see
    fill(draft)
    assert workflow.submit(assessment=draft, user=board_member) == []
    assert save(client, draft, 1, value="no").status_code == 403
    assert not draft.answers.filter(version__gt=0).exists()


def test_a_question_that_does_not_exist_is_404(client, board_member, draft):
    client.force_login(board_member)

    assert save(client, draft, 113, value="yes").status_code == 404
    assert client.post(reverse("assessments:save_section", args=[draft.pk, 12])).status_code == 404
