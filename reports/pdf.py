"""The PDF board report: rendered by WeasyPrint, cached by content."""

import gc
import hashlib
import mimetypes
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessments import access, deadlines
from assessments.models import COMPETENCY_ANSWERED, THEME_ANSWERED, Assessment, Challenge, LevelBand
from assessments.scorecards import tallies_of
from competencies import framework
from competencies.models import Competency

from . import pdf_deflate, pdf_tags
from .board_papers import board_paper_of
from .models import RenderedReport
from .report import position_as_at, report_context, visible_previous

TEMPLATE = "reports/pdf.html"
STYLESHEET = "css/report-pdf.css"
# Documents are parsed as if served from here, so "/static/…" URLs resolve to
# file URLs that the fetcher maps to static files.
BASE_URL = "file:///wcc-board-report/"

pdf_tags.install()
pdf_deflate.install()


class StaticFilesFetcher(URLFetcher):
    """Serves the report's stylesheet, fonts and images from the static files
    on disk, and refuses everything else: no request ever leaves the machine."""

    def __init__(self):
        # A stylesheet or font that fails to load is a fault in the release,
        # not something to hide behind an unstyled report.
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)  # inline, decoded without any request
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if parsed.scheme != "file" or not parsed.path.startswith(prefix):
            raise ValueError(f"The report may only use static files, not {url}")
        name = unquote(parsed.path.removeprefix(prefix))
        path = finders.find(name) if ".." not in name.split("/") else None
        if path is None:
            raise ValueError(f"No static file at {url}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": content_type})


@cache
def layout_version() -> str:
    """A hash of the template and stylesheet files, so that a new release
    with a changed layout redraws cached reports."""
    digest = hashlib.sha256()
    for name in [TEMPLATE, "reports/_change.html", "reports/_answered.html"]:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    digest.update(Path(finders.find(STYLESHEET)).read_bytes())
    return digest.hexdigest()[:16]


