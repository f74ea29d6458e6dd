"""The access rules (assessments/access.py) and the workflow
(assessments/workflow.py), without HTTP."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from assessments import access, scorecards, workflow
from assessments.models import Answer, Assessment, CompetencyReview, Cycle, Transition
from assessments.progress import is_overdue
from competencies.models import Competency, EvidenceItem, Question
from tests.conftest import fill, make_person
from tests.factories import accept

pytestmark = pytest.mark.django_db

VALUES = {"value": "no", "action": "Agree a plan", "owner": "Chair",
          "due_date": datetime.date(2009, 3, 31), "action_status": "open"}


def answer_to(assessment, number):
    answer = assessment.answers.select_related("question").get(question__number=number)
    answer.assessment = assessment
    return answer


# Access ----------------------------------------------------------------------


@pytest.fixture
def people(board_member, other_board_member, reviewer, other_reviewer, admin_user):
    return {"board_member": board_member, "other_board_member": other_board_member,
            "reviewer": reviewer, "other_reviewer": other_reviewer, "admin_user": admin_user,
            "anonymous": AnonymousUser(),
            "nobody": make_person("nemo")}


def set_status(assessment, status: str) -> None:
    """Straight to ``status``, with the scorecard a submitted or accepted one keeps."""
    kept = scorecards.counted(assessment).as_json() if status in ("submitted", "accepted") else None
    Assessment.objects.filter(pk=assessment.pk).update(status=status, scores=kept)


@pytest.mark.parametrize("status, who_sees", [
    ("draft", {"board_member", "admin_user"}),
    ("submitted", {"board_member", "reviewer", "admin_user"}),
    ("returned", {"board_member", "reviewer", "admin_user"}),
    ("accepted", {"board_member", "reviewer", "admin_user"}),
])
def test_who_sees_an_assessment(people, draft, status, who_sees):
    set_status(draft, status)

    for name, user in people.items():
        visible = access.visible_assessments(user).filter(pk=draft.pk).exists()
        assert visible == (name in who_sees), name
        if name in who_sees:
            assert access.grant_for(user, draft.pk).assessment == draft
        else:
            with pytest.raises(Http404):
                access.grant_for(user, draft.pk)


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_only_the_pcts_board_may_answer(people, draft, status):
    set_status(draft, status)

    grant = access.grant_to_answer(people["board_member"], draft.pk)
    assert grant.assessment == draft and grant.may_answer == (status == "draft")
    readers = {"admin_user"} | ({"reviewer"} if status == "submitted" else set())
    for name in ["other_board_member", "reviewer", "other_reviewer", "admin_user", "nobody",
                 "anonymous"]:
        expected = PermissionDenied if name in readers else Http404
        with pytest.raises(expected):
            access.grant_to_answer(people[name], draft.pk)


def test_only_the_shas_reviewers_may_review(people, submitted):
    grant = access.grant_to_review(people["reviewer"], submitted.pk)
    assert grant.assessment == submitted and grant.may_review
    for name in ["board_member", "admin_user"]:
        with pytest.raises(PermissionDenied):
            access.grant_to_review(people[name], submitted.pk)
    for name in ["other_board_member", "other_reviewer", "nobody", "anonymous"]:
        with pytest.raises(Http404):
            access.grant_to_review(people[name], submitted.pk)


def test_a_reviewer_cannot_review_a_draft(people, draft):
    with pytest.raises(Http404):
        access.grant_to_review(people["reviewer"], draft.pk)


@pytest.mark.parametrize(("status", "board_sees_reviews", "may_answer", "may_review"), [
    ("draft", False, True, False),
    ("submitted", False, False, True),
    ("returned", True, True, False),
    ("accepted", True, False, False),
])
def test_one_grant_says_what_each_person_may_do(people, draft, status, board_sees_reviews, may_answer,
                                                 may_review):
    set_status(draft, status)

    board = access.grant_for(people["board_member"], draft.pk)
    admin = access.grant_for(people["admin_user"], draft.pk)

    assert (board.sees_reviews, board.may_answer, board.may_review) == (board_sees_reviews, may_answer, False)
    assert admin.sees_reviews and not admin.may_answer and not admin.may_review
    if status != "draft":
        reviewer = access.grant_for(people["reviewer"], draft.pk)
        assert (reviewer.sees_reviews, reviewer.may_answer, reviewer.may_review) == (True, False, may_review)


def test_an_id_that_does_not_exist_is_404_for_everyone(people):
    for user in people.values():
        with pytest.raises(Http404):
            access.grant_for(user, 999_999)
        with pytest.raises(Http404):
            access.grant_to_answer(user, 999_999)


def test_membership_and_board_checks(people, pct, sibling_pct):
    assert access.membership_of(people["anonymous"]) is None
    assert access.membership_of(people["admin_user"]) is None
    assert access.membership_of(people["board_member"]).organisation == pct
    assert access.own_pct(people["board_member"]) == pct
    assert access.own_pct(people["reviewer"]) is None and access.own_pct(people["admin_user"]) is None


# Starting --------------------------------------------------------------------


def test_a_new_assessment_has_a_blank_answer_per_question_each_with_history(board_member, draft):
    answers = draft.answers.all()

    assert answers.count() == Question.objects.count() == 112
    assert not answers.exclude(value="").exists()
    assert Answer.history.filter(assessment_id=draft.pk, history_type="+").count() == 112
    assert Answer.history.filter(assessment_id=draft.pk).first().history_user == board_member
    step = draft.transitions.get()
    assert (step.from_status, step.to_status, step.by, step.comment) == (
        "draft", "draft", board_member, "Started.")


def test_one_assessment_per_pct_cycle_and_focus(board_member, pct, cycle, draft):
    with pytest.raises(workflow.AssessmentExists, match="already has an assessment for 2008/09"):
        workflow.start_assessment(pct=pct, cycle=cycle, user=board_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(pct=pct, cycle=cycle, focus="")
    focused = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member, focus="Obesity")
    assert focused.answers.count() == 112
    assert Assessment.objects.filter(pct=pct).count() == 2


def test_starting_from_the_previous_assessment_carries_answers_and_open_actions(
    board_member, pct, draft
):
    fill(draft)
    draft.answers.filter(question__number=3).update(action_status="done")
    draft.answers.filter(question__number=6).update(action_status="in_progress")
    draft.answers.filter(question__number=7).update(value="")
    later = Cycle.objects.create(start_year=2009)

    new = workflow.start_assessment(pct=pct, cycle=later, user=board_member, from_previous=True)

    assert new.previous == draft
    carried = {a.question.number: a for a in new.answers.select_related("question")}
    assert carried[6].carried_over and carried[6].value == "no"
    assert (carried[6].action, carried[6].owner, carried[6].due_date, carried[6].action_status) == (
        "Agree a joint plan with the council", "Director of Commissioning",
        datetime.date(2009, 3, 31), "in_progress")
    assert carried[3].value == "no" and carried[3].action == "" and carried[3].owner == ""
    assert carried[1].value == "yes" and carried[1].carried_over
    assert not carried[7].carried_over and carried[7].value == ""
    assert all(a.version == 0 and a.question_text == "" for a in carried.values())
    assert new.transitions.get().comment == "Started from the 2008/09 assessment."


def test_the_previous_assessment_is_the_latest_earlier_one_with_the_same_focus_if_any(
    board_member, pct, cycle
):
    whole = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member)
    obesity = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member, focus="Obesity")
    later = Cycle.objects.create(start_year=2009)

    assert workflow.previous_assessment(pct=pct, before=later, focus="Obesity") == obesity
    assert workflow.previous_assessment(pct=pct, before=later, focus="") == whole
    assert workflow.previous_assessment(pct=pct, before=later, focus="Stroke") in {whole, obesity}
    assert workflow.previous_assessment(pct=pct, before=cycle) is None


# Answering -------------------------------------------------------------------


def test_a_save_bumps_the_version_and_records_who(board_member, draft):
    answer = answer_to(draft, 4)

    result = workflow.save_answer(answer=answer, user=board_member, values=VALUES, version=0)

    assert not result.conflict
    answer.refresh_from_db()
    assert (answer.value, answer.action, answer.version, answer.updated_by) == (
        "no", "Agree a plan", 1, board_member)
    assert answer.history.first().history_user == board_member


def test_a_stale_save_is_a_conflict_and_changes_nothing(board_member, pct, draft):
    colleague = make_person("carol", pct, "board_member")
    workflow.save_answer(answer=answer_to(draft, 4), user=board_member, values=VALUES, version=0)

    stale = workflow.save_answer(answer=answer_to(draft, 4), user=colleague,
                                 values={**VALUES, "action": "Other"}, version=0)

    assert stale.conflict and stale.attempted["action"] == "Other"
    assert stale.answer.action == "Agree a plan" and stale.answer.version == 1
    assert answer_to(draft, 4).action == "Agree a plan"


def test_saving_what_is_saved_is_neither_a_change_nor_a_conflict(board_member, draft):
    workflow.save_answer(answer=answer_to(draft, 4), user=board_member, values=VALUES, version=0)

    same = workflow.save_answer(answer=answer_to(draft, 4), user=board_member, values=VALUES,
                                version=0)

    assert not same.conflict
    assert answer_to(draft, 4).version == 1
    assert answer_to(draft, 4).history.count() == 2


def test_a_carried_over_answer_is_confirmed_only_when_asked(board_member, pct, draft):
    fill(draft)
    new = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                    user=board_member, from_previous=True)
    answer = answer_to(new, 1)
    values = {name: getattr(answer, name) for name in workflow.ANSWER_FIELDS}

    workflow.save_answer(answer=answer, user=board_member, values=values, version=0)
    answer.refresh_from_db()
    assert answer.carried_over and answer.version == 0

    workflow.save_answer(answer=answer, user=board_member, values=values, version=0, confirm=True)
    answer.refresh_from_db()
    assert not answer.carried_over and answer.version == 1


def test_changing_a_carried_over_answer_confirms_it(board_member, pct, draft):
    fill(draft)
    new = workflow.start_assessment(pct=pct, cycle=Cycle.objects.create(start_year=2009),
                                    user=board_member, from_previous=True)
    answer = answer_to(new, 1)
    values = {name: getattr(answer, name) for name in workflow.ANSWER_FIELDS}

    workflow.save_answer(answer=answer, user=board_member, values={**values, "owner": "Someone new"}, version=0)

    answer.refresh_from_db()
    assert not answer.carried_over and answer.owner == "Someone new"


def test_answers_cannot_change_once_submitted(board_member, submitted):
    with pytest.raises(workflow.WorkflowError, match="can no longer be changed"):
        workflow.save_answer(answer=answer_to(submitted, 4), user=board_member, values=VALUES,
                             version=0)


# Submitting ------------------------------------------------------------------


def test_gaps_are_listed_in_checklist_order_each_at_its_field(draft):
    fill(draft)
    draft.answers.filter(question__number=5).update(value="")
    draft.answers.filter(question__number=6).update(owner="", due_date=None)
    draft.answers.filter(question__number=9).update(action="  ")
    draft.answers.filter(question__number=100).update(carried_over=True)

    gaps = workflow.gaps_for_submission(draft)

    # Competencies 5 and 6 (questions 1-16) come first: their theme is the checklist's first.
    assert [(g.number, g.field, g.problem) for g in gaps] == [
        (5, "value", "Select Yes or No"),
        (6, "owner", "Enter who owns the action"),
        (6, "due_date", "Enter the action's due date"),
        (9, "action", "Enter the action the PCT will take"),
        (100, "confirm", "Confirm the answer carried over from last time, or change it"),
    ]


def test_submitting_with_gaps_changes_nothing(board_member, draft):
    gaps = workflow.submit(assessment=draft, user=board_member)

    assert len(gaps) == 112
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.submitted_at is None
    assert draft.transitions.count() == 1
    assert not draft.answers.exclude(question_text="").exists()


def test_submitting_freezes_the_wording_and_records_the_step(board_member, draft):
    fill(draft)

    assert workflow.submit(assessment=draft, user=board_member) == []

    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at
    question = Question.objects.get(number=10)
    original = question.text
    question.text = "Reworded?"
    question.save()
    assert answer_to(draft, 10).wording == original
    step = draft.transitions.last()
    assert (step.from_status, step.to_status, step.by) == ("draft", "submitted", board_member)


def test_a_resubmission_keeps_the_wording_the_pct_answered(board_member, reviewer, submitted):
    question = Question.objects.get(number=10)
    original = question.text
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again")
    question.text = "Reworded?"
    question.save()

    assert workflow.submit(assessment=submitted, user=board_member) == []

    assert answer_to(submitted, 10).wording == original


def test_a_submitted_assessment_cannot_be_submitted_again(board_member, submitted):
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(assessment=submitted, user=board_member)


# Reviewing -------------------------------------------------------------------


def test_return_needs_a_comment_and_a_submitted_assessment(reviewer, submitted, draft):
    with pytest.raises(workflow.WorkflowError, match="Say what"):
        workflow.return_to_pct(assessment=submitted, user=reviewer, comment="   ")

    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Add evidence")

    submitted.refresh_from_db()
    assert submitted.status == "returned" and submitted.is_editable
    step = Transition.objects.filter(assessment=submitted).last()
    assert (step.by, step.from_status, step.to_status, step.comment) == (
        reviewer, "submitted", "returned", "Add evidence")
    with pytest.raises(workflow.WorkflowError):
        workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Again")


def test_accept_only_a_submitted_assessment(board_member, reviewer, pct, cycle):
    draft = workflow.start_assessment(pct=pct, cycle=cycle, user=board_member)
    with pytest.raises(workflow.WorkflowError):
        workflow.accept(assessment=draft, user=reviewer)
    fill(draft)
    workflow.submit(assessment=draft, user=board_member)

    accept(draft, reviewer, comment="Well evidenced")

    draft.refresh_from_db()
    assert draft.status == "accepted" and draft.accepted_at and not draft.is_editable
    with pytest.raises(workflow.WorkflowError):
        workflow.accept(assessment=draft, user=reviewer)
    assert list(draft.transitions.values_list("to_status", flat=True)) == [
        "draft", "submitted", "accepted"]


def test_a_review_is_recorded_once_per_competency_while_submitted(reviewer, submitted):
    competency = Competency.objects.get(number=2)

    workflow.record_review(assessment=submitted, competency=competency, user=reviewer, level=2,
                           reason="Thin evidence")
    workflow.record_review(assessment=submitted, competency=competency, user=reviewer, level=3,
                           reason="Better on a second look")

    review = CompetencyReview.objects.get()
    assert (review.level, review.reason, review.reviewer) == (3, "Better on a second look", reviewer)
    assert review.history.count() == 2
    for level, reason in [(0, "x"), (5, "x"), (2, " ")]:
        with pytest.raises(workflow.WorkflowError):
            workflow.record_review(assessment=submitted, competency=competency, user=reviewer,
                                   level=level, reason=reason)
    accept(submitted, reviewer)
    with pytest.raises(workflow.WorkflowError, match="only while the assessment is submitted"):
        workflow.record_review(assessment=submitted, competency=competency, user=reviewer,
                               level=1, reason="Too late")



def test_several_levels_are_recorded_all_or_none(reviewer, submitted):
    one, two, three = Competency.objects.filter(number__in=[1, 2, 3]).order_by("number")

    with pytest.raises(workflow.WorkflowError, match="Say why"):
        workflow.record_reviews(assessment=submitted, user=reviewer,
                                levels={one: (2, "Fair"), two: (3, "Good"), three: (1, " ")})
    assert not CompetencyReview.objects.exists()

    workflow.record_reviews(assessment=submitted, user=reviewer, levels={one: (2, "Fair"), two: (3, "Good")})
    assert sorted(CompetencyReview.objects.values_list("competency__number", "level")) == [(1, 2), (2, 3)]


@pytest.mark.parametrize("actor", ["other_board_member", "other_reviewer", "board_member", "admin_user"])
def test_only_the_shas_reviewers_may_record_levels_return_or_accept(request, submitted, actor):
    user = request.getfixturevalue(actor)
    competency = Competency.objects.get(number=1)

    for action in [
        lambda: workflow.record_review(assessment=submitted, competency=competency, user=user, level=2,
                                       reason="Fine"),
        lambda: workflow.return_to_pct(assessment=submitted, user=user, comment="Look again"),
        lambda: workflow.accept(assessment=submitted, user=user),
    ]:
        with pytest.raises(workflow.NotAllowed):
            action()
    assert Assessment.objects.get(pk=submitted.pk).status == "submitted"
    assert not CompetencyReview.objects.exists()


@pytest.mark.parametrize("actor", ["other_board_member", "reviewer", "admin_user"])
def test_only_the_pcts_board_may_start_answer_or_submit(request, pct, cycle, draft, actor):
    user = request.getfixturevalue(actor)

    with pytest.raises(workflow.NotAllowed):
        workflow.start_assessment(pct=pct, cycle=cycle, user=user, focus="Obesity strategy")
    with pytest.raises(workflow.NotAllowed):
        workflow.save_answer(answer=answer_to(draft, 1), user=user, values=VALUES, version=0)
    with pytest.raises(workflow.NotAllowed):
        workflow.submit(assessment=fill(draft), user=user)
    assert Assessment.objects.get(pk=draft.pk).status == "draft"
    assert answer_to(draft, 1).version == 0


def test_the_legal_moves_are_one_table():
    Status = Assessment.Status
    assert workflow.MOVES == {
        (Status.DRAFT, Status.SUBMITTED): "on_board", (Status.RETURNED, Status.SUBMITTED): "on_board",
        (Status.SUBMITTED, Status.RETURNED): "reviews_it", (Status.SUBMITTED, Status.ACCEPTED): "reviews_it",
    }


# Evidence --------------------------------------------------------------------


def test_evidence_changes_only_while_editable(board_member, pct, draft):
    item = EvidenceItem.objects.first()
    reference = workflow.add_evidence(assessment=draft, user=board_member,
                                      evidence_item_id=item.pk, title="Minutes")
    other = workflow.start_assessment(pct=pct, cycle=draft.cycle, user=board_member, focus="Other")

    with pytest.raises(workflow.WorkflowError, match="another assessment"):
        workflow.delete_evidence(assessment=other, user=board_member, reference=reference)
    fill(draft)
    workflow.submit(assessment=draft, user=board_member)
    with pytest.raises(workflow.WorkflowError):
        workflow.add_evidence(assessment=draft, user=board_member, evidence_item_id=item.pk,
                              title="Late")
    with pytest.raises(workflow.WorkflowError):
        workflow.delete_evidence(assessment=draft, user=board_member, reference=reference)
    assert draft.evidence_references.get() == reference


def test_an_action_is_overdue_when_due_and_not_done(draft):
    answer = answer_to(draft, 1)
    answer.action, answer.due_date = "Plan", datetime.date(2009, 1, 1)
    today = datetime.date(2009, 1, 2)

    assert is_overdue(answer, today=today)
    answer.action_status = "done"
    assert not is_overdue(answer, today=today)
    answer.action_status = "open"
    assert not is_overdue(answer, today=datetime.date(2009, 1, 1))
