"""The SHA's review: the worksheet of levels per competency, then return or accept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency

from .. import access, workflow
from ..forms import AcceptForm, ReturnForm, ReviewSheet
from ..reviews import Worksheet, worksheet
from .refusals import refusals


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return render_review(request, access.grant_to_review(request.user, pk))


def sheet_for(work: Worksheet, data=None, *, only: int | None = None) -> ReviewSheet:
    """The worksheet's form, unbound (what is saved) or bound to a POST."""
    rows = work.competencies
    return ReviewSheet(data, competencies=[row.competency for row in rows], bands=work.bands, only=only,
                       reviews={row.competency.pk: row.review for row in rows if row.review})


def render_review(request, grant: access.Grant, *, sheet: ReviewSheet | None = None,
                  missing: list[Competency] | None = None, return_form=None, accept_form=None,
                  status=200) -> HttpResponse:
    assessment = grant.assessment
    work = worksheet(assessment)
    if sheet is None:
        sheet = sheet_for(work)
    forms = [return_form, accept_form]
    return render(request, "assessments/review.html", {
        "assessment": assessment, "worksheet": work, "forms": sheet.forms, "invalid_forms": sheet.invalid,
        "return_form": return_form or ReturnForm(prefix="return"),
        "accept_form": accept_form or AcceptForm(prefix="accept"),
        "invalid_form": next((f for f in forms if f is not None and f.errors), None),
        "missing": [{"anchor": f"#id_c{c.number}-level_0", "message": f"{c}: record your level and reason"}
                    for c in missing or []],
        "editable": grant.may_review,
    }, status=status)


def _only(request: HttpRequest) -> int | None:
    """The competency whose own button was pressed, if one was."""
    only = request.POST.get("only")
    if only is None:
        return None
    if not only.isdigit() or not Competency.objects.filter(number=only).exists():
        raise Http404("No such competency.")
    return int(only)


def _recorded(saved: list[Competency]) -> str:
    if not saved:
        return "Nothing has changed: every level is as it was."
    if len(saved) == 1:
        return f"Your level for “{saved[0].short_title}” is recorded."
    return f"Your levels for {len(saved)} competencies are recorded."


@login_required
@require_POST
@refusals(render_review)
def record_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """Save every competency's level that changed, or with ``only``, one
    competency's, keeping what was typed for the others."""
    grant = access.grant_to_review(request.user, pk)
    sheet = sheet_for(worksheet(grant.assessment), request.POST, only=_only(request))
    saved = sheet.levels
    if saved:
        workflow.record_reviews(assessment=grant.assessment, user=request.user, levels=saved)
    if saved or not sheet.invalid:
        messages.success(request, _recorded(list(saved)))
    if sheet.invalid or sheet.only:
        return render_review(request, grant, sheet=sheet, status=400 if sheet.invalid else 200)
    return redirect(reverse("assessments:review", args=[pk]) + "#levels")


@login_required
@require_POST
@refusals(render_review)
def return_to_pct(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_to_review(request.user, pk)
    form = ReturnForm(request.POST, prefix="return")
    if not form.is_valid():
        return render_review(request, grant, return_form=form, status=400)
    workflow.return_to_pct(assessment=grant.assessment, user=request.user, **form.cleaned_data)
    messages.success(request, f"The assessment has been returned to {grant.assessment.pct}.")
    return redirect(grant.assessment)


@login_required
@require_POST
@refusals(render_review)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_to_review(request.user, pk)
    form = AcceptForm(request.POST, prefix="accept")
    if not form.is_valid():
        return render_review(request, grant, accept_form=form, status=400)
    try:
        workflow.accept(assessment=grant.assessment, user=request.user, **form.cleaned_data)
    except workflow.ReviewsMissing as refused:
        return render_review(request, grant, missing=refused.missing, accept_form=form, status=refused.status)
    messages.success(request, "The assessment has been accepted.")
    return redirect(grant.assessment)
