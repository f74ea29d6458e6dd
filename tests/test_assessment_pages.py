"""The assessment pages: who may see and do what, the list and starting an
assessment, the assessment page with its workflow, evidence and activity."""

import datetime

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import Answer, Assessment, Cycle, EvidenceReference
from competencies.models import EvidenceItem, Question
from tests.conftest import fill

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "board_member", "other_board_member", "reviewer", "other_reviewer",
            "admin_user"]
LOGIN, OK, MOVED, REFUSED = 302, 200, 302, 403


def answer_data(number, version=0, value="yes"):
    return {f"q{number}-value": value, f"q{number}-action": "", f"q{number}-owner": "",
            f"q{number}-due_date_day": "", f"q{number}-due_date_month": "", f"q{number}-due_date_year": "",
            f"q{number}-action_status": "open",
            f"q{number}-version": version}


# The list and starting an assessment -------------------------------------------


def test_the_list_shows_what_each_person_may_see(client, board_member, other_board_member,
                                                 reviewer, admin_user, pct, sibling_pct, draft):
    fill(draft)
    draft.answers.filter(question__number__lte=12).update(value="")
    sibling = workflow.start_assessment(pct=sibling_pct, cycle=draft.cycle,
                                        user=other_board_member, focus="Stroke")
    client.force_login(board_member)

    html = client.get(reverse("assessments:list")).text

    for column in ["PCT", "Cycle", "Focus", "Status", "Progress", "Last updated"]:
        assert f'class="nhsuk-table__header">{column}</th>' in html
    assert "North Tyneside PCT" in html and "Sunderland PCT" not in html
    assert "100 of 112 answered" in html and "Whole organisation" in html
    assert 'nhsuk-tag--grey">Draft<' in html
    assert "Start an assessment for North Tyneside PCT" in html
    assert "Start from the PCT&#x27;s previous assessment (answers and open actions carried over)" \
        in html

    client.force_login(reviewer)
    html = client.get(reverse("assessments:list")).text
    assert "There are no assessments for you to see yet." in html  # drafts are the PCTs' own
    assert "Start an assessment" not in html
    draft.answers.filter(value="").update(value="yes")
    assert workflow.submit(assessment=draft, user=board_member) == []
    html = client.get(reverse("assessments:list")).text
    assert "North Tyneside PCT" in html and "Stroke" not in html

    client.force_login(admin_user)
    html = client.get(reverse("assessments:list")).text
    assert "North Tyneside PCT" in html and "Stroke" in html and sibling.focus in html


def test_list_query_count(client, board_member, pct, draft, django_assert_num_queries):
    client.force_login(board_member)
    # session, user, membership, assessments with their counts, the cycles
    # for the start form and the PCT's assessments each would start from
    with django_assert_num_queries(6):
        client.get(reverse("assessments:list"))
    workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                              user=board_member)
    with django_assert_num_queries(6):
        client.get(reverse("assessments:list"))


def test_starting_an_empty_assessment(client, board_member, cycle):
    client.force_login(board_member)

    response = client.post(reverse("assessments:start"),
                           {"cycle": cycle.pk, "focus": "  Obesity strategy ", "start_from": "empty"})

    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:tasks", args=[assessment.pk])
    assert (assessment.focus, assessment.status, assessment.created_by) == (
        "Obesity strategy", "draft", board_member)
    assert assessment.answers.count() == 112


def test_starting_from_the_previous_assessment_carries_answers_and_open_actions(
    client, board_member, draft
):
    fill(draft)
    draft.answers.filter(question__number=3).update(action_status="done")
    later = Cycle.objects.create(start_year=2009)
    client.force_login(board_member)

    response = client.post(reverse("assessments:start"),
                           {"cycle": later.pk, "focus": "", "start_from": "previous"})

    new = Assessment.objects.get(cycle=later)
    assert response.status_code == 302
    carried = {a.question.number: a for a in new.answers.select_related("question")}
    assert all(a.carried_over for a in carried.values())
    assert carried[6].action == "Agree a joint plan with the council"  # open: carried
    assert carried[3].value == "no" and carried[3].action == ""  # done: not carried
    html = client.get(reverse("assessments:tasks", args=[new.pk])).text
    assert "<strong>112 carried over to confirm</strong>" in html
    html = client.get(reverse("assessments:competency", args=[new.pk, 1])).text
    assert html.count("Carried over from 2008/09") == new.answers.filter(question__competency__number=1).count()
    # The assessment's own page counts as the task list does: carried over is not yet answered.
    html = client.get(new.get_absolute_url()).text
    assert "0 of 112 questions answered, 112 carried over to confirm" in html
    in_first = new.answers.filter(question__competency__number=1).count()
    assert f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">0 of {in_first}</td>' in html


