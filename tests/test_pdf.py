"""The PDF board report: content, tagging, the draft mark, the cache, access."""

import datetime
import io
import logging
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments import workflow
from assessments.models import Cycle, LevelBand
from competencies.models import Competency, EvidenceItem
from reports.models import RenderedReport
from reports.pdf import StaticFilesFetcher, filename_for
from tests.conftest import download_pdf, fill, run_tasks
from tests.factories import accept

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def url(assessment) -> str:
    return reverse("reports:pdf", args=[assessment.pk])


def read(content: bytes) -> tuple[PdfReader, str]:
    """The PDF and its text, with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def structure_elements(reader: PdfReader):
    """Every element of the PDF's structure (tag) tree, depth first."""
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            yield node
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object() if hasattr(kids, "get_object") else kids
                stack.extend(kids if isinstance(kids, list) else [kids])


def font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.fixture
def reported(submitted):
    answer = submitted.answers.filter(value="no").order_by("question__number").first()
    answer.action = "Agree a joint data-sharing protocol with the council"
    answer.save()
    return submitted


def test_the_pdf_is_a_tagged_accessible_board_paper(client, board_member, reported, caplog):
    client.force_login(board_member)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = download_pdf(client, reported)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="5d8-2008-09-board-report.pdf"'
    assert "private" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # no missing anchors, fonts, alt text
    reader, text = read(response.content)
    submitted_on = f"{reported.submitted_at:%-d %B %Y}"

    # The front: who, which cycle, the dates, the purpose and the recommendation.
    assert "North Tyneside PCT" in text and "North East SHA" in text and "2008/09" in text
    assert f"Report date {submitted_on}" in text
    assert f"Position as at {submitted_on}, the day it was submitted" in text
    assert f"Status Submitted; submitted {submitted_on}" in text
    assert "Purpose To give the board North Tyneside PCT's self-assessment" in text
    assert "The board is asked to note the self-assessment and approve the action plan." in text
    # Key messages, the summary, the action plan, the question record.
    assert "Key messages" in text and "Strongest:" in text and "Weakest:" in text
    for competency in Competency.objects.all():
        assert f"{competency.number}. {competency.short_title}" in text
        assert competency.statement[:40] in text
    assert "Agree a joint data-sharing protocol with the council" in text
    assert "Director of Commissioning" in text
    assert "Page 1 of" in text and f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    assert "Annex A: The answer to every question" in text and "Annex B: Evidence the PCT cites" in text
    assert "Evidence an assessor would expect to see" not in text  # the framework text is off by default
    assert "112 of 112" in text
    assert "DRAFT" in text  # submitted, not yet accepted

    # A4 portrait.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)

    # Tagged (PDF/UA-1): structure tree, marked, language, title shown as the window title.
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == "Board report: North Tyneside PCT, 2008/09"
    tags = {str(e.get("/S")) for e in structure_elements(reader)}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P", "/Figure", "/L", "/LI", "/Caption"} <= tags
    figure = next(e for e in structure_elements(reader) if e.get("/S") == "/Figure")
    assert figure["/Alt"].startswith("Score for each competency")

    # Fonts shipped with the project, the same on every machine.
    assert font_names(reader) and all("Source-Sans-3" in name for name in font_names(reader))


def test_an_accepted_report_has_no_draft_mark(client, board_member, reviewer, reported):
    client.force_login(board_member)
    _, draft_text = read(download_pdf(client, reported).content)
    accept(reported, reviewer)

    _, text = read(download_pdf(client, reported).content)

    assert "DRAFT" in draft_text
    assert "DRAFT" not in text
    assert "Accepted" in text


def test_a_draft_shows_its_completeness_and_the_draft_mark(client, board_member, draft):
    draft.answers.filter(question__number__lte=54).update(value="yes")
    client.force_login(board_member)

    _, text = read(download_pdf(client, draft).content)

    assert "DRAFT" in text and "Not yet submitted" in text
    assert "54 of 112" in text and "over the answered questions only" in text


def test_html_in_actions_owners_reasons_and_notes_appears_as_text(
    client, board_member, reviewer, draft
):
    fill(draft, action=f"Plan {SCRIPT}")
    draft.answers.exclude(action="").update(owner=f"Owner {SCRIPT}")
    workflow.add_evidence(assessment=draft, user=board_member,
                          evidence_item_id=EvidenceItem.objects.first().pk,
                          title="Minutes", note=f"Note {SCRIPT}")
    assert workflow.submit(assessment=draft, user=board_member) == []
    workflow.record_review(assessment=draft, competency=Competency.objects.get(number=1),
                           user=reviewer, level=2, reason=f"Reason {SCRIPT}")
    client.force_login(reviewer)

    _, text = read(download_pdf(client, draft).content)

    for label in ["Plan", "Owner", "Reason", "Note"]:
        assert f"{label} {SCRIPT}" in text


