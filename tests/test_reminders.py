"""Reminder emails: ``send_reminders`` queues the day's, a task worker sends
them; before the submission deadline to whoever has competencies left,
weekly to each board its actions due; never twice, never to anyone outside
the PCT, never to someone who turned them off."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import assignments, workflow
from assessments.models import Answer, EmailPreference, Membership, SentReminder, SubmissionDeadline
from assessments.reminders import due_reminders, record_reminders, send_now, threshold
from competencies.models import Competency
from tests.conftest import fill, make_person, run_tasks

SITE = "https://wcc.example.nhs.uk"


def run_worker() -> list[mail.EmailMessage]:
    """What the task worker, run in this process, sends of everything queued."""
    mail.outbox.clear()
    run_tasks()
    return list(mail.outbox)


def send_reminders(**options) -> list[mail.EmailMessage]:
    call_command("send_reminders", verbosity=0, **options)
    return run_worker()


def by_recipient(sent) -> dict[str, list[str]]:
    recipients: dict[str, list[str]] = {}
    for email in sent:
        recipients.setdefault(email.to[0].split("@")[0], []).append(email.subject)
    return recipients


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture(autouse=True)
def addresses(settings, board_member, other_board_member, reviewer):
    settings.SITE_URL = SITE
    for person in (board_member, other_board_member, reviewer):
        person.email = f"{person.username}@example.org"
        person.save()


@pytest.fixture
def carol(pct):
    """Another board member of the PCT."""
    return make_person("carol", pct, "board_member", email="carol@example.org")


def leave_unanswered(assessment, *numbers: int) -> None:
    Answer.objects.filter(assessment=assessment, question__competency__number__in=numbers).update(
        value="", action="", owner="", due_date=None)


@pytest.fixture
def nearly_done(draft, cycle, carol, board_member):
    """A draft due in 7 days with competencies 1 and 5 left: 1 given to
    Carol, 5 to nobody; its actions due next year."""
    fill(draft)
    next_year = today() + datetime.timedelta(days=365)
    Answer.objects.filter(assessment=draft).exclude(due_date=None).update(due_date=next_year)
    leave_unanswered(draft, 1, 5)
    assignments.assign(assessment=draft, user=board_member, competencies=[Competency.objects.get(number=1)],
                       assignee=carol)
    SubmissionDeadline.objects.create(cycle=cycle, due=today() + datetime.timedelta(days=7))
    return draft


@pytest.mark.parametrize(("days", "expected"), [(15, None), (14, 14), (8, 14), (7, 7), (2, 7), (1, 1), (0, 1),
                                                (-1, None)])
def test_the_reminder_due_with_so_many_days_left(days, expected):
    assert threshold(days) == expected


def test_before_the_deadline_each_assignee_hears_of_theirs_and_everyone_of_the_unassigned(nearly_done):
    sent = send_reminders()

    assert by_recipient(sent) == {
        "alice": ["North Tyneside PCT's 2008/09 assessment is due in 7 days: 1 competency to finish"],
        "carol": ["North Tyneside PCT's 2008/09 assessment is due in 7 days: 2 competencies to finish"],
    }
    alice = next(email for email in sent if email.to == ["alice@example.org"])
    competency_5 = f"{SITE}/assessments/{nearly_done.pk}/answers/competencies/5/"
    assert competency_5 in alice.body
    assert "/competencies/1/" not in alice.body
    assert "assigned to nobody" in alice.body
    assert f'href="{competency_5}"' in alice.alternatives[0][0]
    assert f"{SITE}/accounts/" in alice.body  # where to turn them off
    carol = next(email for email in sent if email.to == ["carol@example.org"])
    assert f"{SITE}/assessments/{nearly_done.pk}/answers/competencies/1/" in carol.body
    assert competency_5 in carol.body


def test_send_reminders_twice_in_a_day_sends_once(nearly_done):
    first = send_reminders()
    again = send_reminders()

    assert len(first) == 2
    assert again == []
    assert SentReminder.objects.count() == 2


def test_the_14_7_and_1_day_reminders_each_go_once_on_their_day_or_the_first_run_after(nearly_done, cycle):
    due = today() + datetime.timedelta(days=7)
    thresholds = []
    for days in range(16, -3, -1):  # a run every day, from 16 days before to 2 after
        if days == 5:
            continue  # the scheduler missed a day: nothing due then anyway
        new = record_reminders(today=due - datetime.timedelta(days=days))
        thresholds += [(days, each.reminder.days_before, each.reminder.person.username) for each in new]

    assert thresholds == [(14, 14, "alice"), (14, 14, "carol"), (7, 7, "alice"), (7, 7, "carol"),
                          (1, 1, "alice"), (1, 1, "carol")]


def test_a_moved_deadline_has_its_own_reminders(nearly_done, cycle):
    assert len(send_reminders()) == 2
    SubmissionDeadline.objects.filter(cycle=cycle).update(due=today() + datetime.timedelta(days=6))

    sent = send_reminders()

    assert [email.subject for email in sent][:1] == [
        "North Tyneside PCT's 2008/09 assessment is due in 6 days: 1 competency to finish"]


def test_the_shas_own_deadline_is_the_one_reminded_of(nearly_done, cycle, sha):
    """The cycle's deadline is a week away, the SHA's own for its PCTs three."""
    SubmissionDeadline.objects.create(cycle=cycle, sha=sha, due=today() + datetime.timedelta(days=21))
    assert send_reminders() == []

    SubmissionDeadline.objects.filter(sha=sha).update(due=today() + datetime.timedelta(days=1))
    assert {email.subject.split(":")[0] for email in send_reminders()} == {
        "North Tyneside PCT's 2008/09 assessment is due tomorrow"}


def test_no_reminder_far_from_the_deadline_or_once_finished(nearly_done, cycle):
    SubmissionDeadline.objects.filter(cycle=cycle).update(due=today() + datetime.timedelta(days=15))
    assert send_reminders() == []
    SubmissionDeadline.objects.filter(cycle=cycle).update(due=today() + datetime.timedelta(days=7))
    fill(nearly_done)
    Answer.objects.filter(assessment=nearly_done).exclude(due_date=None).update(due_date=datetime.date(2099, 1, 1))
    assert send_reminders() == []


def test_reminders_turned_off_on_the_account_page_are_not_sent(client, nearly_done, board_member, reviewer):
    client.force_login(board_member)
    response = client.post(reverse("account"), {})  # the box unticked

    assert response.status_code == 302
    assert EmailPreference.objects.get(user=board_member).reminders is False
    assert "Reminder emails are off" in client.get(reverse("account")).text
    assert by_recipient(send_reminders()) == {
        "carol": ["North Tyneside PCT's 2008/09 assessment is due in 7 days: 2 competencies to finish"]}
    # Workflow emails still go.
    fill(nearly_done)
    workflow.submit(assessment=nearly_done, user=board_member)
    run_worker()
    workflow.return_to_pct(assessment=nearly_done, user=reviewer, comment="Look again.")
    assert "alice" in by_recipient(run_worker())


def test_nobody_outside_the_pct_gets_its_reminders(nearly_done, carol, sibling_pct, other_board_member, reviewer):
    """Carol moves to another PCT: her competency goes back to the whole board, and she hears nothing."""
    Membership.objects.filter(user=carol).update(organisation=sibling_pct)

    sent = send_reminders()

    assert by_recipient(sent) == {
        "alice": ["North Tyneside PCT's 2008/09 assessment is due in 7 days: 2 competencies to finish"]}
    assert "/answers/competencies/1/" in sent[0].body


def test_the_weekly_email_lists_the_pcts_actions_overdue_and_due_soon(submitted, board_member, carol,
                                                                      other_board_member):
    answers = {a.question.number: a for a in submitted.answers.select_related("question").exclude(action="")}
    numbers = sorted(answers)  # fill() gives every third question an action, due in 2009: overdue
    soon, later, done = numbers[:3]
    Answer.objects.filter(pk=answers[soon].pk).update(due_date=today() + datetime.timedelta(days=14))
    Answer.objects.filter(pk=answers[later].pk).update(due_date=today() + datetime.timedelta(days=15))
    Answer.objects.filter(pk=answers[done].pk).update(action_status=Answer.ActionStatus.DONE)
    overdue = len(numbers) - 3

    sent = [email for email in send_reminders() if "action" in email.subject]

    subject = f"North Tyneside PCT: {overdue} actions overdue and 1 action due in the next 14 days"
    assert by_recipient(sent) == {"alice": [subject], "carol": [subject]}
    body = sent[0].body
    assert f"{SITE}/assessments/{submitted.pk}/answers/competencies/" in body
    assert f"#q{soon}\n" in body
    assert f"#q{later}\n" not in body and f"#q{done}\n" not in body
    # Submitted, its actions are changed in the next cycle's assessment, not on their page.
    assert "on its page while its assessment is a draft or returned" in body
    assert send_reminders() == []  # once a week


def test_a_yes_with_an_action_is_an_action_too_as_in_the_report(submitted, board_member):
    """The weekly email counts actions as the report does: any answer's."""
    yes = submitted.answers.select_related("question").filter(value=Answer.Value.YES).first()
    submitted.answers.exclude(pk=yes.pk).update(action_status=Answer.ActionStatus.DONE)  # every other action done
    Answer.objects.filter(pk=yes.pk).update(action="Share the plan with the council", owner="Chief Executive",
                                            due_date=today() + datetime.timedelta(days=3))

    sent = [email for email in send_reminders() if "action" in email.subject]

    assert sent and all(email.subject == "North Tyneside PCT: 1 action due in the next 14 days" for email in sent)
    assert f"#q{yes.question.number}\n" in sent[0].body and "Share the plan with the council" in sent[0].body


