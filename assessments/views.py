from collections import defaultdict
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency, EvidenceItem, Process, Skill

from . import access, workflow
from .activity import activity_for
from .forms import AcceptForm, AnswerForm, EvidenceForm, ReturnForm, ReviewForm, StartAssessmentForm
from .models import (
    ACTION_MAX_LENGTH,
    CHECKLIST_ORDER,
    COMPETENCY_NUMBER_ANSWERED,
    OWNER_MAX_LENGTH,
    Answer,
    Assessment,
    Organisation,
)
from .scorecards import scorecard, themes_by_id

# Assessments ------------------------------------------------------------------


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    pct = _own_pct(request.user)
    return _render_list(request, StartAssessmentForm(pct=pct) if pct else None, pct)


def _own_pct(user) -> Organisation | None:
    membership = access.membership_of(user)
    if membership and membership.role == membership.Role.BOARD_MEMBER:
        return membership.organisation
    return None


def _render_list(request, form, pct, *, status=200) -> HttpResponse:
    assessments = list(
        access.visible_assessments(request.user)
        .select_related("pct__sha", "cycle")
        .annotate(
            total=Count("answers"),
            answered=Count("answers", filter=~Q(answers__value="")),
            last_answer=Max("answers__updated_at"),
        )
    )
    for assessment in assessments:
        # Saving an answer does not touch the assessment row.
        assessment.last_updated = max(
            t for t in (assessment.updated_at, assessment.last_answer) if t is not None
        )
    return render(request, "assessments/list.html", {
        "assessments": assessments,
        "form": form,
        "pct": pct,
        "has_cycles": form is not None and form.has_cycles,
    }, status=status)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    pct = _own_pct(request.user)
    if pct is None:
        raise PermissionDenied("Only a PCT's board members can start its assessment.")
    form = StartAssessmentForm(request.POST, pct=pct)
    if form.is_valid():
        try:
            assessment = workflow.start_assessment(
                pct=pct, cycle=form.cleaned_data["cycle"], user=request.user,
                focus=form.cleaned_data["focus"],
                from_previous=form.cleaned_data["start_from"] == "previous",
            )
        except workflow.AssessmentExists as error:
            form.add_error(
                "focus" if form.cleaned_data["focus"] else "cycle",
                f"{error} Open it from the list, or give this assessment a focus.",
            )
        else:
            messages.success(request, f"The {assessment.cycle} assessment has been started.")
            return redirect("assessments:answer", assessment.pk)
    return _render_list(request, form, pct, status=400)


def _progress(assessment: Assessment) -> dict:
    """Answered of total, overall and per competency number (where each
    question was answered), in one query."""
    rows = (
        assessment.answers.values(number=COMPETENCY_NUMBER_ANSWERED)
        .annotate(total=Count("pk"), answered=Count("pk", filter=~Q(value="")))
        .order_by("number")
    )
    per = {r["number"]: r for r in rows}
    return {
        "answered": sum(r["answered"] for r in per.values()),
        "total": sum(r["total"] for r in per.values()),
        "per_competency": per,
    }


def _reviews_visible(user, assessment: Assessment) -> bool:
    """The PCT sees the reviewer's levels once returned or accepted; reviewers always."""
    if access.is_board_member(user, assessment.pct_id):
        return assessment.status in {Assessment.Status.RETURNED, Assessment.Status.ACCEPTED}
    return True


def _can_review(user, assessment: Assessment) -> bool:
    membership = access.membership_of(user)
    return bool(
        membership
        and membership.role == membership.Role.REVIEWER
        and membership.organisation_id == assessment.pct.sha_id
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, pk)
    return _render_detail(request, assessment)


def _render_detail(request, assessment, *, gaps=None, status=200) -> HttpResponse:
    progress = _progress(assessment)
    competencies = list(Competency.objects.all())
    for competency in competencies:
        competency.progress = progress["per_competency"].get(competency.number)
    timeline = list(assessment.transitions.select_related("by"))
    returned = [step for step in timeline if step.to_status == Assessment.Status.RETURNED]
    can_answer = access.is_board_member(request.user, assessment.pct_id)
    return render(request, "assessments/detail.html", {
        "assessment": assessment,
        "progress": progress,
        "competencies": competencies,
        "reviews": list(assessment.reviews.select_related("competency", "reviewer"))
        if _reviews_visible(request.user, assessment) else [],
        "timeline": timeline,
        "last_return": returned[-1]
        if returned and assessment.status == Assessment.Status.RETURNED else None,
        "evidence": assessment.evidence_references.select_related(
            "evidence_item__competency", "created_by"
        ),
        "can_answer": can_answer,
        "can_submit": can_answer and assessment.is_editable,
        "can_review": _can_review(request.user, assessment),
        "gaps": gaps,
    }, status=status)


