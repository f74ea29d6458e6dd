"""Answering: the task list, a competency's page with and without JavaScript,
the autosave's JSON, carried-over answers, and the gaps at submission."""

import datetime
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from assessments import workflow
from assessments.models import Answer, Cycle
from competencies.models import Competency, Question, Theme
from tests.conftest import fill, make_person

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def fields(number, version=0, due=("", "", ""), **values):
    """What a question's fields send: a blank answer, with ``values`` changed."""
    data = {"value": "", "action": "", "owner": "", "action_status": "open", "version": version,
            "due_date_day": due[0], "due_date_month": due[1], "due_date_year": due[2], **values}
    return {f"q{number}-{name}": value for name, value in data.items()}


def autosave(client, assessment, number, **values):
    return client.post(reverse("assessments:save_answer", args=[assessment.pk, number]),
                       fields(number, **values), headers={"Accept": "application/json"})


def numbers_in(competency_number):
    return list(Question.objects.filter(competency__number=competency_number)
                .order_by("number").values_list("number", flat=True))


def page_url(assessment, competency_number):
    return reverse("assessments:competency", args=[assessment.pk, competency_number])


def competency_of(number):
    return Question.objects.get(number=number).competency.number


def save_page(client, assessment, competency_number, changes=None, button="continue", **extra):
    """POST a competency's page as the browser sends it without JavaScript:
    every question's fields, blank unless given in ``changes`` {number: values}."""
    data = {button: ""} if button else {}
    for number in numbers_in(competency_number):
        answer = assessment.answers.get(question__number=number)
        data.update(fields(number, version=answer.version, **(changes or {}).get(number, {})))
    data.update(extra)
    return client.post(page_url(assessment, competency_number), data)


# The task list

def test_the_task_list_has_every_competency_under_its_theme_in_order(client, board_member, draft):
    client.force_login(board_member)

    html = client.get(reverse("assessments:tasks", args=[draft.pk])).text

    positions = [html.index(f"<h2 class=\"nhsuk-heading-m\">{theme.title}</h2>")
                 for theme in Theme.objects.order_by("position")]
    assert positions == sorted(positions)
    links = re.findall(r'href="/assessments/\d+/answers/competencies/(\d+)/"', html)
    expected = Competency.objects.order_by("theme__position", "number").values_list("number", flat=True)
    assert [int(n) for n in links] == list(expected)
    assert html.count('class="nhsuk-task-list__item') == 11
    assert html.count("Not started") == 11
    assert "<strong>0 answered</strong>, of 112 questions." in html
    assert "You can submit once every competency is completed." in html


def test_each_task_says_how_far_it_has_got_and_who_worked_on_it(client, board_member, pct, draft):
    colleague = make_person("carol", pct, "board_member", first_name="Carol", last_name="Jones")
    first, *rest = numbers_in(1)
    client.force_login(colleague)
    autosave(client, draft, first, value="yes")
    client.force_login(board_member)

    html = client.get(reverse("assessments:tasks", args=[draft.pk])).text

    task = html[html.index('id="competency-1"'):]
    task = task[:task.index("</li>")]
    assert f"1 of {len(rest) + 1} answered. Last worked on by Carol Jones" in task
    assert "In progress" in task
    for number in rest:
        autosave(client, draft, number, value="yes")
    html = client.get(reverse("assessments:tasks", args=[draft.pk])).text
    task = html[html.index('id="competency-1"'):]
    assert 'nhsuk-task-list__status--completed" id="task-1-status">Completed' in task[:task.index("</li>")]


def test_the_task_list_query_count_does_not_grow_with_answers(client, board_member, draft,
                                                              django_assert_num_queries):
    client.force_login(board_member)
    url = reverse("assessments:tasks", args=[draft.pk])
    # session, user, membership, the assessment with its previous one, the
    # answers as plain values, competencies with themes, whom each is given
    # to, the people who last worked on each (none yet: no query), the
    # submission deadline.
    with django_assert_num_queries(8):
        client.get(url)
    fill(draft)
    draft.answers.update(version=1, updated_by=board_member)
    draft.touch()  # as the site does with each change
    with django_assert_num_queries(9):  # and the people who last worked on each
        response = client.get(url)
    assert "<strong>112 answered</strong>" in response.text
    assert response.text.count("Last worked on by Alice") == 11
    # Until the assessment changes again, the tasks are kept: session, user,
    # membership, the assessment, the submission deadline.
    with django_assert_num_queries(5):
        kept = client.get(url).text
    assert kept.count("Last worked on by Alice") == 11


