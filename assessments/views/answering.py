"""Answering the checklist: the page, one answer's autosave, a competency's
answers at once (without JavaScript), and submission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency

from .. import access, workflow
from ..forms import AnswerForm
from ..models import Answer, Assessment
from .answer_blocks import conflict_message, question_view, sections
from .overview import render_detail
from .refusals import refusals


@login_required
@require_GET
def answer_page(request: HttpRequest, pk: int) -> HttpResponse:
    # With the assessment it was started from, for "Carried over from 2007/08".
    queryset = Assessment.objects.select_related("previous__cycle")
    return render_answer_page(request, access.grant_for(request.user, pk, queryset=queryset))


def render_answer_page(request, grant: access.Grant, *, forms=None, status=200) -> HttpResponse:
    themes = sections(grant.assessment, forms)
    invalid = [f for f in (forms or {}).values() if f.errors]
    return render(request, "assessments/answer.html", {
        "assessment": grant.assessment, "themes": themes,
        "answered": sum(s.answered for t in themes for s in t.sections),
        "total": sum(len(s.questions_here) for t in themes for s in t.sections),
        "editable": grant.may_answer,
        "invalid_forms": invalid, "conflicts": sum(1 for f in invalid if f.conflict),
        "answer_errors": [error for form in invalid for error in _errors_of(form)],
    }, status=status)


def _errors_of(form: AnswerForm) -> list[dict]:
    """A question's errors for the error summary, each linked to its field."""
    number = form.answer.question.number
    errors = []
    for field, messages_ in form.errors.items():
        anchor = {"__all__": f"q{number}", "version": f"q{number}", "value": f"id_{form.prefix}-value_0"}.get(
            field, f"id_{form.prefix}-{field}")
        errors += [{"anchor": f"#{anchor}", "message": f"Question {number}: {message}"} for message in messages_]
    return errors


def _answer(assessment: Assessment, number: int) -> Answer:
    answer = get_object_or_404(
        assessment.answers.select_related("question__process", "question__competency", "updated_by"),
        question__number=number,
    )
    answer.assessment = assessment
    return answer


def _refused_question(request, grant: access.Grant, error, number: int) -> HttpResponse:
    """The question as it is saved, with what the person tried to change."""
    answer = _answer(grant.assessment, number)
    form = AnswerForm(request.POST, answer=answer)
    form.is_valid()
    return render(request, "assessments/_question_closed.html", {
        "q": question_view(answer, form, state="closed"), "assessment": grant.assessment,
        "message": f"{error} Your change was not saved.",
    }, status=error.status)


@login_required
@require_POST
@refusals(render_detail, htmx=_refused_question)
def save_answer(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    grant = access.grant_to_answer(request.user, pk)
    workflow.require_answerable(grant)  # before the form: a closed assessment says so first
    answer = _answer(grant.assessment, number)
    form = AnswerForm(request.POST, answer=answer)
    if not form.is_valid():
        return _answer_response(request, grant, answer, form, status=400)
    sent_version = form.cleaned_data["version"]
    result = workflow.save_answer(answer=answer, user=request.user, values=form.cleaned_data, version=sent_version)
    if result.conflict:
        form.conflict = True
        form.add_error(None, conflict_message(answer))
        return _answer_response(request, grant, answer, form, status=409)
    if not request.htmx:
        messages.success(request, f"Question {number} is saved.")
        return redirect(reverse("assessments:answer", args=[pk]) + f"#q{number}")
    if not result.changed and answer.version == sent_version:
        return HttpResponse(status=204)  # sent back what is saved, from an up-to-date page
    return _saved_response(request, grant, answer)


def _saved_response(request, grant: access.Grant, answer: Answer) -> HttpResponse:
    answered = grant.assessment.answers.exclude(value="").aggregate(
        all=Count("pk"), section=Count("pk", filter=Q(question__competency=answer.question.competency_id)),
    )
    return render(request, "assessments/_question_saved.html", {
        "q": question_view(answer, state="saved"), "assessment": grant.assessment, "editable": True,
        "answered_all": answered["all"], "answered_section": answered["section"],
    })


def _answer_response(request, grant: access.Grant, answer: Answer, form: AnswerForm, *, status) -> HttpResponse:
    """A refused save: the question again with what the person sent and why."""
    if not request.htmx:
        return render_answer_page(request, grant, forms={answer.question.number: form}, status=status)
    return render(request, "assessments/_question.html", {
        "q": question_view(answer, form), "assessment": grant.assessment, "editable": True,
    }, status=status)


@login_required
@require_POST
@refusals(render_detail)
def save_section(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Without JavaScript: save every question of one competency at once, or none."""
    grant = access.grant_to_answer(request.user, pk)
    workflow.require_answerable(grant)
    competency = get_object_or_404(Competency, number=number)
    forms = {}
    for answer in grant.assessment.answers.filter(question__competency=competency).select_related(
        "question", "updated_by"
    ):
        answer.assessment = grant.assessment
        forms[answer.question.number] = AnswerForm(request.POST, answer=answer)
    if not all(form.is_valid() for form in forms.values()):
        return render_answer_page(request, grant, forms=forms, status=400)
    results = workflow.save_answers(assessment=grant.assessment, user=request.user, changes=[
        (form.answer, form.cleaned_data, form.cleaned_data["version"]) for form in forms.values()])
    for form, result in zip(forms.values(), results):
        if result.conflict:
            form.conflict = True
            form.add_error(None, conflict_message(result.answer))
    if any(result.conflict for result in results):
        return render_answer_page(request, grant, forms=forms, status=409)
    messages.success(request, f"Your answers for “{competency.short_title}” are saved.")
    return redirect(reverse("assessments:answer", args=[pk]) + f"#competency-{number}")


@login_required
@require_POST
@refusals(render_detail)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_to_answer(request.user, pk)
    gaps = workflow.submit(assessment=grant.assessment, user=request.user)
    if gaps:
        return render_detail(request, grant, gaps=gaps, status=400)
    messages.success(request, "The assessment has been submitted to the SHA.")
    return redirect(grant.assessment)
