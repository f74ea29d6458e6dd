"""The score bands that give a level."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..scoring import Band, band_problems


class LevelBand(models.Model):
    """The lowest score that earns a level (1–4, 4 being “world class”).

    The bands shipped with the product are local defaults, not Department of
    Health thresholds; admins may change them.
    """

    level = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    name = models.CharField(max_length=50)
    min_score = models.DecimalField(
        "lowest score (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="A score at or above this percentage earns this level. Scores are "
        "compared as the reports show them, as whole percentages.",
    )
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(table_name="reports_historicallevelband")

    class Meta:
        # Made in the reports app, and kept where they are (with their
        # history) when the model moved to the domain.
        db_table = "reports_levelband"
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="band_level_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(min_score__gte=0) & Q(min_score__lte=100),
                name="band_min_score_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.name} (from {self.min_score.normalize():f}%)"

    def clean(self) -> None:
        """Every score must still get exactly one level with this band changed."""
        if self.level is None or self.min_score is None:
            return
        others = LevelBand.objects.exclude(pk=self.pk).exclude(level=self.level)
        bands = [Band(b.level, b.name, b.min_score) for b in others]
        bands.append(Band(self.level, self.name, self.min_score))
        problems = band_problems(bands)
        if problems:
            raise ValidationError({"min_score": problems})
