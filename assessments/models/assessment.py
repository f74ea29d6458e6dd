"""A PCT's self-assessment against the Tool D1 checklist: its answers, its
evidence, its timeline and the SHA's levels."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from competencies.models import Competency, EvidenceItem, Question, Theme

from .organisations import Cycle, Organisation

ACTION_MAX_LENGTH = 2000
OWNER_MAX_LENGTH = 200
# A due date outside these is a typing slip (a year 0009 or 20099), not a plan.
EARLIEST_DUE_DATE = datetime.date(2000, 1, 1)
LATEST_DUE_DATE = datetime.date(2100, 12, 31)
DUE_DATE_VALIDATORS = [
    MinValueValidator(EARLIEST_DUE_DATE, "Enter a due date in 2000 or later."),
    MaxValueValidator(LATEST_DUE_DATE, "Enter a due date in 2100 or earlier."),
]


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        ACCEPTED = "accepted", "Accepted"

        @property
        def answerable(self) -> bool:
            """The PCT may change its answers and evidence."""
            return self in (Assessment.Status.DRAFT, Assessment.Status.RETURNED)

        @property
        def submitted_once(self) -> bool:
            """Sent to the SHA at least once: its reviewers see it, and it is a record."""
            return self is not Assessment.Status.DRAFT

        @property
        def reviews_shown_to_pct(self) -> bool:
            """The SHA has finished with it (returned or accepted), so the PCT sees
            the reviewers' levels; while under review they are working notes."""
            return self in (Assessment.Status.RETURNED, Assessment.Status.ACCEPTED)

        @property
        def tag_colour(self) -> str:
            """The NHS.UK tag modifier that shows this status."""
            return {"draft": "grey", "submitted": "blue", "returned": "orange", "accepted": "green"}[self.value]

        @classmethod
        def where(cls, group: str) -> list["Assessment.Status"]:
            """The statuses in a group, for a query: ``Status.where("submitted_once")``."""
            return [status for status in cls if getattr(status, group)]

    pct = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assessments",
        limit_choices_to={"kind": Organisation.Kind.PCT},
        verbose_name="PCT",
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    focus = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional: a single strategy this assessment is about, such as “Obesity strategy”.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The assessment this one was started from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The scorecard as submitted (``scoring.Tallies.as_json()``): the scores
    # per competency and theme, each competency's theme, and the overall
    # score. A JSON document rather than rows because it is written whole
    # once, at submission, and only ever read whole: one column on the row
    # the comparison reads anyway, so comparing 152 PCTs reads no answers at
    # all. Its integrity rests on the answers, which keep their question
    # (``Answer.competency``, ``Answer.theme``) under foreign keys: the
    # scorecard can always be counted again from them, and is at each
    # submission.
    scores = models.JSONField(
        null=True, blank=True, editable=False,
        help_text="The scores as submitted; none while a draft or returned.",
    )

    class Meta:
        ordering = ["-cycle__start_year", "pct__name", "focus"]
        constraints = [
            models.UniqueConstraint(
                fields=["pct", "cycle", "focus"], name="one_assessment_per_pct_cycle_focus"
            ),
            # Drafts and returned assessments are scored live, from answers
            # that may still change; the SHA's and the board's figures are
            # the ones kept at submission.
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "accepted"], scores__isnull=False)
                | Q(status__in=["draft", "returned"], scores__isnull=True),
                name="scores_kept_while_submitted_or_accepted",
            ),
        ]

    def __str__(self) -> str:
        focus = f" – {self.focus}" if self.focus else ""
        return f"{self.pct} {self.cycle}{focus}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])

    def touch(self) -> None:
        """Record that a part of the assessment (an answer, an assignment)
        changed now: pages built from those parts are cached by ``updated_at``."""
        self.updated_at = timezone.now()
        Assessment.objects.filter(pk=self.pk).update(updated_at=self.updated_at)

    @property
    def state(self) -> "Assessment.Status":
        return self.Status(self.status)

    @property
    def is_editable(self) -> bool:
        return self.state.answerable


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"

    class ActionStatus(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # The question as answered, kept from the first submission on: its
    # wording, and the competency and theme it counted in. The competency's
    # and theme's titles are the framework's, corrected in place by admins.
    question_text = models.TextField(
        blank=True,
        help_text="The wording of the question as answered, kept from submission on.",
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The competency the question belonged to when answered, kept from submission on.",
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The theme the question belonged to when answered, kept from submission on.",
    )
    value = models.CharField(max_length=3, choices=Value.choices, blank=True)
    action = models.TextField(blank=True, max_length=ACTION_MAX_LENGTH)
    owner = models.CharField(max_length=OWNER_MAX_LENGTH, blank=True)
    due_date = models.DateField(null=True, blank=True, validators=DUE_DATE_VALIDATORS)
    action_status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    carried_over = models.BooleanField(
        default=False, help_text="Copied from the PCT's previous assessment."
    )
    # Bumped on every save, so a save made from a stale page can be refused.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(due_date__gte=EARLIEST_DUE_DATE, due_date__lte=LATEST_DUE_DATE),
                name="due_date_plausible",
            ),
            # Half a kept question would score it under one competency and
            # word it from another moment.
            models.CheckConstraint(
                condition=Q(question_text="", competency__isnull=True, theme__isnull=True)
                | (~Q(question_text="") & Q(competency__isnull=False, theme__isnull=False)),
                name="answer_keeps_its_whole_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: Q{self.question.number}"

    @property
    def wording(self) -> str:
        """The question as this answer answered it."""
        return self.question_text or self.question.text

    @property
    def competency_answered_id(self) -> int:
        """The competency the answer counts in (``COMPETENCY_ANSWERED`` in a query)."""
        return self.competency_id or self.question.competency_id

    @property
    def theme_answered_id(self) -> int:
        """The theme the answer counts in (``THEME_ANSWERED`` in a query)."""
        return self.theme_id or self.question.competency.theme_id


# Where an answer counts: in the competency and theme kept at submission;
# in a draft, where its question is now.
COMPETENCY_ANSWERED = Coalesce("competency", "question__competency")
COMPETENCY_NUMBER_ANSWERED = Coalesce("competency__number", "question__competency__number")
THEME_ANSWERED = Coalesce("theme", "question__competency__theme")
# Answers in the checklist's order, each under the theme and competency it counts in.
CHECKLIST_ORDER = (
    Coalesce("theme__position", "question__competency__theme__position"),
    COMPETENCY_NUMBER_ANSWERED,
    "question__number",
)


class EvidenceReference(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="evidence_references"
    )
    evidence_item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, related_name="references"
    )
    title = models.CharField(max_length=200)
    reference = models.CharField(
        "link or document reference", max_length=500, blank=True
    )
    note = models.TextField(blank=True, max_length=ACTION_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["evidence_item__competency__number", "evidence_item__position", "pk"]

    def __str__(self) -> str:
        return self.title


class Transition(models.Model):
    """One step of an assessment's workflow, kept as its timeline."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=10, choices=Assessment.Status.choices)
    to_status = models.CharField(max_length=10, choices=Assessment.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True, max_length=ACTION_MAX_LENGTH)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.from_status} → {self.to_status}"


class CompetencyReview(models.Model):
    """A reviewer's own level for one competency of a submitted assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    reason = models.TextField(max_length=ACTION_MAX_LENGTH)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["competency__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency"], name="one_review_per_competency"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="review_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: competency {self.competency.number} level {self.level}"
