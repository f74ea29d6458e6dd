"""The answering page's JavaScript: one question's autosave, and what
colleagues saved meanwhile. Both answer JSON, a signed-out person included
(401, not a redirect to the login page), so the page can say what happened
to each question and never replaces what the person is typing."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from .. import access, workflow
from ..forms import AnswerForm
from ..models import COMPETENCY_NUMBER_ANSWERED, Answer
from .answer_pages import conflict_message, stored

SIGNED_OUT = "You have been signed out: sign in again in a new tab, then try again here."


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"state": "signed_out", "message": SIGNED_OUT}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@signed_in
def save_answer(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    # The answer, its question and assessment in one query; 404 for an
    # assessment the person may not see. The rest (a colleague's name, the
    # cycle) only for a conflict.
    visible = access.visibility(request.user, via="assessment__")
    if visible is None:
        raise Http404("No such assessment.")
    answer = get_object_or_404(
        Answer.objects.select_related("assessment__pct", "question__process").filter(visible),
        assessment_id=pk, question__number=number,
    )
    form = AnswerForm(request.POST, answer=answer)
    try:
        workflow.require_answerable(access.decide(request.user, answer.assessment))
        if not form.is_valid():
            errors = {name: list(messages) for name, messages in form.errors.items()}
            first = next(iter(errors.values()))[0]
            return JsonResponse({"state": "invalid", "message": first, "errors": errors}, status=400)
        result = workflow.save_answer(answer=answer, user=request.user, values=form.cleaned_data,
                                      version=form.cleaned_data["version"], confirm=form.confirming)
    except workflow.WorkflowError as error:
        return JsonResponse({"state": "refused", "message": str(error)}, status=error.status)
    if result.conflict:
        card = render_to_string("assessments/_conflict.html", {"form": form, "answer": answer}, request)
        return JsonResponse({"state": "conflict", "message": conflict_message(answer), "card": card,
                             **stored(answer)}, status=409)
    return JsonResponse({"state": "saved", **stored(answer)})


@require_GET
@signed_in
def changes(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Every answer of one competency as saved now: the page applies those a
    colleague changed to the questions the person is not editing."""
    grant = access.grant_for(request.user, pk)
    answers = (grant.assessment.answers.select_related("question", "updated_by")
               .annotate(number=COMPETENCY_NUMBER_ANSWERED).filter(number=number).order_by("question__number"))
    return JsonResponse({"answers": [stored(answer) for answer in answers]},
                        headers={"Cache-Control": "private, no-store"})


