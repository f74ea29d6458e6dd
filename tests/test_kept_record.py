"""The submitted record is kept whole: nothing an admin changes in the
framework afterwards changes a submitted or accepted assessment's scores,
report, PDF, comparison or exports. Drafts follow the framework as it is.

Question 17 is the first of competency 1 (questions 17–24); ``fill`` answers
it Yes and every third question No. The admin moves it to competency 2.
"""

import csv
import io
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from assessments import scorecards, workflow
from assessments.models import Answer, Assessment, Cycle, LevelBand, Organisation
from assessments.scoring import Tallies
from competencies.models import Competency, Question
from reports.models import RenderedReport
from tests.conftest import download_pdf, fill, make_person
from tests.factories import accept

pytestmark = pytest.mark.django_db

MOVED = 17


def edit_question(admin, number: int, *, competency: int | None = None, text: str | None = None):
    """As an admin does it: through the Django admin's change form."""
    question = Question.objects.get(number=number)
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("admin:competencies_question_change", args=[question.pk]), {
        "competency": Competency.objects.get(number=competency).pk if competency
        else question.competency_id,
        "number": number, "text": text or question.text, "process": question.process_id or "",
    })
    assert response.status_code == 302


def move(admin, number: int = MOVED, to: int = 2) -> None:
    edit_question(admin, number, competency=to)
    assert Question.objects.get(number=number).competency.number == to


def figures(assessment: Assessment) -> list:
    """Every figure of the assessment's scorecard, levels included."""
    card = scorecards.scorecard(Assessment.objects.get(pk=assessment.pk), reviews=False)
    return [
        *((r.competency.number, r.theme.title, r.score, r.level) for r in card.competencies),
        *((theme.title, score) for theme, score in card.themes),
        (card.overall, card.overall_level, card.answered, card.total),
    ]


def page(client, url: str, **params) -> str:
    """The page's main content, without the CSRF token (new on every response)."""
    html = client.get(url, params).text
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def csv_body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def accepted(submitted, reviewer):
    accept(submitted, reviewer)
    return submitted


# The kept scorecard ------------------------------------------------------------------


def test_the_kept_scorecard_equals_the_live_one_at_submission(board_member, draft):
    fill(draft)
    live = figures(draft)
    counted = scorecards.counted(draft)

    assert workflow.submit(assessment=draft, user=board_member) == []

    draft.refresh_from_db()
    assert Tallies.from_json(draft.scores) == counted
    assert figures(draft) == live
    assert not draft.answers.filter(competency=None).exists()
    assert draft.answers.get(question__number=MOVED).competency.number == 1


def test_a_moved_question_changes_no_accepted_scores(accepted, admin_user):
    before = figures(accepted)

    move(admin_user)

    assert figures(accepted) == before


def test_drafts_follow_the_framework_as_it_is(board_member, pct, accepted, admin_user):
    draft = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=board_member)
    fill(draft)
    before = figures(draft)

    move(admin_user)

    after = scorecards.scorecard(draft, reviews=False)
    assert figures(draft) != before
    first, second = after.competencies[0], after.competencies[1]
    assert (first.competency.number, first.score.total) == (1, 7)
    assert (second.competency.number, second.score.total) == (2, 10)


def test_levels_follow_the_bands_of_the_day(accepted):
    """As the README says: the scores are kept, the levels are read from the bands."""
    LevelBand.objects.filter(level=4).update(min_score=60)

    card = scorecards.scorecard(Assessment.objects.get(pk=accepted.pk))

    assert card.overall_level.level == 4


def test_a_returned_assessment_keeps_its_questions_and_is_counted_again_when_resubmitted(
    board_member, reviewer, submitted, admin_user
):
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again at 19.")
    submitted.refresh_from_db()
    assert submitted.scores is None  # scored live while the PCT may change its answers
    move(admin_user)
    submitted.answers.filter(question__number=19).update(value="no", action="Plan", owner="Me",
                                                         due_date="2009-03-31")

    assert workflow.submit(assessment=submitted, user=board_member) == []

    submitted.refresh_from_db()
    first = Tallies.from_json(submitted.scores).score_of(Competency.objects.get(number=1).pk)
    # Question 17 still counts in competency 1, where it was answered; 19 is a No now.
    assert (first.yes, first.total) == (4, 8)
    assert Tallies.from_json(submitted.scores) == scorecards.counted(submitted)


def test_the_database_refuses_half_a_kept_record(submitted, draft):
    answer = submitted.answers.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(competency=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=submitted.pk).update(scores=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=submitted.pk).update(status="draft")


def test_the_admin_shows_the_kept_record_and_cannot_change_it(client, admin_user, submitted):
    answer = submitted.answers.get(question__number=MOVED)
    client.force_login(admin_user)

    html = client.get(reverse("admin:assessments_answer_change", args=[answer.pk])).text

    assert "1. Locally lead the NHS" in html
    assert not re.search(r'name="(question_text|competency|theme)"', html)


# Each surface, before and after the admin moves a question ---------------------------


@pytest.mark.parametrize("name", ["reports:assessment", "assessments:detail"],
                         ids=["report page", "progress table"])
def test_a_moved_question_changes_no_accepted_page(client, board_member, accepted, admin_user,
                                                   name):
    client.force_login(board_member)
    url = reverse(name, args=[accepted.pk])
    before = page(client, url)

    move(admin_user)

    assert page(client, url) == before


