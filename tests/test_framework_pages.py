import pytest
from django.urls import reverse

from competencies.models import Competency, Question, Skill

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("competencies:index"),
    reverse("competencies:detail", args=[1]),
    reverse("competencies:detail", args=[11]),
    reverse("competencies:checklist"),
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_a_logged_in_user(client, board_member, url):
    client.force_login(board_member)

    response = client.get(url)

    assert response.status_code == 200
    assert b'id="maincontent"' in response.content


def test_index_lists_every_competency_with_its_counts(client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("competencies:index"))

    rows = list(response.context["competencies"])
    assert [c.number for c in rows] == list(range(1, 12))
    seven = rows[6]
    assert (seven.skill_count, seven.process_count, seven.evidence_count) == (7, 12, 7)
    assert seven.question_count == 12
    assert "Stimulate the market" in response.text


def test_competency_page_shows_all_its_content(client, board_member):
    client.force_login(board_member)
    competency = Competency.objects.get(number=4)

    response = client.get(reverse("competencies:detail", args=[4]))

    for text in [competency.statement, competency.why]:
        assert text.replace("'", "&#x27;") in response.text
    for item in [*competency.skills.all(), *competency.processes.all(),
                 *competency.evidence_items.all()]:
        assert item.text.replace("'", "&#x27;") in response.text
    assert response.text.count("<li value=") == competency.questions.count()


def test_unknown_competency_is_404(client, board_member):
    client.force_login(board_member)

    assert client.get(reverse("competencies:detail", args=[12])).status_code == 404


def test_checklist_follows_tool_d1_order(client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("competencies:checklist"))

    order = [
        c.number for theme in response.context["themes"] for c in theme.competencies.all()
    ]
    assert order == [5, 6, 1, 2, 3, 4, 7, 8, 9, 11, 10]
    numbers = [
        q.number
        for theme in response.context["themes"]
        for c in theme.competencies.all()
        for q in c.questions.all()
    ]
    assert numbers == list(range(1, 113))


# Query counts do not grow with the number of items: the counts are annotated,
# the lists prefetched.
def test_index_query_count_is_constant(client, board_member, django_assert_num_queries):
    client.force_login(board_member)
    # session, user, membership with organisation (header), competencies with
    # their four counts
    with django_assert_num_queries(4):
        client.get(reverse("competencies:index"))
    Skill.objects.create(competency_id=1, position=99, text="An extra skill")
    with django_assert_num_queries(4):
        client.get(reverse("competencies:index"))


def test_competency_page_query_count_is_constant(
    client, board_member, django_assert_num_queries
):
    client.force_login(board_member)
    url = reverse("competencies:detail", args=[2])
    # session, user, competency with its theme, then skills, processes,
    # evidence items, questions with their processes, and the header's membership
    with django_assert_num_queries(8):
        client.get(url)
    Question.objects.create(competency_id=2, number=200, text="An extra question?")
    Skill.objects.create(competency_id=2, position=99, text="An extra skill")
    with django_assert_num_queries(8):
        client.get(url)


def test_checklist_query_count(client, board_member, django_assert_num_queries):
    client.force_login(board_member)
    # session, user, themes, competencies, questions, the header's membership
    with django_assert_num_queries(6):
        client.get(reverse("competencies:checklist"))
