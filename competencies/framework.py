"""The framework as the answering pages and the board report read it on
every request, kept in the cache (or drawn and kept): it changes only when an
admin corrects its text, and such an edit shows within ``SECONDS``."""

import hashlib
from typing import cast

from django.core.cache import cache
from django.db.models import Value

from .models import Competency, EvidenceItem, Skill, Theme

SECONDS = 300


def in_checklist_order() -> list[Competency]:
    """The competencies with their themes, in the checklist's order: what a
    competency's page shows of itself and of its neighbours."""
    return cast(list[Competency], cache.get_or_set("framework:checklist-order", lambda: list(
        Competency.objects.select_related("theme").order_by("theme__position", "number")
        .only("number", "short_title", "statement", "theme__title", "theme__position")), SECONDS))


def wording_key() -> str:
    """A hash of the framework's wording that the board report shows (the
    competencies' titles and statements, the themes, the skills and evidence
    items), for the report's cache key: four queries, once in ``SECONDS``."""
    def digest() -> str:
        parts = [
            list(Competency.objects.order_by("number").values_list("pk", "number", "short_title", "statement")),
            list(Theme.objects.order_by("pk").values_list("pk", "position", "title")),
            list(Skill.objects.order_by("pk").values_list("competency_id", "position", "text")),
            list(EvidenceItem.objects.order_by("pk").values_list("competency_id", "position", "text")),
        ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    return cast(str, cache.get_or_set("framework:wording-key", digest, SECONDS))


def guidance(competency: Competency) -> dict[str, list[dict]]:
    """The competency's skills, processes and evidence items (their text), in
    one query. A page keeps what it draws of them ``SECONDS`` (a
    ``{% cache %}`` by the competency's id), so asks only then."""
    kinds = [(name, items.order_by().values("position", "text").annotate(kind=Value(name)))
             for name, items in (("skills", competency.skills), ("processes", competency.processes),
                                 ("evidence_items", competency.evidence_items))]
    rows = kinds[0][1].union(*(items for _, items in kinds[1:]), all=True).order_by("kind", "position")
    guidance: dict[str, list[dict]] = {name: [] for name, _ in kinds}
    for row in rows:
        guidance[row["kind"]].append(row)
    return guidance
