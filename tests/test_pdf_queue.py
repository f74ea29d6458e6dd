"""The PDF board report off the request path: renders queued when an
assessment moves and when someone asks, run by the real worker; the page
that waits for them; failures; access."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import access, workflow
from assessments.workflow import ReviewsMissing
from reports.models import RenderedReport
from reports.pdf import edition_for
from reports.tasks import render_report
from tests.conftest import fill, make_person, run_tasks
from tests.factories import review_every_competency

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, assessment) -> str:
    return reverse(f"reports:{name}", args=[assessment.pk])


def renders(status: str | None = None) -> list[list]:
    """The queued renders' arguments: [assessment, on board, reviews it, admin]."""
    results = DBTaskResult.objects.filter(task_path=render_report.module_path).order_by("enqueued_at")
    if status:
        results = results.filter(status=status)
    return [result.args_kwargs["args"] for result in results]


def test_a_draft_is_rendered_on_request_once_however_often_it_is_asked_for(client, board_member, pct, draft):
    colleague = make_person("anne", pct, "board_member")
    client.force_login(board_member)

    response = client.get(url("pdf", draft))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.text
    assert "<h1>Preparing your report…</h1>" in html
    assert f'hx-get="{url("pdf_progress", draft)}" hx-trigger="every 2s"' in html
    assert f'<a id="pdf-next" href="{url("pdf", draft)}">Check again</a>' in html  # without JavaScript
    assert renders("READY") == [[draft.pk, True, False, False]]

    # Asking again, polling, a colleague asking: the same render, still queued.
    assert client.get(url("pdf", draft)).status_code == 200
    assert client.get(url("pdf_progress", draft), **HTMX).status_code == 204  # nothing to swap yet
    client.force_login(colleague)
    assert "Preparing your report…" in client.get(url("pdf", draft)).text
    assert renders() == [[draft.pk, True, False, False]]
    assert not RenderedReport.objects.exists()


def test_the_worker_stores_the_report_and_then_it_downloads_at_once(client, board_member, draft):
    client.force_login(board_member)
    client.get(url("pdf", draft))

    run_tasks()

    stored = RenderedReport.objects.get()
    edition = edition_for(access.grant_for(board_member, draft.pk))
    assert (stored.assessment, stored.with_reviews, stored.key) == (draft, False, edition.key)
    assert bytes(stored.pdf).startswith(b"%PDF-")
    assert DBTaskResult.objects.get().return_value == edition.key
    fragment = client.get(url("pdf_progress", draft), **HTMX)
    assert fragment.status_code == 200
    assert "<h1>Your report is ready</h1>" in fragment.text
    assert f"<title>Your report is ready: {draft} – " in fragment.text  # htmx makes it the page's title
    link = f'<a class="nhsuk-button" id="pdf-next" href="{url("pdf", draft)}">Download the board report (PDF)</a>'
    assert link in fragment.text
    assert "hx-get" not in fragment.text  # the polling stops
    response = client.get(url("pdf", draft))
    assert response["Content-Type"] == "application/pdf" and response.content == bytes(stored.pdf)
    assert renders() == [[draft.pk, True, False, False]]  # nothing more queued


def test_the_progress_url_without_htmx_is_the_pdfs(client, board_member, draft):
    client.force_login(board_member)

    response = client.get(url("pdf_progress", draft))

    assert (response.status_code, response["Location"]) == (302, url("pdf", draft))


