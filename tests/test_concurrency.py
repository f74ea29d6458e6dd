"""Saves from several people at once, on PostgreSQL's real row locks."""

import threading

import pytest
from django.db import connection

from assessments import access, workflow
from assessments.models import Answer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locking is PostgreSQL's"
    ),
]

VALUES = {"value": "no", "action": "Agree a plan", "owner": "Director of Commissioning",
          "due_date": None, "action_status": "open"}


def save(user, assessment_pk, number, version, values):
    try:
        assessment = access.grant_to_answer(user, assessment_pk).assessment
        answer = Answer.objects.select_related("question").get(assessment=assessment, question__number=number)
        answer.assessment = assessment
        return workflow.save_answer(answer=answer, user=user, values=values, version=version)
    finally:
        connection.close()


def run_in_threads(jobs):
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(index, job):
        barrier.wait()
        results[index] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def draft(transactional_db, board_member, cycle):
    from django.core.management import call_command

    call_command("load_framework", verbosity=0)
    return workflow.start_assessment(pct=board_member.membership.organisation, cycle=cycle,
                                     user=board_member)


def test_fifty_people_saving_different_answers_all_land(draft, board_member):
    jobs = [
        (lambda n=n: save(board_member, draft.pk, n, 0, {**VALUES, "action": f"Action {n}"}))
        for n in range(1, 51)
    ]

    results = run_in_threads(jobs)

    assert all(result is not None and not result.conflict for result in results)
    saved = dict(draft.answers.filter(question__number__lte=50)
                 .values_list("question__number", "action"))
    assert saved == {n: f"Action {n}" for n in range(1, 51)}
    assert all(v == 1 for v in draft.answers.filter(question__number__lte=50)
               .values_list("version", flat=True))


def test_two_stale_saves_of_one_answer_exactly_one_wins(draft, board_member):
    jobs = [
        lambda: save(board_member, draft.pk, 7, 0, {**VALUES, "value": "yes", "action": "Mine"}),
        lambda: save(board_member, draft.pk, 7, 0, {**VALUES, "value": "no", "action": "Theirs"}),
    ]

    results = run_in_threads(jobs)

    winners = [r for r in results if not r.conflict]
    losers = [r for r in results if r.conflict]
    assert len(winners) == 1 and len(losers) == 1
    answer = draft.answers.get(question__number=7)
    assert answer.action == winners[0].answer.action
    assert answer.version == 1
    # The loser is told, with what it tried to save, so nothing is lost.
    assert losers[0].attempted["action"] in {"Mine", "Theirs"} - {answer.action}


def in_thread(job):
    """``job``'s result, or the exception it raised, on a connection of its own."""
    def run():
        try:
            return job()
        except Exception as error:  # noqa: BLE001 (what each thread met is the test's subject)
            return error
        finally:
            connection.close()
    return run


def test_two_reviewers_setting_a_review_deadline_at_once_both_succeed(transactional_db, sha, cycle, reviewer):
    import datetime

    from assessments import deadlines
    from assessments.models import ReviewDeadline
    from tests.conftest import make_person

    colleague = make_person("ruth", sha, "reviewer")
    jobs = [in_thread(lambda person=person, day=day: deadlines.set_review_deadline(
        sha=sha, cycle=cycle, user=person, due=datetime.date(2009, 6, day))) for person, day in [(reviewer, 29),
                                                                                                (colleague, 30)]]

    assert run_in_threads(jobs) == [None, None]
    assert ReviewDeadline.objects.filter(sha=sha, cycle=cycle).count() == 1


def test_two_send_reminders_at_once_queue_each_reminder_once(draft, board_member):
    import datetime

    from django.utils import timezone

    from assessments.models import SentReminder, SubmissionDeadline
    from assessments.reminders import record_reminders

    board_member.email = "alice@example.org"
    board_member.save()
    SubmissionDeadline.objects.create(cycle=draft.cycle, due=timezone.localdate() + datetime.timedelta(days=7))
    jobs = [in_thread(lambda: len(record_reminders(today=timezone.localdate()))) for _ in range(4)]

    assert sorted(run_in_threads(jobs)) == [0, 0, 0, 1]
    assert SentReminder.objects.count() == 1


def test_saving_the_account_page_twice_at_once_saves_once(transactional_db, board_member):
    """A double click on Save, before the person has a preference row."""
    from django.test import Client
    from django.urls import reverse

    from assessments.models import EmailPreference

    def post():
        client = Client()
        client.force_login(board_member)
        return client.post(reverse("account"), {}).status_code

    assert run_in_threads([in_thread(post), in_thread(post)]) == [302, 302]
    assert EmailPreference.objects.get(user=board_member).reminders is False
