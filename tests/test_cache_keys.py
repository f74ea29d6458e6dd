"""Every cache key covers everything its output shows: one test per input.

A competency's answering page caches each question block, keyed by what the
block shows (``assessments.views.answer_pages.block_key``); the PDF board report is
kept in the database, keyed by a hash of what it shows
(``reports.pdf.content_key``). Each test changes one input behind the
pages' back and checks that the page shows it, or that the key changes.
"""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import access, assignments, workflow
from assessments.models import Answer, Assessment, Cycle, EvidenceReference, LevelBand, Transition
from assessments.views.answer_pages import TASK_LIST_SECONDS
from competencies import framework
from competencies.models import Competency, EvidenceItem, Process, Question, Skill, Theme
from reports import pdf
from tests.conftest import fill, make_person
from tests.factories import PctFactory, accept

pytestmark = pytest.mark.django_db

ACTION = 9  # fill() answers every third question No, with an action


def answers(assessment, number: int = ACTION):
    return Answer.objects.filter(assessment=assessment, question__number=number)


# The answering page's sections --------------------------------------------------------


@pytest.fixture
def carried(pct, board_member, draft):
    """A draft started from the PCT's previous assessment: its answers are carried over."""
    fill(draft)
    return workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                     user=board_member, from_previous=True)


SECTION_INPUTS = {
    "value": (lambda a: answers(a, 8).update(value="no"),
              'name="q8-value" type="radio" value="no" checked'),
    "action": (lambda a: answers(a).update(action="A new action"), "A new action"),
    "owner": (lambda a: answers(a).update(owner="A new owner"), 'value="A new owner"'),
    "due date": (lambda a: answers(a).update(due_date=datetime.date(2010, 1, 31)),
                 'name="q9-due_date_year" type="text" value="2010"'),
    "action status": (lambda a: answers(a).update(action_status="done"),
                      '<option value="done" selected>'),
    "version": (lambda a: answers(a).update(version=41), 'name="q9-version" value="41"'),
    "who saved it": (lambda a: get_user_model().objects.update(first_name="Renamed"),
                     "Last saved by Renamed"),
    "when it was saved": (lambda a: answers(a).update(
        updated_at=datetime.datetime(2009, 2, 3, 4, 5, tzinfo=datetime.UTC)), "3 February 2009"),
    "wording": (lambda a: Question.objects.filter(number=ACTION).update(text="Reworded?"),
                "Reworded?"),
    "guidance": (lambda a: Process.objects.filter(questions__number=ACTION).update(
                 text="Rewritten guidance"), "rewritten guidance."),
    # The last question of its competency, so that the blocks keep their order.
    "question number": (lambda a: Question.objects.filter(number=16).update(number=199),
                        "Question 199"),
    "carried over": (lambda a: answers(a).update(carried_over=False),
                     "Carried over from 2008/09"),
    "previous cycle": (lambda a: Cycle.objects.filter(start_year=2008).update(start_year=2007),
                       "Carried over from 2007/08"),
}


@pytest.mark.parametrize("name", SECTION_INPUTS)
def test_a_competency_page_shows_each_change_to_a_cached_block(client, board_member, carried, name):
    change, seen = SECTION_INPUTS[name]
    client.force_login(board_member)
    # Questions 8, 9 and 16 are in competency 6.
    url = reverse("assessments:competency", args=[carried.pk, 6])
    answers(carried, 8).update(version=1, updated_by=board_member)  # "Last saved by…"
    answers(carried).update(version=1, updated_by=board_member)
    before = client.get(url).text  # every block rendered and cached

    change(carried)

    after = client.get(url).text
    if name == "carried over":  # a mark that goes away
        assert after.count(seen) == before.count(seen) - 1
    else:
        assert seen not in before and seen in after



# The task list is kept for each version of the assessment (its
# ``updated_at``, which ``Assessment.touch`` moves with every change the site
# makes to its answers or assignments): such a change shows at once.
TASK_LIST_CHANGES = {
    "an answer confirmed": (
        lambda a, person: workflow.save_answer(answer=answers(a, 8).get(), user=person,
                                               values=values_of(answers(a, 8).get()), version=0, confirm=True),
        "1 of 10 answered, 9 carried over"),
    "who worked on it": (
        lambda a, person: workflow.save_answer(answer=answers(a, 8).get(), user=person,
                                               values={**values_of(answers(a, 8).get()), "value": "no"}, version=0),
        "Last worked on by Carol"),
    "whom it is given to": (
        lambda a, person: assignments.assign(assessment=a, user=person, competencies=[Competency.objects.get(number=6)],
                                             assignee=person),
        "Assigned to Carol"),
}