def test_a_moved_question_changes_no_accepted_pdf(client, board_member, accepted, admin_user):
    client.force_login(board_member)
    url = reverse("reports:pdf", args=[accepted.pk])
    before = download_pdf(client, accepted).content

    move(admin_user)

    assert client.get(url).content == before  # the same key: the stored report
    RenderedReport.objects.all().delete()
    assert pdf_text(download_pdf(client, accepted).content) == pdf_text(before)


def test_a_moved_question_changes_no_comparison(client, reviewer, accepted, admin_user):
    client.force_login(reviewer)
    urls = [reverse("compare:matrix"), reverse("compare:trends"), reverse("compare:questions"),
            reverse("compare:question", args=[MOVED])]
    before = [page(client, url) for url in urls]

    move(admin_user)

    assert [page(client, url) for url in urls] == before
    assert "1. Locally lead the NHS" in before[3]


@pytest.mark.parametrize("name", ["export_matrix", "export_answers", "export_actions"])
def test_a_moved_question_changes_no_export(client, reviewer, accepted, admin_user, name):
    client.force_login(reviewer)
    url = reverse(f"compare:{name}", kwargs={"fmt": "csv"})
    before = csv_body(client.get(url))

    move(admin_user)

    assert csv_body(client.get(url)) == before
    if name == "export_answers":
        row = next(r for r in csv.reader(io.StringIO(before)) if r[5] == str(MOVED))
        assert row[6] == "1. Locally lead the NHS"


def test_the_answers_page_shows_each_question_where_it_was_answered(client, board_member,
                                                                   accepted, admin_user):
    client.force_login(board_member)
    move(admin_user)

    html = client.get(reverse("assessments:competency", args=[accepted.pk, 1])).text
    assert f'id="q{MOVED}"' in html
    tasks = client.get(reverse("assessments:tasks", args=[accepted.pk])).text
    assert ">1. Locally lead the NHS</a>" in tasks


# The weakest questions: the wording answered ----------------------------------------


def test_the_weakest_questions_show_the_wording_answered(client, reviewer, accepted, admin_user):
    answered = Question.objects.get(number=MOVED).text
    edit_question(admin_user, MOVED, text="A question reworded after the cycle?")
    client.force_login(reviewer)

    questions = page(client, reverse("compare:questions"))
    question = page(client, reverse("compare:question", args=[MOVED]))

    for html in (questions, question):
        assert "reworded after the cycle" not in html
        assert answered.replace("'", "&#x27;") in html


def test_a_question_changed_during_the_cycle_is_shown_as_each_pct_answered_it(
    client, reviewer, accepted, sibling_pct, other_board_member, cycle, admin_user
):
    answered = Question.objects.get(number=MOVED).text
    edit_question(admin_user, MOVED, text="A question reworded during the cycle?")
    later = workflow.start_assessment(pct=sibling_pct, cycle=cycle, user=other_board_member)
    fill(later, no_every=1)
    assert workflow.submit(assessment=later, user=other_board_member) == []
    client.force_login(reviewer)

    questions = page(client, reverse("compare:questions"))
    question = page(client, reverse("compare:question", args=[MOVED]))

    assert questions.count(f"{MOVED}. ") == 2
    assert "A question reworded during the cycle?" in questions
    assert answered.replace("'", "&#x27;") in questions
    assert "The question changed during 2008/09" in question
    assert "Answered “A question reworded during the cycle?”" in question  # Sunderland said No


# Existing databases ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_record_of_assessments_submitted_before_it():
    """Assessments submitted before answers kept their competency get it, and
    their scorecard, from the framework as it stands when migrating."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("load_framework", verbosity=0)
    before = [("assessments", "0002_levelband_from_reports")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = make_person("old")
    pct = old.get_model("assessments", "Organisation").objects.create(
        code="5D8", name="North Tyneside PCT", kind="pct",
        sha=old.get_model("assessments", "Organisation").objects.create(
            code="Q30", name="North East SHA", kind="sha"))
    questions = list(old.get_model("competencies", "Question").objects.order_by("number"))
    made = {}
    for year, status in [(2007, "accepted"), (2008, "returned"), (2009, "draft")]:
        assessment = old.get_model("assessments", "Assessment").objects.create(
            pct=pct, cycle=old.get_model("assessments", "Cycle").objects.create(start_year=year),
            status=status, created_by_id=user.pk)
        old.get_model("assessments", "Answer").objects.bulk_create(
            old.get_model("assessments", "Answer")(
                assessment=assessment, question=q, value="no" if q.number % 3 == 0 else "yes",
                question_text="" if status == "draft" else q.text)
            for q in questions)
        made[status] = assessment.pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    accepted, returned, draft = (Assessment.objects.get(pk=made[s])
                                 for s in ("accepted", "returned", "draft"))
    assert Tallies.from_json(accepted.scores) == scorecards.counted(accepted)
    assert accepted.scores["overall"] == pytest.approx(scorecards.counted(draft).overall)
    assert returned.scores is None and draft.scores is None
    assert not Answer.objects.filter(assessment__in=[accepted, returned], competency=None).exists()
    assert not draft.answers.exclude(competency=None).exists()
    assert set(Organisation.objects.values_list("code", flat=True)) == {"5D8", "Q30"}
