from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from assessments import access

from .pdf import edition_for, filename_for, stored_pdf
from .report import report_context
from .tasks import Progress, progress, queue_render


@login_required
@require_GET
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/report.html", report_context(access.grant_for(request.user, pk)))


@login_required
@require_GET
def assessment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF when it is ready; otherwise a page that waits for it."""
    grant = access.grant_for(request.user, pk)
    edition = edition_for(grant)
    pdf = stored_pdf(edition)
    if pdf is None:
        context = {"assessment": grant.assessment, "progress": progress(edition)}
        return render(request, "reports/preparing.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename_for(grant.assessment)}"'
    # The report may show reviewers' levels and unpublished drafts.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def pdf_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """What the preparing page polls: nothing (204) while the report is on
    its way, then the link to it or the offer to try again. Without htmx,
    the PDF's own URL."""
    grant = access.grant_for(request.user, pk)
    if not request.htmx:
        return redirect("reports:pdf", pk)
    where = progress(edition_for(grant))
    if where == Progress.PREPARING:
        return HttpResponse(status=204)
    return render(request, "reports/_preparing.html", {"assessment": grant.assessment, "progress": where})


@login_required
@require_POST
def retry_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the render again after it failed."""
    queue_render(access.grant_for(request.user, pk))
    return redirect("reports:pdf", pk)
