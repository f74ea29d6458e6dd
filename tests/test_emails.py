"""The workflow's emails: each step queues them in its own transaction, a
task worker sends them, and only the people of the organisations concerned
get them."""

import pytest
from django.core import mail

from assessments import workflow
from tests.conftest import make_person, run_tasks
from tests.factories import accept


def run_worker() -> list[mail.EmailMessage]:
    """What the task worker, run in this process, sends of everything queued."""
    mail.outbox.clear()
    run_tasks()
    return list(mail.outbox)


@pytest.fixture(autouse=True)
def addresses(settings, board_member, other_board_member, reviewer, other_reviewer):
    settings.SITE_URL = "https://wcc.example.nhs.uk"
    for person in (board_member, other_board_member, reviewer, other_reviewer):
        person.email = f"{person.username}@example.org"
        person.save()


def test_a_submission_emails_the_reviewers_of_the_pcts_sha_once_a_worker_runs(draft, board_member, reviewer):
    from tests.conftest import fill

    fill(draft)
    workflow.submit(assessment=draft, user=board_member)
    assert mail.outbox == []  # queued, not sent inside the request

    sent = run_worker()

    assert [m.to for m in sent] == [["rita@example.org"]]
    email = sent[0]
    assert email.subject == "North Tyneside PCT submitted its 2008/09 assessment"
    link = f"https://wcc.example.nhs.uk/assessments/{draft.pk}/review/"
    assert link in email.body
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert f'href="{link}"' in html
    assert "because you review the assessments of North East SHA's PCTs" in email.body


def test_a_return_emails_the_pcts_board_with_the_comment(submitted, reviewer, board_member):
    colleague = make_person("carol", submitted.pct, "board_member", email="carol@example.org")
    run_worker()  # the submission's
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Question 3 needs <evidence>.")

    sent = run_worker()

    assert [m.to for m in sent] == [["alice@example.org"], [colleague.email]]
    email = sent[0]
    assert email.subject == "North East SHA returned your 2008/09 assessment"
    assert "Question 3 needs <evidence>." in email.body
    assert "Question 3 needs &lt;evidence&gt;." in email.alternatives[0][0]
    assert f"https://wcc.example.nhs.uk/assessments/{submitted.pk}/" in email.body
    assert "because you are on North Tyneside PCT's board" in email.body


def test_an_acceptance_emails_the_pcts_board(submitted, reviewer):
    run_worker()  # the submission's
    accept(submitted, reviewer, comment="A clear plan.")

    sent = run_worker()

    assert [m.to for m in sent] == [["alice@example.org"]]
    assert "A clear plan." in sent[0].body
    assert sent[0].subject == "North East SHA accepted your 2008/09 assessment"
    assert f"https://wcc.example.nhs.uk/assessments/{submitted.pk}/\n" in sent[0].body


def test_a_resubmission_says_so(submitted, reviewer, board_member):
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again.")
    run_worker()

    workflow.submit(assessment=submitted, user=board_member)

    assert [m.subject for m in run_worker()] == ["North Tyneside PCT resubmitted its 2008/09 assessment"]


def test_a_refused_step_queues_nothing(draft, board_member, reviewer):
    workflow.submit(assessment=draft, user=board_member)  # nothing answered: gaps, not submitted

    assert run_worker() == []


def test_nobody_outside_the_organisation_concerned_is_emailed(submitted, reviewer, admin_user, pct):
    """The other PCT's board, the other SHA's reviewer, an admin, a board
    member who has left and one with no address hear nothing."""
    admin_user.email = "ada@example.org"
    admin_user.save()
    make_person("leaver", pct, "board_member", email="leaver@example.org", is_active=False)
    make_person("noaddress", pct, "board_member", email="")
    run_worker()
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again.")

    sent = run_worker()

    assert [m.to for m in sent] == [["alice@example.org"]]


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on this machine that refuses Alice's address, as a
    mail server does for a mailbox that no longer exists; the site sends
    through it with Django's SMTP backend."""
    import socket

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.delivered: list[list[str]] = []
            self.refusal = "550 5.1.1 <alice@example.org>: mailbox unavailable"
            self.connections: set = set()  # the client's address and port of each

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "alice@example.org":
                return self.refusal
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.delivered.append(list(envelope.rcpt_tos))
            self.connections.add(session.peer)
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield handler
    controller.stop()


def test_a_bouncing_address_is_logged_with_the_person_and_the_next_email_still_goes(
        submitted, reviewer, pct, mail_server, caplog):
    make_person("carol", pct, "board_member", email="carol@example.org")
    make_person("dave", pct, "board_member", email="dave@example.org")
    run_worker()  # the submission's email, to Rita
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again.")
    mail_server.connections.clear()

    run_worker()

    assert mail_server.delivered == [["rita@example.org"], ["carol@example.org"], ["dave@example.org"]]
    assert len(mail_server.connections) == 1  # the return's emails, over one connection
    [record] = [record for record in caplog.records if record.name == "assessments.emails"]
    assert record.levelname == "ERROR"
    assert record.person == "alice" and record.to == "alice@example.org"
    assert record.subject == "North East SHA returned your 2008/09 assessment"
    assert "mailbox unavailable" in record.getMessage()


def test_a_server_that_hangs_up_mid_way_is_called_again_for_the_next_email(submitted, reviewer, pct, mail_server,
                                                                           caplog):
    """A 421 closes the connection (a server shedding load): the next email opens another."""
    mail_server.refusal = "421 4.3.2 Service shutting down"
    make_person("carol", pct, "board_member", email="carol@example.org")
    run_worker()
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again.")

    run_worker()

    assert mail_server.delivered == [["rita@example.org"], ["carol@example.org"]]
    [record] = [record for record in caplog.records if record.name == "assessments.emails"]
    assert record.person == "alice"


def test_a_focus_typed_with_a_line_break_still_gets_its_emails_sent(submitted, reviewer):
    """A header takes no line break: the subject is put on one line, not refused."""
    type(submitted).objects.filter(pk=submitted.pk).update(focus="Obesity\r\nstrategy")
    run_worker()
    workflow.return_to_pct(assessment=submitted, user=reviewer, comment="Look again.")

    sent = run_worker()

    assert [m.subject for m in sent] == ["North East SHA returned your 2008/09 assessment (Obesity strategy)"]


def test_a_step_rolled_back_queues_no_email(draft, board_member):
    """Queued in the step's own transaction: a step undone takes its emails with it."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from tests.conftest import fill

    fill(draft)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert workflow.submit(assessment=draft, user=board_member) == []
        assert DBTaskResult.objects.exists()
        raise RuntimeError("what came after the submission failed")

    assert not DBTaskResult.objects.exists()
    assert run_worker() == []
