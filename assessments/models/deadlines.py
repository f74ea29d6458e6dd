"""When a cycle's assessments are due at the SHA, and when an SHA's
reviewers mean to have reviewed them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.dateformat import format as format_date
from simple_history.models import HistoricalRecords

from .assessment import DUE_DATE_VALIDATORS
from .organisations import Cycle, Organisation


def check_deadline(cycle: Cycle, due: datetime.date, *, name: str) -> None:
    """A deadline before its cycle starts is a slip: the year of the cycle before."""
    if due < cycle.starts_on:
        raise ValidationError(
            f"The {name} must be on or after {format_date(cycle.starts_on, 'j F Y')}, when the {cycle} cycle starts.",
            code="before_cycle",
        )


class Deadline(models.Model):
    """What both kinds of deadline hold besides their cycle, SHA and day (who
    set it, and when), and their rules: for an SHA, and not before the cycle
    starts (``deadline_name`` says which deadline in the message)."""

    deadline_name = "deadline"
    # Declared by each kind, with its own wording and related names.
    cycle: Cycle
    cycle_id: int | None
    sha: Organisation | None
    sha_id: int | None
    due: datetime.date | None

    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               editable=False, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-cycle__start_year", "sha__name"]

    def clean(self) -> None:
        if self.sha_id is not None and self.sha is not None and self.sha.kind != Organisation.Kind.SHA:
            raise ValidationError({"sha": "Choose a Strategic Health Authority."})
        if self.cycle_id is not None and self.due is not None:
            try:
                check_deadline(self.cycle, self.due, name=self.deadline_name)
            except ValidationError as error:
                raise ValidationError({"due": error}) from None


class SubmissionDeadline(Deadline):
    """The day by which a cycle's assessments are to be submitted: for every
    SHA's PCTs (no SHA), or for one SHA's, in place of that one."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="submission_deadlines")
    sha = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        limit_choices_to={"kind": Organisation.Kind.SHA}, verbose_name="SHA",
        help_text="Leave empty for every SHA; choose one to give its PCTs another deadline.",
    )
    due = models.DateField("deadline", validators=DUE_DATE_VALIDATORS)
    history = HistoricalRecords()

    class Meta(Deadline.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(sha__isnull=True), name="one_submission_deadline_per_cycle",
                violation_error_message="This cycle has a deadline for every SHA already: change that one.",
            ),
            models.UniqueConstraint(
                fields=["cycle", "sha"], condition=Q(sha__isnull=False), name="one_submission_deadline_per_sha",
                violation_error_message="This SHA has its own deadline for this cycle already: change that one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}, {self.sha or 'every SHA'}: {format_date(self.due, 'j F Y')}"


class ReviewDeadline(Deadline):
    """The day by which an SHA's reviewers mean to have reviewed the
    assessments of a cycle, set by them."""

    deadline_name = "review deadline"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="review_deadlines")
    sha = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+",
        limit_choices_to={"kind": Organisation.Kind.SHA}, verbose_name="SHA",
    )
    due = models.DateField("review deadline", validators=DUE_DATE_VALIDATORS)
    history = HistoricalRecords()

    class Meta(Deadline.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "sha"], name="one_review_deadline_per_sha",
                violation_error_message="This SHA has a review deadline for this cycle already: change that one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}, {self.sha}: review by {format_date(self.due, 'j F Y')}"
