"""Shared fixtures: the framework, and the people of the product as personas."""

import os

import pytest
from django.core.management import call_command

from tests.factories import PASSWORD  # noqa: F401 (the tests sign in with it)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the competency framework once for the whole test session."""
    with django_db_blocker.unblock():
        call_command("load_framework", verbosity=0)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    from django.core.cache import cache

    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production settings apart from what needs TLS or collectstatic.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_person(username: str, organisation=None, role: str = "", **extra):
    from tests.factories import PersonFactory

    return PersonFactory(username=username, membership__organisation=organisation, membership__role=role,
                         **extra)


@pytest.fixture
def sha(db):
    from tests.factories import ShaFactory

    return ShaFactory(code="Q30", name="North East SHA")


@pytest.fixture
def other_sha(db):
    from tests.factories import ShaFactory

    return ShaFactory(code="Q36", name="London SHA")


@pytest.fixture
def pct(sha):
    from tests.factories import PctFactory

    return PctFactory(code="5D8", name="North Tyneside PCT", sha=sha)


@pytest.fixture
def sibling_pct(sha):
    """Another PCT of the same SHA."""
    from tests.factories import PctFactory

    return PctFactory(code="5KF", name="Sunderland PCT", sha=sha)


@pytest.fixture
def other_sha_pct(other_sha):
    from tests.factories import PctFactory

    return PctFactory(code="5K5", name="Brent PCT", sha=other_sha)


@pytest.fixture
def board_member(pct):
    """Alice: sits on the board of the PCT under test."""
    return make_person("alice", pct, "board_member")


@pytest.fixture
def other_board_member(sibling_pct):
    """Bob: sits on the board of another PCT in the same SHA."""
    return make_person("bob", sibling_pct, "board_member")


@pytest.fixture
def reviewer(sha):
    """Rita: reviews the PCTs of the PCT's own SHA."""
    return make_person("rita", sha, "reviewer")


@pytest.fixture
def other_reviewer(other_sha):
    """Oscar: reviews the PCTs of another SHA."""
    return make_person("oscar", other_sha, "reviewer")


@pytest.fixture
def admin_user(db):
    return make_person("ada", is_staff=True, is_superuser=True)


@pytest.fixture
def cycle(db):
    from tests.factories import CycleFactory

    return CycleFactory(start_year=2008)


@pytest.fixture
def draft(board_member, pct, cycle):
    from assessments import workflow

    return workflow.start_assessment(pct=pct, cycle=cycle, user=board_member)


def fill(assessment, *, no_every: int = 3, action: str = "Agree a joint plan with the council"):
    """Answer every question (carried-over answers are confirmed): every
    ``no_every``-th a "No" with a complete action."""
    import datetime

    from assessments.models import Answer

    answers = list(assessment.answers.select_related("question"))
    for answer in answers:
        no = answer.question.number % no_every == 0
        answer.value = "no" if no else "yes"
        answer.action = action if no else ""
        answer.owner = "Director of Commissioning" if no else ""
        answer.due_date = datetime.date(2009, 3, 31) if no else None
        answer.carried_over = False
    Answer.objects.bulk_update(answers, ["value", "action", "owner", "due_date", "carried_over"])
    assessment.touch()  # as the site does with each change: the pages it keeps are out of date
    return assessment


@pytest.fixture
def submitted(draft, board_member):
    from assessments import workflow

    fill(draft)
    assert workflow.submit(assessment=draft, user=board_member) == []
    return draft


def run_tasks() -> None:
    """Run every queued task here and now, then return: each claimed and run
    by ``db_worker``'s own worker, in its loop but for the check of stale
    connections between tasks, which would close the test's transaction."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="tests", excluded_queue_names=[])
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return
            result.claim(worker.worker_id)
        worker.run_task(result)


def download_pdf(client, assessment):
    """The PDF as a person downloads it: ask, let the workers render it, ask again."""
    from django.urls import reverse

    url = reverse("reports:pdf", args=[assessment.pk])
    response = client.get(url)
    if response["Content-Type"] == "application/pdf":
        return response
    run_tasks()
    return client.get(url)
