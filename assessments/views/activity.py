"""An assessment's activity log."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import access
from ..activity import activity_for

ACTIVITY_PER_PAGE = 100


@login_required
@require_GET
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_for(request.user, pk)
    page = Paginator(activity_for(grant), ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessments/activity.html", {
        "assessment": grant.assessment,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    })
