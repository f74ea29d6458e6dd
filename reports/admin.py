from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LevelBand

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
