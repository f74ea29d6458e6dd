"""Charts drawn on the server as SVG, so the page and the PDF show the same."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join

from assessments.scoring import Band, whole_percent

WIDTH = 640
LABEL = 250  # room for the competency names, right-aligned against the axis
RIGHT = 60  # room for the value beside a full bar
TOP = 22  # the strip naming the levels
ROW = 24
BAR = 14
BAND_FILLS = ["#ffffff", "#e8edee"]


def competency_bars(rows: Sequence[tuple[str, float | None]], bands: Sequence[Band]) -> str:
    """Horizontal bars, 0–100%, one per (label, percent), over the level bands.

    Each band is a shaded column named at the top, so a bar's level reads
    from the chart; the figures are also in the text labels, the title (read
    out as the chart's description, and the PDF's alternative text) and the
    table beside the chart, never in colour alone.
    """
    plot = WIDTH - LABEL - RIGHT
    bottom = TOP + ROW * len(rows)
    height = bottom + 22

    def x(percent: float) -> float:
        return LABEL + plot * max(0.0, min(100.0, percent)) / 100

    ordered = sorted(bands, key=lambda b: b.min_score)
    edges = [float(b.min_score) for b in ordered] + [100.0]
    columns = []
    for i, band in enumerate(ordered):
        left, right = x(edges[i]), x(edges[i + 1])
        name = next((n for n in (f"Level {band.level}", f"L{band.level}")
                     if 6 * len(n) + 4 <= right - left), "")
        columns.append(format_html(
            '<rect x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}"/>'
            '<text x="{5}" y="{6}" font-size="11" fill="#4c6272" text-anchor="middle">{7}</text>'
            '<line x1="{0}" y1="{1}" x2="{0}" y2="{8}" stroke="#aeb7bd" stroke-dasharray="3 3"/>'
            '<text x="{0}" y="{9}" font-size="11" fill="#4c6272" text-anchor="middle">{10}%</text>',
            f"{left:.1f}", TOP - 2, f"{right - left:.1f}", bottom - TOP + 2,
            BAND_FILLS[i % 2], f"{(left + right) / 2:.1f}", TOP - 8, name,
            bottom + 4, bottom + 17, f"{edges[i]:g}",
        ))
    columns.append(format_html(
        '<text x="{0}" y="{1}" font-size="11" fill="#4c6272" text-anchor="middle">100%</text>',
        f"{x(100):.1f}", bottom + 17,
    ))
    bars = []
    for i, (label, percent) in enumerate(rows):
        y = TOP + i * ROW
        width = plot * max(0.0, min(100.0, percent or 0)) / 100
        value = "not answered" if percent is None else f"{whole_percent(percent)}%"
        bars.append(format_html(
            '<text x="{0}" y="{1}" font-size="13" fill="#212b32" text-anchor="end">{2}</text>'
            '<rect x="{3}" y="{4}" width="{5}" height="{6}" fill="#005eb8"/>'
            '<text x="{7}" y="{1}" font-size="13" font-weight="600" fill="#212b32">{8}</text>',
            LABEL - 8, y + ROW / 2 + 4.5, label, LABEL, f"{y + (ROW - BAR) / 2:.1f}",
            f"{width:.1f}", BAR, f"{LABEL + width + 5:.1f}", value,
        ))
    summary = "; ".join(
        f"{label}: {'not answered' if p is None else f'{whole_percent(p)}%'}" for label, p in rows
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" font-family="Source Sans 3, Arial, sans-serif" '
        'viewBox="0 0 {0} {1}" width="100%" role="img" aria-label="{2}">'
        "<title>{2}</title>{3}"
        '<line x1="{4}" y1="{5}" x2="{4}" y2="{6}" stroke="#212b32"/>{7}</svg>',
        WIDTH, height, f"Score for each competency, 0 to 100%, over the level bands. {summary}.",
        format_html_join("", "{}", ((c,) for c in columns)),
        LABEL, TOP - 2, bottom + 2, format_html_join("", "{}", ((b,) for b in bars)),
    )