def test_the_start_form_says_which_assessment_each_cycle_starts_from(client, board_member, pct, draft):
    Cycle.objects.create(start_year=2009)
    Cycle.objects.create(start_year=2010)
    fill(draft)
    workflow.submit(assessment=draft, user=board_member)
    client.force_login(board_member)

    html = client.get(reverse("assessments:list")).text

    assert ("It starts from the PCT&#x27;s latest earlier assessment: for 2010/11, the 2008/09 assessment, "
            "submitted; for 2009/10, the 2008/09 assessment, submitted.") in html
    response = client.post(reverse("assessments:start"),
                           {"cycle": Cycle.objects.get(start_year=2009).pk, "focus": "", "start_from": "previous"},
                           follow=True)
    assert "started from the 2008/09 assessment: confirm or change each answer carried over." in response.text


def test_starting_from_a_previous_assessment_that_does_not_exist_is_a_form_error(
    client, board_member, cycle
):
    client.force_login(board_member)

    response = client.post(reverse("assessments:start"),
                           {"cycle": cycle.pk, "focus": "", "start_from": "previous"})

    assert response.status_code == 400
    assert "North Tyneside PCT has no assessment before 2008/09 to start from" in response.text
    assert 'href="#id_start_from_0"' in response.text
    assert not Assessment.objects.exists()


def test_a_duplicate_pct_cycle_and_focus_is_a_form_error(client, board_member, draft):
    client.force_login(board_member)

    response = client.post(reverse("assessments:start"),
                           {"cycle": draft.cycle_id, "focus": "", "start_from": "empty"})
    focused = workflow.start_assessment(pct=draft.pct, cycle=draft.cycle, user=board_member,
                                        focus="Stroke")
    again = client.post(reverse("assessments:start"),
                        {"cycle": draft.cycle_id, "focus": "Stroke", "start_from": "empty"})

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#id_cycle"' in response.text
    assert "North Tyneside PCT already has an assessment for 2008/09 with no focus." in response.text
    assert "North Tyneside PCT" in response.text[response.text.index("<table"):]  # the list stays
    assert again.status_code == 400 and 'href="#id_focus"' in again.text
    assert Assessment.objects.count() == 2 and focused.pk


@pytest.mark.parametrize("data, field", [
    ({"cycle": "99999", "focus": "", "start_from": "empty"}, "cycle"),
    ({"cycle": "", "focus": "", "start_from": "sideways"}, "start_from"),
    ({"cycle": "1", "focus": "x" * 201, "start_from": "empty"}, "focus"),
])
def test_bad_start_input_is_a_form_error(client, board_member, cycle, data, field):
    client.force_login(board_member)

    response = client.post(reverse("assessments:start"), data)

    assert response.status_code == 400
    assert f'href="#id_{field}' in response.text
    assert not Assessment.objects.exists()


def test_without_cycles_board_members_are_told_to_ask_an_admin(client, board_member):
    client.force_login(board_member)

    html = client.get(reverse("assessments:list")).text

    assert "No assessment cycles have been set up yet" in html
    assert 'action="/assessments/start/"' not in html


def test_only_board_members_start_assessments(client, reviewer, admin_user, cycle):
    for person in (reviewer, admin_user):
        client.force_login(person)
        response = client.post(reverse("assessments:start"),
                               {"cycle": cycle.pk, "focus": "", "start_from": "empty"})
        assert response.status_code == 403
    assert not Assessment.objects.exists()


# The assessment page and submitting ---------------------------------------------


def test_the_assessment_page(client, board_member, draft):
    fill(draft)
    draft.answers.filter(question__number__in=[1, 2]).update(value="")
    item = EvidenceItem.objects.get(pk=101)
    workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=item.pk,
                          title="Communications policy", reference="https://example.nhs.uk/policy",
                          note="Approved in May")
    workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=item.pk,
                          title="Board minutes", reference="javascript:alert(1)")
    client.force_login(board_member)

    html = client.get(reverse("assessments:detail", args=[draft.pk])).text

    for text in ["North Tyneside PCT", "North East SHA", "2008/09", "The whole organisation",
                 "110 of 112 questions answered", "Continue answering", "Submit to the SHA",
                 reverse("reports:assessment", args=[draft.pk]),
                 reverse("reports:pdf", args=[draft.pk]),
                 reverse("assessments:activity", args=[draft.pk]),
                 "Started as draft", "by Alice"]:
        assert text in html
    first = Question.objects.get(number=1).competency
    total = first.questions.count()
    assert f"{first.number}. {first.short_title}</a></td>" in html
    assert f"{total - 2} of {total}</td>" in html
    assert item.text in html and "Communications policy" in html
    assert '<a href="https://example.nhs.uk/policy" rel="noopener noreferrer">' in html
    assert 'href="javascript' not in html and "javascript:alert(1)" in html


