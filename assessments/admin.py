from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    Assessment,
    Challenge,
    CompetencyReview,
    Cycle,
    EvidenceReference,
    LevelBand,
    Membership,
    Organisation,
    ReviewDeadline,
    SentReminder,
    SubmissionDeadline,
    Transition,
)

User = get_user_model()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "sha"]
    list_filter = ["kind", "sha"]
    search_fields = ["code", "name"]
    ordering = ["kind", "name"]
    list_select_related = ["sha"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    verbose_name = "organisation and role"
    verbose_name_plural = "organisation and role"
    autocomplete_fields = ["organisation"]


admin.site.unregister(User)

# What a person may have written: the timeline, answers, reviews, evidence,
# and every change kept in a history table (framework edits included).
AUTHORSHIP = [(Assessment, "created_by"), (Answer, "updated_by"), (Transition, "by"),
              (CompetencyReview, "reviewer"), (EvidenceReference, "created_by"),
              (Challenge, "raised_by"), (Challenge, "replied_by")]


def has_authored(user) -> bool:
    history_models = [model for model in apps.get_models() if hasattr(model, "history_user")]
    return any(
        model.objects.filter(**{field: user}).exists()
        for model, field in AUTHORSHIP + [(model, "history_user") for model in history_models]
    )


@admin.register(User)
class PersonAdmin(UserAdmin):
    """A person who has written anything is deactivated, never deleted: the
    timeline, the answers' history and the reviews keep their names."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "organisation", "role", "is_staff"]
    list_filter = ["is_staff", "is_active", "membership__role", "membership__organisation__sha"]
    list_select_related = ["membership__organisation"]

    @admin.display(ordering="membership__organisation__name")
    def organisation(self, user):
        return getattr(getattr(user, "membership", None), "organisation", "")

    @admin.display(ordering="membership__role")
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else ("Admin" if user.is_staff else "")

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and has_authored(obj))

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        authors = [user for user in objs if has_authored(user)]
        if not authors:
            return deleted, counts, perms_needed, protected
        # Refused whatever else is needed: say why once a person, instead of
        # listing each answer they wrote.
        return deleted, counts, set(), [
            f"{user}: has written answers, reviews or changes. Deactivate them instead: "
            "untick “Active” on their page." for user in authors
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and has_authored(obj):
            context["subtitle"] = format_html(
                "{} has written answers, reviews or changes, so cannot be deleted: "
                "untick “Active” to stop them signing in.", obj
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """The reminders queued, kept so that none goes twice: a record, not edited.
    Deleting one lets the next ``send_reminders`` of its day send it again."""

    list_display = ["queued_at", "person", "kind", "pct", "assessment", "days_before", "week"]
    list_filter = ["kind"]
    list_select_related = ["person", "pct", "assessment__pct", "assessment__cycle"]
    search_fields = ["person__username", "person__email", "pct__name"]
    date_hierarchy = "queued_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start_year"]


class DeadlineAdmin(SimpleHistoryAdmin):
    """A deadline: who last set it is kept, and every change in the history."""

    list_display = ["cycle", "sha_or_every", "due", "set_by", "updated_at"]
    list_filter = ["cycle", "sha"]
    list_select_related = ["cycle", "sha", "set_by"]
    description = ""

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": ["cycle", "sha", "due"], "description": self.description})]

    @admin.display(description="SHA", ordering="sha__name")
    def sha_or_every(self, deadline) -> str:
        return str(deadline.sha or "Every SHA")

    def save_model(self, request, obj, form, change) -> None:
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SubmissionDeadline)
class SubmissionDeadlineAdmin(DeadlineAdmin):
    description = (
        "The day by which the cycle's assessments are to be submitted to the SHA. Leave the SHA empty to set "
        "it for every SHA; add another with an SHA chosen to give that SHA's PCTs a deadline of their own. "
        "An assessment first submitted after its deadline is marked late."
    )


@admin.register(ReviewDeadline)
class ReviewDeadlineAdmin(DeadlineAdmin):
    description = (
        "The day by which the SHA's reviewers mean to have reviewed the cycle's submitted assessments. "
        "Reviewers set their own SHA's on the site, from the review queue; correct one here if needed."
    )


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


# Deleting a draft deletes these with it; they have no delete permission of their own.
PARTS = [Answer, Transition, CompetencyReview, EvidenceReference]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-mostly: answers and the workflow change through the site, where the
    rules (who, which state) are enforced. Only a draft can be deleted: once
    submitted, an assessment is a record."""

    list_display = ["pct", "cycle", "focus", "status", "submitted_at", "accepted_at"]
    list_filter = ["status", "cycle", "pct__sha"]
    search_fields = ["pct__name", "pct__code", "focus"]
    list_select_related = ["pct", "cycle"]
    readonly_fields = ["pct", "cycle", "status", "previous", "created_by", "created_at",
                       "submitted_at", "accepted_at"]
    fields = readonly_fields[:2] + ["focus"] + readonly_fields[2:]
    inlines = [TransitionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.state.submitted_once)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.state.submitted_once)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if super().has_delete_permission(request):
            # A draft's parts go with it; a record is refused below, saying why.
            perms_needed -= {str(model._meta.verbose_name) for model in [Assessment, *PARTS]}
        records = [obj for obj in objs if obj.state.submitted_once]
        return deleted, counts, perms_needed, protected + [
            f"{obj}: {obj.get_status_display().lower()}, so kept as a record. Only drafts can be deleted."
            for obj in records
        ]


