from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from assessments.access import membership_of, reviews_assessments


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Reviewers start at their review queue; board members and admins at
    their assessments; anyone else (a login with no organisation yet) at the
    framework."""
    if reviews_assessments(request.user) and not request.user.is_staff:
        return redirect("assessments:review_queue")
    if request.user.is_staff or membership_of(request.user) is not None:
        return redirect("assessments:list")
    return redirect("competencies:index")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
