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
