"""The World Class Commissioning competency framework and the Tool D1 checklist.

The text comes from two Department of Health documents and is loaded from
``fixtures/``; admins may correct it, and every edit is kept in history.
"""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Theme(models.Model):
    """One of the four Tool D1 themes, in the checklist's order."""

    position = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class Competency(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    short_title = models.CharField(max_length=200)
    statement = models.TextField(help_text="The one-sentence headline of the competency.")
    why = models.TextField(
        "why PCTs need it",
        help_text="The “Why do PCTs need this competency…” paragraph.",
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="competencies")
    checklist_heading = models.TextField(
        help_text="How the Tool D1 checklist words this competency's heading."
    )
    checklist_description = models.TextField(
        blank=True,
        help_text="The Tool D1 checklist's description of the competency, one paragraph a line.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return f"{self.number}. {self.short_title}"

    def get_absolute_url(self) -> str:
        return reverse("competencies:detail", args=[self.number])


class CompetencyItem(models.Model):
    """A numbered entry in one of a competency's three lists."""

    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        abstract = True
        ordering = ["competency__number", "position"]

    def __str__(self) -> str:
        return self.text


class Skill(CompetencyItem):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="skills")
    history = HistoricalRecords()

    class Meta(CompetencyItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["competency", "position"], name="unique_skill_position")
        ]


class Process(CompetencyItem):
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="processes"
    )
    history = HistoricalRecords()

    class Meta(CompetencyItem.Meta):
        verbose_name = "process or knowledge requirement"
        verbose_name_plural = "processes and knowledge requirements"
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "position"], name="unique_process_position"
            )
        ]


class EvidenceItem(CompetencyItem):
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="evidence_items"
    )
    history = HistoricalRecords()

    class Meta(CompetencyItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "position"], name="unique_evidence_position"
            )
        ]


class Question(models.Model):
    """A Tool D1 checklist question, answered Yes / No with an action."""

    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField(
        unique=True, help_text="Position in the whole checklist, 1–112."
    )
    text = models.TextField()
    process = models.ForeignKey(
        Process,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The process or knowledge requirement this question rephrases.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Q{self.number}: {self.text[:80]}"