class PartOfAssessmentAdmin(SimpleHistoryAdmin):
    """A part of an assessment: read-only, its history included, once the
    assessment has been submitted. simple-history's revert page saves a POST
    whatever the permissions, so it is refused here."""

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (
            obj and obj.assessment.state.submitted_once
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (
            obj and obj.assessment.state.submitted_once
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(
            request, self.get_object(request, object_id)
        ):
            raise PermissionDenied("This is part of a submitted assessment: it cannot be changed.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Answer)
class AnswerAdmin(PartOfAssessmentAdmin):
    """Answers change only through the site, where the rules are enforced."""

    list_display = ["assessment", "question", "value", "owner", "due_date", "action_status", "updated_by"]
    list_filter = ["value", "action_status", "assessment__cycle", "assessment__pct__sha"]
    search_fields = ["assessment__pct__name", "action", "owner"]
    list_select_related = ["assessment__pct", "assessment__cycle", "question", "updated_by"]
    readonly_fields = ["assessment", "question", "question_text", "competency", "theme", "value",
                       "action", "owner", "due_date", "action_status", "carried_over", "version",
                       "updated_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CompetencyReview)
class CompetencyReviewAdmin(PartOfAssessmentAdmin):
    list_display = ["assessment", "competency", "level", "reviewer", "updated_at"]
    readonly_fields = ["assessment", "competency", "reviewer"]
    list_filter = ["level", "competency"]
    list_select_related = ["assessment__pct", "assessment__cycle", "competency", "reviewer"]


@admin.register(EvidenceReference)
class EvidenceReferenceAdmin(PartOfAssessmentAdmin):
    list_display = ["title", "assessment", "evidence_item", "created_by", "created_at"]
    readonly_fields = ["assessment", "evidence_item", "created_by"]
    search_fields = ["title", "reference", "note"]
    list_select_related = ["assessment__pct", "assessment__cycle", "evidence_item", "created_by"]


LOCAL_DEFAULTS = (
    "These score bands are local defaults chosen for this system, not Department of Health "
    "thresholds: the World Class Commissioning framework publishes no score bands. A score "
    "earns the highest level whose lowest score it reaches, compared as the reports show it, "
    "in whole percentages. Level 1 must start at 0% and each level above the one below. "
    "A change applies at once to every report, comparison and board report PDF, and is kept "
    "in the history."
)


@admin.register(LevelBand)
class LevelBandAdmin(SimpleHistoryAdmin):
    list_display = ["level", "name", "min_score", "updated_at"]
    ordering = ["level"]
    fieldsets = [(None, {"fields": ["level", "name", "min_score", "description"],
                         "description": LOCAL_DEFAULTS})]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "title": "Level bands (local defaults, not Department of Health thresholds)",
            "subtitle": LOCAL_DEFAULTS,
        }
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Every level 1–4 needs a band, or scores would go without a level.
        return False
