"""The board paper's structure, as a screen reader and a checker read it: the
structure tree and the bookmarks read with pikepdf, the checker's verdict
from the ``pdfua`` package, and the length of the body and the annexes."""

import datetime
import io

import pikepdf
import pytest
from pdfua import validate
from pdfua.model import Severity

from assessments import access, challenges, workflow
from assessments.models import Assessment
from competencies.models import Competency
from reports.models import BoardPaper
from reports.pdf import render_pdf
from tests.conftest import fill

pytestmark = pytest.mark.django_db

# Long enough that a competency's actions run over a page break.
LONG_ACTION = "Agree with the council, the practice-based commissioning groups and the acute trust " * 5


def fully_answered(draft, board_member, reviewer, *, action: str) -> Assessment:
    """A whole assessment as a board sees it: every question answered, an
    action for every third, the SHA's levels (some differing from the
    answers'), a challenge and its reply, evidence; returned to the PCT."""
    fill(draft, action=action)
    workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=Competency.objects.get(
        number=1).evidence_items.first().pk, title="Board minutes, May 2008", reference="Item 7")
    assert workflow.submit(assessment=draft, user=board_member) == []
    workflow.record_reviews(assessment=draft, user=reviewer, levels={
        competency: (1 + competency.number % 4, "As the minutes show.") for competency in Competency.objects.all()})
    challenge = challenges.raise_challenge(assessment=draft, number=3, user=reviewer, note="Where is this minuted?")
    workflow.return_to_pct(assessment=draft, user=reviewer, comment="See the challenge.")
    challenges.reply_to_challenge(assessment=draft, challenge_id=challenge.pk, user=board_member,
                                  reply="Board minutes, May 2008, item 7.")
    return Assessment.objects.select_related("pct__sha", "cycle").get(pk=draft.pk)


@pytest.fixture
def full(board_member, reviewer, draft):
    return fully_answered(draft, board_member, reviewer, action="Agree a joint plan with the council")


@pytest.fixture
def long_plan(board_member, reviewer, draft):
    return fully_answered(draft, board_member, reviewer, action=LONG_ACTION)


def competencies_with_actions(assessment: Assessment) -> set[int]:
    by_pk = dict(Competency.objects.values_list("pk", "number"))
    return {by_pk[a.competency_answered_id] for a in assessment.answers.exclude(action="").select_related("question")}


def render(assessment: Assessment, user) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(render_pdf(access.decide(user, assessment))))


def elements(node, tag: str | None = None):
    """The structure elements under ``node``, depth first, in reading order."""
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if tag is None or tag == kid.S:
                yield kid
            yield from elements(kid, tag)


def tree(pdf: pikepdf.Pdf):
    return pdf.Root.StructTreeRoot


def page_of(pdf: pikepdf.Pdf, element) -> int:
    """The 1-based page of an element's first content."""
    return next(i for i, page in enumerate(pdf.pages, start=1) if page.obj.objgen == element.Pg.objgen)


def outline(pdf: pikepdf.Pdf) -> list:
    """[(title, page, [children…])]."""
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages, start=1)}

    def items(entries):
        return [(item.title, pages[item.destination[0].objgen], items(item.children)) for item in entries]

    with pdf.open_outline() as pdf_outline:
        return items(pdf_outline.root)


def test_every_header_cell_has_a_scope_every_table_a_header(full, reviewer):
    pdf = render(full, reviewer)

    tables = list(elements(tree(pdf), "/Table"))
    headers = list(elements(tree(pdf), "/TH"))
    assert len(tables) > 10 and len(headers) > 100
    assert all(any(True for _ in elements(table, "/TH")) for table in tables)
    for header in headers:
        assert header.A.O == "/Table" and header.A.Scope in ("/Column", "/Row")
    for table in tables:
        for section, scope in (("/THead", "/Column"), ("/TBody", "/Row")):
            for part in elements(table, section):
                assert all(h.A.Scope == scope for h in elements(part, "/TH"))


def test_the_contents_is_a_list_of_links_to_each_section(full, reviewer):
    pdf = render(full, reviewer)

    toc = next(e for e in elements(tree(pdf), "/L") if any(elements(e, "/Link")))
    items = list(elements(toc, "/LI"))

    assert len(items) == 6  # key messages, summary, action plan; annexes A to C (the framework is off)
    assert all(any(elements(item, "/Link")) for item in items)
    # No table is used for layout: every one has header cells (checked above) and none holds links.
    assert not any(any(elements(table, "/Link")) for table in elements(tree(pdf), "/Table"))