# A competency's page

def test_a_competency_page_shows_its_questions_guidance_and_neighbours(client, board_member, draft):
    client.force_login(board_member)
    competency = Competency.objects.order_by("theme__position", "number")[1]

    html = client.get(page_url(draft, competency.number)).text

    blocks = [int(n) for n in re.findall(r'<div class="app-question" id="q(\d+)"', html)]
    assert blocks == numbers_in(competency.number)
    assert competency.statement in html and "<h1>" + competency.short_title in html
    assert html.count('<details class="nhsuk-details">') == 1 + len(blocks)  # guidance, and each Yes's action
    question = Question.objects.filter(competency=competency).order_by("number").first()
    assert question.process.text[1:40] in html
    previous, following = Competency.objects.order_by("theme__position", "number")[0:3:2]
    assert f"{previous.number}. {previous.short_title}" in html
    assert f"{following.number}. {following.short_title}" in html
    n = blocks[0]
    # NHS.UK conditional reveal: a No reveals the action; a Yes offers it behind a link.
    assert f'data-aria-controls="id_q{n}-value_1-reveal"' in html
    reveal = f'<div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="id_q{n}-value_1-reveal">'
    assert reveal in html
    assert "Add an action (optional)" in html
    # The NHS.UK date input: day, month and year in a fieldset.
    for part in ("day", "month", "year"):
        assert f'id="id_q{n}-due_date_{part}" name="q{n}-due_date_{part}" type="text"' in html
    assert f'for="id_q{n}-due_date_day">Day</label>' in html
    assert f'name="q{n}-version" value="0"' in html
    assert "Save and continue" in html and "Save and return to the task list" in html


def test_sub_points_of_a_question_are_on_their_own_lines(client, board_member, draft):
    client.force_login(board_member)
    question = next(q for q in Question.objects.select_related("competency") if "\n• " in q.text)

    html = client.get(page_url(draft, question.competency.number)).text

    first, second = question.text.split("\n• ")[:2]
    assert f"{first}<br>• {second}".replace("'", "&#x27;")[:120] in html


def test_a_competency_that_does_not_exist_is_404(client, board_member, draft):
    client.force_login(board_member)

    assert client.get(page_url(draft, 12)).status_code == 404
    assert client.post(page_url(draft, 12)).status_code == 404
    assert autosave(client, draft, 113, value="yes").status_code == 404


def test_the_page_shows_every_change_to_what_a_question_shows(client, board_member, pct, draft):
    """Question blocks are cached between requests; each change must still show."""
    number = numbers_in(5)[0]
    client.force_login(board_member)
    client.get(page_url(draft, 5))  # every block rendered and cached
    colleague = make_person("carol", pct, "board_member", first_name="Carol")
    other = client.__class__()
    other.force_login(colleague)
    autosave(other, draft, number, value="no", action="Agree a plan")
    Question.objects.filter(number=numbers_in(5)[1]).update(text="Reworded question?")
    process = Question.objects.get(number=numbers_in(5)[2]).process
    process.text = "Reworded guidance for this question"
    process.save()

    html = client.get(page_url(draft, 5)).text

    assert f'name="q{number}-value" type="radio" value="no" checked' in html
    assert "Agree a plan</textarea>" in html and "Last saved by Carol" in html
    assert "Reworded question?" in html and "reworded guidance for this question." in html


def test_the_competency_page_query_count_does_not_grow_with_answers(client, board_member, draft,
                                                                    django_assert_num_queries):
    client.force_login(board_member)
    url = page_url(draft, 1)
    # session, user, membership, the assessment with its previous one, the
    # competency's answers with their questions, processes and who saved
    # them; the first time, the competencies in order and its guidance
    # (skills, processes and evidence items in one query), kept after that.
    with django_assert_num_queries(7):
        client.get(url)
    fill(draft)
    draft.answers.update(version=1, updated_by=board_member)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.text.count("Last saved by Alice") == len(numbers_in(1))


# The autosave (JSON)

