"""The SHA's review: the worksheet of levels per competency, then return or accept."""

from hashlib import sha256

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from competencies.models import Competency

from .. import access, challenges, workflow
from ..review_forms import AcceptForm, ChallengeForm, ReturnForm, ReviewSheet
from ..reviews import Worksheet, worksheet
from .challenge_pages import CompetencyChallenges, worksheet_challenges
from .refusals import refusals

NONE_CHECKED = 0  # no competency has the number 0: each is shown as typed, none checked


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return render_review(request, access.grant_to_review(request.user, pk))


def sheet_for(work: Worksheet, data=None, *, only: int | None = None) -> ReviewSheet:
    """The worksheet's form, unbound (what is saved) or bound to a POST."""
    rows = work.competencies
    return ReviewSheet(data, competencies=[row.competency for row in rows], bands=work.bands, only=only,
                       reviews={row.competency.pk: row.review for row in rows if row.review})


def render_review(request, grant: access.Grant, *, sheet: ReviewSheet | None = None,
                  missing: list[Competency] | None = None, return_form=None, accept_form=None,
                  challenge: ChallengeForm | None = None, typed: QueryDict | None = None,
                  status=200) -> HttpResponse:
    """The worksheet; ``typed``, a POST of it whose levels and challenges are shown as typed."""
    assessment = grant.assessment
    work = worksheet(assessment)
    challenged = worksheet_challenges(grant, work.answers, data=typed, bound=challenge)
    key = None
    if sheet is None and typed is None:
        # As saved: the whole worksheet may come from the cache, so its forms
        # are made only if it is drawn.
        key = worksheet_key(work, challenged, editable=grant.may_review, user=request.user)
        forms = SimpleLazyObject(lambda: sheet_for(work).forms)
        invalid = []
    else:
        sheet = sheet or sheet_for(work, typed, only=NONE_CHECKED)
        forms, invalid = sheet.forms, sheet.invalid
    decisions = [return_form, accept_form]
    return render(request, "assessments/review.html", {
        "assessment": assessment, "worksheet": work, "worksheet_key": key, "forms": forms, "invalid_forms": invalid,
        "challenged": challenged,
        "challenge_errors": [{"anchor": f"#id_{challenge.prefix}-note", "message": error}
                             for error in challenge.errors.get("note", [])] if challenge else [],
        "return_form": return_form or ReturnForm(prefix="return"),
        "accept_form": accept_form or AcceptForm(prefix="accept"),
        "invalid_form": next((f for f in decisions if f is not None and f.errors), None),
        "missing": [{"anchor": f"#id_c{c.number}-level_0", "message": f"{c}: record your level and reason"}
                    for c in missing or []],
        "editable": grant.may_review,
    }, status=status)


def worksheet_key(work: Worksheet, challenged: dict[int, CompetencyChallenges], *, editable: bool, user) -> str | None:
    """Everything the worksheet's competencies show as saved, for the cache:
    the themes, each competency's part and challenges (their own keys), the
    bands (the levels' labels), whether it is editable, and for whom (a
    reviewer withdraws only their own challenges); None while a competency
    shows something typed."""
    parts = []
    for group in work.themes:
        for row in group.competencies:
            here = challenged.get(row.competency.pk)
            if here is not None and not here.fragment_key:
                return None
            parts.append((group.theme and group.theme.title, row.fragment_key, here and here.fragment_key))
    return sha256(repr((work.bands, editable, user.pk, parts)).encode()).hexdigest()


def _only(request: HttpRequest) -> int | None:
    """The competency whose own button was pressed, if one was."""
    only = request.POST.get("only")
    if only is None:
        return None
    if not only.isdigit() or not Competency.objects.filter(number=only).exists():
        raise Http404("No such competency.")
    return int(only)


