"""A reviewer's challenge to one answer ("Evidence does not show this"), and
the PCT's reply: a thread kept with the answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .assessment import ACTION_MAX_LENGTH, Answer


class Challenge(models.Model):
    """Raised by a reviewer of the PCT's SHA while the assessment is
    submitted; replied to by the PCT's board once it is returned. Withdrawing
    deletes it, and its history keeps what it said."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="challenges")
    note = models.TextField(max_length=ACTION_MAX_LENGTH)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField(blank=True, max_length=ACTION_MAX_LENGTH)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            # A second challenge to an answer is raised once the first has its reply.
            models.UniqueConstraint(fields=["answer"], condition=Q(reply=""), name="one_open_challenge_per_answer"),
            models.CheckConstraint(condition=~Q(note=""), name="challenge_has_a_note"),
            models.CheckConstraint(
                condition=Q(reply="", replied_at__isnull=True) | (~Q(reply="") & Q(replied_at__isnull=False)),
                name="challenge_reply_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer}: challenged"

    @property
    def answered(self) -> bool:
        return bool(self.reply)
