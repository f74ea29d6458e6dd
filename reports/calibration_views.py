"""Calibration: the PCTs' own levels beside their reviewers', for the SHAs'
reviewers (their own SHA's PCTs) and admins (every PCT, or one SHA's).

Board members get a 404, as for every comparison page that names other
PCTs; who may see which PCTs is ``access.comparison_scope``'s decision. A
filter value that is not one of the choices is left out (the default is
shown) and the page answers 400 with the error at its field.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from assessments import access
from assessments.models import Cycle, Organisation

from . import calibration_data, calibration_exports, exports
from .calibration import Rating, shade, signed
from .calibration_data import Calibration, PctRow
from .forms import CalibrationFilter

# A day, as the site's other cached fragments: the key changes with the inputs.
FIGURES_SECONDS = 86400


@dataclass
class CalibrationScope:
    """The PCTs and cycle shown, and what the comparison navigation needs."""

    pcts: QuerySet[Organisation]
    label: str
    sha_code: str
    national: bool
    cycle: Cycle | None
    named: bool = True

    def query(self, **extra: str) -> str:
        params = {"cycle": self.cycle.start_year if self.cycle else None, "sha": self.sha_code, **extra}
        return "?" + urlencode({k: v for k, v in params.items() if v})


def _scope(request: HttpRequest) -> tuple[CalibrationScope, CalibrationFilter]:
    """Reviewers are checked before anything else is read; a reviewer's
    ``?sha=`` is ignored (they see their own SHA's PCTs)."""
    user = request.user
    if not user.is_staff:
        pcts, named = access.comparison_scope(user)
        if not named:
            raise Http404("Only the SHAs' reviewers and admins see calibration.")
    shas = list(Organisation.objects.filter(kind=Organisation.Kind.SHA).order_by("name")) if user.is_staff else []
    cycles = list(Cycle.objects.order_by("start_year"))
    form = CalibrationFilter(request.GET, cycles=cycles, shas=shas)
    year, sha_code = form.filters()
    if user.is_staff:
        pcts, _ = access.comparison_scope(user, sha_code or None)
        label = next((s.name for s in shas if s.code == sha_code), "England")
    else:
        label = access.membership_of(user).organisation.name
    cycle = (next(c for c in cycles if c.start_year == year) if year
             else calibration_data.latest_cycle(pcts, cycles))
    return CalibrationScope(pcts, label, sha_code, user.is_staff and not sha_code, cycle), form


@login_required
@require_GET
def calibration(request: HttpRequest) -> HttpResponse:
    scope, form = _scope(request)
    context: dict = {"scope": scope, "form": form, "downloads": calibration_exports.DOWNLOADS}
    if scope.cycle is not None:
        context["rated"], context["figures"] = _figures(scope, scope.cycle)
    return render(request, "compare/calibration.html", context, status=400 if form.errors else 200)


def _figures(scope: CalibrationScope, cycle: Cycle) -> tuple[bool, SafeString]:
    """Whether any level was rated, and the figures as HTML, cached under a
    key naming everything they show: building and drawing a national
    calibration (some 1,700 ratings) costs several times a bare page, and
    reviewers come back to it far more often than its inputs change."""
    framework = calibration_data.read_framework()
    key = "calibration-figures:" + hashlib.sha256(repr((
        calibration_data.fingerprint(scope.pcts, cycle, framework), scope.national, scope.label,
    )).encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        data = calibration_data.build(scope.pcts, cycle, framework)
        html = render_to_string("compare/_calibration_figures.html", {
            "scope": scope, "data": data, "rows": _heat_rows(data.rows, scope.national),
            "mean": signed(_mean(data), decimals=2),
            "competencies": [(c, signed(g.mean, decimals=2), g) for c, g in data.by_competency],
            "reviewers": [(r, signed(r.gap.mean, decimals=2), signed(r.gap.others_mean, decimals=2))
                          for r in data.reviewers],
        })
        cached = (bool(data.ratings), str(html))
        cache.set(key, cached, FIGURES_SECONDS)
    rated, html = cached
    return rated, mark_safe(html)  # noqa: S308 - rendered by the template engine above


def _mean(data: Calibration) -> float | None:
    return sum(r.gap for r in data.ratings) / len(data.ratings) if data.ratings else None


def _heat_rows(rows: list[PctRow], national: bool) -> SafeString:
    """The heat map's body, built in Python as the matrix's cells are: a
    national heat map has some 1,700 cells, and the template engine would
    take most of the page's time over them. Names are escaped; the rest is
    numbers, fixed words and URLs ``reverse`` built from ids."""
    # One reverse for every row: the id is swapped in.
    url = reverse("reports:assessment", args=[0]).replace("/0/", "/{}/")
    html = []
    for row in rows:
        notes = f'<span class="app-compare-note">{escape(row.sha)}</span>' if national else ""
        if row.accepted:
            notes += '<span class="app-compare-note">Accepted</span>'
        html.append(f'<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__cell app-compare-matrix__pct">'
                    f'<a href="{url.format(row.assessment_id)}">{escape(row.name)}</a>{notes}</th>'
                    f'{_gap_cells(row.cells)}</tr>')
    return mark_safe("".join(html))  # noqa: S308 - names escaped, the rest numbers and fixed words


def _gap_cells(cells: list[Rating | None]) -> str:
    """Each gap as a signed number, shaded by its size and sign."""
    return "".join(
        f'<td class="app-gap app-calibration-gap--{shade(r.gap)}">{signed(r.gap)}</td>' if r is not None
        else '<td class="app-gap app-calibration-gap--none">—<span class="nhsuk-u-visually-hidden"> no '
             'reviewer\'s level</span></td>'
        for r in cells
    )


@login_required
@require_GET
def export_calibration(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    scope, form = _scope(request)
    if form.errors:
        raise BadRequest("Choose the cycle and SHA from the calibration page's lists.")
    if scope.cycle is None:
        raise Http404("There are no assessment cycles yet, so nothing to download.")
    data = calibration_data.build(scope.pcts, scope.cycle)
    columns, rows = calibration_exports.table(data, table)
    name = exports.filename(scope.label, scope.cycle, f"calibration-{table}", fmt)
    if fmt == "csv":
        return exports.csv_response(name, columns, rows)
    title = f"{calibration_exports.SHEETS[table]} {scope.cycle}"
    return exports.xlsx_response(name, title, columns, rows)