def values_of(answer: Answer) -> dict:
    return {name: getattr(answer, name) for name in workflow.ANSWER_FIELDS}


@pytest.mark.parametrize("name", TASK_LIST_CHANGES)
def test_the_task_list_shows_each_change_to_the_assessment_at_once(client, board_member, pct, carried, name):
    change, seen = TASK_LIST_CHANGES[name]
    carol = make_person("carol", pct, "board_member", first_name="Carol")
    client.force_login(board_member)
    url = reverse("assessments:tasks", args=[carried.pk])
    before = client.get(url).text  # the tasks worked out and kept

    change(Assessment.objects.get(pk=carried.pk), carol)

    after = client.get(url).text
    assert seen not in before and seen in after


# What the task list shows of other things, people's names and the
# framework's titles, is at most ``TASK_LIST_SECONDS`` old.
TASK_LIST_REFERENCES = {
    "who worked on it": (lambda: get_user_model().objects.update(first_name="Renamed"), "Last worked on by Renamed"),
    "competency title": (lambda: Competency.objects.filter(number=6).update(short_title="Renamed task"),
                         "6. Renamed task</a>"),
    "theme title": (lambda: Theme.objects.filter(position=1).update(title="Renamed theme"), ">Renamed theme</h2>"),
}


@pytest.mark.parametrize("name", TASK_LIST_REFERENCES)
def test_the_task_list_shows_a_renaming_within_the_time_it_is_kept(client, board_member, carried, name,
                                                                   monkeypatch):
    change, seen = TASK_LIST_REFERENCES[name]
    client.force_login(board_member)
    url = reverse("assessments:tasks", args=[carried.pk])
    answers(carried).update(version=1, updated_by=board_member)  # question 9, competency 6
    carried.touch()
    before = client.get(url).text

    change()

    assert seen not in client.get(url).text  # kept
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + TASK_LIST_SECONDS + 1)
    after = client.get(url).text
    assert seen not in before and seen in after


# The PDF board report's key -----------------------------------------------------------


@pytest.fixture
def later(pct, board_member, reviewer, submitted):
    """The 2009/10 draft after an accepted 2008/09 one, answered, with an
    action overdue and evidence."""
    accept(submitted, reviewer)
    later = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                      user=board_member, from_previous=True)
    fill(later)
    workflow.add_evidence(assessment=later, user=board_member,
                          evidence_item_id=EvidenceItem.objects.first().pk, title="Minutes")
    return later


def key(assessment, user, *, reviews=None) -> str:
    fresh = Assessment.objects.select_related("pct__sha", "cycle").get(pk=assessment.pk)
    return pdf.content_key(access.decide(user, fresh), reviews=reviews)


def previous_of(assessment):
    return Assessment.objects.exclude(pk=assessment.pk)


def first(model):
    return model.objects.filter(pk=model.objects.order_by("pk").first().pk)


PDF_INPUTS = {
    "answer": lambda a: answers(a, 8).update(value="no"),
    "action": lambda a: answers(a).update(action="A new action"),
    "owner": lambda a: answers(a).update(owner="A new owner"),
    "due date": lambda a: answers(a).update(due_date=datetime.date(2010, 1, 31)),
    "action status": lambda a: answers(a).update(action_status="done"),
    "wording": lambda a: Question.objects.filter(number=ACTION).update(text="Reworded?"),
    "competency of a question": lambda a: Question.objects.filter(number=ACTION).update(
        competency=Competency.objects.get(number=11)),
    "theme of a competency": lambda a: Competency.objects.filter(number=1).update(
        theme=Theme.objects.get(position=4)),
    "question number": lambda a: Question.objects.filter(number=ACTION).update(number=199),
    "evidence": lambda a: EvidenceReference.objects.filter(assessment=a).update(title="Board"),
    "timeline": lambda a: Transition.objects.create(assessment=a, from_status="draft",
                                                    to_status="draft", comment="A step"),
    "status and scores": lambda a: workflow.submit(assessment=a, user=a.created_by),
    "a peer's scores": lambda a: Assessment.objects.create(
        pct=PctFactory(sha=a.pct.sha), cycle=a.cycle, status="submitted",
        scores=Assessment.objects.exclude(pk=a.pk).get().scores),
    "focus": lambda a: Assessment.objects.filter(pk=a.pk).update(focus="Obesity"),
    "cycle": lambda a: Cycle.objects.filter(start_year=2009).update(start_year=2010),
    "PCT name": lambda a: a.pct.__class__.objects.filter(pk=a.pct_id).update(name="Renamed PCT"),
    "PCT code": lambda a: a.pct.__class__.objects.filter(pk=a.pct_id).update(code="5XX"),
    "SHA name": lambda a: a.pct.__class__.objects.filter(pk=a.pct.sha_id).update(name="Renamed SHA"),
    "bands": lambda a: LevelBand.objects.filter(level=4).update(name="Excellent"),
    "previous scores": lambda a: previous_of(a).update(
        scores={**previous_of(a).get().scores, "overall": 1.0}),
    "previous focus": lambda a: previous_of(a).update(focus="Obesity"),
    "previous cycle": lambda a: Cycle.objects.filter(start_year=2008).update(start_year=2007),
}


