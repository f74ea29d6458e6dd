"""``seed_demo``: the demo set, its logins, idempotence, and England's scale."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from assessments import scorecards, workflow
from assessments.models import (
    Answer,
    Assessment,
    Challenge,
    CompetencyReview,
    Cycle,
    EvidenceReference,
    Membership,
    Organisation,
    ReviewDeadline,
    SubmissionDeadline,
    Transition,
)
from assessments.scoring import Tallies
from competencies.models import Question
from devtools.demo.answers import planned_answers, require_framework
from devtools.demo.demo_set import PLAN
from devtools.demo.people import DEMO_PASSWORD, PEOPLE

pytestmark = pytest.mark.django_db

STATES = {"draft", "submitted", "returned", "accepted"}
SUBMITTED_ONCE = ["submitted", "returned", "accepted"]


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Organisation, get_user_model(), Membership, Cycle, Assessment, Answer, Transition,
              CompetencyReview, EvidenceReference, Challenge, SubmissionDeadline, ReviewDeadline]
    return {model.__name__: model.objects.count() for model in models}


def test_seeding_twice_creates_nothing_more(seeded):
    first = counts()
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert counts() == first
    assert first["Assessment"] == len(PLAN)
    assert "Assessments: 16 created, 0 already there" in seeded
    assert "Assessments: 0 created, 16 already there" in out.getvalue()
    assert "Logins: 0 created, 12 already there" in out.getvalue()
    assert "Deadlines: 3 created, 0 already there" in seeded
    assert "Deadlines: 0 created, 3 already there" in out.getvalue()


def test_every_state_in_both_cycles(seeded):
    for year in (2008, 2009):
        states = set(Assessment.objects.filter(cycle__start_year=year).values_list("status", flat=True))
        assert states == STATES, year


def test_two_shas_with_several_pcts_each_under_their_real_codes(seeded):
    shas = Organisation.objects.filter(kind="sha").annotate(n=Count("pcts"))
    assert {(s.code, s.name, s.n) for s in shas} == {
        ("Q30", "North East Strategic Health Authority", 4),
        ("Q36", "London Strategic Health Authority", 4),
    }
    assert Organisation.objects.get(code="5D8").name == "North Tyneside PCT"
    assert Organisation.objects.get(code="5KL").name == "Sunderland Teaching PCT"
    assert Organisation.objects.get(code="5H1").sha.code == "Q36"


def test_every_role_has_a_login_with_the_shared_password(seeded):
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    roles = {
        m.user.username: (m.role, m.organisation.code)
        for m in Membership.objects.select_related("user", "organisation")
    }
    assert roles["board.northtyneside"] == ("board_member", "5D8")
    assert roles["board2.northtyneside"] == ("board_member", "5D8")
    assert roles["board.newcastle"] == ("board_member", "5D7")
    assert roles["reviewer.northeast"] == ("reviewer", "Q30")
    assert roles["reviewer.london"] == ("reviewer", "Q36")
    for user in User.objects.filter(username__in=[p.username for p in PEOPLE]):
        assert user.check_password(DEMO_PASSWORD), user.username
    # The table at the end: username, role, organisation, password.
    rows = [line.split() for line in seeded.splitlines()]
    assert ["reviewer.northeast", "Reviewer", "North", "East", "Strategic", "Health", "Authority",
            DEMO_PASSWORD] in rows
    assert ["admin", "Administrator", "–", DEMO_PASSWORD] in rows


def test_the_table_says_when_a_password_was_changed(seeded):
    user = get_user_model().objects.get(username="board.newcastle")
    user.set_password("a private passphrase of her own")
    user.save()
    out = StringIO()

    call_command("seed_demo", stdout=out)

    line = next(line for line in out.getvalue().splitlines() if line.startswith("board.newcastle "))
    assert "(changed since seeding)" in line and DEMO_PASSWORD not in line
    assert user.check_password("a private passphrase of her own")


def test_every_no_once_submitted_has_an_action_owner_and_due_date_within_the_cycle(seeded):
    noes = Answer.objects.filter(assessment__status__in=SUBMITTED_ONCE, value="no").select_related(
        "assessment__cycle")
    assert noes.count() > 100
    for answer in noes:
        year = answer.assessment.cycle.start_year
        assert answer.action and answer.owner, answer
        assert datetime.date(year, 4, 1) <= answer.due_date <= datetime.date(year + 1, 3, 31), answer
    submitted = Assessment.objects.filter(status__in=SUBMITTED_ONCE)
    assert all(workflow.gaps_for_submission(a) == [] for a in submitted)
    # The question is kept from submission on, as submit() keeps it.
    assert not Answer.objects.filter(assessment__status__in=SUBMITTED_ONCE, competency=None).exists()


def test_answers_and_actions_are_varied_and_realistic(seeded):
    def yes_share(code: str) -> float:
        answers = Answer.objects.filter(assessment__pct__code=code, assessment__cycle__start_year=2008)
        return answers.filter(value="yes").count() / answers.exclude(value="").count()

    assert yes_share("5LC") > 0.8  # Westminster, strong
    assert yes_share("5KL") < 0.6  # Sunderland, weaker
    actions = set(Answer.objects.exclude(action="").values_list("action", flat=True))
    assert 15 <= len(actions) <= 25
    assert len(set(Answer.objects.exclude(owner="").values_list("owner", flat=True))) >= 8
    assert set(Answer.objects.exclude(action="").values_list("action_status", flat=True)) == {
        "open", "in_progress", "done"}
    assert Answer.objects.filter(value="yes").exclude(action="").exists()


def test_the_workflow_left_its_trail(seeded):
    returned = Assessment.objects.filter(status="returned")
    assert returned.count() == 2
    for assessment in returned:
        last = assessment.transitions.last()
        assert last.to_status == "returned" and last.by.username.startswith("reviewer.")
        assert len(last.comment) > 40
    for assessment in Assessment.objects.filter(status__in=SUBMITTED_ONCE):
        steps = list(assessment.transitions.values_list("from_status", "to_status"))
        assert steps[:2] == [("draft", "draft"), ("draft", "submitted")]
        assert assessment.submitted_at is not None
        assert assessment.reviews.exists()
        assert all(r.reason for r in assessment.reviews.all())
    for assessment in Assessment.objects.filter(status__in=["returned", "accepted"]):
        assert assessment.reviews.count() == 11
    assert EvidenceReference.objects.values("assessment").distinct().count() == len(PLAN)


def test_one_2009_assessment_carried_over_and_one_with_a_focus(seeded):
    carried = Assessment.objects.get(pct__code="5D8", cycle__start_year=2009, focus="")
    assert carried.previous == Assessment.objects.get(pct__code="5D8", cycle__start_year=2008)
    assert carried.status == "draft"
    assert carried.answers.filter(carried_over=True).count() > 40
    assert carried.transitions.get().comment == "Started from the 2008/09 assessment."
    focus = Assessment.objects.get(focus="Obesity strategy")
    assert (focus.pct.code, focus.cycle.start_year) == ("5D8", 2009)


def test_drafts_are_part_way_through(seeded):
    draft = Assessment.objects.get(pct__code="5KL", cycle__start_year=2009)
    answered = draft.answers.exclude(value="").count()
    assert 40 < answered < 112
    assert workflow.gaps_for_submission(draft)


def test_the_same_pct_answers_the_same_way_every_time():
    questions = require_framework()
    first = planned_answers(code="5D7", year=2008, focus="", strength=0.6, questions=questions)
    again = planned_answers(code="5D7", year=2008, focus="", strength=0.6, questions=questions)
    later = planned_answers(code="5D7", year=2009, focus="", strength=0.6, questions=questions)

    assert first == again
    # A year on, the PCT has improved: its Yes answers stay Yes, some No answers become Yes.
    yes = {n for n, a in first.items() if a["value"] == "yes"}
    yes_later = {n for n, a in later.items() if a["value"] == "yes"}
    assert yes < yes_later


def test_it_refuses_a_site_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()

    call_command("seed_demo", "--force", verbosity=0)
    assert get_user_model().objects.filter(username="admin").exists()


def test_it_asks_for_the_framework_first(settings):
    settings.DEBUG = True
    Question.objects.all().delete()

    with pytest.raises(CommandError, match="load_framework"):
        call_command("seed_demo")
    assert not Assessment.objects.exists()


def test_national_scale_england(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--national", verbosity=0)
    first = counts()

    call_command("seed_demo", "--national", verbosity=0)

    assert counts() == first
    assert Organisation.objects.filter(kind="sha").count() == 10
    assert Organisation.objects.filter(kind="pct").count() == 152
    assert set(Cycle.objects.values_list("start_year", flat=True)) == {2007, 2008, 2009}
    whole = Assessment.objects.filter(focus="")
    assert whole.count() == 152 * 3  # every PCT, every cycle
    demo_set = Q()
    for planned in PLAN:
        demo_set |= Q(pct__code=planned.pct, cycle__start_year=planned.year, focus=planned.focus)
    national = Assessment.objects.exclude(demo_set)
    assert national.count() == 152 * 3 - 15
    assert set(national.values_list("status", flat=True)) == {"submitted"}
    answers = Answer.objects.filter(assessment__in=national)
    assert answers.count() == national.count() * 112
    assert not answers.filter(value="").exists()
    assert not answers.filter(competency=None).exists()
    assert not answers.filter(value="no").filter(Q(action="") | Q(owner="") | Q(due_date=None)).exists()
    sample = national.order_by("pk")[::97]
    assert all(workflow.gaps_for_submission(a) == [] for a in sample)
    # Started and submitted by the workflow: its two transitions, and each
    # answer's first history entry, which only start_assessment writes.
    steps = Counter(Transition.objects.filter(assessment__in=national).values_list(
        "from_status", "to_status", "comment"))
    assert steps == {("draft", "draft", "Started."): national.count(),
                     ("draft", "submitted", ""): national.count()}
    # ... each by a board member of the assessment's own PCT.
    assert not Transition.objects.filter(assessment__in=national).exclude(
        by__membership__organisation=F("assessment__pct"), by__membership__role="board_member").exists()
    assert Answer.history.filter(assessment__in=national, history_type="+").count() == answers.count()
    assert set(answers.values_list("version", flat=True)) == {1}
    # The scorecard kept as submit() keeps it.
    assert all(Tallies.from_json(a.scores) == scorecards.counted(a) for a in sample)
    # Some PCTs do much better than others.
    shares = [
        a.yes / 112
        for a in national.filter(cycle__start_year=2008).annotate(yes=Count("answers", Q(answers__value="yes")))
    ]
    assert min(shares) < 0.45 and max(shares) > 0.85


def test_each_draft_has_its_competencies_shared_out_among_its_board(seeded):
    from assessments.models import Assignment

    for draft in Assessment.objects.filter(status="draft"):
        given = Assignment.objects.filter(assessment=draft)
        assert given.count() == 11
        assert all(a.assignee.membership.organisation_id == draft.pct_id for a in given)


def test_reviewers_challenge_answers_and_returned_boards_reply_to_some(seeded):
    submitted = Challenge.objects.filter(answer__assessment__status="submitted")
    returned = Challenge.objects.filter(answer__assessment__status="returned")
    assert submitted.count() == 2 * Assessment.objects.filter(status="submitted").count()
    assert returned.count() == 3 * Assessment.objects.filter(status="returned").count()
    # Each returned board has replied to two of its three, so some await a reply.
    assert returned.exclude(reply="").count() == 2 * Assessment.objects.filter(status="returned").count()
    assert not submitted.exclude(reply="").exists()
    # Only answers the PCT gave as Yes are challenged, by the SHA's own reviewer.
    for challenge in Challenge.objects.select_related("answer__assessment__pct", "raised_by__membership"):
        assert challenge.answer.value == "yes"
        assert challenge.raised_by.membership.organisation_id == challenge.answer.assessment.pct.sha_id
        assert challenge.note


def test_the_current_cycles_drafts_are_due_in_a_fortnight_and_each_sha_has_a_review_deadline(seeded):
    from django.utils import timezone

    from assessments import deadlines

    today = timezone.localdate()
    drafts = deadlines.with_deadlines(Assessment.objects.filter(cycle__start_year=2009, status="draft"))
    assert drafts.exists()
    for draft in drafts:
        assert deadlines.days_left(deadlines.submission_deadline(draft), today) == 14
    reviews = ReviewDeadline.objects.filter(cycle__start_year=2009).select_related("sha", "set_by__membership")
    assert {r.sha.code for r in reviews} == {"Q30", "Q36"}
    for review in reviews:
        assert deadlines.days_left(review.due, today) == 42
        assert review.set_by.membership.organisation == review.sha  # set by its own reviewer
    # Nothing the demo submitted is late: each was submitted the day it was seeded.
    assert not any(deadlines.is_late(a) for a in deadlines.with_deadlines(Assessment.objects.all()))
