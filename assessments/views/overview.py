"""The assessment list, starting an assessment, and an assessment's own page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency

from .. import access, deadlines, workflow
from ..forms import StartAssessmentForm
from ..models import Assessment, Organisation
from ..progress import answered, tally_tasks, tasks_by_competency
from .answer_pages import gap_errors


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    pct = access.own_pct(request.user)
    return _render_list(request, StartAssessmentForm(pct=pct) if pct else None, pct)


def _render_list(request, form, pct: Organisation | None, *, status=200) -> HttpResponse:
    today = timezone.localdate()
    assessments = list(
        deadlines.with_deadlines(access.visible_assessments(request.user))
        .select_related("pct__sha", "cycle")
        .annotate(
            total=Count("answers"),
            answered=Count("answers", filter=answered("answers__")),
            last_answer=Max("answers__updated_at"),
        )
    )
    for assessment in assessments:
        # Saving an answer does not touch the assessment row.
        assessment.last_updated = max(
            t for t in (assessment.updated_at, assessment.last_answer) if t is not None
        )
        assessment.standing = deadlines.standing(assessment, today=today)
    return render(request, "assessments/list.html", {
        "assessments": assessments, "form": form, "pct": pct,
        "has_cycles": form is not None and form.has_cycles,
    }, status=status)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    pct = access.own_pct(request.user)
    if pct is None:
        raise PermissionDenied("Only a PCT's board members can start its assessment.")
    form = StartAssessmentForm(request.POST, pct=pct)
    if not form.is_valid():
        return _render_list(request, form, pct, status=400)
    data = form.cleaned_data
    try:
        assessment = workflow.start_assessment(
            pct=pct, cycle=data["cycle"], user=request.user, focus=data["focus"],
            from_previous=data["start_from"] == "previous",
        )
    except workflow.AssessmentExists as error:
        form.add_error("focus" if data["focus"] else "cycle",
                       f"{error} Open it from the list, or give this assessment a focus.")
        return _render_list(request, form, pct, status=400)
    message = f"The {assessment.cycle} assessment has been started."
    if assessment.previous:
        message = (f"The {assessment.cycle} assessment has been started from the {assessment.previous.cycle} "
                   "assessment: confirm or change each answer carried over.")
    messages.success(request, message)
    return redirect("assessments:tasks", assessment.pk)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, access.grant_for(request.user, pk))


def render_detail(request, grant: access.Grant, *, gaps=None, status=200) -> HttpResponse:
    assessment = deadlines.fetch(grant.assessment)
    # As the task list counts them.
    tasks = tasks_by_competency(assessment.answers.all())
    competencies = list(Competency.objects.all())
    for competency in competencies:
        competency.progress = tasks.get(competency.pk)
    progress = tally_tasks(tasks.values())
    timeline = list(assessment.transitions.select_related("by"))
    returned = [step for step in timeline if step.to_status == Assessment.Status.RETURNED]
    reviews = assessment.reviews.select_related("competency", "reviewer")
    return render(request, "assessments/detail.html", {
        "assessment": assessment, "grant": grant, "progress": progress, "competencies": competencies,
        "standing": deadlines.standing(assessment, today=timezone.localdate()),
        "reviews": list(reviews) if grant.sees_reviews else [],
        "timeline": timeline,
        "last_return": returned[-1] if returned and assessment.status == Assessment.Status.RETURNED else None,
        "evidence": assessment.evidence_references.select_related("evidence_item__competency", "created_by"),
        "gaps": gaps,
        "gap_groups": gap_errors(assessment, gaps or [], {c.pk: c for c in competencies}),
    }, status=status)