# Answering --------------------------------------------------------------------

ANSWER_LIMITS = {"action": f"{ACTION_MAX_LENGTH:,}", "owner": OWNER_MAX_LENGTH}


def _shown(data: dict) -> dict:
    """Values as a person reads them, for the conflict message."""
    value = data.get("value") or ""
    status = data.get("action_status") or ""
    return {
        **data,
        "value_label": dict(Answer.Value.choices).get(value, value),
        "action_status_label": dict(Answer.ActionStatus.choices).get(status, status),
    }


def question_view(
    answer: Answer, form: AnswerForm | None = None, *, state: str = "", section: int | None = None
) -> dict:
    """What a question block shows: what was sent if a form came back, else what is saved."""
    if form is not None and form.is_bound:
        data = {name: form[name].value() or "" for name in workflow.ANSWER_FIELDS}
        errors = form.errors
    else:
        data = {name: getattr(answer, name) or "" for name in workflow.ANSWER_FIELDS}
        errors = {}
    conflict = state == "conflict" or bool(form is not None and form.conflict)
    if conflict:
        state = "conflict"
    elif errors and not state:
        state = "error"
    version = answer.version
    if errors and not conflict:
        # A refused save keeps the version the page had, so saving again
        # after a correction still notices someone else's change.
        sent = str(form["version"].value() or "")
        version = int(sent) if sent.isdigit() else answer.version
    return {
        "answer": answer,
        "number": answer.question.number,
        "section": section if section is not None else answer.question.competency.number,
        "data": data,
        "attempted": _shown(data),
        "errors": errors,
        "block_errors": [*errors.get("__all__", []), *errors.get("version", [])],
        "state": state,
        "conflict": conflict,
        "version": version,
        "limits": ANSWER_LIMITS,
    }


def _sections(assessment: Assessment, forms: dict[int, AnswerForm] | None = None) -> list:
    """Themes → competencies → question blocks, in the checklist's order."""
    forms = forms or {}
    answers = list(
        assessment.answers.select_related("question__process", "question__competency", "updated_by")
        .order_by(*CHECKLIST_ORDER)
    )
    competencies = Competency.objects.select_related("theme").in_bulk()
    theme_of = themes_by_id(competencies.values(), {a.theme_answered_id for a in answers})
    guidance = _guidance()
    themes = []
    for competency_id, group in groupby(answers, key=lambda a: a.competency_answered_id):
        group = list(group)
        theme = theme_of[group[0].theme_answered_id]
        competency = competencies[competency_id]
        competency.guidance = guidance[competency_id]
        competency.questions_here = [
            question_view(answer, forms.get(answer.question.number), section=competency.number)
            for answer in group
        ]
        # A section whose blocks all show what is saved is cached as a whole.
        if not any(q["state"] or q["errors"] or q["conflict"] for q in competency.questions_here):
            competency.fragment_key = repr([_fragment_key(q, assessment) for q in competency.questions_here])
        competency.answered = sum(1 for q in competency.questions_here if q["answer"].value)
        if not themes or themes[-1].pk != theme.pk:
            themes.append(theme)
            theme.sections = []
        themes[-1].sections.append(competency)
    return themes


def _guidance() -> dict[int, dict[str, list[dict]]]:
    """Each competency's skills, processes and evidence items, as plain
    values: the answering page only prints their text."""
    guidance = defaultdict(lambda: {"skills": [], "processes": [], "evidence_items": []})
    for name, model in [("skills", Skill), ("processes", Process), ("evidence_items", EvidenceItem)]:
        for item in model.objects.order_by("position").values("competency_id", "text"):
            guidance[item["competency_id"]][name].append(item)
    return guidance