def test_actions_carried_into_a_later_assessment_are_listed_once(submitted, reviewer, board_member):
    from tests.factories import CycleFactory, accept

    accept(submitted, reviewer)
    later = workflow.start_assessment(pct=submitted.pct, cycle=CycleFactory(start_year=2009), user=board_member,
                                      from_previous=True)
    carried = later.answers.exclude(action="").count()

    sent = [email for email in send_reminders() if "action" in email.subject]

    assert carried
    assert sent[0].subject == f"North Tyneside PCT: {carried} actions overdue"
    assert f"/assessments/{later.pk}/" in sent[0].body
    assert f"/assessments/{submitted.pk}/" not in sent[0].body
    assert "Mark each done, or change its due date, on its page.\n" in sent[0].body  # a draft's: changed there


def test_now_sends_in_the_commands_own_process(nearly_done):
    mail.outbox.clear()
    call_command("send_reminders", now=True, verbosity=0)

    assert len(mail.outbox) == 2
    assert not DBTaskResult.objects.filter(task_path="assessments.reminders.send_reminder").exists()
    call_command("send_reminders", now=True, verbosity=0)
    assert len(mail.outbox) == 2


def test_admins_see_the_reminders_queued(client, admin_user, nearly_done):
    send_reminders()
    client.force_login(admin_user)

    response = client.get(reverse("admin:assessments_sentreminder_changelist"))

    assert response.status_code == 200
    assert "carol" in response.text and "Submission deadline" in response.text