@pytest.mark.parametrize("name", PDF_INPUTS)
def test_the_pdf_key_changes_with_each_input(board_member, later, name):
    before = key(later, board_member)

    PDF_INPUTS[name](later)

    assert key(later, board_member) != before


# The framework's wording: kept ``framework.SECONDS``, as the answering pages keep it.
PDF_FRAMEWORK_INPUTS = {
    "competency title": lambda: Competency.objects.filter(number=1).update(short_title="Lead"),
    "competency statement": lambda: Competency.objects.filter(number=1).update(statement="New"),
    "theme title": lambda: Theme.objects.filter(position=1).update(title="A new theme title"),
    "skill": lambda: first(Skill).update(text="A new skill"),
    "evidence item": lambda: first(EvidenceItem).update(text="A new evidence item"),
}


@pytest.mark.parametrize("name", PDF_FRAMEWORK_INPUTS)
def test_the_pdf_key_changes_with_a_framework_edit_within_the_time_it_is_kept(board_member, later, name,
                                                                              monkeypatch):
    before = key(later, board_member)

    PDF_FRAMEWORK_INPUTS[name]()

    assert key(later, board_member) == before  # kept
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + framework.SECONDS + 1)
    assert key(later, board_member) != before


def test_the_pdf_key_changes_with_the_reviewers_levels(board_member, reviewer, submitted):
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=1),
                           user=reviewer, level=2, reason="No minutes.")
    reviews = list(submitted.reviews.values_list("competency_id", "level", "reason", "updated_at"))
    workflow.record_review(assessment=submitted, competency=Competency.objects.get(number=1),
                           user=reviewer, level=3, reason="Minutes seen.")
    changed = list(submitted.reviews.values_list("competency_id", "level", "reason", "updated_at"))

    assert key(submitted, reviewer, reviews=reviews) != key(submitted, reviewer, reviews=changed)
    assert key(submitted, reviewer, reviews=reviews) != key(submitted, reviewer, reviews=None)


def test_a_drafts_pdf_key_changes_with_the_day_a_submitted_ones_does_not(
    board_member, reviewer, later, submitted, monkeypatch
):
    """A draft's position is taken on the day it is downloaded (its overdue
    actions, the cover's date); a submitted one's on the day it was submitted."""
    draft_today, submitted_today = key(later, board_member), key(submitted, reviewer)
    # Tomorrow comes: today's date is the next day's; other moments' dates are as they were.
    real, tomorrow = pdf.timezone.localdate, datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(pdf.timezone, "localdate", lambda value=None, *args: real(value, *args) if value else tomorrow)

    assert key(later, board_member) != draft_today
    assert key(submitted, reviewer) == submitted_today


@pytest.mark.parametrize("values", [
    {"meeting": "Public board"}, {"meeting_date": datetime.date(2009, 3, 25)}, {"reference": "BD/09/41"},
    {"lead_director": "Director of Commissioning"}, {"recommendation": "Approve the plan."},
    {"question_record": False}, {"challenges": False}, {"evidence": False}, {"framework_text": True},
], ids=lambda values: next(iter(values)))
def test_the_pdf_key_names_the_board_papers_details_and_annexes(board_member, later, values):
    from reports.models import BoardPaper

    BoardPaper.objects.create(assessment=later)
    before = key(later, board_member)
    paper = BoardPaper.objects.get()
    for name, value in values.items():
        setattr(paper, name, value)
    # As a bulk update would, without the save's new time, which the key names too.
    BoardPaper.objects.filter(pk=paper.pk).update(**values)

    assert key(later, board_member) != before


@pytest.mark.parametrize("change", [
    lambda: Question.objects.filter(number=ACTION).update(text="Reworded?"),
    lambda: Question.objects.filter(number=ACTION).update(
        competency=Competency.objects.get(number=11)),
    lambda: Competency.objects.filter(number=1).update(theme=Theme.objects.get(position=4)),
], ids=["wording", "competency of a question", "theme of a competency"])
def test_the_key_of_an_accepted_report_ignores_what_it_does_not_show(board_member, reviewer,
                                                                    submitted, change):
    """The framework's later changes do not show in a submitted report, so
    they do not throw away the stored PDF either."""
    accept(submitted, reviewer)
    before = key(submitted, board_member)

    change()

    assert key(submitted, board_member) == before


