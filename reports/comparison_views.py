"""The SHA reviewer's comparison pages, the admins' national view, a board
member's own PCT beside its SHA, and their downloads.

Who sees what comes from ``access.comparison_scope``: reviewers their own
SHA's PCTs, admins every PCT (or one SHA's, ``?sha=<code>``), board members
only their own PCT beside the SHA's mean and median. Another SHA asked for is
a 404, as are the pages naming other PCTs for a board member.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from assessments import access
from assessments.models import Cycle, Membership, Organisation
from assessments.scoring import Change, whole_percent
from competencies.models import Question

from . import comparison, exports
from .comparison import Cell, Matrix, Row
from .trend_chart import small_multiples

# A day, as the site's other cached fragments: the key changes with the inputs.
FIGURES_SECONDS = 86400


@dataclass
class Scope:
    """The PCTs compared, in which cycle, and what the person may see of them."""

    basis: comparison.Basis
    # Whether the person may see other PCTs' names (reviewers and admins).
    named: bool
    # An admin looking at every SHA at once.
    national: bool
    label: str
    sha_code: str
    cycle: Cycle | None
    shas: list[Organisation] = field(default_factory=list)
    own_pct_id: int | None = None

    def query(self, **extra: str) -> str:
        """A query string keeping the cycle and SHA, with ``extra``."""
        params = {"cycle": self.cycle.start_year if self.cycle else None, "sha": self.sha_code,
                  **extra}
        return "?" + urlencode({k: v for k, v in params.items() if v})


def _scope(request: HttpRequest) -> Scope:
    sha_code = request.GET.get("sha", "").strip()
    pcts, named = access.comparison_scope(request.user, sha_code or None)
    basis = comparison.Basis(pcts)
    shas, own = [], None
    if request.user.is_staff:
        shas = list(Organisation.objects.filter(kind=Organisation.Kind.SHA).order_by("name"))
        label = next((s.name for s in shas if s.code == sha_code), "England")
    else:
        membership = access.membership_of(request.user)
        if membership.role == Membership.Role.REVIEWER:
            label = membership.organisation.name
        else:
            label, own = membership.organisation.sha.name, membership.organisation_id
    return Scope(basis=basis, named=named, national=request.user.is_staff and not sha_code,
                 label=label, sha_code=sha_code, cycle=_cycle(request, basis), shas=shas,
                 own_pct_id=own)


def _cycle(request: HttpRequest, basis: comparison.Basis) -> Cycle | None:
    """The cycle asked for by its first year (``?cycle=2008``), else the latest
    with anything submitted."""
    year = request.GET.get("cycle", "").strip()
    if year and not (year.isascii() and year.isdigit() and len(year) == 4):
        raise Http404("No such cycle: give its first year, such as 2008.")
    try:
        return basis.cycle(int(year) if year else None)
    except LookupError:
        raise Http404(f"There is no {year} cycle.") from None


def _named_scope(request: HttpRequest) -> Scope:
    scope = _scope(request)
    if not scope.named:
        raise Http404("Only the SHA's reviewers and admins compare PCTs by name.")
    return scope


def _empty(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(request, "compare/empty.html", {"scope": scope})


@login_required
@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope.cycle is None:
        return _empty(request, scope)
    if not scope.named:
        table = comparison.build_matrix(scope.basis, scope.cycle)
        return render(request, "compare/own.html", _own_context(scope, table))
    key = request.GET.get("sort", "name")
    key = key if key in comparison.sort_keys(scope.basis.competencies) else "name"
    descending = request.GET.get("dir") == "desc"
    body = _figures(scope, ("matrix", key, descending), lambda: render_to_string(
        "compare/_matrix_body.html", _matrix_context(scope, key, descending)))
    return render(request, "compare/matrix.html", {
        "scope": scope, "body": body, "sort": key, "descending": descending})


def _matrix_context(scope: Scope, key: str, descending: bool) -> dict:
    assert scope.cycle is not None
    table = comparison.build_matrix(scope.basis, scope.cycle)
    rows = comparison.sort_rows(table, key=key, descending=descending)
    headers = _headers(scope, table, key, descending)
    return {
        "scope": scope, "matrix": table, "descending": descending,
        "headers": headers, "sorted_by": next(h for h in headers if h["current"]),
        "rows": [_RowView(row, scope.national) for row in rows],
        "focused": [_FocusView(row, scope.national) for row in table.focused],
        "summaries": [_summary_cells(s) for s in table.summaries],
        "sort_order": _sort_order(key, descending),
        "sha_means": [
            {"sha": s.sha, "pcts": s.pcts, **_summary_cells(s.mean)}
            for s in comparison.sha_means(scope.basis, table, scope.shas)
        ] if scope.national else [],
    }


def _figures(scope: Scope, what: tuple, draw: Callable[[], str]) -> SafeString:
    """A comparison page's figures as HTML, cached under a key naming
    everything they show: the comparison's fingerprint, the cycle, whose
    PCTs (England or one SHA, which the links keep too) and ``what`` (the
    page, and its sort). A national page has some 2,000 cells; reviewers
    come back to it far more often than a PCT submits."""
    assert scope.cycle is not None
    key = "compare-figures:" + hashlib.sha256(repr((
        comparison.fingerprint(scope.basis), scope.cycle.pk, scope.national, scope.label,
        scope.sha_code, [(s.pk, s.code, s.name) for s in scope.shas], what,
    )).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = str(draw())
        cache.set(key, html, FIGURES_SECONDS)
    return mark_safe(html)  # noqa: S308 - drawn by the template engine


def _sort_order(key: str, descending: bool) -> str:
    if key == "name":
        return "Z to A" if descending else "A to Z"
    if key == "rank":
        return "lowest score first" if descending else "highest score first"
    return "highest first" if descending else "lowest first"


def _headers(scope: Scope, table: Matrix, key: str, descending: bool) -> list[dict]:
    # (sort key, heading, what the caption calls it, competency number and title)
    columns = [("name", "PCT", "PCT name", None, ""), ("rank", "Rank", "rank", None, ""),
               ("overall", "Overall", "overall score", None, "")]
    columns += [(f"c{c.number}", f"{c.number}. {c.short_title}", f"{c.number}. {c.short_title}",
                 c.number, c.short_title) for c in table.competencies]
    headers = []
    for column, label, phrase, number, title in columns:
        current = column == key
        headers.append({
            "key": column, "label": label, "phrase": phrase, "current": current,
            # A competency's column shows its number; its title is in the key
            # above the table, and in the heading's accessible name.
            "number": number, "title": title,
            "href": scope.query(sort=column, dir="desc" if current and not descending else "asc"),
            "aria_sort": ("descending" if descending else "ascending") if current else "",
        })
    return headers


class _RowView:
    """A matrix row with its cells' HTML built in Python: a national matrix
    has over two thousand cells, and rendering each through the template
    engine (or ``format_html``) takes most of the page's time."""

    def __init__(self, row: Row, national: bool):
        self.row = row
        self.pct = row.pct
        self.show_sha = national
        self.url = reverse("reports:assessment", args=[row.assessment.pk]) if row.assessment else ""
        self.overall = _cells_html([row.overall], self.url) if row.assessment else ""
        self.cells = _cells_html(row.cells, self.url)
        self.missing = comparison.RETURNED_FOR_CHANGES if row.returned else "No submitted assessment"