def test_the_days_reminders_are_worked_out_in_a_few_queries_however_many_pcts(
        nearly_done, cycle, sibling_pct, other_board_member, other_sha_pct, django_assert_num_queries):
    """National scale (152 PCTs) asks the database no more than one PCT does."""
    from tests.factories import PctFactory

    for pct, board in [(sibling_pct, other_board_member), (other_sha_pct, make_person("olive", other_sha_pct,
                                                                                       "board_member")),
                       *((p, make_person(f"board{n}", p, "board_member", email=f"board{n}@example.org"))
                         for n, p in enumerate(PctFactory.create_batch(3, sha=sibling_pct.sha)))]:
        board.email = f"{board.username}@example.org"
        board.save()
        workflow.start_assessment(pct=pct, cycle=cycle, user=board)
    with django_assert_num_queries(6):
        # The assessments due in the fortnight; every PCT's open actions; the
        # boards of the PCTs with either; the assessments' answers,
        # assignments, and the competencies.
        due = due_reminders(today())
    assert len({each.reminder.pct_id for each in due}) == 6
    new = record_reminders(today=today(), queue=False)
    assert len(new) == len(due)
    with django_assert_num_queries(0):  # --now: each email is made from what was read
        assert send_now(new) == len(due)

    with django_assert_num_queries(7):  # the six, and the reminders recorded already
        assert record_reminders(today=today()) == []


def test_a_run_beside_another_records_and_queues_nothing_the_other_did(nearly_done, monkeypatch):
    """Two runs at once both find nothing recorded yet: the database's
    constraint refuses the second record, and with it the second queueing."""
    from assessments import reminders

    assert len(record_reminders(today=today())) == 2
    monkeypatch.setattr(reminders, "_recorded", lambda due, today: set())  # as if checked before the other's commit

    assert record_reminders(today=today()) == []
    assert SentReminder.objects.count() == 2
    assert DBTaskResult.objects.filter(task_path=reminders.send_reminder.module_path).count() == 2
