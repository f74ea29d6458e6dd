"""Answering the checklist without JavaScript: the task list, a competency's
page (a plain POST saves it all or nothing), and submission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from competencies import framework

from .. import access, assignments, challenges, deadlines, workflow
from ..forms import AssignForm
from ..models import Assessment, Challenge
from ..progress import AnswerState, tally
from ..review_forms import ReplyForm
from .answer_pages import CompetencyPage, overall, task_list, tasks_key
from .challenge_pages import answer_threads
from .overview import render_detail
from .refusals import refusals

WITH_PREVIOUS = Assessment.objects.select_related("previous__cycle")


@login_required
@require_GET
def tasks(request: HttpRequest, pk: int) -> HttpResponse:
    return render_tasks(request, access.grant_for(request.user, pk, queryset=WITH_PREVIOUS))


def render_tasks(request: HttpRequest, grant: access.Grant) -> HttpResponse:
    themes = task_list(grant.assessment)
    # Challenges to reply to: only while the PCT may reply (no query otherwise).
    returned = grant.assessment.status == Assessment.Status.RETURNED
    to_reply = challenges.unanswered_by_competency(grant) if returned else {}
    return render(request, "assessments/tasks.html", {
        "assessment": grant.assessment, "grant": grant, "themes": themes, "overall": overall(themes),
        "to_reply": to_reply, "tasks_key": tasks_key(grant.assessment, themes, to_reply),
        "standing": deadlines.standing(grant.assessment, today=timezone.localdate()),
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@refusals(render_detail)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Share out the competencies: a page of its own, one topic per page."""
    grant = access.grant_to_answer(request.user, pk)
    workflow.require_answerable(grant, "assignments")  # before the form: a closed assessment says so first
    form = AssignForm(request.POST if request.method == "POST" else None, pct=grant.assessment.pct)
    if not form.is_bound or not form.is_valid():
        return render(request, "assessments/assign.html", {"assessment": grant.assessment, "form": form},
                      status=400 if form.is_bound else 200)
    chosen, assignee = form.cleaned_data["competencies"], form.cleaned_data["assignee"]
    assignments.assign(assessment=grant.assessment, user=request.user, competencies=list(chosen), assignee=assignee)
    who = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
    messages.success(request, f"{len(chosen)} competenc{'y is' if len(chosen) == 1 else 'ies are'} now given to {who}.")
    return redirect("assessments:tasks", pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@refusals(render_detail)
def competency(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    if request.method != "POST":
        page = CompetencyPage.load(access.grant_for(request.user, pk, queryset=WITH_PREVIOUS), number)
        if "check" in request.GET and page.grant.may_answer:
            page.check()
        return render_competency(request, page)
    grant = access.grant_to_answer(request.user, pk)
    workflow.require_answerable(grant)
    page = CompetencyPage.load(grant, number, data=request.POST)
    if not page.is_valid():
        return render_competency(request, page, status=400)
    keep = {int(n) for n in request.POST.getlist("keep") if n.isdigit()}
    results = workflow.save_answers(assessment=grant.assessment, user=request.user,
                                    changes=page.changes(keep=keep, confirm_all="confirm_all" in request.POST))
    if page.mark_conflicts(results):
        return render_competency(request, page, status=409)
    messages.success(request, f"Your answers for “{page.competency.short_title}” are saved.")
    return redirect(_after_saving(request, page))


def _after_saving(request: HttpRequest, page: CompetencyPage) -> str:
    """Where each button leads: on to the next competency, back to the task
    list, or back to the same page (confirming, settling a conflict)."""
    assessment, number = page.grant.assessment, page.competency.number
    here = reverse("assessments:competency", args=[assessment.pk, number])
    if "continue" in request.POST:
        following = page.next
        return reverse("assessments:competency", args=[assessment.pk, following.number]) if following else (
            reverse("assessments:tasks", args=[assessment.pk]))
    if "return" in request.POST:
        return reverse("assessments:tasks", args=[assessment.pk]) + f"#competency-{number}"
    shown = request.POST.get("use") or request.POST.get("keep")
    return here + (f"#q{shown}" if shown and shown.isdigit() else "")


def render_competency(request: HttpRequest, page: CompetencyPage, *, status: int = 200,
                      reply: ReplyForm | None = None) -> HttpResponse:
    errors = page.errors() + ([{"anchor": f"#{reply['reply'].auto_id}", "message": message}
                               for message in reply.errors.get("reply", [])] if reply else [])
    threads = answer_threads(page.grant, page.answers, bound=reply)
    return render(request, "assessments/competency.html", {
        "assessment": page.grant.assessment, "grant": page.grant, "page": page, "competency": page.competency,
        "framework_seconds": framework.SECONDS, "errors": errors, "threads": threads,
        "reply_forms": [thread.form for shown in threads.values() for thread in shown if thread.form],
        "conflicts": sum(1 for block in page.blocks if block.data is not None and block.form.conflict),
        "progress": tally(AnswerState.of(answer) for answer in page.answers),
    }, status=status)


@login_required
@require_POST
@refusals(render_detail)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_to_answer(request.user, pk)
    try:
        gaps = workflow.submit(assessment=grant.assessment, user=request.user,
                               confirm_unanswered="confirm_unanswered" in request.POST)
    except workflow.UnansweredChallenges as refused:
        return render(request, "assessments/confirm_submit.html", {
            "assessment": grant.assessment, "count": refused.count,
            "unanswered": challenges.unanswered(grant.assessment)})
    if gaps:
        return render_detail(request, grant, gaps=gaps, status=400)
    messages.success(request, "The assessment has been submitted to the SHA.")
    return redirect(grant.assessment)


@login_required
@require_POST
@refusals(render_detail)
def reply_to_challenge(request: HttpRequest, pk: int, challenge_pk: int) -> HttpResponse:
    """The PCT's reply to one challenge, from its own small form on the
    competency page; refused, the page shows it again with what was typed."""
    grant = access.grant_to_answer(request.user, pk)
    challenges.require_reply_open(grant)
    challenge = get_object_or_404(Challenge.objects.select_related("answer__question__competency",
                                  "answer__competency"), pk=challenge_pk, answer__assessment=grant.assessment)
    number, answer = challenge.answer.question.number, challenge.answer
    competency_number = (answer.competency or answer.question.competency).number
    form = ReplyForm(request.POST, challenge_id=challenge.pk, number=number)
    if not form.is_valid():
        page = CompetencyPage.load(grant, competency_number)
        return render_competency(request, page, reply=form, status=400)
    challenges.reply_to_challenge(assessment=grant.assessment, challenge_id=challenge.pk, user=request.user,
                                  **form.cleaned_data)
    messages.success(request, f"Your reply to the challenge to question {number} is saved.")
    return redirect(reverse("assessments:competency", args=[pk, competency_number]) + f"#q{number}")