class _FocusView:
    """An assessment of one focus, listed apart from the matrix."""

    def __init__(self, row: comparison.FocusRow, national: bool):
        self.pct = row.pct
        self.assessment = row.assessment
        self.show_sha = national
        url = reverse("reports:assessment", args=[row.assessment.pk])
        self.overall = _cells_html([row.overall], url)
        self.cells = _cells_html(row.cells, url)


def _cells_html(cells: list[Cell], url: str = "") -> SafeString:
    """Table cells showing each score and its level in words, shaded by level,
    each a link to ``url`` if given.

    Safe without escaping: the only values are numbers and ``url``, which
    ``reverse`` built from an id.
    """
    html = []
    for cell in cells:
        if cell.percent is None:
            content = '–<span class="nhsuk-u-visually-hidden"> no score</span>'
        elif cell.level is None:
            content = f"{cell.whole}%"
        else:
            content = f"{cell.whole}%<small>Level {cell.level.level}</small>"
        if url:
            content = f'<a href="{url}">{content}</a>'
        level = cell.level.level if cell.level else "none"
        html.append(f'<td class="app-compare-level-{level}">{content}</td>')
    return mark_safe("".join(html))  # noqa: S308 - numbers and a reversed URL only


def _summary_cells(summary: comparison.Summary) -> dict:
    return {
        "label": summary.label, "count": summary.count,
        "overall": _cells_html([summary.overall]),
        "cells": _cells_html(summary.cells),
    }


def _own_context(scope: Scope, table: Matrix) -> dict:
    """A board member's PCT beside the SHA's mean and median, and nothing that
    names or singles out another PCT."""
    own = next((row for row in table.rows if row.pct.pk == scope.own_pct_id), None)
    if own is None:
        raise Http404("Your PCT is not in this comparison.")
    cells = own.cells or [Cell(None, None)] * len(table.competencies)
    lines = [("Overall", own.overall, table.mean.overall, table.median.overall)]
    lines += [(f"{c.number}. {c.short_title}", cell, mean, middle) for c, cell, mean, middle
              in zip(table.competencies, cells, table.mean.cells, table.median.cells)]
    return {
        "scope": scope, "matrix": table, "own": own,
        "lines": [
            {"label": label, "own": _cells_html([cell]), "mean": _cells_html([mean]),
             "median": _cells_html([middle]), "versus": _versus(cell, mean)}
            for label, cell, mean, middle in lines
        ],
        "report_url": reverse("reports:assessment", args=[own.assessment.pk]) if own.assessment else "",
    }


def _versus(own: Cell, mean: Cell) -> str:
    if own.percent is None or mean.percent is None:
        return "–"
    points = own.whole - mean.whole
    if points == 0:
        return "the same as the mean"
    size = abs(points)
    return f"{size} point{'' if size == 1 else 's'} {'above' if points > 0 else 'below'} the mean"


