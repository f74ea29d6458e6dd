"""The NHS organisations (SHAs and their PCTs), the people in them, and the
assessment cycles."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SHA = "sha", "Strategic Health Authority"
        PCT = "pct", "Primary Care Trust"

    code = models.CharField("NHS organisation code", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=3, choices=Kind.choices)
    sha = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pcts",
        limit_choices_to={"kind": Kind.SHA},
        verbose_name="SHA",
        help_text="The Strategic Health Authority that oversees this PCT.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # A PCT sits in exactly one SHA; an SHA sits in none.
            models.CheckConstraint(
                condition=(Q(kind="pct") & Q(sha__isnull=False))
                | (Q(kind="sha") & Q(sha__isnull=True)),
                name="pct_has_sha_and_sha_has_none",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """The one organisation a person belongs to, and their role there."""

    class Role(models.TextChoices):
        BOARD_MEMBER = "board_member", "Board member"
        REVIEWER = "reviewer", "Reviewer"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        expected: dict[str, str] = {
            self.Role.BOARD_MEMBER: Organisation.Kind.PCT,
            self.Role.REVIEWER: Organisation.Kind.SHA,
        }
        if self.organisation_id and self.organisation.kind != expected.get(self.role):
            raise ValidationError(
                {"role": "Board members belong to a PCT and reviewers to an SHA."}
            )


class Cycle(models.Model):
    """A financial year of assessment, such as 2008/09."""

    start_year = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    class Meta:
        ordering = ["start_year"]

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def starts_on(self) -> datetime.date:
        """The first day of the financial year: 1 April."""
        return datetime.date(self.start_year, 4, 1)