def _fragment_key(q: dict, assessment: Assessment) -> str:
    """Everything a saved question block shows, so that its rendered HTML can
    be cached: any change to the answer, its question's number or wording or
    its guidance is a new key."""
    answer = q["answer"]
    return repr((
        assessment.pk, answer.pk, answer.question.number, answer.version, answer.updated_at,
        sorted(q["data"].items()),
        answer.updated_by and (answer.updated_by.get_full_name() or answer.updated_by.get_username()),
        answer.wording, answer.question.process and answer.question.process.text,
        answer.carried_over, assessment.previous and str(assessment.previous.cycle),
    ))


@login_required
@require_GET
def answer_page(request: HttpRequest, pk: int) -> HttpResponse:
    # With the assessment it was started from, for "Carried over from 2007/08".
    assessment = access.get_assessment_for(
        request.user, pk, queryset=Assessment.objects.select_related("previous__cycle")
    )
    return _render_answer_page(request, assessment)


def _render_answer_page(request, assessment, *, forms=None, status=200) -> HttpResponse:
    themes = _sections(assessment, forms)
    answered = sum(s.answered for t in themes for s in t.sections)
    total = sum(len(s.questions_here) for t in themes for s in t.sections)
    invalid = [f for f in (forms or {}).values() if f.errors]
    return render(request, "assessments/answer.html", {
        "assessment": assessment,
        "themes": themes,
        "answered": answered,
        "total": total,
        "editable": assessment.is_editable
        and access.is_board_member(request.user, assessment.pct_id),
        "invalid_forms": invalid,
        "conflicts": sum(1 for f in invalid if f.conflict),
    }, status=status)


