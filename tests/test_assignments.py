"""Sharing out the competencies: who answers what, "My competencies", and
the changes in the activity log."""

import pytest
from django.urls import reverse

from assessments import assignments, workflow
from assessments.models import Assignment
from competencies.models import Competency
from tests.conftest import fill, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(pct):
    return make_person("carol", pct, "board_member", first_name="Carol", last_name="Jones")


def give(client, assessment, numbers, assignee):
    pks = Competency.objects.filter(number__in=numbers).values_list("pk", flat=True)
    return client.post(reverse("assessments:assign", args=[assessment.pk]),
                       {"assign-competencies": list(pks), "assign-assignee": assignee.pk if assignee else ""})


def test_a_board_member_gives_several_competencies_to_a_colleague(client, board_member, colleague, draft):
    client.force_login(board_member)

    response = give(client, draft, [1, 2, 5], colleague)

    assert response.status_code == 302 and response["Location"] == reverse("assessments:tasks", args=[draft.pk])
    assert sorted(draft.assignments.values_list("competency__number", flat=True)) == [1, 2, 5]
    assert set(draft.assignments.values_list("assignee", flat=True)) == {colleague.pk}
    html = client.get(reverse("assessments:tasks", args=[draft.pk])).text
    assert html.count("Assigned to Carol Jones") == 3
    task = html[html.index('id="competency-2"'):]
    assert "Assigned to Carol Jones" in task[:task.index("</li>")]


def test_giving_again_moves_or_clears_and_the_activity_log_shows_it(client, board_member, colleague, draft):
    client.force_login(board_member)
    give(client, draft, [1, 2], colleague)

    give(client, draft, [2], board_member)
    give(client, draft, [1], None)

    assert list(draft.assignments.values_list("competency__number", "assignee")) == [(2, board_member.pk)]
    log = client.get(reverse("assessments:activity", args=[draft.pk])).text
    assert log.count("Competency 1: given to") == 1 and log.count("Competency 1: taken off") == 1
    assert "Competency 2: given to" in log and "Carol Jones" in log


def test_my_competencies_lists_what_is_given_with_progress(client, board_member, colleague, draft):
    assignments.assign(assessment=draft, user=board_member, competencies=list(Competency.objects.filter(number=5)),
                       assignee=colleague)
    first = draft.answers.filter(question__competency__number=5).order_by("question__number").first()
    first.value = "yes"
    first.save()
    client.force_login(colleague)

    html = client.get(reverse("assessments:mine")).text

    assert reverse("assessments:competency", args=[draft.pk, 5]) in html
    assert "1 of 6 answered" in html and "In progress" in html
    client.force_login(board_member)
    assert "Nothing is given to you" in client.get(reverse("assessments:mine")).text


def test_my_competencies_leaves_out_submitted_assessments(client, board_member, colleague, draft):
    assignments.assign(assessment=draft, user=board_member, competencies=list(Competency.objects.all()),
                       assignee=colleague)
    fill(draft)
    assert workflow.submit(assessment=draft, user=board_member) == []
    client.force_login(colleague)

    assert "Nothing is given to you" in client.get(reverse("assessments:mine")).text


def test_someone_outside_the_pct_or_a_reviewer_cannot_be_given_anything(client, board_member, other_board_member,
                                                                      reviewer, draft):
    client.force_login(board_member)

    for outsider in (other_board_member, reviewer):
        response = give(client, draft, [1], outsider)
        assert response.status_code == 400
        assert "Choose one of the PCT&#x27;s board members." in response.text
    assert not Assignment.objects.exists()
    with pytest.raises(assignments.NotOnTheBoard):
        assignments.assign(assessment=draft, user=board_member, competencies=[Competency.objects.first()],
                           assignee=reviewer)


def test_sharing_out_is_a_page_of_its_own_linked_from_the_task_list(client, board_member, colleague, draft):
    client.force_login(board_member)
    page = reverse("assessments:assign", args=[draft.pk])

    assert f'href="{page}"' in client.get(reverse("assessments:tasks", args=[draft.pk])).text
    html = client.get(page).text
    assert "<h1>Share out the competencies</h1>" in html
    assert html.count('name="assign-competencies"') == 11 and ">Carol Jones</option>" in html


def test_nothing_chosen_is_an_error_at_the_field(client, board_member, colleague, draft):
    client.force_login(board_member)

    response = give(client, draft, [], colleague)

    assert response.status_code == 400
    assert "Select the competencies to give to someone." in response.text
    assert 'href="#id_assign-competencies_0"' in response.text


def test_only_the_pcts_board_gives_competencies_and_only_while_answerable(
    client, board_member, other_board_member, reviewer, colleague, draft
):
    client.force_login(other_board_member)
    assert give(client, draft, [1], colleague).status_code == 404
    fill(draft)
    assert workflow.submit(assessment=draft, user=board_member) == []
    client.force_login(reviewer)
    assert give(client, draft, [1], colleague).status_code == 403
    client.force_login(board_member)
    assert give(client, draft, [1], colleague).status_code == 409
    assert not Assignment.objects.exists()


def test_the_task_list_query_count_stays_with_assignments(client, board_member, colleague, draft,
                                                          django_assert_max_num_queries):
    client.force_login(board_member)
    url = reverse("assessments:tasks", args=[draft.pk])
    assignments.assign(assessment=draft, user=board_member, competencies=list(Competency.objects.all()),
                       assignee=colleague)
    # session, user, membership, assessment, answers, competencies, the
    # assignments, the people's names, the submission and review deadlines.
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.text.count("Assigned to Carol Jones") == 11
