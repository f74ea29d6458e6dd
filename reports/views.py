from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessments import access

from .board_papers import board_paper_of, may_edit, save_board_paper
from .forms import BoardPaperForm
from .pdf import edition_for, filename_for, stored_pdf
from .report import report_context
from .tasks import Progress, progress, queue_render


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
    """The PDF when it is ready; otherwise a page that waits for it."""
    grant = access.grant_for(request.user, pk)
    edition = edition_for(grant)
    pdf = stored_pdf(edition)
    if pdf is None:
        context = {"assessment": grant.assessment, "progress": progress(edition, stored=False)}
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
