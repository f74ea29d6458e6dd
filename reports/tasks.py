"""The PDF board report, rendered by task workers off the request path.

A download asks for the report as its reader sees it (``pdf.edition_for``).
When that is stored and fresh it is sent at once; otherwise a render is
queued, once, and the page says "Preparing your report…" until a worker
has stored it. Renders are also queued when an assessment is submitted,
returned or accepted, in the same transaction, so that the report is
usually ready before anyone asks.

A render is queued for a grant (what one person may see of one
assessment), as its fields: the worker rebuilds the same grant, so the
report shows exactly what the person who asked may see.
"""

from datetime import timedelta
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from assessments import access
from assessments.models import Assessment

from .pdf import Edition, edition_for, render_and_store

# A render claimed longer ago than this is taken to have died with its
# worker (killed, out of memory), and is queued again. A render takes seconds.
ABANDONED_AFTER = timedelta(minutes=10)


class Progress(StrEnum):
    READY = "ready"
    PREPARING = "preparing"
    FAILED = "failed"


@task()
def render_report(assessment_id: int, on_board: bool, reviews_it: bool, admin: bool) -> str | None:
    """Render and store the report as the holder of this grant sees it,
    unless it is stored already; the key of what it shows."""
    assessment = Assessment.objects.select_related("pct__sha", "cycle").filter(pk=assessment_id).first()
    if assessment is None:
        return None  # deleted since the render was queued
    grant = access.Grant(assessment=assessment, on_board=on_board, reviews_it=reviews_it, admin=admin)
    edition = edition_for(grant)
    if not edition.stored().exists():
        render_and_store(edition)
    return edition.key


def _arguments(grant: access.Grant) -> list:
    return [grant.assessment.pk, grant.on_board, grant.reviews_it, grant.admin]


def _renders(grant: access.Grant) -> QuerySet[DBTaskResult]:
    """The renders queued for this grant, whatever became of them."""
    return DBTaskResult.objects.filter(
        task_path=render_report.module_path, args_kwargs={"args": _arguments(grant), "kwargs": {}})


def queue_render(grant: access.Grant) -> None:
    """Queue a render of the report as this person sees it, unless one is
    waiting or under way already: it renders the latest content when it runs."""
    _, under_way = _last_render(grant)
    if not under_way:
        render_report.enqueue(*_arguments(grant))


def progress(edition: Edition, *, stored: bool | None = None) -> Progress:
    """Where this edition of the report is: stored, or on its way (queued
    now if need be), or failed at the last attempt (queued again only when
    the person asks: see ``queue_render``). ``stored``: whether it is, when
    the caller has just looked."""
    if stored is None:
        stored = edition.stored().exists()
    if stored:
        return Progress.READY
    status, under_way = _last_render(edition.grant)
    if status == TaskResultStatus.FAILED:
        return Progress.FAILED
    if not under_way:
        render_report.enqueue(*_arguments(edition.grant))
    return Progress.PREPARING


def _last_render(grant: access.Grant) -> tuple[str | None, bool]:
    """The status of the render last queued for this grant (None: never),
    and whether it is still on its way: waiting for a worker, or claimed by
    one that has not died. Renders are queued one at a time, so the last
    says whether any is. One query."""
    under_way = Q(status=TaskResultStatus.READY) | Q(
        status=TaskResultStatus.RUNNING, started_at__gte=timezone.now() - ABANDONED_AFTER)
    last = _renders(grant).order_by("-enqueued_at").annotate(under_way=under_way).values_list(
        "status", "under_way").first()
    return last or (None, False)


def prepare_after_move(sender, *, assessment: Assessment, **kwargs) -> None:
    """The reports an assessment's readers will want after it moves: its
    PCT's board's and its SHA's reviewers' (often the same report, and then
    the second render finds it stored)."""
    for on_board in (True, False):
        queue_render(access.Grant(assessment=assessment, on_board=on_board, reviews_it=not on_board, admin=False))
