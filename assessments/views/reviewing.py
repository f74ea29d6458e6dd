"""The SHA's review: a level per competency, then return or accept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency

from .. import access, workflow
from ..forms import AcceptForm, ReturnForm, ReviewForm
from ..scorecards import scorecard
from .refusals import refusals


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return render_review(request, access.grant_to_review(request.user, pk))


def render_review(request, grant: access.Grant, *, bound=None, return_form=None, accept_form=None,
                  status=200) -> HttpResponse:
    assessment = grant.assessment
    competencies = []
    for result in scorecard(assessment).competencies:
        competency = result.competency
        competency.score, competency.level, competency.review = result.score, result.level, result.review
        competencies.append(competency)
        if bound is not None and bound.prefix == f"c{competency.number}":
            competency.form = bound
        else:
            review = competency.review
            competency.form = ReviewForm(
                competency=competency,
                initial={"level": review.level, "reason": review.reason} if review else None,
            )
    forms = [bound, return_form, accept_form]
    return render(request, "assessments/review.html", {
        "assessment": assessment,
        "competencies": competencies,
        "return_form": return_form or ReturnForm(prefix="return"),
        "accept_form": accept_form or AcceptForm(prefix="accept"),
        "invalid_form": next((f for f in forms if f is not None and f.errors), None),
        "editable": grant.may_review,
    }, status=status)


@login_required
@require_POST
@refusals(render_review)
def record_review(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    grant = access.grant_to_review(request.user, pk)
    competency = get_object_or_404(Competency, number=number)
    form = ReviewForm(request.POST, competency=competency)
    if not form.is_valid():
        return render_review(request, grant, bound=form, status=400)
    workflow.record_review(assessment=grant.assessment, competency=competency, user=request.user,
                           **form.cleaned_data)
    messages.success(request, f"Your level for “{competency.short_title}” is recorded.")
    return redirect(reverse("assessments:review", args=[pk]) + f"#competency-{number}")


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
    workflow.accept(assessment=grant.assessment, user=request.user, **form.cleaned_data)
    messages.success(request, "The assessment has been accepted.")
    return redirect(grant.assessment)
