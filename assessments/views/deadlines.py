"""An SHA's reviewers set their review deadline for a cycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import access, deadlines
from ..review_forms import ReviewDeadlineForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_deadline(request: HttpRequest, sha_pk: int, cycle_pk: int) -> HttpResponse:
    sha = access.sha_to_review(request.user, sha_pk)
    current = next((row for row in deadlines.of_sha(sha) if row.cycle.pk == cycle_pk), None)
    if current is None:
        raise Http404("No such cycle.")
    cycle = current.cycle
    form = ReviewDeadlineForm(request.POST if request.method == "POST" else None, cycle=cycle,
                              initial={"due": current.review_due})
    if not form.is_bound or not form.is_valid():
        return render(request, "assessments/review_deadline.html", {
            "sha": sha, "cycle": cycle, "current": current, "form": form,
        }, status=400 if form.is_bound else 200)
    due = form.cleaned_data["due"]
    deadlines.set_review_deadline(sha=sha, cycle=cycle, user=request.user, due=due)
    messages.success(request, f"The review deadline for {cycle} is now {format_date(due, 'j F Y')}." if due
                     else f"{cycle} has no review deadline now.")
    return redirect(reverse("assessments:review_queue") + "#deadlines")
