"""What each person wants by email, and the reminders already queued for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .assessment import Assessment
from .organisations import Organisation


class EmailPreference(models.Model):
    """A person's choice about reminder emails; without a row, they get them.
    Workflow emails (submitted, returned, accepted) always go."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    reminders = models.BooleanField(
        "Send me reminder emails", default=True,
        help_text="Deadline reminders for the competencies you answer, and a weekly list of your PCT's actions "
                  "that are overdue or due soon.",
    )

    def __str__(self) -> str:
        return f"{self.user}: reminders {'on' if self.reminders else 'off'}"


class SentReminder(models.Model):
    """One reminder email queued for one person, kept so that running
    ``send_reminders`` again never sends it twice: the database refuses a
    second row for the same person, subject and moment."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", "Submission deadline"
        ACTIONS = "actions", "Actions due"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    pct = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="PCT")
    # A deadline reminder: the assessment, its deadline, and how many days
    # before it this reminder is (14, 7 or 1).
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    deadline = models.DateField(null=True, blank=True)
    days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    # The weekly actions reminder: the Monday of its week.
    week = models.DateField(null=True, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "assessment", "deadline", "days_before"],
                                    condition=Q(kind="deadline"), name="one_reminder_per_deadline_and_threshold"),
            models.UniqueConstraint(fields=["person", "pct", "week"], condition=Q(kind="actions"),
                                    name="one_actions_reminder_per_pct_and_week"),
            models.CheckConstraint(
                condition=Q(kind="deadline", assessment__isnull=False, deadline__isnull=False,
                            days_before__isnull=False, week__isnull=True)
                | Q(kind="actions", assessment__isnull=True, deadline__isnull=True, days_before__isnull=True,
                    week__isnull=False),
                name="reminder_names_its_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.person}"
