"""The demo and the emails: seeding queues no email about the history it
makes up, and the first ``send_reminders`` on the demo sends real reminders."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from assessments.emails import send_workflow_emails
from devtools.demo.people import PEOPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_seeding_queues_no_workflow_email(seeded):
    assert not DBTaskResult.objects.filter(task_path=send_workflow_emails.module_path).exists()


def test_the_first_send_reminders_on_the_demo_sends_each_board_its_actions(seeded):
    call_command("send_reminders", now=True, verbosity=0)

    boards = {f"{p.username}@example.org" for p in PEOPLE if p.role == "board_member"}
    weekly = [email for email in mail.outbox if " overdue" in email.subject]
    assert {email.to[0] for email in weekly} == boards
    assert all("/answers/competencies/" in email.body for email in weekly)


def test_the_first_send_reminders_on_the_demo_sends_the_deadlines_14_day_reminders(seeded):
    """The demo's current cycle is due a fortnight after seeding; its drafts
    are part-answered, their competencies shared out on the board."""
    call_command("send_reminders", now=True, verbosity=0)

    due = [email for email in mail.outbox if "is due in 14 days" in email.subject]
    assert {email.to[0] for email in due} == {
        "board.northtyneside@example.org", "board2.northtyneside@example.org", "board.sunderland@example.org"}
    assert all("/answers/competencies/" in email.body for email in due)
