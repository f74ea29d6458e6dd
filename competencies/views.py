from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Competency, Question, Theme


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    competencies = Competency.objects.annotate(
        skill_count=Count("skills", distinct=True),
        process_count=Count("processes", distinct=True),
        evidence_count=Count("evidence_items", distinct=True),
        question_count=Count("questions", distinct=True),
    ).order_by("number")
    return render(request, "competencies/index.html", {"competencies": competencies})


@login_required
@require_GET
def detail(request: HttpRequest, number: int) -> HttpResponse:
    competency = get_object_or_404(
        Competency.objects.select_related("theme").prefetch_related(
            "skills",
            "processes",
            "evidence_items",
            Prefetch("questions", Question.objects.select_related("process")),
        ),
        number=number,
    )
    return render(request, "competencies/detail.html", {"competency": competency})


@login_required
@require_GET
def checklist(request: HttpRequest) -> HttpResponse:
    themes = Theme.objects.prefetch_related(
        Prefetch(
            "competencies",
            Competency.objects.prefetch_related(
                Prefetch("questions", Question.objects.order_by("number"))
            ),
        )
    )
    return render(request, "competencies/checklist.html", {"themes": themes})