def test_a_repeat_download_comes_from_the_cache_until_something_changes(
    client, board_member, reviewer, reported
):
    client.force_login(board_member)
    first = download_pdf(client, reported).content
    cached = RenderedReport.objects.get()

    assert client.get(url(reported)).content == first  # at once: no render queued
    again = RenderedReport.objects.get()
    assert (again.pk, again.key, again.rendered_at) == (cached.pk, cached.key, cached.rendered_at)

    # A changed answer, as the answering pages save it.
    workflow.return_to_pct(assessment=reported, user=reviewer, comment="Please review question 1.")
    answer = reported.answers.get(question__number=1)
    workflow.save_answer(answer=answer, user=board_member, version=answer.version,
                         values={"value": "no", "action": "A changed answer", "owner": "Me",
                                 "due_date": None, "action_status": "open"})
    _, text = read(download_pdf(client, reported).content)
    changed = RenderedReport.objects.get()
    assert "A changed answer" in text and changed.key != cached.key

    # A change made behind the workflow's back, with no new version: still seen.
    reported.answers.filter(question__number=2).update(action="Changed in bulk")
    _, text = read(download_pdf(client, reported).content)
    bulk = RenderedReport.objects.get()
    assert "Changed in bulk" in text and bulk.key != changed.key

    # New level bands.
    LevelBand.objects.filter(level=4).update(min_score=99)
    download_pdf(client, reported)
    assert RenderedReport.objects.get().key != bulk.key
    assert RenderedReport.objects.count() == 1  # only the latest is kept


def test_reviewers_and_the_pct_each_get_their_own_report(client, board_member, reviewer, reported):
    workflow.record_review(assessment=reported, competency=Competency.objects.get(number=1),
                           user=reviewer, level=2, reason="The minutes show no challenge.")
    client.force_login(reviewer)
    _, reviewers = read(download_pdf(client, reported).content)
    client.force_login(board_member)
    _, pcts = read(download_pdf(client, reported).content)

    assert "The minutes show no challenge." in reviewers
    assert "The minutes show no challenge." not in pcts
    assert set(RenderedReport.objects.values_list("with_reviews", flat=True)) == {True, False}

    workflow.record_review(assessment=reported, competency=Competency.objects.get(number=1),
                           user=reviewer, level=3, reason="Challenge minuted in May.")
    client.force_login(reviewer)
    _, reviewers = read(download_pdf(client, reported).content)
    assert "Challenge minuted in May." in reviewers
    assert RenderedReport.objects.count() == 2


def test_the_change_since_the_previous_assessment_is_in_the_report(
    client, pct, board_member, reviewer, submitted
):
    accept(submitted, reviewer)
    later = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=board_member, from_previous=True, focus="Obesity")
    later.answers.update(value="yes")
    client.force_login(board_member)

    response = download_pdf(client, later)

    _, text = read(response.content)
    assert "Since 2008/09" in text and "↑ up" in text
    assert response["Content-Disposition"] == (
        'attachment; filename="5d8-2009-10-obesity-board-report.pdf"'
    )


@pytest.mark.parametrize("persona", ["other_board_member", "other_reviewer"])
def test_outsiders_get_a_404(client, request, reported, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(reported)).status_code == 404
    assert not RenderedReport.objects.exists()


def test_a_reviewer_cannot_download_a_draft(client, reviewer, draft):
    client.force_login(reviewer)

    assert client.get(url(draft)).status_code == 404


def test_the_pdf_renders_with_the_production_static_files_storage(
    client, settings, board_member, draft
):
    # In production {% static %} gives hashed names from a manifest; the PDF
    # reads the source files directly, so it needs neither.
    client.force_login(board_member)
    client.get(url(draft))  # queues the render (its page needs the manifest: not collected here)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    run_tasks()
    response = client.get(url(draft))

    assert response.status_code == 200
    assert all("Source-Sans-3" in name for name in font_names(PdfReader(io.BytesIO(response.content))))


def test_the_stylesheet_and_fonts_are_loaded_once_but_found_for_every_render(settings):
    from weasyprint.urls import FatalURLFetchingError

    from reports import pdf

    assert pdf._stylesheet() == pdf._stylesheet()  # the same parsed stylesheet and fonts
    settings.STATICFILES_DIRS = []  # a broken release: the stylesheet is missing
    with pytest.raises(FatalURLFetchingError):
        pdf._stylesheet()


@pytest.mark.parametrize("address", [
    "https://example.com/font.woff",
    "file:///etc/passwd",
    "file:///static/../../../etc/passwd",
    "file:///static/css/missing.css",
])
def test_the_fetcher_reads_only_static_files(address):
    with pytest.raises(ValueError):
        StaticFilesFetcher().fetch(address)


