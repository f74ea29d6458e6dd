"""Calibration as spreadsheets: the figures of the calibration page, a table
per download, written by ``exports`` (CSV or XLSX, formulas neutralised).

- ``ratings``: one row per PCT and competency (the heat map): the PCT's
  level, the reviewer's, the gap and who reviewed; blank where no reviewer's
  level was recorded.
- ``competencies``: each competency's mean gap and counts, the most
  overrated first, and a last row for all competencies together.
- ``reviewers``: each reviewer's ratings and mean gap beside the others'.
"""

from collections.abc import Iterator

from .calibration import mean_gap
from .calibration_data import Calibration
from .exports import Column

TABLES = ("ratings", "competencies", "reviewers")
# What each download holds, as the page lists them.
DOWNLOADS = [("ratings", "the gap by PCT and competency"),
             ("competencies", "the gap by competency, with the counts"),
             ("reviewers", "the gap by reviewer")]
SHEETS = {"ratings": "Calibration", "competencies": "Gap by competency", "reviewers": "Gap by reviewer"}


def judgement(gap: int) -> str:
    return "Overstated" if gap > 0 else "Understated" if gap < 0 else "Matching"


def table(data: Calibration, name: str) -> tuple[list[Column], Iterator[list]]:
    return {"ratings": _ratings, "competencies": _competencies, "reviewers": _reviewers}[name](data)


def _ratings(data: Calibration) -> tuple[list[Column], Iterator[list]]:
    columns = [
        Column("PCT code", 10), Column("PCT", 36), Column("SHA", 30), Column("Cycle", 9),
        Column("Competency", 8, "number"), Column("Competency title", 36),
        Column("PCT's level", 9, "number"), Column("Reviewer's level", 9, "number"),
        Column("Gap (PCT minus reviewer)", 11, "number"), Column("Judgement", 12), Column("Reviewer", 24),
    ]

    def rows() -> Iterator[list]:
        for row in data.rows:
            start = [row.code, row.name, row.sha, str(data.cycle)]
            for competency, rating in zip(data.competencies, row.cells):
                what = [competency.number, competency.short_title]
                if rating is None:
                    yield start + what + [None, None, None, "No reviewer's level", ""]
                else:
                    yield start + what + [rating.self_level, rating.reviewer_level, rating.gap,
                                          judgement(rating.gap), data.reviewer_names.get(rating.reviewer_id, "")]

    return columns, rows()


def _competencies(data: Calibration) -> tuple[list[Column], Iterator[list]]:
    columns = [
        Column("Competency", 8, "number"), Column("Competency title", 36), Column("Cycle", 9),
        Column("Ratings", 9, "number"), Column("Mean gap (PCT minus reviewer)", 12, "number"),
        Column("Overstated", 11, "number"), Column("Matching", 10, "number"),
        Column("Understated", 11, "number"),
    ]

    def rows() -> Iterator[list]:
        for competency, gap in data.by_competency:
            yield [competency.number, competency.short_title, str(data.cycle), gap.counts.total,
                   _rounded(gap.mean), gap.counts.overstated, gap.counts.matching, gap.counts.understated]
        counts = data.counts
        yield [None, "All competencies", str(data.cycle), counts.total,
               _rounded(mean_gap(r.gap for r in data.ratings)),
               counts.overstated, counts.matching, counts.understated]

    return columns, rows()


def _reviewers(data: Calibration) -> tuple[list[Column], Iterator[list]]:
    columns = [
        Column("Reviewer", 24), Column("Cycle", 9), Column("Ratings", 9, "number"),
        Column("Mean gap (PCT minus reviewer)", 12, "number"),
        Column("Other reviewers' ratings", 11, "number"), Column("Other reviewers' mean gap", 12, "number"),
    ]

    def rows() -> Iterator[list]:
        for reviewer in data.reviewers:
            gap = reviewer.gap
            yield [reviewer.name, str(data.cycle), gap.ratings, _rounded(gap.mean),
                   gap.others_ratings, _rounded(gap.others_mean)]

    return columns, rows()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