def test_submitting_returning_and_accepting_each_queue_the_readers_reports(board_member, reviewer, draft):
    board, reviewers = [draft.pk, True, False, False], [draft.pk, False, True, False]
    fill(draft)

    workflow.submit(assessment=draft, user=board_member)
    assert renders("READY") == [board, reviewers]
    run_tasks()
    # The PCT and the SHA see the same report while there are no reviewers' levels: one render.
    assert RenderedReport.objects.count() == 1
    assert not RenderedReport.objects.get().with_reviews

    review_every_competency(draft, reviewer)
    workflow.return_to_pct(assessment=draft, user=reviewer, comment="Look again at question 3.")
    assert renders("READY") == [board, reviewers]
    run_tasks()
    assert list(RenderedReport.objects.values_list("with_reviews", flat=True)) == [True]

    workflow.submit(assessment=draft, user=board_member)
    assert renders("READY") == [board, reviewers]
    run_tasks()
    # Under review again: the PCT's report leaves out the levels that the SHA's shows.
    assert sorted(RenderedReport.objects.values_list("with_reviews", flat=True)) == [False, True]

    draft.reviews.filter(competency__number=1).delete()
    with pytest.raises(ReviewsMissing):
        workflow.accept(assessment=draft, user=reviewer)
    assert renders("READY") == []  # queued with the move, or not at all
    review_every_competency(draft, reviewer)
    workflow.accept(assessment=draft, user=reviewer)
    assert renders("READY") == [board, reviewers]
    run_tasks()
    assert list(RenderedReport.objects.values_list("with_reviews", flat=True)) == [True]
    assert len(renders("SUCCESSFUL")) == 8


def test_a_failed_render_says_so_and_offers_to_try_again(client, settings, board_member, draft):
    client.force_login(board_member)
    client.get(url("pdf", draft))
    static_dirs = settings.STATICFILES_DIRS
    settings.STATICFILES_DIRS = []  # a broken release: the report's stylesheet and fonts are missing

    run_tasks()

    settings.STATICFILES_DIRS = static_dirs
    assert renders("FAILED") == [[draft.pk, True, False, False]]
    assert "No static file at file:///static/css/report-pdf.css" in DBTaskResult.objects.get().traceback
    assert not RenderedReport.objects.exists()
    page = client.get(url("pdf", draft))
    assert page.status_code == 200
    assert "<h1>Your report could not be prepared</h1>" in page.text
    assert f'<form method="post" action="{url("retry_pdf", draft)}" novalidate>' in page.text
    fragment = client.get(url("pdf_progress", draft), **HTMX)
    assert fragment.status_code == 200 and "Try again" in fragment.text and "hx-get" not in fragment.text
    assert len(renders()) == 1  # not queued again until the person asks

    response = client.post(url("retry_pdf", draft))

    assert (response.status_code, response["Location"]) == (302, url("pdf", draft))
    assert renders("READY") == [[draft.pk, True, False, False]]
    assert "Preparing your report…" in client.get(url("pdf", draft)).text
    run_tasks()
    assert client.get(url("pdf", draft))["Content-Type"] == "application/pdf"


def test_a_render_abandoned_by_a_dead_worker_is_queued_again(client, board_member, draft):
    client.force_login(board_member)
    client.get(url("pdf", draft))
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - datetime.timedelta(minutes=5))
    client.get(url("pdf", draft))
    assert len(renders()) == 1  # five minutes: still under way

    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=11))
    client.get(url("pdf", draft))

    assert renders("READY") == [[draft.pk, True, False, False]]


def test_a_render_of_an_assessment_deleted_since_does_nothing(draft):
    render_report.enqueue(draft.pk + 1000, True, False, False)

    run_tasks()

    assert renders("SUCCESSFUL") == [[draft.pk + 1000, True, False, False]]
    assert not RenderedReport.objects.exists()


@pytest.mark.parametrize("persona", ["other_board_member", "other_reviewer"])
def test_outsiders_learn_nothing_and_queue_nothing(client, request, board_member, submitted, persona):
    run_tasks()  # the submission's renders: the report is ready
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url("pdf", submitted)).status_code == 404
    assert client.get(url("pdf_progress", submitted), **HTMX).status_code == 404
    assert client.get(url("pdf_progress", submitted)).status_code == 404
    assert client.post(url("retry_pdf", submitted)).status_code == 404
    assert len(renders()) == 2


def test_polling_runs_a_fixed_number_of_queries(client, board_member, draft, django_assert_num_queries):
    client.force_login(board_member)
    client.get(url("pdf", draft))
    # 1 session, 2 user, 3 membership, 4 assessment; 5–16 the key (as a
    # download, see test_pdf, less the first submission: a draft has none);
    # 17 the stored report, 18 the last render: its status, and whether it
    # is still under way.
    with django_assert_num_queries(18):
        assert client.get(url("pdf_progress", draft), **HTMX).status_code == 204