def test_assessment_page_query_count(client, board_member, reviewer, submitted,
                                     django_assert_num_queries):
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again")
    client.force_login(board_member)
    # session, user, membership, assessment, its submission and review
    # deadlines and first submission, progress, competencies, transitions
    # with who, reviews, evidence
    with django_assert_num_queries(12):
        client.get(reverse("assessments:detail", args=[submitted.pk]))


def test_submitting_with_gaps_lists_each_linked_and_changes_nothing(client, board_member, draft):
    fill(draft)
    draft.answers.filter(question__number=5).update(value="")
    draft.answers.filter(question__number=6).update(owner="", due_date=None)
    client.force_login(board_member)

    response = client.post(reverse("assessments:submit", args=[draft.pk]))

    assert response.status_code == 400
    page = reverse("assessments:competency", args=[draft.pk, 5]) + "?check"
    assert f'<a href="{page}#id_q5-value_0">Question 5: Select Yes or No</a>' in response.text
    assert f'<a href="{page}#id_q6-owner">Question 6: Enter who owns the action</a>' in response.text
    assert "3 things still need doing. Nothing has been submitted." in response.text
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not draft.transitions.filter(to_status="submitted").exists()
    checked = client.get(page).text  # where the links go
    assert 'id="id_q5-value_0"' in checked and 'id="id_q6-owner-error"' in checked


def test_submitting_freezes_the_wording_the_pages_show(client, board_member, reviewer,
                                                      admin_user, draft):
    fill(draft)
    client.force_login(board_member)

    response = client.post(reverse("assessments:submit", args=[draft.pk]), follow=True)

    assert "The assessment has been submitted to the SHA." in response.text
    draft.refresh_from_db()
    assert draft.status == "submitted"
    question = Question.objects.get(number=10)
    original = question.text
    client.force_login(admin_user)
    changed = client.post(reverse("admin:competencies_question_change", args=[question.pk]), {
        "competency": question.competency_id, "number": 10, "text": "A reworded question?",
        "process": question.process_id or ""}, follow=True)
    assert changed.redirect_chain[0][1] == 302
    assert Question.objects.get(number=10).text == "A reworded question?"
    assert draft.answers.get(question=question).question_text == original
    for person in (board_member, reviewer, admin_user):
        client.force_login(person)
        page = client.get(reverse("assessments:competency", args=[draft.pk, question.competency.number])).text
        assert "A reworded question?" not in page
        assert original.replace("'", "&#x27;") in page


# Evidence --------------------------------------------------------------------


def test_evidence_is_added_and_removed_while_editable(client, board_member, draft):
    client.force_login(board_member)

    response = client.post(reverse("assessments:add_evidence", args=[draft.pk]), {
        "evidence_item": 101, "title": "Communications policy 2008",
        "reference": "Board paper 12", "note": "Approved in May"}, follow=True)

    assert response.redirect_chain[0][0].endswith("#evidence-101")
    assert "“Communications policy 2008” is added." in response.text
    reference = draft.evidence_references.get()
    assert (reference.title, reference.reference, reference.note, reference.created_by) == (
        "Communications policy 2008", "Board paper 12", "Approved in May", board_member)
    page = client.get(reverse("assessments:evidence", args=[draft.pk])).text
    assert "Communications policy 2008" in page and "Board paper 12" in page
    assert page.count("Add a reference") == EvidenceItem.objects.count()

    removed = client.post(reverse("assessments:delete_evidence", args=[draft.pk, reference.pk]))

    assert removed.status_code == 302
    assert not draft.evidence_references.exists()


@pytest.mark.parametrize("data, message", [
    ({"evidence_item": 101, "title": ""}, "Give the evidence a title."),
    ({"evidence_item": 999999, "title": "Minutes"}, "That evidence item does not exist"),
    ({"evidence_item": "abc", "title": "Minutes"}, "That evidence item does not exist"),
    ({"evidence_item": 101, "title": "x" * 201}, "at most 200 characters"),
])
def test_bad_evidence_is_refused_with_a_message(client, board_member, draft, data, message):
    client.force_login(board_member)

    response = client.post(reverse("assessments:add_evidence", args=[draft.pk]), data)

    assert response.status_code == 400
    assert "There is a problem" in response.text and message in response.text
    assert not EvidenceReference.objects.exists()


def test_another_assessments_evidence_cannot_be_removed(client, board_member, pct, draft):
    other = workflow.start_assessment(pct=pct, cycle=draft.cycle, user=board_member, focus="Other")
    reference = workflow.add_evidence(assessment=other, user=board_member, evidence_item_id=101,
                                      title="Theirs")
    client.force_login(board_member)

    response = client.post(reverse("assessments:delete_evidence", args=[draft.pk, reference.pk]))

    assert response.status_code == 404
    assert EvidenceReference.objects.filter(pk=reference.pk).exists()


