"""The review queue: awaiting review first (longest waiting at the top), then
returned, then accepted; filters by cycle and status; counts; who sees what."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import queue, workflow
from assessments.models import Assessment
from tests.conftest import make_person
from tests.factories import CycleFactory, PctFactory, assessment_in

pytestmark = pytest.mark.django_db

URL = reverse("assessments:review_queue")


def make(status, *, pct, cycle, board, reviewer, focus="", submitted_days_ago=None):
    assessment = assessment_in(status, pct=pct, cycle=cycle, board=board, reviewer=reviewer, focus=focus)
    if submitted_days_ago is not None:
        # Noon, local time, that many days ago: whole days whatever the hour the suite runs.
        noon = datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=submitted_days_ago),
                                         datetime.time(12))
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=timezone.make_aware(noon))
    return assessment


@pytest.fixture
def queued(board_member, reviewer, pct, cycle):
    """The PCT's assessments of 2008/09 in every status, told apart by their focus."""
    later = CycleFactory(start_year=2009)
    people = {"pct": pct, "board": board_member, "reviewer": reviewer}
    return {
        "recent": make("submitted", cycle=cycle, focus="Recent", submitted_days_ago=2, **people),
        "oldest": make("submitted", cycle=cycle, focus="Oldest", submitted_days_ago=30, **people),
        "returned": make("returned", cycle=cycle, focus="Returned", **people),
        "accepted": make("accepted", cycle=cycle, focus="Accepted", **people),
        "later": make("submitted", cycle=later, focus="Later", submitted_days_ago=9, **people),
        "draft": make("draft", cycle=cycle, focus="Draft", **people),
    }


def rows(html: str) -> list[str]:
    """The focus of each row of the queue's table, in order."""
    table = html[html.index('id="queue"'):]
    return re.findall(r'<span class="nhsuk-table-responsive__heading" aria-hidden="true">Focus </span>([^<]+)<',
                      table)


def counts(html: str) -> dict[str, int]:
    part = html[html.index('id="queue-counts"'):]
    return {label: int(n) for label, n in re.findall(r'">([^<]+)</a>: <strong>(\d+)</strong>', part)[:3]}


def test_awaiting_review_first_longest_waiting_first_then_returned_then_accepted(client, reviewer, queued):
    client.force_login(reviewer)

    response = client.get(URL)

    assert response.status_code == 200
    assert rows(response.text) == ["Oldest", "Later", "Recent", "Returned", "Accepted"]
    html = response.text
    assert "30 days waiting" in html and "9 days waiting" in html and "2 days waiting" in html
    assert counts(html) == {"Awaiting review": 3, "Returned to the PCT": 1, "Accepted": 1}
    assert "Draft" not in rows(html)


def test_a_row_the_reviewer_may_review_links_to_the_review(client, reviewer, queued):
    client.force_login(reviewer)

    html = client.get(URL).text

    assert f'href="{reverse("assessments:review", args=[queued["oldest"].pk])}">Review ' in html
    assert f'href="{queued["returned"].get_absolute_url()}">North Tyneside PCT' in html
    assert f'href="{queued["accepted"].get_absolute_url()}">North Tyneside PCT' in html


@pytest.mark.parametrize(("query", "expected", "expected_counts"), [
    ({"status": "submitted"}, ["Oldest", "Later", "Recent"], (3, 1, 1)),
    ({"status": "returned"}, ["Returned"], (3, 1, 1)),
    ({"status": "accepted"}, ["Accepted"], (3, 1, 1)),
    ({"cycle": "2008"}, ["Oldest", "Recent", "Returned", "Accepted"], (2, 1, 1)),
    ({"cycle": "2009", "status": "submitted"}, ["Later"], (1, 0, 0)),
    ({"cycle": "2009", "status": "accepted"}, [], (1, 0, 0)),
])
def test_filters_by_cycle_and_status_and_counts_within_the_cycle(client, reviewer, queued, query, expected,
                                                                 expected_counts):
    from assessments.models import Cycle

    if "cycle" in query:
        query = {**query, "cycle": Cycle.objects.get(start_year=int(query["cycle"])).pk}
    client.force_login(reviewer)

    response = client.get(URL, query)

    assert response.status_code == 200
    html = response.text
    assert (rows(html) if expected else []) == expected
    if not expected:
        assert "No assessments match" in html
    assert tuple(counts(html).values()) == expected_counts
    for name, value in query.items():
        assert re.search(rf'<option value="{value}" selected>', html), name


@pytest.mark.parametrize("query", [{"status": "draft"}, {"status": "nonsense"}, {"cycle": "abc"},
                                   {"cycle": "99999999999999999999"}, {"cycle": "0"}])
