"""Figures of the reports app for ``manage.py bench``: the report page, the PDF board report, the comparison.

Goals: ``pdf_first_s`` at most 1.0 s on a developer machine (2 cores), for
the full default board paper, a render measured as a task worker does it,
outside any request; its length ``pdf_pages_body`` (the cover to the action
plan: at most 12) and ``pdf_pages_annexes``; ``pdf_cached_ratio`` at most
0.05 (a download of the stored report, over the test client, costs a
twentieth of a render); ``pdf_waiting_page_s``, the page that waits for a
report not yet stored, costs about what a cached download does (no render in
the request); ``pdf_peak_mb`` at most 300 MB; ``calibration_ratio`` at most 4 (the
national calibration page, 10 SHAs and 152 PCTs, to the site's bare logged-in
page measured in turns with it, as the admin); ``xlsx_national_s`` at most
1.0 s (England's answers in the latest cycle as XLSX, 16,800 rows, as the
admin downloads them); ``comparison_ratio`` and ``trends_ratio`` at most 4
(the national matrix and trends pages, to the bare logged-in page, as the
admin).
"""

import io
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from assessments import access
from devtools.bench import BenchContext
from reports.models import RenderedReport
from reports.pdf import edition_for, render_and_store
from reports.tasks import render_report

# Uncached renders measured for pdf_first_s (the median is reported).
RENDERS = 5
MB = 1024 * 1024


