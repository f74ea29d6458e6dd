"""The SHA's mean per competency across cycles, as one inline SVG drawn on the server.

Small multiples (a panel per competency, and one for the overall score), not
eleven lines on one chart: each line can then be read without telling colours
apart, and every point carries its number. The page shows the same figures in
a table, for screen readers and for anyone who wants the exact values.

No ``style`` attributes: the Content-Security-Policy allows no inline styles,
so everything is drawn with SVG presentation attributes.
"""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from assessments.scoring import whole_percent

COLUMNS = 3
PANEL_W, PANEL_H = 260, 150
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 34, 22, 34, 24
# Space between the axis and the first and last cycles, for their labels.
INSET = 22
INK, GRID, LINE, MUTED = "#212b32", "#d8dde0", "#005eb8", "#4c6272"


def small_multiples(*, title: str, cycles: Sequence[str],
                    series: Sequence[tuple[str, Sequence[float | None]]],
                    chart_id: str = "trend-chart") -> SafeString:
    """A panel per ``(label, values)``, with a value (0–100 or None) per cycle."""
    rows = -(-len(series) // COLUMNS)
    width, height = COLUMNS * PANEL_W, rows * PANEL_H
    panels = format_html_join(
        "", "{}",
        ((_panel(index, label, values, cycles),) for index, (label, values) in enumerate(series)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-compare-chart" viewBox="0 0 {0} {1}" '
        'role="img" aria-labelledby="{2}-title {2}-desc" '
        'font-family="Source Sans 3, Arial, sans-serif" preserveAspectRatio="xMinYMin meet">'
        '<title id="{2}-title">{3}</title><desc id="{2}-desc">{4}</desc>{5}</svg>',
        width, height, chart_id, title, _description(cycles, series), panels,
    )


def _description(cycles: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    parts = []
    for label, values in series:
        points = ", ".join(
            f"{cycle} {'no submissions' if v is None else f'{whole_percent(v)}%'}"
            for cycle, v in zip(cycles, values)
        )
        parts.append(f"{label}: {points}")
    return "; ".join(parts) + "."


def _panel(index: int, label: str, values: Sequence[float | None], cycles: Sequence[str]
           ) -> SafeString:
    left, top = (index % COLUMNS) * PANEL_W, (index // COLUMNS) * PANEL_H
    plot_w = PANEL_W - PLOT_LEFT - PLOT_RIGHT
    plot_h = PANEL_H - PLOT_TOP - PLOT_BOTTOM
    step = (plot_w - 2 * INSET) / max(1, len(cycles) - 1)

    def x(i: int) -> float:
        # A single cycle sits in the middle.
        return left + PLOT_LEFT + (INSET + i * step if len(cycles) > 1 else plot_w / 2)

    def y(percent: float) -> float:
        return top + PLOT_TOP + plot_h * (1 - percent / 100)

    n = _number
    grid = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="{3}"/>'
        '<text x="{4}" y="{5}" font-size="10" fill="{6}" text-anchor="end">{7}%</text>',
        ((n(left + PLOT_LEFT), n(y(p)), n(left + PANEL_W - PLOT_RIGHT), GRID,
          n(left + PLOT_LEFT - 4), n(y(p) + 3.5), MUTED, p) for p in (0, 50, 100)),
    )
    ticks = format_html_join(
        "", '<text x="{0}" y="{1}" font-size="10" fill="{2}" text-anchor="middle">{3}</text>',
        ((n(x(i)), n(top + PANEL_H - 8), MUTED, cycle) for i, cycle in enumerate(cycles)),
    )
    points = [(x(i), y(v), whole_percent(v)) for i, v in enumerate(values) if v is not None]
    line = ""
    if len(points) > 1:
        line = format_html(
            '<polyline points="{0}" fill="none" stroke="{1}" stroke-width="2"/>',
            " ".join(f"{n(px)},{n(py)}" for px, py, _ in points), LINE,
        )
    # Every point is labelled: with a few cycles the labels do not collide, and
    # the numbers are what a board reads.
    dots = format_html_join(
        "",
        '<circle cx="{0}" cy="{1}" r="3" fill="{2}"/>'
        '<text x="{0}" y="{3}" font-size="11" font-weight="600" fill="{4}" '
        'text-anchor="middle">{5}%</text>',
        ((n(px), n(py), LINE, n(py - 7 if py > top + PLOT_TOP + 12 else py + 15), INK, value)
         for px, py, value in points),
    )
    return format_html(
        '<g><text x="{0}" y="{1}" font-size="12" font-weight="600" fill="{2}">{3}</text>'
        "{4}{5}{6}{7}</g>",
        n(left + 6), n(top + 16), INK, label, grid, ticks, line, dots,
    )


def _number(value: float) -> str:
    # format_html escapes its arguments into strings: numbers are formatted first.
    return f"{value:.1f}"