def test_an_autosave_stores_the_answer_and_answers_what_is_stored(client, board_member, draft):
    client.force_login(board_member)

    response = autosave(client, draft, 7, value="no", action="Agree <b>a plan</b>\r\nwith the council  ",
                        owner=" Director of Public Health", due=("03", "3", "2009"), action_status="in_progress")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "saved" and body["version"] == 1 and body["saved_by"] == "Alice"
    assert body["fields"] == {
        "q7-value": "no", "q7-action": "Agree <b>a plan</b>\r\nwith the council",
        "q7-owner": "Director of Public Health", "q7-due_date_day": "3", "q7-due_date_month": "3",
        "q7-due_date_year": "2009", "q7-action_status": "in_progress",
    }
    answer = draft.answers.get(question__number=7)
    assert (answer.value, answer.action, answer.owner, answer.due_date, answer.action_status, answer.version,
            answer.updated_by) == ("no", "Agree <b>a plan</b>\r\nwith the council", "Director of Public Health",
                                   datetime.date(2009, 3, 3), "in_progress", 1, board_member)


def test_a_reload_shows_exactly_what_was_saved(client, board_member, draft):
    client.force_login(board_member)
    autosave(client, draft, 7, value="no", action="Agree <b>a plan</b>\nwith the council",
             owner="Director of Public Health", due=("31", "3", "2009"), action_status="in_progress")

    response = client.get(page_url(draft, competency_of(7)))

    assertContains(response, '<textarea name="q7-action" cols="40" rows="3" maxlength="2000" class="nhsuk-textarea" '
                   'aria-describedby="id_q7-action-hint" id="id_q7-action">Agree &lt;b&gt;a plan&lt;/b&gt;\n'
                   "with the council</textarea>", html=True)
    assertContains(response, '<input class="nhsuk-radios__input" id="id_q7-value_1" name="q7-value" type="radio" '
                   'value="no" data-aria-controls="id_q7-value_1-reveal" checked>', html=True)
    assertContains(response, '<input type="text" name="q7-owner" maxlength="200" class="nhsuk-input--width-20 '
                   'nhsuk-input" aria-describedby="id_q7-owner-hint" id="id_q7-owner" '
                   'value="Director of Public Health">', html=True)
    for part, value, width in (("day", "31", 2), ("month", "3", 2), ("year", "2009", 4)):
        assertContains(response, f'<input inputmode="numeric" autocomplete="off" class="nhsuk-input '
                       f'nhsuk-date-input__input nhsuk-input--width-{width}" id="id_q7-due_date_{part}" '
                       f'name="q7-due_date_{part}" type="text" value="{value}">', html=True)
    assertContains(response, '<option value="in_progress" selected>In progress</option>', html=True)
    assertContains(response, '<input type="hidden" name="q7-version" value="1" id="id_q7-version">', html=True)
    assert "Last saved by Alice" in response.text


@pytest.mark.parametrize(("due", "message"), [
    (("31", "", ""), "Due date must include a month and year"),
    (("", "3", "2009"), "Due date must include a day"),
    (("31", "2", "2009"), "Due date must be a real date"),
    (("x", "2", "2009"), "Due date must be a real date"),
    (("1", "1", "9"), "Enter a due date in 2000 or later."),
    (("1", "1", "2101"), "Enter a due date in 2100 or earlier."),
    (("1", "1", "20099"), "Due date must be a real date"),
])
def test_a_bad_date_is_refused_with_the_nhs_message_and_nothing_is_saved(client, board_member, draft, due, message):
    client.force_login(board_member)

    response = autosave(client, draft, 7, value="no", action="Plan", due=due)

    assert response.status_code == 400
    assert response.json()["state"] == "invalid"
    assert [re.sub("<[^>]+>[^<]*</span>", "", m) for m in response.json()["errors"]["due_date"]] == [message]
    assert draft.answers.get(question__number=7).version == 0


def test_bad_input_is_refused_at_the_field(client, board_member, draft):
    client.force_login(board_member)

    body = autosave(client, draft, 7, value="maybe", action="x" * 2001, action_status="late").json()

    assert set(body["errors"]) == {"value", "action", "action_status"}
    assert body["errors"]["value"] == ["Select Yes or No."]
    assert draft.answers.get(question__number=7).version == 0


def test_a_stale_save_is_a_conflict_with_what_is_saved_then_can_be_applied(client, board_member, pct, draft):
    colleague = make_person("carol", pct, "board_member", first_name="Carol")
    other = client.__class__()
    other.force_login(colleague)
    autosave(other, draft, 7, value="yes")
    client.force_login(board_member)

    response = autosave(client, draft, 7, version=0, value="no", action="Mine")

    assert response.status_code == 409
    body = response.json()
    assert body["state"] == "conflict" and body["version"] == 1 and body["fields"]["q7-value"] == "yes"
    assert "Carol changed this answer" in body["message"]
    assert "Someone else changed question 7" in body["card"] and "Use my answer instead" in body["card"]
    assert draft.answers.get(question__number=7).value == "yes"
    # Using it: sent again with the version now saved.
    assert autosave(client, draft, 7, version=1, value="no", action="Mine").status_code == 200
    assert draft.answers.get(question__number=7).action == "Mine"