@login_required
@require_GET
def trends(request: HttpRequest) -> HttpResponse:
    scope = _named_scope(request)
    if scope.cycle is None:
        return _empty(request, scope)
    body = _figures(scope, ("trends",), lambda: render_to_string(
        "compare/_trends_body.html", _trends_context(scope)))
    return render(request, "compare/trends.html", {"scope": scope, "body": body})


def _trends_context(scope: Scope) -> dict:
    assert scope.cycle is not None
    basis = scope.basis
    # The trend first: it reads every cycle's scorecards at once.
    points = [p for p in comparison.trend(basis) if p.mean.count]
    table = comparison.build_matrix(basis, scope.cycle, changes=True)
    series = [(f"{c.number}. {c.short_title}", [p.mean.cells[i].percent for p in points])
              for i, c in enumerate(table.competencies)]
    series.append(("Overall", [p.mean.overall.percent for p in points]))
    return {
        "scope": scope, "matrix": table, "points": points,
        "rows": [_TrendRow(row, table) for row in table.rows],
        "lines": [(label, [whole_percent(v) for v in values]) for label, values in series],
        "chart": small_multiples(
            title=f"{scope.label}: mean score per competency in each cycle",
            cycles=[str(p.cycle) for p in points], series=series,
        ) if points else "",
    }


class _TrendRow:
    """A PCT's change since the previous cycle, its cells' HTML built in Python
    as the matrix's are."""

    def __init__(self, row: Row, table: Matrix):
        self.pct = row.pct
        self.url = reverse("reports:assessment", args=[row.assessment.pk]) if row.assessment else ""
        self.note = ""
        if row.assessment is None and row.returned:
            self.note = f"{comparison.RETURNED_FOR_CHANGES} in {table.cycle}"
        elif row.assessment is None:
            self.note = f"No submitted assessment for {table.cycle}"
        elif row.previous is None:
            self.note = f"Nothing submitted for {table.previous_cycle} to compare with"
        self.overall = _change_html(row.overall_change)
        self.cells = mark_safe("".join(_change_html(c) for c in row.changes))  # noqa: S308


def _change_html(change: Change) -> SafeString:
    """A table cell with the change in points, its direction as an arrow and
    in words (shaded too, but never by colour alone). Built as ``_cells_html``
    is, and safe for the same reason: numbers and fixed words only."""
    if change.points is None:
        content = '–<span class="nhsuk-u-visually-hidden"> not comparable</span>'
    elif change.points == 0:
        content = '<span aria-hidden="true">→ </span>no change'
    else:
        # The number stands out; "points" is there for screen readers.
        number, points = change.words.rsplit(" ", 1)
        content = (f'<span aria-hidden="true">{change.arrow} </span>{number}'
                   f'<span class="nhsuk-u-visually-hidden"> {points}</span>')
    return mark_safe(  # noqa: S308
        f'<td class="app-compare-change app-compare-change--{change.direction or "none"}">{content}</td>'
    )


@login_required
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    scope = _named_scope(request)
    if scope.cycle is None:
        return _empty(request, scope)
    shares = comparison.question_shares(scope.basis, scope.cycle)
    return render(request, "compare/questions.html", {
        "scope": scope, "shares": shares,
        "reported": len(scope.basis.assessments_in([scope.cycle])),
    })


@login_required
@require_GET
def question(request: HttpRequest, number: int) -> HttpResponse:
    scope = _named_scope(request)
    question = get_object_or_404(Question.objects.select_related("competency"), number=number)
    if scope.cycle is None:
        return _empty(request, scope)
    answered = comparison.answered(scope.basis, scope.cycle, question)
    return render(request, "compare/question.html", {
        "scope": scope, "question": question, "versions": answered.versions,
        "answers": answered.said_no, "reported": len(scope.basis.assessments_in([scope.cycle])),
    })


def _export_scope(request: HttpRequest) -> Scope:
    scope = _named_scope(request)
    if scope.cycle is None:
        raise Http404("There are no assessment cycles yet, so nothing to download.")
    return scope


def _send(scope: Scope, what: str, fmt: str, columns, rows) -> HttpResponse:
    name = exports.filename(scope.label, scope.cycle, what, fmt)
    if fmt == "csv":
        return exports.csv_response(name, columns, rows)
    return exports.xlsx_response(name, f"{what.capitalize()} {scope.cycle}", columns, rows)


@login_required
@require_GET
def export_matrix(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _export_scope(request)
    columns, rows = exports.matrix_table(comparison.build_matrix(scope.basis, scope.cycle))
    return _send(scope, "matrix", fmt, columns, rows)


@login_required
@require_GET
def export_answers(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _export_scope(request)
    columns, rows = exports.answers_table(scope.basis, scope.cycle)
    return _send(scope, "answers", fmt, columns, rows)


@login_required
@require_GET
def export_actions(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _export_scope(request)
    columns, rows = exports.answers_table(scope.basis, scope.cycle, actions_only=True)
    return _send(scope, "actions", fmt, columns, rows)
