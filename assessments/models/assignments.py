"""Who on a PCT's board answers which competency of an assessment."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from competencies.models import Competency

from .assessment import Assessment


class Assignment(models.Model):
    """One competency of an assessment, given to one board member of its PCT."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["competency__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competency"], name="one_assignee_per_competency"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: competency {self.competency.number} to {self.assignee}"