def _answered(**filters) -> Coalesce:
    """How many answers matching ``filters`` are answered, as a subquery."""
    counted = (
        Answer.objects.filter(**filters).exclude(value="").values("assessment")
        .annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _locked_answer(request, pk: int, number: int) -> tuple[Assessment, Answer]:
    assessment = access.get_assessment_to_answer(request.user, pk, lock=True)
    # The progress counts come with the answer, so a save stays at six queries.
    answer = get_object_or_404(
        Answer.objects.select_related("question__process", "question__competency", "updated_by")
        .annotate(
            answered_all=_answered(assessment=OuterRef("assessment")),
            answered_section=_answered(
                assessment=OuterRef("assessment"),
                question__competency=OuterRef("question__competency"),
            ),
        ),
        assessment=assessment, question__number=number,
    )
    answer.assessment = assessment
    return assessment, answer


@login_required
@require_POST
def save_answer(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    with transaction.atomic():
        assessment, answer = _locked_answer(request, pk, number)
        form = AnswerForm(request.POST, answer=answer)
        if not assessment.is_editable:
            return _refuse_closed(request, assessment, form=form)
        if not form.is_valid():
            return _answer_response(request, answer, form, status=400)
        was = (answer.value, answer.version)
        result = workflow.save_answer(
            answer=answer, user=request.user, values=form.cleaned_data,
            version=form.cleaned_data["version"],
        )
    if result.conflict:
        form.conflict = True
        form.add_error(None, _conflict_message(result.answer))
        return _answer_response(request, result.answer, form, status=409)
    if not request.htmx:
        messages.success(request, f"Question {number} is saved.")
        return redirect(reverse("assessments:answer", args=[pk]) + f"#q{number}")
    if (answer.value, answer.version) == was and was[1] == form.cleaned_data["version"]:
        # Sent back what is saved, from an up-to-date page: nothing to show.
        return HttpResponse(status=204)
    change = bool(answer.value) - bool(was[0])
    return render(request, "assessments/_question_saved.html", {
        "q": question_view(answer, state="saved"),
        "assessment": assessment,
        "editable": True,
        "answered_all": answer.answered_all + change,
        "answered_section": answer.answered_section + change,
    })


def _answer_response(request, answer, form, *, status) -> HttpResponse:
    """A refused save: the question again with what the person sent and why."""
    if not request.htmx:
        return _render_answer_page(
            request, answer.assessment, forms={answer.question.number: form}, status=status
        )
    return render(request, "assessments/_question.html", {
        "q": question_view(answer, form), "assessment": answer.assessment, "editable": True,
    }, status=status)


def _closed_message(assessment: Assessment) -> str:
    return (
        f"This assessment is {assessment.get_status_display().lower()}: "
        "its answers can no longer be changed."
    )


def _refuse_closed(request, assessment, *, form: AnswerForm | None = None) -> HttpResponse:
    if request.htmx and form is not None:
        # The question as it is saved, with what the person tried to change.
        return render(request, "assessments/_question_closed.html", {
            "q": question_view(form.answer, form, state="closed"),
            "message": _closed_message(assessment) + " Your change was not saved.",
            "assessment": assessment,
        }, status=409)
    messages.error(request, _closed_message(assessment))
    return _render_detail(request, assessment, status=409)


class _SectionNotSaved(Exception):
    """Raised inside the transaction so that none of the section is saved."""

    def __init__(self, status: int):
        self.status = status


@login_required
@require_POST
def save_section(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Without JavaScript: save every question of one competency at once, or none."""
    forms = {}
    try:
        with transaction.atomic():
            assessment = access.get_assessment_to_answer(request.user, pk, lock=True)
            competency = get_object_or_404(Competency, number=number)
            if not assessment.is_editable:
                return _refuse_closed(request, assessment)
            answers = assessment.answers.filter(question__competency=competency).select_related(
                "question", "updated_by"
            )
            for answer in answers:
                answer.assessment = assessment
                forms[answer.question.number] = AnswerForm(request.POST, answer=answer)
            if not all(form.is_valid() for form in forms.values()):
                raise _SectionNotSaved(400)
            for form in forms.values():
                result = workflow.save_answer(
                    answer=form.answer, user=request.user, values=form.cleaned_data,
                    version=form.cleaned_data["version"],
                )
                if result.conflict:
                    form.conflict = True
                    form.add_error(None, _conflict_message(result.answer))
            if any(form.conflict for form in forms.values()):
                raise _SectionNotSaved(409)
    except _SectionNotSaved as refusal:
        return _render_answer_page(request, assessment, forms=forms, status=refusal.status)
    messages.success(request, f"Your answers for “{competency.short_title}” are saved.")
    return redirect(reverse("assessments:answer", args=[pk]) + f"#competency-{number}")


def _conflict_message(answer: Answer) -> str:
    who = (
        answer.updated_by.get_full_name() or answer.updated_by.get_username()
        if answer.updated_by else "Someone"
    )
    return (
        f"{who} changed this answer after you opened the page, so your change was not saved. "
        "Compare the answers, then use yours or keep theirs."
    )


# Workflow ---------------------------------------------------------------------


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        assessment = access.get_assessment_to_answer(request.user, pk, lock=True)
        if not assessment.is_editable:
            return _refuse_closed(request, assessment)
        gaps = workflow.submit(assessment=assessment, user=request.user)
    if gaps:
        return _render_detail(request, assessment, gaps=gaps, status=400)
    messages.success(request, "The assessment has been submitted to the SHA.")
    return redirect(assessment)


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_to_review(request.user, pk)
    return _render_review(request, assessment)


def _render_review(request, assessment, *, bound=None, return_form=None, accept_form=None,
                   status=200) -> HttpResponse:
    competencies = []
    for result in scorecard(assessment).competencies:
        competency = result.competency
        competency.score, competency.level, competency.review = result.score, result.level, result.review
        competencies.append(competency)
        if bound is not None and bound.prefix == f"c{competency.number}":
            competency.form = bound
        else:
            review = competency.review
            competency.form = ReviewForm(
                competency=competency,
                initial={"level": review.level, "reason": review.reason} if review else None,
            )
    forms = [bound, return_form, accept_form]
    return render(request, "assessments/review.html", {
        "assessment": assessment,
        "competencies": competencies,
        "return_form": return_form or ReturnForm(prefix="return"),
        "accept_form": accept_form or AcceptForm(prefix="accept"),
        "invalid_form": next((f for f in forms if f is not None and f.errors), None),
        "editable": assessment.status == Assessment.Status.SUBMITTED,
    }, status=status)


@login_required
@require_POST
def record_review(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    with transaction.atomic():
        assessment = access.get_assessment_to_review(request.user, pk, lock=True)
        competency = get_object_or_404(Competency, number=number)
        form = ReviewForm(request.POST, competency=competency)
        if form.is_valid():
            try:
                workflow.record_review(
                    assessment=assessment, competency=competency, user=request.user,
                    level=form.cleaned_data["level"], reason=form.cleaned_data["reason"],
                )
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Your level for “{competency.short_title}” is recorded.")
                return redirect(reverse("assessments:review", args=[pk]) + f"#competency-{number}")
    status = 409 if form.non_field_errors() else 400
    return _render_review(request, assessment, bound=form, status=status)


@login_required
@require_POST
def return_to_pct(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        assessment = access.get_assessment_to_review(request.user, pk, lock=True)
        form = ReturnForm(request.POST, prefix="return")
        if form.is_valid():
            try:
                workflow.return_to_pct(
                    assessment=assessment, user=request.user, comment=form.cleaned_data["comment"]
                )
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"The assessment has been returned to {assessment.pct}.")
                return redirect(assessment)
    status = 409 if form.non_field_errors() else 400
    return _render_review(request, assessment, return_form=form, status=status)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        assessment = access.get_assessment_to_review(request.user, pk, lock=True)
        form = AcceptForm(request.POST, prefix="accept")
        if form.is_valid():
            try:
                workflow.accept(
                    assessment=assessment, user=request.user, comment=form.cleaned_data["comment"]
                )
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The assessment has been accepted.")
                return redirect(assessment)
    status = 409 if form.non_field_errors() else 400
    return _render_review(request, assessment, accept_form=form, status=status)


# Evidence ---------------------------------------------------------------------


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, pk)
    return _render_evidence(request, assessment)


def _render_evidence(request, assessment, *, bound=None, status=200) -> HttpResponse:
    competencies = Competency.objects.prefetch_related("evidence_items")
    references = {}
    for reference in assessment.evidence_references.select_related("created_by"):
        references.setdefault(reference.evidence_item_id, []).append(reference)
    editable = assessment.is_editable and access.is_board_member(request.user, assessment.pct_id)
    placed = False
    for competency in competencies:
        for item in competency.evidence_items.all():
            item.recorded = references.get(item.pk, [])
            if bound is not None and bound.data.get("evidence_item") == str(item.pk):
                item.form, placed = bound, True
            elif editable:
                item.form = EvidenceForm(initial={"evidence_item": item.pk},
                                         auto_id=f"id_e{item.pk}_%s")
    return render(request, "assessments/evidence.html", {
        "assessment": assessment, "competencies": competencies, "editable": editable,
        "invalid_form": bound,
        # A form for an item that does not exist has no place on the page:
        # its errors go at the top.
        "unplaced_form": bound if bound is not None and not placed else None,
    }, status=status)


@login_required
@require_POST
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_to_answer(request.user, pk)
    if not assessment.is_editable:
        return _refuse_closed(request, assessment)
    item = request.POST.get("evidence_item", "")
    form = EvidenceForm(request.POST, auto_id=f"id_e{item if item.isdigit() else 'x'}_%s")
    if not form.is_valid():
        return _render_evidence(request, assessment, bound=form, status=400)
    workflow.add_evidence(
        assessment=assessment, user=request.user,
        evidence_item_id=form.cleaned_data["evidence_item"].pk,
        title=form.cleaned_data["title"], reference=form.cleaned_data["reference"],
        note=form.cleaned_data["note"],
    )
    messages.success(request, f"“{form.cleaned_data['title']}” is added.")
    item_pk = form.cleaned_data["evidence_item"].pk
    return redirect(reverse("assessments:evidence", args=[pk]) + f"#evidence-{item_pk}")


@login_required
@require_POST
def delete_evidence(request: HttpRequest, pk: int, reference_pk: int) -> HttpResponse:
    assessment = access.get_assessment_to_answer(request.user, pk)
    reference = get_object_or_404(assessment.evidence_references, pk=reference_pk)
    if not assessment.is_editable:
        return _refuse_closed(request, assessment)
    workflow.delete_evidence(assessment=assessment, reference=reference)
    messages.success(request, f"“{reference.title}” is removed.")
    return redirect(reverse("assessments:evidence", args=[pk]) + f"#evidence-{reference.evidence_item_id}")


# Activity ---------------------------------------------------------------------

ACTIVITY_PER_PAGE = 100
# How activity_for names a reviewer's level: the PCT does not see those
# while the assessment is with the SHA.
REVIEW_ENTRY = "Reviewer's level"


@login_required
@require_GET
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for(request.user, pk)
    entries = activity_for(assessment)
    if not _reviews_visible(request.user, assessment):
        entries = [e for e in entries if not e.what.startswith(REVIEW_ENTRY)]
    page = Paginator(entries, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessments/activity.html", {
        "assessment": assessment,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    })
