"""The emails the site sends, and sending them from a task worker.

Each email goes to one person, as plain text and HTML (``templates/emails/``),
links to the one page it is about (by the site's address, ``SITE_URL``: a
worker has no request to take it from) and says in its footer why it was
sent. The workflow's emails are queued in the same transaction as the step
that causes them (``queue_workflow_emails``), so neither happens without the
other, and are sent by a worker, never inside the web request.
"""

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import Assessment, Membership, Organisation, Transition

logger = logging.getLogger(__name__)

Status = Assessment.Status


def link(name: str, *args: object) -> str:
    """The absolute address of one of the site's pages."""
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def members_of(organisation_ids: Iterable[int], role: str) -> QuerySet:
    """The active people with an email address in one role of these organisations, by name."""
    return (get_user_model().objects
            .filter(membership__organisation__in=organisation_ids, membership__role=role, is_active=True)
            .exclude(email="").order_by("first_name", "last_name", "username"))


def members(organisation: Organisation | None, role: str) -> QuerySet:
    """The active people with an email address in one role of one organisation, by name."""
    return members_of([organisation.pk] if organisation else [], role)


@dataclass(frozen=True)
class Email:
    """One email to one person: ``template`` names ``emails/<template>.txt``
    and ``.html``, which get ``context`` with the person, the link and the
    reason for sending (the footer)."""

    person: AbstractUser
    subject: str
    template: str
    url: str
    reason: str
    context: dict = field(default_factory=dict)

    def message(self, connection=None) -> EmailMultiAlternatives:
        # A header takes no line break, and a PCT's focus is typed by its
        # board: one in it would refuse the email (BadHeaderError).
        subject = " ".join(self.subject.split())
        context = {**self.context, "person": self.person, "subject": subject, "url": self.url,
                   "reason": self.reason, "service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL}
        message = EmailMultiAlternatives(
            subject=subject, body=render_to_string(f"emails/{self.template}.txt", context),
            to=[self.person.email], connection=connection,
        )
        message.attach_alternative(render_to_string(f"emails/{self.template}.html", context), "text/html")
        return message


def send_all(emails: Iterable[Email]) -> int:
    """Send each email on its own, over one connection; return how many went.

    An address the mail server refuses (or a server that fails mid-way) is
    logged with the person and the email, and the next emails still go.
    """
    connection = get_connection()
    sent = 0
    try:
        for email in emails:
            person = email.person
            try:
                # Opened here, the connection stays open for the next email (a
                # message's own send would close it); again after a failure.
                connection.open()
                sent += email.message(connection).send()
            except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: a bad header or address
                connection.close()  # a server may hang up on a refusal (421)
                logger.error(
                    "Could not send the email “%s” to %s <%s>: %s", email.subject, person, person.email, error,
                    extra={"person": person.get_username(), "person_id": person.pk, "to": person.email,
                           "subject": email.subject, "email": email.template},
                )
    finally:
        connection.close()
    return sent


# The workflow's emails: who hears of each step, and why.
WORKFLOW_TEMPLATES = {Status.SUBMITTED: "submitted", Status.RETURNED: "returned", Status.ACCEPTED: "accepted"}


def workflow_emails(transition: Transition) -> list[Email]:
    """A submission to the reviewers of the PCT's SHA; a return (with its
    comment) or an acceptance to the PCT's board members."""
    assessment = transition.assessment
    pct = assessment.pct
    named = f"{assessment.cycle} assessment" + (f" ({assessment.focus})" if assessment.focus else "")
    context = {"assessment": assessment, "transition": transition, "pct": pct, "sha": pct.sha, "named": named}
    if transition.to_status == Status.SUBMITTED:
        resubmitted = transition.from_status == Status.RETURNED
        subject = f"{pct} {'resubmitted' if resubmitted else 'submitted'} its {named}"
        reason = f"You get this email because you review the assessments of {pct.sha}'s PCTs."
        return [Email(person, subject, "submitted", link("assessments:review", assessment.pk), reason,
                      {**context, "resubmitted": resubmitted})
                for person in members(pct.sha, Membership.Role.REVIEWER)]
    template = WORKFLOW_TEMPLATES[Status(transition.to_status)]
    subject = f"{pct.sha} {template} your {named}"
    reason = (f"You get this email because you are on {pct}'s board. Emails about submitting, returning and "
              "accepting its assessments always go to every board member.")
    return [Email(person, subject, template, link("assessments:detail", assessment.pk), reason, context)
            for person in members(pct, Membership.Role.BOARD_MEMBER)]


@task()
def send_workflow_emails(transition_id: int) -> int:
    """The worker's side of ``queue_workflow_emails``: how many emails went."""
    transition = (Transition.objects.select_related("assessment__pct__sha", "assessment__cycle", "by")
                  .get(pk=transition_id))
    return send_all(workflow_emails(transition))


def queue_workflow_emails(transition: Transition) -> None:
    """Queue the emails that tell people of a step in the workflow, in the
    caller's transaction: they go if, and only if, the step is kept."""
    if transition.to_status in WORKFLOW_TEMPLATES:
        send_workflow_emails.enqueue(transition.pk)