def test_sending_back_what_is_saved_writes_nothing(client, board_member, draft):
    client.force_login(board_member)
    autosave(client, draft, 7, value="yes")

    response = autosave(client, draft, 7, version=1, value="yes")

    assert response.status_code == 200 and response.json()["version"] == 1
    assert Answer.history.filter(assessment=draft, question__number=7).count() == 2  # created, one change
    # Sent back unchanged from a stale page, it is no conflict either.
    assert autosave(client, draft, 7, version=0, value="yes").status_code == 200


def test_a_signed_out_autosave_is_a_401_that_says_so(client, draft):
    response = autosave(client, draft, 7, value="yes")

    assert response.status_code == 401
    assert response.json() == {"state": "signed_out", "message": (
        "You have been signed out: sign in again in a new tab, then try again here.")}
    assert client.get(reverse("assessments:changes", args=[draft.pk, 1])).status_code == 401


def test_a_submitted_assessment_refuses_changes(client, board_member, submitted):
    client.force_login(board_member)
    before = submitted.answers.get(question__number=7).value

    response = autosave(client, submitted, 7, value="no" if before == "yes" else "yes")

    assert response.status_code == 409
    assert response.json() == {"state": "refused", "message": (
        "This assessment is submitted: its answers can no longer be changed.")}
    assert save_page(client, submitted, 1).status_code == 409
    assert submitted.answers.get(question__number=7).value == before


def test_reviewers_and_others_cannot_save_answers(client, board_member, other_board_member, reviewer, draft):
    client.force_login(other_board_member)
    assert autosave(client, draft, 1, value="no").status_code == 404
    client.force_login(reviewer)
    assert autosave(client, draft, 1, value="no").status_code == 404  # a draft: not theirs to see
    fill(draft)
    assert workflow.submit(assessment=draft, user=board_member) == []
    response = autosave(client, draft, 1, value="no")
    assert response.status_code == 403 and response.json()["state"] == "refused"
    assert not draft.answers.filter(version__gt=0).exists()


def test_an_autosave_makes_at_most_eight_queries(client, board_member, draft, django_assert_num_queries):
    client.force_login(board_member)
    # session, user, membership, the answer with its question, process and
    # assessment (where the person may see it); in the service: the answer
    # and its assessment locked and re-read, the update, the history
    # insert, the assessment touched (its pages are kept until it changes).
    # And the savepoint of the service's transaction (inside the test's
    # own) and its release.
    with django_assert_num_queries(10) as captured:
        response = autosave(client, draft, 8, value="yes")
    assert response.status_code == 200
    work = [q for q in captured.captured_queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL)]
    assert len(work) == 8


def test_colleagues_changes_are_read_for_a_whole_page(client, board_member, pct, draft):
    number = numbers_in(2)[1]
    other = client.__class__()
    other.force_login(make_person("carol", pct, "board_member", first_name="Carol"))
    autosave(other, draft, number, value="no", action="Theirs")
    client.force_login(board_member)

    body = client.get(reverse("assessments:changes", args=[draft.pk, 2])).json()

    assert [a["number"] for a in body["answers"]] == numbers_in(2)
    changed = next(a for a in body["answers"] if a["number"] == number)
    assert changed["version"] == 1 and changed["saved_by"] == "Carol"
    assert changed["fields"][f"q{number}-action"] == "Theirs"


# Without JavaScript: a competency's page saved at once

def test_a_page_saves_all_its_answers_and_goes_on_to_the_next_competency(client, board_member, draft):
    client.force_login(board_member)
    first, second = Competency.objects.order_by("theme__position", "number")[:2]
    numbers = numbers_in(first.number)
    changes = {n: {"value": "yes"} for n in numbers}
    changes[numbers[0]] = {"value": "no", "action": "Set up a network", "owner": "Medical Director",
                           "due": ("31", "3", "2009")}

    response = save_page(client, draft, first.number, changes)

    assert response.status_code == 302 and response["Location"] == page_url(draft, second.number)
    answers = {a.question.number: a for a in draft.answers.select_related("question")
               if a.question.number in numbers}
    assert all(answers[n].value == "yes" and answers[n].version == 1 for n in numbers[1:])
    no = answers[numbers[0]]
    assert (no.action, no.due_date) == ("Set up a network", datetime.date(2009, 3, 31))
    response = save_page(client, draft, first.number, changes, button="return")
    assert response["Location"] == reverse("assessments:tasks", args=[draft.pk]) + f"#competency-{first.number}"
    assert all(a.version == 1 for a in draft.answers.filter(question__number__in=numbers))  # nothing changed