def content_key(grant: access.Grant, *, reviews: list | None) -> str:
    """A hash of everything the report shows: any change to the assessment,
    its answers and actions (the wording, competency and theme each was
    answered under included), the reviews and challenges it shows, evidence, the previous
    assessment's scores, the bands, the board paper's details and annexes,
    or the layout makes a new key; so does the day for a draft, whose
    position is taken on the day it is downloaded, and the framework's
    wording within ``framework.SECONDS`` of an admin's edit.

    Thirteen to fifteen small queries (four more when the framework's
    wording is not in the cache): cheap beside a render, and read on every
    download and every "Preparing your report…" poll.
    """
    assessment = grant.assessment
    answers = [
        (number, kept_wording or wording, *rest)
        for number, kept_wording, wording, *rest in assessment.answers.order_by("question__number")
        .values_list("question__number", "question_text", "question__text", COMPETENCY_ANSWERED,
                     THEME_ANSWERED, "value", "action", "owner", "due_date", "action_status", "version")
    ]
    previous = visible_previous(grant)
    parts = [
        layout_version(), reviews,
        assessment.pk, assessment.status, assessment.focus, assessment.submitted_at,
        assessment.accepted_at, str(assessment.cycle), assessment.pct.code, assessment.pct.name,
        assessment.pct.sha.name, assessment.scores,
        # Whether it was submitted late, and the deadline it was late for.
        deadlines.submission_deadline(deadlines.fetch(assessment)), deadlines.is_late(assessment),
        # The peers' kept scorecards, for the benchmarks: as the database
        # stores them, not decoded (a national cycle has 152).
        list(Assessment.objects.filter(cycle_id=assessment.cycle_id, focus="", scores__isnull=False)
             .order_by("pk").values_list("pct__sha_id", Cast("scores", TextField()))),
        answers,
        # Overdue and due soon are judged on this day, and the cover names it.
        position_as_at(assessment, today=timezone.localdate()),
        board_paper_of(assessment).as_key(),
        list(assessment.evidence_references.order_by("pk").values_list(
            "pk", "evidence_item_id", "title", "reference", "note")),
        assessment.transitions.count(),
        list(LevelBand.objects.order_by("level").values_list(
            "level", "name", "min_score", "updated_at")),
        framework.wording_key(),
        None if previous is None else (
            previous.pk, str(previous.cycle), previous.focus, tallies_of(previous).as_json(),
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


ANNEXES = [  # (id, title, the board paper's choice)
    ("record", "The answer to every question", "question_record"),
    ("challenges", "Challenges and replies", "challenges"),
    ("evidence", "Evidence the PCT cites", "evidence"),
    ("framework", "The framework: skills and evidence", "framework_text"),
]


def render_pdf(grant: access.Grant, *, with_reviews: bool | None = None) -> bytes:
    """The board paper: the body (cover, key messages, summary, action plan)
    and the annexes its ``BoardPaper`` asks for (the defaults without one)."""
    assessment = grant.assessment
    paper = board_paper_of(assessment)
    context = report_context(grant, every_answer=paper.question_record, show_reviews=with_reviews)
    chosen = [(name, title) for name, title, choice in ANNEXES if getattr(paper, choice)
              and (name != "challenges" or context["challenges"])]
    annexes = {name: f"Annex {letter}: {title}" for (name, title), letter in zip(chosen, "ABCD")}
    evidence_by_competency: dict[int, list] = {}
    for reference in context["evidence"]:
        evidence_by_competency.setdefault(reference.evidence_item.competency_id, []).append(reference)
    by_pk = {c.pk: c for c in Competency.objects.prefetch_related("skills", "evidence_items")} \
        if "framework" in annexes else {}
    for row in context["rows"]:
        if by_pk:  # the same competency, with its skills and evidence for the annex
            row.result.competency = by_pk[row.competency.pk]
        row.evidence = evidence_by_competency.get(row.competency.pk, [])
    context.update(
        paper=paper, annexes=annexes,
        report_date=timezone.localtime(paper.updated_at).date() if paper.updated_at else context["as_at"],
        sections=[("key-messages", "Key messages"), ("summary", "Summary"), ("actions", "Action plan"),
                  *((f"annex-{name}", title) for name, title in annexes.items())],
        overdue_by_owner=[o for o in context["key_messages"].owners if o.overdue],
        draft=assessment.status != Assessment.Status.ACCEPTED,
    )
    html = render_to_string(TEMPLATE, context)
    stylesheet, fonts = _stylesheet()
    with _cycle_collection_paused():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant="pdf/ua-1"
        )


_per_thread = threading.local()


def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """The report's stylesheet, parsed once, and the fonts it loads.

    Otherwise WeasyPrint parses the stylesheet for every render, loads the
    system's fonts, decodes the report's web fonts again and lays out text
    with Pango's caches empty: some 7 % of a render, and a task worker renders
    report after report. Kept per thread, as Pango's font maps are not
    thread-safe, and looked up for each render, so that a release without
    the stylesheet still fails at once.

    WeasyPrint takes a stylesheet given this way as the user's, which yields
    to the document's own declarations: the template's style for a draft,
    which sets nothing the stylesheet sets, and an inline SVG's width
    attribute, which the stylesheet overrides with !important."""
    path = finders.find(STYLESHEET)
    kept = getattr(_per_thread, "stylesheet", None)
    if kept is None or kept[0] != path:
        fonts = FontConfiguration()
        url = urljoin(BASE_URL, "/" + settings.STATIC_URL.strip("/") + "/" + STYLESHEET)
        kept = _per_thread.stylesheet = (path, CSS(url=url, url_fetcher=StaticFilesFetcher(), font_config=fonts), fonts)
    return kept[1], kept[2]


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """WeasyPrint builds hundreds of thousands of objects while it lays out a
    report, and Python's cycle collector walks them again and again as they
    grow: about a quarter of the render time. Reference counting still frees
    memory meanwhile (measured: the peak is within a few MB), and any cycles
    are collected as usual once the collector is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reviewers_notes(assessment: Assessment) -> list[list]:
    """What the reviewers wrote that the PCT sees only once the SHA has
    finished: their levels, and their challenges with the PCT's replies
    (each with its question and the people's names). Two queries."""
    reviews = list(assessment.reviews.order_by("competency_id").values_list(
        "competency_id", "level", "reason", "updated_at"))
    challenges = list(Challenge.objects.filter(answer__assessment=assessment).order_by("pk").values_list(
        "pk", "answer__question__number", "note", "raised_at", "raised_by__first_name", "raised_by__last_name",
        "raised_by__username", "reply", "replied_at", "replied_by__first_name", "replied_by__last_name",
        "replied_by__username"))
    return [reviews, challenges]


@dataclass(frozen=True)
class Edition:
    """The report one person gets of an assessment as it is now.

    Who is asking matters only for the reviewers' levels, which the PCT sees
    once the SHA has returned or accepted the assessment. So while there are
    levels the PCT may not see yet, a report is kept for each of the two
    audiences; otherwise one report serves everyone. Only the latest is kept.
    """

    grant: access.Grant
    with_reviews: bool
    shared: bool  # one report serves every audience
    key: str

    def stored(self) -> QuerySet[RenderedReport]:
        """This edition's stored report, if it is fresh."""
        return RenderedReport.objects.filter(
            assessment=self.grant.assessment, with_reviews=self.with_reviews, key=self.key)


def edition_for(grant: access.Grant) -> Edition:
    assessment = grant.assessment
    reviews = reviewers_notes(assessment)
    with_reviews = any(reviews) and grant.sees_reviews
    return Edition(
        grant=grant, with_reviews=with_reviews,
        shared=not any(reviews) or assessment.state.reviews_shown_to_pct,
        key=content_key(grant, reviews=reviews if with_reviews else None),
    )


def stored_pdf(edition: Edition) -> bytes | None:
    """The PDF from the cache, if nothing it shows has changed."""
    pdf = edition.stored().values_list("pdf", flat=True).first()
    return None if pdf is None else bytes(pdf)


def render_and_store(edition: Edition) -> bytes:
    """Render the PDF and keep it as the latest of its audience. Slow (one to
    two seconds): done by a task worker, not in a web request."""
    assessment = edition.grant.assessment
    pdf = render_pdf(edition.grant, with_reviews=edition.with_reviews)
    try:
        with transaction.atomic():
            RenderedReport.objects.update_or_create(
                assessment=assessment, with_reviews=edition.with_reviews,
                defaults={"key": edition.key, "pdf": pdf},
            )
            if edition.shared:
                RenderedReport.objects.filter(assessment=assessment).exclude(
                    with_reviews=edition.with_reviews).delete()
    except IntegrityError:
        pass  # another worker stored the same report at the same moment
    return pdf


def filename_for(assessment: Assessment) -> str:
    """Such as ``5d8-2009-10-obesity-strategy-board-report.pdf``: letters,
    digits and hyphens only, safe in any header and file system."""
    words = f"{assessment.pct.code} {assessment.cycle} {assessment.focus} board report"
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:120].strip("-") + ".pdf"