# The reviewers' challenges ------------------------------------------------------------


@pytest.fixture
def challenged(reviewer, submitted):
    """Returned, with question 9 (competency 6) challenged."""
    from assessments import challenges

    challenges.raise_challenge(assessment=submitted, number=ACTION, user=reviewer, note="Evidence does not show this.")
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="See the challenge.")
    return submitted


def test_the_answering_page_and_task_list_show_each_change_to_a_challenge(client, board_member, challenged):
    """The thread sits beside the cached question block, not in it: a reply,
    or a challenge's note changed, shows at once; the task list's key counts
    the challenges left to reply to."""
    from assessments.models import Challenge

    client.force_login(board_member)
    page, tasks = (reverse("assessments:competency", args=[challenged.pk, 6]),
                   reverse("assessments:tasks", args=[challenged.pk]))
    assert "Evidence does not show this." in client.get(page).text
    assert "1 challenge to reply to" in client.get(tasks).text

    Challenge.objects.update(note="A reworded note", reply="Our reply", replied_by=board_member,
                             replied_at=datetime.datetime(2009, 2, 3, tzinfo=datetime.UTC))

    html = client.get(page).text
    assert "A reworded note" in html and "Our reply" in html
    assert "challenge to reply to" not in client.get(tasks).text


CHALLENGE_INPUTS = {
    "raised": lambda a, person: workflow_challenge(a, person),
    "note": lambda a, person: challenge_rows(a).update(note="Reworded"),
    "reply": lambda a, person: challenge_rows(a).update(
        reply="Our reply", replied_by=person, replied_at=datetime.datetime(2009, 2, 3, tzinfo=datetime.UTC)),
    "reviewer's name": lambda a, person: get_user_model().objects.filter(username="rita").update(first_name="R"),
    "withdrawn": lambda a, person: challenge_rows(a).delete(),
}


def challenge_rows(assessment):
    from assessments.models import Challenge

    return Challenge.objects.filter(answer__assessment=assessment)


def workflow_challenge(assessment, person):
    from assessments.models import Challenge

    Challenge.objects.create(answer=answers(assessment, 1).get(), note="Another", raised_by=person)


@pytest.mark.parametrize("name", CHALLENGE_INPUTS)
def test_the_pdf_key_changes_with_each_challenge_input(board_member, reviewer, challenged, name):
    def reviewers_key():
        fresh = Assessment.objects.select_related("pct__sha", "cycle").get(pk=challenged.pk)
        return key(fresh, reviewer, reviews=pdf.reviewers_notes(fresh))

    before = reviewers_key()

    CHALLENGE_INPUTS[name](challenged, reviewer)

    assert reviewers_key() != before


def test_a_challenge_alone_makes_two_audiences_while_submitted(client, board_member, reviewer, submitted):
    """The PCT's PDF leaves out a challenge raised while it is submitted; the reviewer's shows it."""
    from assessments import challenges

    challenges.raise_challenge(assessment=submitted, number=ACTION, user=reviewer, note="Evidence does not show this.")
    assert any(pdf.reviewers_notes(submitted))
    assert not access.decide(board_member, submitted).sees_reviews
    assert access.decide(reviewer, submitted).sees_reviews


# What a competency's page shows of the framework (its statement and
# guidance, its neighbours' titles) is at most ``framework.SECONDS`` old.
FRAMEWORK_TEXTS = {
    "statement": (lambda: Competency.objects.filter(number=6).update(statement="A rewritten statement."),
                  "A rewritten statement."),
    "guidance": (lambda: Skill.objects.filter(competency__number=6).update(text="A rewritten skill"),
                 "A rewritten skill"),
    # In the checklist's order, competency 1 follows competency 6.
    "a neighbour's title": (lambda: Competency.objects.filter(number=1).update(short_title="Renamed next"),
                            "1. Renamed next"),
}


@pytest.mark.parametrize("name", FRAMEWORK_TEXTS)
def test_a_competency_page_shows_a_framework_edit_within_the_time_it_is_kept(client, board_member, carried, name,
                                                                             monkeypatch):
    change, seen = FRAMEWORK_TEXTS[name]
    client.force_login(board_member)
    url = reverse("assessments:competency", args=[carried.pk, 6])
    before = client.get(url).text

    change()

    assert seen not in client.get(url).text  # kept
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + framework.SECONDS + 1)
    after = client.get(url).text
    assert seen not in before and seen in after