def _recorded(saved: list[Competency]) -> str:
    if not saved:
        return "Nothing has changed: every level is as it was."
    if len(saved) == 1:
        return f"Your level for “{saved[0].short_title}” is recorded."
    return f"Your levels for {len(saved)} competencies are recorded."


@login_required
@require_POST
@refusals(render_review)
def record_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """Save every competency's level that changed, or with ``only``, one
    competency's, keeping what was typed for the others."""
    grant = access.grant_to_review(request.user, pk)
    sheet = sheet_for(worksheet(grant.assessment), request.POST, only=_only(request))
    saved = sheet.levels
    if saved:
        workflow.record_reviews(assessment=grant.assessment, user=request.user, levels=saved)
    if saved or not sheet.invalid:
        messages.success(request, _recorded(list(saved)))
    if sheet.invalid or sheet.only:
        return render_review(request, grant, sheet=sheet, status=400 if sheet.invalid else 200)
    return redirect(reverse("assessments:review", args=[pk]) + "#levels")


@login_required
@require_POST
@refusals(render_review)
def return_to_pct(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_to_review(request.user, pk)
    form = ReturnForm(request.POST, prefix="return")
    if not form.is_valid():
        return render_review(request, grant, return_form=form, status=400)
    workflow.return_to_pct(assessment=grant.assessment, user=request.user, **form.cleaned_data)
    messages.success(request, f"The assessment has been returned to {grant.assessment.pct}.")
    return redirect(grant.assessment)


@login_required
@require_POST
@refusals(render_review)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.grant_to_review(request.user, pk)
    form = AcceptForm(request.POST, prefix="accept")
    if not form.is_valid():
        return render_review(request, grant, accept_form=form, status=400)
    try:
        workflow.accept(assessment=grant.assessment, user=request.user, **form.cleaned_data)
    except workflow.ReviewsMissing as refused:
        return render_review(request, grant, missing=refused.missing, accept_form=form, status=refused.status)
    messages.success(request, "The assessment has been accepted.")
    return redirect(grant.assessment)


def _question(request: HttpRequest) -> int:
    number = request.POST.get("question", "")
    if not number.isdigit():
        raise Http404("No such question.")
    return int(number)


def _typed_elsewhere(request: HttpRequest, grant: access.Grant, number: int) -> bool:
    """Whether the worksheet's POST holds a level or another challenge typed and not saved."""
    notes = [name for name, value in request.POST.items()
             if name.startswith("x") and name.endswith("-note") and value.strip() and name != f"x{number}-note"]
    return bool(notes or sheet_for(worksheet(grant.assessment), request.POST).checked)


@login_required
@require_POST
@refusals(render_review)
def raise_challenge(request: HttpRequest, pk: int) -> HttpResponse:
    """Challenge one answer from the worksheet's one form (its button's
    ``formaction``); anything else typed there is shown again, unsaved."""
    grant = access.grant_to_review(request.user, pk)
    number = _question(request)
    form = ChallengeForm(request.POST, number=number)
    if not form.is_valid():
        return render_review(request, grant, challenge=form, typed=request.POST, status=400)
    challenges.raise_challenge(assessment=grant.assessment, number=number, user=request.user, **form.cleaned_data)
    messages.success(request, f"Your challenge to the answer to question {number} is recorded.")
    if _typed_elsewhere(request, grant, number):
        data = request.POST.copy()
        data[f"x{number}-note"] = ""
        return render_review(request, grant, typed=data)
    return redirect(reverse("assessments:review", args=[pk]) + f"#challenge-q{number}")


@login_required
@require_POST
@refusals(render_review)
def withdraw_challenge(request: HttpRequest, pk: int, challenge_pk: int) -> HttpResponse:
    grant = access.grant_to_review(request.user, pk)
    challenges.withdraw_challenge(assessment=grant.assessment, challenge_id=challenge_pk, user=request.user)
    messages.success(request, "Your challenge is withdrawn.")
    return redirect(reverse("assessments:review", args=[pk]) + "#levels")