def test_the_last_competency_goes_on_to_the_task_list(client, board_member, draft):
    client.force_login(board_member)
    last = Competency.objects.order_by("theme__position", "number").last()

    response = save_page(client, draft, last.number)

    assert response["Location"] == reverse("assessments:tasks", args=[draft.pk])


def test_a_page_with_one_bad_answer_saves_none_of_it_and_keeps_what_was_typed(client, board_member, draft):
    client.force_login(board_member)
    first, second = numbers_in(4)[:2]

    typed = {"value": "no", "action": "Kept <typed>", "due": ("31", "13", "2009")}
    response = save_page(client, draft, 4, {first: {"value": "yes"}, second: typed})

    assert response.status_code == 400
    html = response.text
    assert "Nothing on this page was saved. Everything you typed is still below." in html
    assert f'<a href="#id_q{second}-due_date_day">Question {second}: Due date' in html
    assert "must be a real date" in html and 'nhsuk-form-group--error' in html
    assert "Kept &lt;typed&gt;</textarea>" in html
    assert f'name="q{second}-due_date_month" type="text" value="13"' in html
    assert not draft.answers.filter(version__gt=0).exists()


def test_a_page_with_one_conflict_saves_none_of_it_until_the_person_chooses(client, board_member, pct, draft):
    first, second = numbers_in(3)[:2]
    other = client.__class__()
    other.force_login(make_person("carol", pct, "board_member", first_name="Carol"))
    autosave(other, draft, second, value="yes")
    client.force_login(board_member)
    changes = {first: {"value": "yes"}, second: {"value": "no", "action": "Mine"}}
    data = {}
    for number in numbers_in(3):
        data.update(fields(number, version=0, **changes.get(number, {})))

    response = client.post(page_url(draft, 3), {**data, "continue": ""})

    assert response.status_code == 409
    assert "Someone else changed question" in response.text and "Mine</textarea>" in response.text
    assert f'name="q{second}-version" value="1"' in response.text  # saving again uses mine
    assert draft.answers.get(question__number=first).version == 0
    # "Keep the saved answer": everything else is saved, that one left as it is.
    response = client.post(page_url(draft, 3), {**data, f"q{second}-version": "1", "keep": str(second)})
    assert response.status_code == 302 and response["Location"] == page_url(draft, 3) + f"#q{second}"
    assert draft.answers.get(question__number=first).value == "yes"
    assert draft.answers.get(question__number=second).value == "yes"
    # "Use my answer instead": sent again with the version now saved.
    response = client.post(page_url(draft, 3), {**data, f"q{second}-version": "1", "use": str(second)})
    assert response.status_code == 302
    assert draft.answers.get(question__number=second).action == "Mine"


def test_the_page_is_read_only_once_submitted(client, board_member, reviewer, submitted):
    for person in (board_member, reviewer):
        client.force_login(person)
        html = client.get(page_url(submitted, 1)).text
        assert "<form method=\"post\" action=\"/assessments" not in html
        assert "<input" not in html.split("<main", 1)[1].split("</main>")[0].replace('type="hidden"', "")
        assert html.count('<dl class="nhsuk-summary-list">') == len(numbers_in(1))
        tasks = client.get(reverse("assessments:tasks", args=[submitted.pk])).text
        assert "<h1>The answers</h1>" in tasks and tasks.count("nhsuk-task-list__status--completed") == 11


# Carried-over answers

@pytest.fixture
def carried(board_member, pct, draft):
    fill(draft)
    return workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                     user=board_member, from_previous=True)


def test_carried_over_answers_are_to_confirm_not_answered(client, board_member, carried):
    client.force_login(board_member)

    tasks = client.get(reverse("assessments:tasks", args=[carried.pk])).text

    assert "<strong>0 answered</strong>, <strong>112 carried over to confirm</strong>" in tasks
    assert tasks.count("Carried over: to confirm") == 11
    html = client.get(page_url(carried, 1)).text
    assert html.count("Carried over from 2008/09") == len(numbers_in(1))
    assert "This answer is still right: confirm it" in html and "Confirm all unchanged answers" in html
    gaps = workflow.submit(assessment=carried, user=board_member)
    assert len([g for g in gaps if g.field == "confirm"]) == 112


