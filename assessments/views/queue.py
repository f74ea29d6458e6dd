"""The review queue: what awaits the reviewer, what is back with the PCTs, what is done."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import access, deadlines
from ..queue import review_queue
from ..review_forms import ReviewQueueFilter


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if not access.reviews_assessments(request.user):
        raise PermissionDenied("The review queue is for the SHAs' reviewers.")
    form = ReviewQueueFilter(request.GET)
    filters = form.filters()
    membership = access.membership_of(request.user)
    sha = membership.organisation if membership and access.reviews_for(request.user, membership.organisation) else None
    return render(request, "assessments/queue.html", {
        "form": form, "queue": review_queue(request.user, **filters), "filters": filters,
        "national": request.user.is_staff, "sha": sha, "deadlines": deadlines.of_sha(sha) if sha else [],
    }, status=400 if form.errors else 200)
