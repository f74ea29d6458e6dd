"""Figures of the assessments app for ``manage.py bench``: the task list, the
largest competency's page, one answer's autosave, and the reviewer's worksheet.

Goals, as ratios to the site's bare logged-in page measured in turns with it:
``task_list_ratio`` at most 2, ``competency_page_ratio`` at most 3 (the
largest competency, every question answered), ``autosave_ratio`` at most 2,
``review_page_ratio`` at most 4 (the worksheet of 11 competencies, with every
No, action and evidence reference and the reviewer's 11 levels).
"""

from collections.abc import Iterator
from itertools import count
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from competencies.models import Competency, Question
from devtools.bench import BenchContext


def figures(context: BenchContext) -> Iterator[tuple[str, object, str]]:
    client = context.client_for(context.board_member)
    draft = context.draft
    largest = Competency.objects.annotate(n=Count("questions")).order_by("-n", "number").first()
    question = Question.objects.filter(competency=largest).order_by("number").first()
    pages = {
        "task_list": reverse("assessments:tasks", args=[draft.pk]),
        "competency_page": reverse("assessments:competency", args=[draft.pk, largest.number]),
        # The simplest logged-in page of the site: "Your password has been
        # changed". It costs what every page costs (middleware, session,
        # user, the base template) and nothing more.
        "shell": reverse("password_change_done"),
    }
    save_url = reverse("assessments:save_answer", args=[draft.pk, question.number])
    timings: dict[str, tuple[float, float]] = {}

    def get(url):
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
        return response

    def post(data):
        # As the page's script sends it when an answer changes: form-encoded
        # (URLSearchParams), asking for JSON.
        response = client.post(save_url, urlencode(data), content_type="application/x-www-form-urlencoded",
                               secure=True, headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise RuntimeError(f"POST {save_url} answered {response.status_code}, not 200")
        return response

    def saved() -> tuple[int, bool]:
        """The answer's version, and whether it is a No."""
        version, value = draft.answers.values_list("version", "value").get(question=question)
        return version, value == "no"

    def autosaves():
        # Every save changes the answer (No, Yes, No...) and so raises its
        # version by one: each form carries the next version.
        version, no = saved()
        forms = (save_form(question.number, version=version + i, no=(not no) ^ (i % 2 == 1)) for i in count())
        return lambda: post(next(forms))

    def measured(name) -> tuple[float, float]:
        """The median seconds of ``name`` and of the shell page, measured in turns, once."""
        if name not in timings:
            action = autosaves() if name == "autosave" else (lambda: get(pages[name]))
            timings[name] = context.median_times(action, lambda: get(pages["shell"]))
        return timings[name]

    def autosave_queries():
        # A real change: sending back what is saved writes nothing.
        version, no = saved()
        return context.count_queries(lambda: post(save_form(question.number, version=version, no=not no)))

    for name in ("task_list", "competency_page"):
        yield f"{name}_queries", (lambda url=pages[name]: context.count_queries(lambda: get(url))), "queries"
    yield "autosave_queries", autosave_queries, "queries"
    for name in ("task_list", "competency_page", "autosave"):
        yield f"{name}_s", (lambda name=name: measured(name)[0]), "s"
        # Goals: at most 2, 3 and 2.
        yield f"{name}_ratio", (lambda name=name: measured(name)[0] / measured(name)[1]), ""

    reviewer = context.client_for(context.reviewer)
    review_page = reverse("assessments:review", args=[context.assessment.pk])

    def as_reviewer(url):
        response = reviewer.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")

    def review_page_ratio():
        # Measured in turns with the shell, as the reviewer too.
        page, shell = context.median_times(lambda: as_reviewer(review_page), lambda: as_reviewer(pages["shell"]))
        return page / shell

    yield "review_page_queries", lambda: context.count_queries(lambda: as_reviewer(review_page)), "queries"
    # Goal: at most 4.
    yield "review_page_ratio", review_page_ratio, ""


def save_form(number: int, *, version: int, no: bool) -> dict[str, str]:
    """The fields the competency page sends for one question: a No with its action, or a Yes."""
    fields = {
        "value": "no" if no else "yes",
        "action": "Agree a joint data-sharing protocol with the local authority" if no else "",
        "owner": "Director of Public Health" if no else "",
        "due_date_day": "31" if no else "",
        "due_date_month": "3" if no else "",
        "due_date_year": "2010" if no else "",
        "action_status": "open",
        "version": str(version),
    }
    return {f"q{number}-{name}": value for name, value in fields.items()}