def test_a_filter_that_is_not_a_choice_is_shown_at_its_field_and_left_out(client, reviewer, queued, query):
    client.force_login(reviewer)

    response = client.get(URL, query)

    assert response.status_code == 400
    html = response.text
    assert "There is a problem" in html and "<title>Error: " in html
    name = next(iter(query))
    assert f'href="#id_{name}"' in html
    assert f'id="div_id_{name}" class="nhsuk-form-group nhsuk-form-group--error"' in html
    assert len(rows(html)) == 5  # that filter left out


def test_the_filter_form_is_nhsuk_markup_from_the_crispy_pack(client, reviewer, queued):
    client.force_login(reviewer)

    html = client.get(URL).text

    form = html[html.index('<form  id="review-queue-filter"'):html.index("</form>", html.index("review-queue-filter"))]
    assert 'method="get"' in form and "csrfmiddlewaretoken" not in form
    assert form.count('class="nhsuk-select"') == 2
    assert '<label class="nhsuk-label" for="id_cycle">' in form
    assert 'class="nhsuk-button nhsuk-button--secondary"' in form


def test_each_reviewer_sees_their_shas_assessments_and_an_admin_every_shas(
        client, reviewer, other_reviewer, admin_user, queued, other_sha_pct, cycle):
    outsider_board = make_person("brent.board", other_sha_pct, "board_member")
    elsewhere = make("submitted", pct=other_sha_pct, cycle=cycle, board=outsider_board, reviewer=other_reviewer,
                     focus="Elsewhere", submitted_days_ago=50)

    client.force_login(other_reviewer)
    assert rows(client.get(URL).text) == ["Elsewhere"]
    client.force_login(reviewer)
    assert "Elsewhere" not in rows(client.get(URL).text)
    client.force_login(admin_user)
    html = client.get(URL).text
    assert rows(html) == ["Elsewhere", "Oldest", "Later", "Recent", "Returned", "Accepted"]
    assert "London SHA" in html  # an admin's queue names each PCT's SHA
    # An admin may see, not review: every row links to the assessment's page.
    assert reverse("assessments:review", args=[elsewhere.pk]) not in html


def test_board_members_have_no_review_queue(client, board_member, other_board_member):
    for person in (board_member, other_board_member):
        client.force_login(person)
        assert client.get(URL).status_code == 403


def test_reviewers_land_on_their_queue_and_every_page_links_to_it(client, reviewer, admin_user, board_member):
    client.force_login(reviewer)
    assert client.get(reverse("home"))["Location"] == URL
    for person in (reviewer, admin_user):
        client.force_login(person)
        assert f'href="{URL}">Review queue</a>' in client.get(reverse("assessments:list")).text
    client.force_login(board_member)
    assert "Review queue" not in client.get(reverse("assessments:list")).text


def test_days_waiting_counts_whole_days_since_the_last_submission(reviewer, queued):
    today = timezone.localdate()
    oldest = Assessment.objects.get(pk=queued["oldest"].pk)

    assert queue.days_waiting(oldest, today=today) == 30
    assert queue.days_waiting(oldest, today=today + datetime.timedelta(days=1)) == 31
    assert queue.days_waiting(Assessment.objects.get(pk=queued["returned"].pk), today=today) is None


def test_a_resubmitted_assessment_waits_from_its_resubmission(client, board_member, reviewer, queued):
    returned = queued["returned"]
    workflow.submit(assessment=returned, user=board_member)
    client.force_login(reviewer)

    html = client.get(URL, {"status": "submitted"}).text

    assert rows(html) == ["Oldest", "Later", "Recent", "Returned"]
    assert "Submitted today" in html


def test_queue_query_count_is_constant_in_the_number_of_assessments(
        client, reviewer, board_member, pct, cycle, queued, django_assert_num_queries):
    client.force_login(reviewer)
    # session, user, membership, the cycles for the filter, the counts per
    # status, the assessments with their PCT, SHA, cycle, last return and
    # deadlines, the SHA's deadlines per cycle
    with django_assert_num_queries(7):
        client.get(URL)
    # ... and the cycle chosen, checked
    with django_assert_num_queries(8):
        client.get(URL, {"cycle": cycle.pk, "status": "submitted"})
    other = PctFactory(code="5ZZ", sha=pct.sha)
    board = make_person("zed.board", other, "board_member")
    for n in range(4):
        make(["submitted", "returned", "accepted", "submitted"][n], pct=other, cycle=cycle, board=board,
             reviewer=reviewer, focus=f"More {n}")
    with django_assert_num_queries(7):
        assert len(rows(client.get(URL).text)) == 9
