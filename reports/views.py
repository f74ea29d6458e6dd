from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessments import access

from .board_papers import board_paper_of, may_edit, save_board_paper
from .forms import BoardPaperForm
from .pdf import board_report, filename_for
from .report import report_context


def _report_page(request: HttpRequest, grant: access.Grant, form: BoardPaperForm | None = None,
                 status: int = 200) -> HttpResponse:
    assessment = grant.assessment
    paper = form.instance if form is not None else board_paper_of(assessment)
    if form is None and may_edit(grant):
        form = BoardPaperForm(instance=paper, action=reverse("reports:board_paper", args=[assessment.pk]))
    context = report_context(grant) | {"paper": paper, "paper_form": form}
    return render(request, "reports/report.html", context, status=status)


@login_required
@require_GET
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, access.grant_for(request.user, pk))


@login_required
@require_POST
def board_paper(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for(request.user, pk)
    if not may_edit(grant):
        raise PermissionDenied("Only the PCT's board members can change its board paper.")
    form = BoardPaperForm(request.POST, instance=board_paper_of(grant.assessment), action=request.path)
    if not form.is_valid():
        return _report_page(request, grant, form, status=400)
    save_board_paper(grant=grant, values={name: form.cleaned_data[name] for name in form.Meta.fields})
    return redirect("reports:pdf", pk=pk)


@login_required
@require_GET
def assessment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for(request.user, pk)
    response = HttpResponse(board_report(grant), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename_for(grant.assessment)}"'
    # The report may show reviewers' levels and unpublished drafts.
    response["Cache-Control"] = "private, no-store"
    return response