def test_saving_a_page_does_not_confirm_answers_nobody_confirmed(client, board_member, carried):
    client.force_login(board_member)
    numbers = numbers_in(1)
    saved = {a.question.number: a for a in carried.answers.select_related("question") if a.question.number in numbers}
    as_carried = {n: {"value": saved[n].value, "action": saved[n].action, "owner": saved[n].owner,
                      "due": (str(saved[n].due_date.day), str(saved[n].due_date.month), str(saved[n].due_date.year))
                      if saved[n].due_date else ("", "", ""), "action_status": saved[n].action_status}
                  for n in numbers}

    save_page(client, carried, 1, as_carried)
    assert carried.answers.filter(question__number__in=numbers, carried_over=True).count() == len(numbers)

    # One ticked: that one is confirmed.
    save_page(client, carried, 1, {**as_carried, numbers[0]: {**as_carried[numbers[0]], "confirm": "on"}})
    assert not carried.answers.get(question__number=numbers[0]).carried_over
    # "Confirm all unchanged answers": the rest.
    response = save_page(client, carried, 1, as_carried, button="confirm_all")
    assert response["Location"] == page_url(carried, 1)
    assert not carried.answers.filter(question__number__in=numbers, carried_over=True).exists()
    tasks = client.get(reverse("assessments:tasks", args=[carried.pk])).text
    assert f"<strong>{len(numbers)} answered</strong>" in tasks


def test_an_autosave_confirms_a_carried_over_answer_only_when_asked(client, board_member, carried):
    client.force_login(board_member)
    answer = carried.answers.get(question__number=5)
    values = {"value": answer.value, "action": answer.action, "owner": answer.owner,
              "action_status": answer.action_status}
    if answer.due_date:
        values["due"] = (answer.due_date.day, answer.due_date.month, answer.due_date.year)

    assert autosave(client, carried, 5, **values).json()["carried_over"] is True
    body = autosave(client, carried, 5, confirm="on", **values).json()

    assert body["carried_over"] is False and body["version"] == 1
    assert not carried.answers.get(question__number=5).carried_over


# Gaps at submission

def test_gaps_at_submission_are_grouped_by_competency_and_link_to_each_field(client, board_member, draft):
    fill(draft)
    first, second = numbers_in(2)[:2]
    draft.answers.filter(question__number=first).update(value="")
    draft.answers.filter(question__number=second).update(value="no", action="", owner="Somebody", due_date=None)
    client.force_login(board_member)

    response = client.post(reverse("assessments:submit", args=[draft.pk]))

    assert response.status_code == 400
    html = response.text
    competency = Competency.objects.get(number=2)
    assert f"2. {competency.short_title}</h3>" in html
    page = page_url(draft, 2) + "?check"
    assert f'<a href="{page}#id_q{first}-value_0">Question {first}: Select Yes or No</a>' in html
    assert f'<a href="{page}#id_q{second}-action">Question {second}: Enter the action the PCT will take</a>' in html
    assert f'<a href="{page}#id_q{second}-due_date_day">Question {second}: Enter the action&#x27;s due date</a>' in html
    assert "3 things still need doing. Nothing has been submitted." in html
    # The competency's page shows each at its field.
    checked = client.get(page).text
    assert "Before you can submit" in checked
    assert f'id="id_q{second}-action-error"' in checked and "Enter the action the PCT will take." in checked
    assert f'id="id_q{first}-value-error"' in checked


def test_an_answer_change_is_in_the_history_and_the_activity_log(client, board_member, draft):
    client.force_login(board_member)
    autosave(client, draft, 6, value="yes")
    autosave(client, draft, 6, version=1, value="no", action="Plan", owner="Chief Executive", due=("1", "1", "2009"))

    latest, previous, created = Answer.history.filter(question__number=6, assessment=draft)
    assert latest.history_user == previous.history_user == board_member
    assert created.history_type == "+"
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes == {"value": ("yes", "no"), "action": ("", "Plan"), "owner": ("", "Chief Executive"),
                       "due_date": (None, datetime.date(2009, 1, 1)), "version": (1, 2)}
    log = client.get(reverse("assessments:activity", args=[draft.pk])).text
    assert "Question 6: answer" in log and "Chief Executive" in log
    assert log.count("Question 6: answer") == 2