def test_the_fetcher_reads_the_stylesheet_and_fonts():
    fetcher = StaticFilesFetcher()

    css = fetcher.fetch("file:///static/css/report-pdf.css")
    font = fetcher.fetch("file:///static/fonts/source-sans-3-latin-400-normal.woff")

    assert b"@font-face" in css.read() and css.content_type == "text/css"
    assert font.read().startswith(b"wOFF")


def test_the_pdfs_streams_are_deflated_at_zlibs_default_level():
    """reports.pdf_deflate caps pydyf's level 9 at 6: a quarter of the time."""
    import zlib

    import pydyf

    from reports import pdf  # noqa: F401 - installs the cap

    content = [f"BT /F{n % 3} {9 + n % 4} Tf 72 {800 - n} Td (Line {n} of the action plan) Tj ET".encode()
               for n in range(400)]
    deflated = pydyf.Stream(content, compress=True).data

    raw = b"\n".join(content)
    assert zlib.compress(raw, 6) != zlib.compress(raw, 9)
    assert b"stream\n" + zlib.compress(raw, 6) + b"\nendstream" in deflated


@pytest.mark.parametrize("code, focus, expected", [
    ("5D8", "", "5d8-2008-09-board-report.pdf"),
    ("5D8", "Obesity strategy", "5d8-2008-09-obesity-strategy-board-report.pdf"),
    ("5D8", 'A "quoted"; focus\r\n/../', "5d8-2008-09-a-quoted-focus-board-report.pdf"),
])
def test_the_file_name_is_safe(pct, cycle, code, focus, expected):
    from assessments.models import Assessment

    assessment = Assessment(pct=pct, cycle=cycle, focus=focus)

    assert filename_for(assessment) == expected
    assert re.fullmatch(r"[a-z0-9-]+\.pdf", filename_for(assessment))


def test_a_cached_download_runs_a_constant_number_of_queries(
    client, board_member, reported, django_assert_num_queries
):
    client.force_login(board_member)
    download_pdf(client, reported)
    # 1 session, 2 user, 3 membership, 4 assessment; for the key: 5 reviews,
    # 6 challenges, 7 answers, 8–9 the previous assessment (same focus, then
    # any: none), 10 the peers' scorecards, 11 evidence references,
    # 12 transitions, 13 bands, 14 the board paper, 15–17 the submission and
    # review deadlines and the first submission; 18 the cached PDF. The
    # framework's wording is kept in the cache (``framework.wording_key``).
    with django_assert_num_queries(18):
        cached = client.get(url(reported))
    reported.answers.update(owner="Someone else")
    download_pdf(client, reported)
    with django_assert_num_queries(18):
        client.get(url(reported))
    assert cached.status_code == 200


def test_overdue_is_judged_on_the_day_a_submitted_assessment_was_submitted(client, board_member, submitted):
    """Not today: a 2009 plan read in a later year is shown as it stood then."""
    from datetime import UTC, date, datetime

    from assessments.models import Assessment

    Assessment.objects.filter(pk=submitted.pk).update(submitted_at=datetime(2009, 3, 1, 12, tzinfo=UTC))
    submitted.answers.filter(question__number=3).update(due_date=date(2009, 2, 1))  # the rest: 31 March 2009
    client.force_login(board_member)

    _, text = read(download_pdf(client, submitted).content)

    assert "Position as at 1 March 2009, the day it was submitted" in text
    assert "37 in the plan, 1 overdue on 1 March 2009" in text
    assert text.count("(overdue)") == 1  # question 3, in the record of every answer
    assert "Director of Commissioning 1 36" in text  # by owner: 1 overdue, 36 due within 30 days


def test_a_drafts_actions_are_overdue_as_of_today(client, board_member, draft):
    fill(draft)
    client.force_login(board_member)

    _, text = read(download_pdf(client, draft).content)

    today = timezone.localdate()
    assert f"Position as at {today:%-d %B %Y}" in text
    assert f"37 in the plan, 37 overdue on {today:%-d %B %Y}" in text


def test_a_late_submission_says_so_in_the_report_and_the_pdf(client, board_member, submitted, cycle):
    from assessments.models import SubmissionDeadline

    client.force_login(board_member)
    page = reverse("reports:assessment", args=[submitted.pk])
    assert "Submitted late" not in client.get(page).text
    # Submitted today, long after this.
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))

    assert ('<strong class="nhsuk-tag nhsuk-tag--orange" id="late">Submitted late</strong> '
            '<span class="nhsuk-body-s">(the deadline was 31 March 2009)</span>') in client.get(page).text
    # The deadline is in the cached report's key: the next download is a new render.
    _, text = read(download_pdf(client, submitted).content)
    assert "late: the deadline was 31 March 2009" in text
