"""“My competencies”: what is given to the person to answer."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..assignments import assigned_to


@login_required
@require_GET
def my_competencies(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/mine.html", {"given": assigned_to(request.user)})
