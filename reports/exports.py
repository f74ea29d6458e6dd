"""The comparison as spreadsheets: CSV and XLSX of the matrix, the answers and
the action plans.

Both formats stream: a national answers export is some 17,000 rows. Actions
and owners are typed by hundreds of people and opened by reviewers in Excel,
so no text may run as a formula (text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return). CSV cannot say that a cell is text, so
there such text gets a leading apostrophe. XLSX can: such a cell is stored as
text, unchanged, with the quote-prefix style, which is what Excel itself does
when someone types an apostrophe first. The value shows as typed, with no
apostrophe, and stays text if someone edits the cell.

Every sheet has a filter on its header row, and keeps the header row and the
first column in view when scrolled.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from zipfile import ZIP_DEFLATED, ZipFile

from django.http import FileResponse, StreamingHttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from assessments.models import Answer, Cycle

from .comparison import RETURNED_FOR_CHANGES, Basis, Cell, Matrix
from .xlsx_sheet import quick_sheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000
BOLD = Font(bold=True)


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 12
    # "text", "number", "percent" (values 0–100) or "date"
    kind: str = "text"


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula, made plain text for a CSV
    file, which cannot mark a cell as text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def filename(scope: str, cycle: Cycle, what: str, extension: str) -> str:
    """Such as ``north-east-sha-2008-09-answers.csv``."""
    return f"{slugify(f'{scope} {cycle}'.replace('/', '-'))}-{what}.{extension}"


# The matrix -----------------------------------------------------------------

def matrix_table(matrix: Matrix) -> tuple[list[Column], Iterator[list]]:
    """One row per PCT, every PCT including those with nothing submitted,
    then one per assessment of one focus (not ranked)."""
    columns = [
        Column("PCT code", 10), Column("PCT", 36), Column("SHA", 30), Column("Cycle", 9),
        Column("Status", 24), Column("Focus", 20), Column("Rank", 7, "number"),
        Column("Overall score", 10, "percent"), Column("Overall level", 9, "number"),
    ]
    for c in matrix.competencies:
        columns.append(Column(f"{c.number}. {c.short_title} (score)", 14, "percent"))
        columns.append(Column(f"{c.number}. {c.short_title} (level)", 12, "number"))

    def scores(cells: list[Cell], overall: Cell) -> list:
        values = [overall.percent, _level(overall)]
        for cell in cells:
            values += [cell.percent, _level(cell)]
        return values

    def rows() -> Iterator[list]:
        cycle = str(matrix.cycle)
        for row in matrix.rows:
            start = [row.pct.code, row.pct.name, row.pct.sha.name, cycle]
            if row.assessment is None:
                status = RETURNED_FOR_CHANGES if row.returned else "No submitted assessment"
                yield start + [status] + [None] * (len(columns) - 5)
                continue
            yield start + [row.assessment.get_status_display(), "", row.rank,
                           *scores(row.cells, row.overall)]
        for focused in matrix.focused:
            pct = focused.pct
            yield [pct.code, pct.name, pct.sha.name, cycle, focused.assessment.get_status_display(),
                   focused.assessment.focus, None, *scores(focused.cells, focused.overall)]

    return columns, rows()


def _level(cell) -> int | None:
    return cell.level.level if cell.level else None


# Answers and actions ----------------------------------------------------------

ANSWER_COLUMNS = [
    Column("PCT code", 10), Column("PCT", 36), Column("SHA", 30), Column("Cycle", 9),
    Column("Focus", 20), Column("Question", 10, "number"), Column("Competency", 36),
    Column("Question wording", 70), Column("Answer", 8), Column("Action", 60),
    Column("Owner", 30), Column("Due date", 12, "date"), Column("Action status", 14),
]


def answers_table(basis: Basis, cycle: Cycle, *, actions_only: bool = False
                  ) -> tuple[list[Column], Iterator[list]]:
    """One row per PCT and question of the assessments in the comparison,
    the whole-organisation ones and those of one focus (or per action, with
    ``actions_only``), read from the database in chunks.

    Each question as the PCT answered it: the wording and the competency
    kept at submission (every compared assessment is submitted)."""
    assessments = [a.pk for a in [*basis.assessments_in([cycle]), *basis.focused_in(cycle)]]
    answers = (
        Answer.objects.filter(assessment_id__in=assessments)
        .order_by("assessment__pct__name", "assessment__pct__code", "assessment__focus",
                  "question__number")
        .values_list(
            "assessment__pct__code", "assessment__pct__name", "assessment__pct__sha__name",
            "assessment__focus", "question__number", "competency__number",
            "competency__short_title", "question_text", "value",
            "action", "owner", "due_date", "action_status",
        )
    )
    if actions_only:
        answers = answers.exclude(action="")
    values = dict(Answer.Value.choices)
    statuses = dict(Answer.ActionStatus.choices)

    def rows() -> Iterator[list]:
        if not assessments:
            return
        for (code, name, sha, focus, number, competency, title, wording,
             value, action, owner, due, status) in answers.iterator(chunk_size=CHUNK):
            yield [
                code, name, sha, str(cycle), focus, number, f"{competency}. {title}", wording,
                values.get(value, ""), action, owner, due, statuses.get(status, "") if action else "",
            ]

    return ANSWER_COLUMNS, rows()


# Responses ------------------------------------------------------------------

class _Echo:
    """A file-like object whose ``write`` hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_response(name: str, columns: list[Column], rows: Iterable[list]) -> StreamingHttpResponse:
    """Written line by line as the response is sent."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a byte order mark, so that Excel reads the file as UTF-8
        yield writer.writerow([neutralise(c.title) for c in columns])
        for row in rows:
            yield writer.writerow([_csv_value(c, v) for c, v in zip(columns, row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_value(column: Column, value):
    if value is None:
        return ""
    if column.kind == "percent":
        return f"{value:.1f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def xlsx_response(name: str, sheet_title: str, columns: list[Column], rows: Iterable[list]
                  ) -> FileResponse:
    """openpyxl's write-only workbook writes each row out as it is appended,
    and is saved to a temporary file that is then streamed, so that a national
    export never sits whole in memory. FileResponse closes (and so deletes)
    the file once it is sent."""
    workbook = Workbook(write_only=True)
    sheet = quick_sheet(workbook, _sheet_title(sheet_title))
    sheet.freeze_panes = "B2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append([_header_cell(sheet, column.title) for column in columns])
    last_row = 1
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c, v) for c, v in zip(columns, row)])
        last_row += 1
    # The filter's range is the whole table, known once the last row is written
    # (openpyxl writes it after the rows).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    # What workbook.save does, but with the quickest compression: a national
    # export's sheet is some 14 MB of XML, and the file comes out only a
    # tenth larger.
    with ZipFile(file, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1) as archive:
        ExcelWriter(workbook, archive).save()
    file.seek(0)
    response = FileResponse(file, as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


def _header_cell(sheet, title: str) -> WriteOnlyCell:
    cell = _text_cell(sheet, title)
    cell.font = BOLD
    return cell


def _xlsx_cell(sheet, column: Column, value):
    """The value as openpyxl should write it: a plain value where no style is
    needed (most cells, and much quicker), else a styled cell. Empty text is
    left out, as nothing is: a national export is some 200,000 cells, and
    each one written costs time."""
    if isinstance(value, str):
        # Control characters cannot be stored in XLSX at all.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return _text_cell(sheet, value)
        return value or None
    if value is None or column.kind not in ("percent", "date"):
        return value
    if column.kind == "percent":
        cell = WriteOnlyCell(sheet, value=value / 100)  # a fraction, shown as a percentage
        cell.number_format = "0%"
    else:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "dd/mm/yyyy"
    return cell


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """``text`` as a text cell, whatever it starts with, and quote-prefixed
    if a spreadsheet would otherwise read it as a formula."""
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl takes a text starting with "=" for a formula.
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _sheet_title(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    title = title.replace("/", "-")
    return "".join(ch for ch in title if ch not in "[]:*?\\")[:31] or "Sheet"


