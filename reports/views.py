from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments import access

from .pdf import board_report, filename_for
from .report import report_context


@login_required
@require_GET
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/report.html", report_context(access.grant_for(request.user, pk)))


@login_required
@require_GET
def assessment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for(request.user, pk)
    response = HttpResponse(board_report(grant), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename_for(grant.assessment)}"'
    # The report may show reviewers' levels and unpublished drafts.
    response["Cache-Control"] = "private, no-store"
    return response
