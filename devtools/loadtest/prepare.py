"""Prepare the load test's database: what ``python -m devtools.loadtest`` does.

``manage.py loadtest`` runs it in a child process with the load database's
settings, so that the command never touches the database it was started with.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment, Membership
from reports.models import RenderedReport


def prepare() -> tuple[int, str, str, str]:
    """Migrate, load the framework, seed the demo set and England's scale (the
    first time: the seed is idempotent), and return what ``logins`` returns
    and the assessments whose PDFs the load test downloads (``pdf_assessments``)."""
    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0)
    call_command("seed_demo", "--national", "--force", verbosity=0)
    pdfs = pdf_assessments()
    analyse()
    return (*logins(), ",".join(str(pk) for pk in pdfs))


def analyse() -> None:
    """Give PostgreSQL's planner the statistics of the tables as they are
    now, seeded and emptied of PDFs and renders, as autovacuum would in
    service: a server run with ``autovacuum = off`` (as test servers often
    are) would otherwise plan the pages' queries for tables it has never
    counted."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def pdf_assessments(count: int = 40) -> list[int]:
    """Submitted and accepted assessments, with no report stored and no
    render queued, so that every run renders afresh (the seed queues renders
    for the assessments it moves: no worker has run them)."""
    RenderedReport.objects.all().delete()
    DBTaskResult.objects.all().delete()
    assessments = Assessment.objects.filter(status__in=[Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED])
    return list(assessments.order_by("pk").values_list("pk", flat=True)[:count])


def logins() -> tuple[int, str, str]:
    """A submitted assessment's pk, and session keys of a board member of its
    PCT and of an administrator: logins of the load test's own, made on first use."""
    User = get_user_model()
    assessment = Assessment.objects.filter(status=Assessment.Status.SUBMITTED).order_by("pk").first()
    board, _ = User.objects.get_or_create(username="load.board")
    Membership.objects.update_or_create(
        user=board, defaults={"organisation": assessment.pct, "role": Membership.Role.BOARD_MEMBER}
    )
    admin, _ = User.objects.get_or_create(username="load.admin", defaults={"is_staff": True})
    return assessment.pk, _session_for(board), _session_for(admin)


def _session_for(user: AbstractUser) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
