"""Evidence references: where the PCT keeps the evidence for each item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency

from .. import access, workflow
from ..forms import EvidenceForm
from .overview import render_detail
from .refusals import refusals


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return render_evidence(request, access.grant_for(request.user, pk))


def render_evidence(request, grant: access.Grant, *, bound=None, status=200) -> HttpResponse:
    assessment = grant.assessment
    competencies = Competency.objects.prefetch_related("evidence_items")
    references = {}
    for reference in assessment.evidence_references.select_related("created_by"):
        references.setdefault(reference.evidence_item_id, []).append(reference)
    placed = False
    for competency in competencies:
        for item in competency.evidence_items.all():
            item.recorded = references.get(item.pk, [])
            if bound is not None and bound.data.get("evidence_item") == str(item.pk):
                item.form, placed = bound, True
            elif grant.may_answer:
                item.form = EvidenceForm(initial={"evidence_item": item.pk}, auto_id=f"id_e{item.pk}_%s")
    return render(request, "assessments/evidence.html", {
        "assessment": assessment, "competencies": competencies, "editable": grant.may_answer,
        "invalid_form": bound,
        # A form for an item that does not exist has no place on the page:
        # its errors go at the top.
        "unplaced_form": bound if bound is not None and not placed else None,
    }, status=status)


@login_required
@require_POST
@refusals(render_detail)
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_to_answer(request.user, pk)
    workflow.require_answerable(grant, "evidence")
    item = request.POST.get("evidence_item", "")
    form = EvidenceForm(request.POST, auto_id=f"id_e{item if item.isdigit() else 'x'}_%s")
    if not form.is_valid():
        return render_evidence(request, grant, bound=form, status=400)
    data = form.cleaned_data
    workflow.add_evidence(assessment=grant.assessment, user=request.user, evidence_item_id=data["evidence_item"].pk,
                          title=data["title"], reference=data["reference"], note=data["note"])
    messages.success(request, f"“{data['title']}” is added.")
    return redirect(reverse("assessments:evidence", args=[pk]) + f"#evidence-{data['evidence_item'].pk}")


@login_required
@require_POST
@refusals(render_detail)
def delete_evidence(request: HttpRequest, pk: int, reference_pk: int) -> HttpResponse:
    grant = access.grant_to_answer(request.user, pk)
    reference = get_object_or_404(grant.assessment.evidence_references, pk=reference_pk)
    workflow.delete_evidence(assessment=grant.assessment, user=request.user, reference=reference)
    messages.success(request, f"“{reference.title}” is removed.")
    return redirect(reverse("assessments:evidence", args=[pk]) + f"#evidence-{reference.evidence_item_id}")