def test_a_caption_is_on_the_page_of_its_tables_first_row(full, reviewer):
    pdf = render(full, reviewer)

    captioned = [t for t in elements(tree(pdf), "/Table") if any(elements(t, "/Caption"))]

    assert len(captioned) >= 5
    for table in captioned:
        caption = next(elements(table, "/Caption"))
        first_row = next(elements(next(elements(table, "/TBody")), "/TR"))
        assert page_of(pdf, caption) == page_of(pdf, first_row)


def test_a_table_split_across_pages_is_one_table(long_plan, reviewer):
    pdf = render(long_plan, reviewer)

    def pages(table):
        return {page_of(pdf, row) for row in elements(table, "/TR")}

    # The document's sections: the cover, key messages, summary, action plan, annexes.
    plan = [e for e in tree(pdf).K[0].K if isinstance(e, pikepdf.Dictionary) and e.get("/S") == "/Sect"][3]
    assert "Action plan" in _text(pdf, next(elements(plan, "/H1")))
    split = [t for t in elements(plan, "/Table") if len(pages(t)) > 1]
    assert split, "the long actions should run a competency's table over a page break"
    # One table per competency with actions, and the overdue actions by owner.
    assert len(list(elements(plan, "/Table"))) == len(competencies_with_actions(long_plan)) + 1
    for table in split:
        assert len(list(elements(table, "/THead"))) == 1 and len(list(elements(table, "/TBody"))) == 1
        header_rows = list(elements(next(elements(table, "/THead")), "/TR"))
        assert len(header_rows) == 1  # the header repeated on the next page is not a second header
        # Each cell names the headers it sits under, all of them in the tree.
        ids = {str(h.ID) for h in elements(table, "/TH")}
        for cell in elements(table, "/TD"):
            assert len(cell.A.Headers) == 1 and str(cell.A.Headers[0]) in ids  # its column


def test_the_bookmarks_nest_competencies_under_their_sections_from_the_cover(full, reviewer):
    pdf = render(full, reviewer)

    bookmarks = outline(pdf)
    titles = [title for title, _, _ in bookmarks]

    assert titles == ["Cover", "Contents", "Key messages", "Summary", "Action plan",
                      "Annex A: The answer to every question", "Annex B: Challenges and replies",
                      "Annex C: Evidence the PCT cites"]
    assert bookmarks[0][1] == 1
    competencies = [f"{c.number}. {c.short_title}" for c in Competency.objects.order_by("number")]
    with_actions = competencies_with_actions(full)
    plan, record = bookmarks[4][2], bookmarks[5][2]
    assert [title for title, _, _ in plan] == [t for t in competencies if int(t.split(".")[0]) in with_actions]
    assert [title for title, _, _ in record] == competencies
    assert all(page >= bookmarks[5][1] for _, page, _ in record)


def test_the_checker_finds_no_error(full, reviewer, tmp_path):
    path = tmp_path / "board-paper.pdf"
    path.write_bytes(render_pdf(access.decide(reviewer, full)))

    report = validate(str(path))

    errors = [f"{f.rule_id}: {f.message}" for f in report.findings if f.severity == Severity.ERROR]
    assert errors == []
    assert len(report.outcomes) - len(report.skipped) >= 10  # the checks did run


def test_the_body_is_at_most_twelve_pages_and_the_annexes_follow(full, reviewer):
    pdf = render(full, reviewer)

    annex_starts = [page for title, page, _ in outline(pdf) if title.startswith("Annex")]

    body = annex_starts[0] - 1
    assert body <= 12
    assert len(pdf.pages) > body  # the question record and the rest are annexes


def test_the_board_paper_chooses_the_annexes(full, board_member):
    BoardPaper.objects.create(assessment=full, question_record=False, challenges=False, evidence=False,
                              framework_text=True, meeting="Public board meeting",
                              meeting_date=datetime.date(2009, 3, 25), reference="BD/09/41",
                              lead_director="Director of Commissioning", recommendation="Approve the plan.")
    pdf = render(full, board_member)

    titles = [title for title, _, _ in outline(pdf)]
    text = _all_text(pdf)

    assert titles[-1] == "Annex A: The framework: skills and evidence"
    assert not any(t.startswith("Annex B") for t in titles)
    assert "Board paper BD/09/41: Public board meeting, 25 March 2009" in text
    assert "Lead director Director of Commissioning" in text and "Approve the plan." in text
    assert "Evidence an assessor would expect to see" in text
    assert "Where is this minuted?" not in text


def _text(pdf: pikepdf.Pdf, element) -> str:
    """The text of an element, read back from the page through pypdf."""
    from pypdf import PdfReader

    buffer = io.BytesIO()
    pdf.save(buffer)
    reader = PdfReader(buffer)
    return reader.pages[page_of(pdf, element) - 1].extract_text()


def _all_text(pdf: pikepdf.Pdf) -> str:
    from pypdf import PdfReader

    buffer = io.BytesIO()
    pdf.save(buffer)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(buffer).pages).split())
