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


class BoardPaper(models.Model):
    """What the board secretary adds to an assessment's PDF to make it a paper
    for a meeting, and which annexes go with it. Remembered per assessment;
    an assessment without one gets the defaults."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="board_paper"
    )
    meeting = models.CharField("Meeting", max_length=120, blank=True,
                               help_text="For example, Public board meeting")
    meeting_date = models.DateField("Meeting date", null=True, blank=True)
    reference = models.CharField("Paper reference", max_length=40, blank=True,
                                 help_text="For example, Item 7 or BD/09/41")
    lead_director = models.CharField("Lead director", max_length=120, blank=True)
    recommendation = models.TextField(
        "Recommendation", max_length=500, blank=True,
        help_text="What the board is asked to do. Left empty, the paper asks the board "
                  "to note the self-assessment and approve the action plan.",
    )
    question_record = models.BooleanField("The answer to every question", default=True)
    challenges = models.BooleanField("The reviewers' challenges and the replies", default=True)
    evidence = models.BooleanField("The evidence the PCT cites", default=True)
    framework_text = models.BooleanField("The framework's skills and evidence for each competency",
                                         default=False)
    updated_at = models.DateTimeField(auto_now=True)

    DEFAULT_RECOMMENDATION = "The board is asked to note the self-assessment and approve the action plan."
    ANNEXES = ("question_record", "challenges", "evidence", "framework_text")

    def __str__(self) -> str:
        return f"Board paper of {self.assessment}"

    def as_key(self) -> tuple:
        """Everything the PDF shows of it, for the cache key."""
        return (self.meeting, self.meeting_date, self.reference, self.lead_director, self.recommendation,
                *(getattr(self, name) for name in self.ANNEXES), self.updated_at)