def test_evidence_cannot_change_once_submitted(client, board_member, submitted):
    reference = EvidenceReference.objects.create(assessment=submitted, evidence_item_id=101,
                                                 title="Minutes")
    client.force_login(board_member)

    added = client.post(reverse("assessments:add_evidence", args=[submitted.pk]),
                        {"evidence_item": 101, "title": "Late"})
    removed = client.post(reverse("assessments:delete_evidence", args=[submitted.pk, reference.pk]))
    page = client.get(reverse("assessments:evidence", args=[submitted.pk])).text

    assert added.status_code == removed.status_code == 409
    assert "can no longer be changed" in added.text
    assert list(submitted.evidence_references.values_list("title", flat=True)) == ["Minutes"]
    assert "Add a reference" not in page and "Remove" not in page


# Activity --------------------------------------------------------------------


def test_the_activity_log_lists_every_change_newest_first(client, board_member, reviewer, draft):
    client.force_login(board_member)
    url = reverse("assessments:save_answer", args=[draft.pk, 6])
    client.post(url, answer_data(6, value="yes"))
    client.post(url, {**answer_data(6, version=1, value="no"), "q6-action": "Plan",
                      "q6-owner": "Chief Executive", "q6-due_date_day": "1", "q6-due_date_month": "1",
                      "q6-due_date_year": "2009"})
    client.post(reverse("assessments:add_evidence", args=[draft.pk]),
                {"evidence_item": 101, "title": "Minutes"})

    html = client.get(reverse("assessments:activity", args=[draft.pk])).text

    rows = html[html.index("<tbody"):]
    for text in ["Question 6: answer", "(blank)", "Yes", "No", "Question 6: owner",
                 "Chief Executive", "Question 6: due date", "2009-01-01",
                 "Evidence reference added", "Minutes", "Assessment started", "Alice"]:
        assert text in rows
    assert rows.index("Evidence reference added") < rows.index("Question 6: owner") \
        < rows.index("Assessment started")


def test_the_activity_log_is_paginated_a_hundred_to_a_page(client, board_member, draft):
    answers = list(draft.answers.select_related("question"))
    for answer in answers[:60]:
        for value in ("yes", "no"):
            answer.value = value
            answer._history_user = board_member
            answer.save()
    client.force_login(board_member)
    url = reverse("assessments:activity", args=[draft.pk])

    first = client.get(url).text
    second = client.get(url, {"page": 2}).text
    beyond = client.get(url, {"page": 99})

    assert first.count('<tr class="nhsuk-table__row">') == 101  # with the header row
    assert second.count('<tr class="nhsuk-table__row">') == 1 + 21  # 120 changes and the start
    assert 'class="nhsuk-pagination nhsuk-pagination--numbered"' in first
    assert 'aria-current="page"' in first and 'rel="next"' in first and 'rel="prev"' in second
    assert beyond.status_code == 200


def test_activity_log_query_count_is_bounded(client, board_member, draft, django_assert_num_queries):
    client.force_login(board_member)
    url = reverse("assessments:activity", args=[draft.pk])
    # session, user, membership, assessment, answer history with questions and
    # who, transitions, evidence history, assignment history (no reviews'
    # history: the PCT does not see a draft's reviews)
    with django_assert_num_queries(8):
        client.get(url)
    fill(draft)
    for answer in draft.answers.all()[:30]:
        answer.action = "Changed"
        answer.save()
    with django_assert_num_queries(8):
        client.get(url)


# Home ------------------------------------------------------------------------


def test_home_sends_people_to_their_assessments(client, board_member, reviewer, admin_user):
    from tests.conftest import make_person

    for person in (board_member, admin_user):
        client.force_login(person)
        assert client.get(reverse("home"))["Location"] == reverse("assessments:list")
    client.force_login(reviewer)
    assert client.get(reverse("home"))["Location"] == reverse("assessments:review_queue")
    client.force_login(make_person("newcomer"))
    assert client.get(reverse("home"))["Location"] == reverse("competencies:index")


def test_answers_history_is_one_record_per_change(board_member, draft):
    answer = draft.answers.select_related("question").get(question__number=1)
    answer.assessment = draft
    workflow.save_answer(answer=answer, user=board_member,
                         values={"value": "yes", "action": "", "owner": "", "due_date": None,
                                 "action_status": "open"}, version=0)
    workflow.save_answer(answer=answer, user=board_member,
                         values={"value": "no", "action": "A", "owner": "B",
                                 "due_date": datetime.date(2009, 1, 1), "action_status": "open"},
                         version=1)

    assert Answer.history.filter(id=answer.pk).count() == 3
