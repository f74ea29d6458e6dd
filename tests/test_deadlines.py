"""Deadlines: the models' rules, the admin's pages, and ``assessments.deadlines``
(which deadline applies, days left, lateness) without HTTP."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assessments import deadlines, workflow
from assessments.models import Assessment, ReviewDeadline, SubmissionDeadline, Transition
from tests.conftest import fill, make_person

pytestmark = pytest.mark.django_db

LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time


def submitted_on(assessment: Assessment, at: datetime.datetime) -> None:
    """As if every submission so far had been made at ``at``."""
    Transition.objects.filter(assessment=assessment, to_status="submitted").update(at=at)
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=at)


# The models' rules

def test_a_deadline_before_the_cycle_starts_is_refused_naming_the_first_day(cycle, sha):
    early = SubmissionDeadline(cycle=cycle, due=datetime.date(2008, 3, 31))
    with pytest.raises(ValidationError) as raised:
        early.full_clean()
    assert raised.value.message_dict == {
        "due": ["The deadline must be on or after 1 April 2008, when the 2008/09 cycle starts."]}
    review = ReviewDeadline(cycle=cycle, sha=sha, due=datetime.date(2007, 12, 1))
    with pytest.raises(ValidationError) as raised:
        review.full_clean()
    assert raised.value.message_dict["due"] == [
        "The review deadline must be on or after 1 April 2008, when the 2008/09 cycle starts."]
    SubmissionDeadline(cycle=cycle, due=datetime.date(2008, 4, 1)).full_clean()  # the first day will do


def test_one_deadline_for_every_sha_and_one_of_its_own_per_sha_each_cycle(cycle, sha, other_sha):
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))
    SubmissionDeadline.objects.create(cycle=cycle, sha=sha, due=datetime.date(2009, 4, 30))
    SubmissionDeadline(cycle=cycle, sha=other_sha, due=datetime.date(2009, 5, 31)).full_clean()

    with pytest.raises(ValidationError) as raised:
        SubmissionDeadline(cycle=cycle, due=datetime.date(2009, 2, 28)).full_clean()
    assert raised.value.messages == ["This cycle has a deadline for every SHA already: change that one."]
    with pytest.raises(ValidationError) as raised:
        SubmissionDeadline(cycle=cycle, sha=sha, due=datetime.date(2009, 2, 28)).full_clean()
    assert raised.value.messages == ["This SHA has its own deadline for this cycle already: change that one."]
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 2, 28))


def test_a_deadline_is_for_an_sha_not_a_pct(cycle, pct):
    with pytest.raises(ValidationError) as raised:
        SubmissionDeadline(cycle=cycle, sha=pct, due=datetime.date(2009, 3, 31)).full_clean()
    assert "sha" in raised.value.message_dict


# The admin's pages

def test_an_admin_sets_a_deadline_and_who_set_it_is_kept(client, admin_user, cycle):
    client.force_login(admin_user)

    response = client.post(reverse("admin:assessments_submissiondeadline_add"),
                           {"cycle": cycle.pk, "sha": "", "due": "2009-03-31"})

    assert response.status_code == 302, response.content
    deadline = SubmissionDeadline.objects.get()
    assert (deadline.due, deadline.sha, deadline.set_by) == (datetime.date(2009, 3, 31), None, admin_user)
    assert deadline.history.get().history_user == admin_user
    listed = client.get(reverse("admin:assessments_submissiondeadline_changelist")).text
    assert "Every SHA" in listed and "2008/09" in listed


def test_the_admin_says_why_a_deadline_is_refused(client, admin_user, cycle, sha):
    client.force_login(admin_user)
    url = reverse("admin:assessments_submissiondeadline_add")

    early = client.post(url, {"cycle": cycle.pk, "sha": sha.pk, "due": "2008-01-15"})

    assert early.status_code == 200
    assert "The deadline must be on or after 1 April 2008, when the 2008/09 cycle starts." in early.text
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))
    again = client.post(url, {"cycle": cycle.pk, "sha": "", "due": "2009-04-30"})
    assert "This cycle has a deadline for every SHA already: change that one." in again.text
    review = client.post(reverse("admin:assessments_reviewdeadline_add"),
                         {"cycle": cycle.pk, "sha": sha.pk, "due": "2008-03-01"})
    assert "The review deadline must be on or after 1 April 2008" in review.text
    assert not ReviewDeadline.objects.exists() and SubmissionDeadline.objects.count() == 1


# Which deadline applies

def test_the_shas_own_deadline_else_the_cycles(draft, cycle, sha, other_sha_pct, board_member):
    assert deadlines.submission_deadline(draft) is None
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))
    assert deadlines.submission_deadline(draft) == datetime.date(2009, 3, 31)
    SubmissionDeadline.objects.create(cycle=cycle, sha=sha, due=datetime.date(2009, 4, 30))
    assert deadlines.submission_deadline(draft) == datetime.date(2009, 4, 30)
    elsewhere = workflow.start_assessment(pct=other_sha_pct, cycle=cycle,
                                          user=make_person("brent", other_sha_pct, "board_member"))
    assert deadlines.submission_deadline(elsewhere) == datetime.date(2009, 3, 31)


def test_the_review_deadline_is_the_pcts_shas(draft, cycle, sha, other_sha):
    ReviewDeadline.objects.create(cycle=cycle, sha=other_sha, due=datetime.date(2009, 6, 1))
    assert deadlines.review_deadline(draft) is None
    ReviewDeadline.objects.create(cycle=cycle, sha=sha, due=datetime.date(2009, 6, 30))
    assert deadlines.review_deadline(draft) == datetime.date(2009, 6, 30)


def test_days_left_counts_whole_days_and_goes_negative_once_past():
    deadline = datetime.date(2010, 3, 31)
    assert deadlines.days_left(deadline, datetime.date(2010, 3, 19)) == 12
    assert deadlines.days_left(deadline, deadline) == 0
    assert deadlines.days_left(deadline, datetime.date(2010, 4, 3)) == -3


@pytest.mark.parametrize(("days", "text", "colour"), [
    (12, "12 days left", ""), (8, "8 days left", ""), (7, "7 days left", "yellow"), (1, "1 day left", "yellow"),
    (0, "Due today", "yellow"), (-1, "Overdue by 1 day", "red"), (-3, "Overdue by 3 days", "red"),
])
def test_a_countdown_says_how_long_is_left(days, text, colour):
    countdown = deadlines.Countdown("Due", datetime.date(2010, 3, 31), days)
    assert (countdown.text, countdown.tag_colour) == (text, colour)


# Lateness

def test_submitted_on_the_deadline_day_in_london_is_on_time_and_after_it_late(submitted, cycle):
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))
    submitted_on(submitted, datetime.datetime(2009, 3, 31, 23, 30, tzinfo=LONDON))  # 22:30 UTC
    assert not deadlines.is_late(Assessment.objects.get(pk=submitted.pk))
    submitted_on(submitted, datetime.datetime(2009, 4, 1, 0, 30, tzinfo=LONDON))  # still 31 March in UTC
    assert deadlines.is_late(Assessment.objects.get(pk=submitted.pk))


def test_nothing_is_late_without_a_deadline_or_before_it_is_submitted(draft, submitted, cycle):
    assert not deadlines.is_late(submitted)
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2008, 4, 1))
    assert deadlines.is_late(submitted)  # submitted today, long after
    other = workflow.start_assessment(pct=draft.pct, cycle=cycle, user=draft.created_by, focus="Unsubmitted")
    assert not deadlines.is_late(other)


def test_a_resubmission_after_the_deadline_is_not_late(submitted, cycle, reviewer, board_member):
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))
    submitted_on(submitted, datetime.datetime(2009, 3, 20, 12, tzinfo=LONDON))
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again at question 3.")
    assert workflow.submit(assessment=submitted, user=board_member) == []  # today, long after the deadline

    resubmitted = Assessment.objects.get(pk=submitted.pk)
    assert timezone.localdate(resubmitted.submitted_at) == timezone.localdate()
    assert deadlines.first_submitted(resubmitted) == datetime.date(2009, 3, 20)
    assert not deadlines.is_late(resubmitted)


# Lists

def test_with_deadlines_reads_every_assessments_in_the_lists_own_query(
        pct, sibling_pct, other_sha_pct, cycle, sha, board_member, django_assert_num_queries):
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))
    SubmissionDeadline.objects.create(cycle=cycle, sha=sha, due=datetime.date(2009, 4, 30))
    ReviewDeadline.objects.create(cycle=cycle, sha=sha, due=datetime.date(2009, 6, 30))
    for n, place in enumerate([pct, sibling_pct, other_sha_pct]):
        assessment = workflow.start_assessment(pct=place, cycle=cycle, user=make_person(f"b{n}", place, "board_member"))
        if n == 1:
            fill(assessment)
            workflow.submit(assessment=assessment, user=assessment.created_by)
            submitted_on(assessment, datetime.datetime(2009, 5, 1, 12, tzinfo=LONDON))

    with django_assert_num_queries(1):
        found = {a.pct.code: (deadlines.submission_deadline(a), deadlines.review_deadline(a), deadlines.is_late(a))
                 for a in deadlines.with_deadlines(Assessment.objects.select_related("pct"))}

    assert found == {
        pct.code: (datetime.date(2009, 4, 30), datetime.date(2009, 6, 30), False),
        sibling_pct.code: (datetime.date(2009, 4, 30), datetime.date(2009, 6, 30), True),
        other_sha_pct.code: (datetime.date(2009, 3, 31), None, False),
    }


def test_one_shas_deadlines_for_every_cycle(cycle, sha, other_sha, django_assert_num_queries):
    from tests.factories import CycleFactory

    later = CycleFactory(start_year=2009)
    SubmissionDeadline.objects.create(cycle=cycle, due=datetime.date(2009, 3, 31))
    SubmissionDeadline.objects.create(cycle=later, sha=other_sha, due=datetime.date(2010, 3, 31))
    ReviewDeadline.objects.create(cycle=later, sha=sha, due=datetime.date(2010, 6, 30))

    with django_assert_num_queries(1):
        rows = [(row.cycle.start_year, row.submission_due, row.review_due) for row in deadlines.of_sha(sha)]

    assert rows == [(2009, None, datetime.date(2010, 6, 30)), (2008, datetime.date(2009, 3, 31), None)]


# Setting the review deadline

def test_only_the_shas_reviewers_set_its_review_deadline(cycle, sha, reviewer, other_reviewer, board_member):
    deadlines.set_review_deadline(sha=sha, cycle=cycle, user=reviewer, due=datetime.date(2009, 6, 30))
    deadlines.set_review_deadline(sha=sha, cycle=cycle, user=reviewer, due=datetime.date(2009, 7, 31))
    deadline = ReviewDeadline.objects.get()
    assert (deadline.due, deadline.set_by) == (datetime.date(2009, 7, 31), reviewer)
    assert [h.history_user for h in deadline.history.all()] == [reviewer, reviewer]
    for outsider in (other_reviewer, board_member):
        with pytest.raises(PermissionDenied) as refused:
            deadlines.set_review_deadline(sha=sha, cycle=cycle, user=outsider, due=datetime.date(2009, 8, 1))
        assert "Only the SHA's reviewers" in str(refused.value)
    with pytest.raises(ValidationError):
        deadlines.set_review_deadline(sha=sha, cycle=cycle, user=reviewer, due=datetime.date(2008, 1, 1))
    deadlines.set_review_deadline(sha=sha, cycle=cycle, user=reviewer, due=None)
    assert not ReviewDeadline.objects.exists()
    assert ReviewDeadline.history.filter(history_type="-").get().history_user == reviewer
