from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Competency, EvidenceItem, Process, Question, Skill, Theme


class ItemInline(admin.TabularInline):
    extra = 0
    fields = ["position", "text"]
    ordering = ["position"]


class SkillInline(ItemInline):
    model = Skill


class ProcessInline(ItemInline):
    model = Process


class EvidenceItemInline(ItemInline):
    model = EvidenceItem


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ["number", "text", "process"]
    ordering = ["number"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "process":
            competency_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Process.objects.filter(competency_id=competency_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["position", "title"]
    search_fields = ["title"]


@admin.register(Competency)
class CompetencyAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_title", "theme"]
    list_display_links = ["number", "short_title"]
    list_filter = ["theme"]
    search_fields = ["short_title", "statement", "why", "checklist_heading"]
    ordering = ["number"]
    inlines = [SkillInline, ProcessInline, EvidenceItemInline, QuestionInline]
    fieldsets = [
        (None, {"fields": ["number", "short_title", "statement", "why", "theme"]}),
        ("In the Tool D1 checklist", {"fields": ["checklist_heading", "checklist_description"]}),
    ]


class ItemAdmin(SimpleHistoryAdmin):
    list_display = ["competency", "position", "text"]
    list_filter = ["competency"]
    search_fields = ["text"]
    ordering = ["competency__number", "position"]
    list_select_related = ["competency"]


admin.site.register(Skill, ItemAdmin)
admin.site.register(Process, ItemAdmin)
admin.site.register(EvidenceItem, ItemAdmin)


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "text", "competency"]
    list_filter = ["competency__theme", "competency"]
    search_fields = ["text"]
    ordering = ["number"]
    list_select_related = ["competency"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the processes of the question's own competency.
        if db_field.name == "process":
            question_id = request.resolver_match.kwargs.get("object_id")
            competency = Question.objects.filter(pk=question_id).values("competency")
            kwargs["queryset"] = Process.objects.filter(competency__in=competency)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
