from django.db import models


class RenderedReport(models.Model):
    """The latest PDF board report of an assessment, kept while what it shows is unchanged.

    Kept in the database so that every app server shares it. There are at
    most two per assessment: with the reviewers' levels, and without them for
    the PCT while the SHA is still reviewing.
    """

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="rendered_reports"
    )
    with_reviews = models.BooleanField(default=True)
    key = models.CharField(max_length=80, help_text="A hash of everything the report shows.")
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "with_reviews"], name="one_rendered_report_per_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"Board report of {self.assessment}"