def figures(context: BenchContext) -> Iterator[tuple[str, object, str]]:
    client = context.client_for(context.board_member)
    assessment = context.assessment
    page = reverse("reports:assessment", args=[assessment.pk])
    pdf = reverse("reports:pdf", args=[assessment.pk])
    grant = access.grant_for(context.board_member, assessment.pk)
    timings: dict[str, float] = {}

    def get(url, content_type="text/html; charset=utf-8"):
        response = client.get(url, secure=True)
        if (response.status_code, response["Content-Type"]) != (200, content_type):
            raise RuntimeError(f"GET {url} answered {response.status_code} {response['Content-Type']}, "
                               f"not 200 {content_type}")
        return response

    def render():
        """What a task worker does for a download not yet stored: the key, the render, the store."""
        RenderedReport.objects.filter(assessment=assessment).delete()
        return render_and_store(edition_for(grant))

    def pdf_first_s():
        render()  # warm up: templates, fonts, stylesheet parsed once
        renders = []
        for _ in range(RENDERS):
            RenderedReport.objects.filter(assessment=assessment).delete()
            start = time.perf_counter()
            render_and_store(edition_for(grant))
            renders.append(time.perf_counter() - start)
        timings["first"] = statistics.median(renders)
        return timings["first"]

    def pdf_pages() -> tuple[int, int]:
        """The body's pages (up to the first annex's bookmark) and the annexes'."""
        reader = PdfReader(io.BytesIO(render()))
        annexes = [reader.get_destination_page_number(item) for item in reader.outline
                   if not isinstance(item, list) and item.title.startswith("Annex")]
        body = min(annexes, default=len(reader.pages))
        return body, len(reader.pages) - body

    def pdf_cached_ratio():
        if "first" not in timings:
            pdf_first_s()
        render()
        cached = context.median_time(lambda: get(pdf, "application/pdf"))
        if RenderedReport.objects.filter(assessment=assessment).count() != 1:
            raise RuntimeError("the repeat downloads did not come from one cached report")
        return cached / timings["first"]

    def pdf_waiting_page_s():
        """A download before the report is stored: the page that waits for
        it, with its render queued (by the first request; not by the others)."""
        RenderedReport.objects.filter(assessment=assessment).delete()
        try:
            return context.median_time(lambda: get(pdf))
        finally:
            DBTaskResult.objects.filter(task_path=render_report.module_path).delete()

    def pdf_peak_mb():
        """The process's peak resident memory while it renders the PDF: what a
        task worker needs.

        WeasyPrint's memory is mostly in C libraries (Pango, HarfBuzz, the
        PDF being built) that tracemalloc cannot see, so this reads the
        kernel's high-water mark, VmHWM in /proc/self/status, after resetting
        it to the current size (writing 5 to /proc/self/clear_refs, Linux).
        It includes the process's baseline (Python, Django, the seeded data).
        ru_maxrss is no use here: it cannot be reset, so it would report the
        seeding's peak instead.
        """
        reset = Path("/proc/self/clear_refs")
        reset.write_text("5")
        render()
        return _status_kb("VmHWM") / 1024

    def pdf_python_peak_mb():
        """Python's own allocations at their peak during a render, over what
        was allocated before (tracemalloc; rendering runs slower under it)."""
        tracemalloc.start()
        try:
            render()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return peak / MB

    yield "report_page_queries", lambda: context.count_queries(lambda: get(page)), "queries"
    yield "report_page_s", lambda: context.median_time(lambda: get(page)), "s"
    # Goal: at most 1.0 s.
    yield "pdf_first_s", pdf_first_s, "s"
    # Goal: a body of at most 12 pages.
    yield "pdf_pages_body", lambda: pdf_pages()[0], "pages"
    yield "pdf_pages_annexes", lambda: pdf_pages()[1], "pages"
    # Goal: at most 0.05.
    yield "pdf_cached_ratio", pdf_cached_ratio, ""
    yield "pdf_waiting_page_s", pdf_waiting_page_s, "s"
    # Goal: at most 300 MB.
    yield "pdf_peak_mb", pdf_peak_mb, "MB"
    yield "pdf_python_peak_mb", pdf_python_peak_mb, "MB"

    if context.national:
        admin = context.client_for(context.admin)
        national = reverse("compare:matrix")
        yield "comparison_queries", lambda: context.count_queries(
            lambda: admin.get(national, secure=True)), "queries"
        # Goal: at most 0.25 s with 10 SHAs and 152 PCTs.
        yield "comparison_s", lambda: context.median_time(
            lambda: admin.get(national, secure=True), repeat=10), "s"
        shell = reverse("password_change_done")
        for name, url in (("comparison_ratio", national), ("trends_ratio", reverse("compare:trends"))):
            # Goal: at most 4.
            yield name, _ratio(context, admin, url, shell), ""
        answers = reverse("compare:export_answers", kwargs={"fmt": "xlsx"})
        # Goal: at most 1.0 s.
        yield "xlsx_national_s", lambda: context.median_time(
            lambda: _download(admin, answers), repeat=5), "s"

    yield from _calibration(context)


def _calibration(context: BenchContext) -> Iterator[tuple[str, object, str]]:
    """The calibration page, national (every SHA) as the admin sees it; its
    ratio only with England's scale, where it is measured at size."""
    admin = context.client_for(context.admin)
    page, shell = reverse("compare:calibration"), reverse("password_change_done")

    def get(url):
        response = admin.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
        if url == page and b'id="calibration-heatmap"' not in response.content:
            raise RuntimeError("the calibration page has no heat map: no reviewers' levels seeded")

    def calibration_ratio():
        timed, bare = context.median_times(lambda: get(page), lambda: get(shell))
        return timed / bare

    yield "calibration_queries", lambda: context.count_queries(lambda: get(page)), "queries"
    if context.national:
        # Goal: at most 4.
        yield "calibration_ratio", calibration_ratio, ""


def _ratio(context: BenchContext, client, url: str, shell: str):
    """A page's time over the bare logged-in page's, measured in turns."""
    def get(path):
        response = client.get(path, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}, not 200")

    def ratio() -> float:
        timed, bare = context.median_times(lambda: get(url), lambda: get(shell))
        return timed / bare

    return ratio


def _download(client, url) -> bytes:
    """The whole file, as a browser would receive it: an export is written as
    it is sent."""
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
    return b"".join(response.streaming_content)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"No {field} in /proc/self/status")
