"""Figures of the assessments app for ``manage.py bench``: the answering page,
saving one answer, and the reviewer's worksheet.

Goals: ``answer_page_ratio`` at most 4 (the whole 112-question page costs no
more than four times the site's bare shell); ``answer_save_queries`` at most 6;
``review_page_ratio`` at most 4 (the worksheet of 11 competencies, with every
No, action and evidence reference and the reviewer's 11 levels, likewise).
"""

from collections.abc import Iterator
from itertools import count

from django.urls import reverse

from devtools.bench import BenchContext

# The question the save figures change: the first of the checklist.
QUESTION = 1


def figures(context: BenchContext) -> Iterator[tuple[str, object, str]]:
    client = context.client_for(context.board_member)
    draft = context.draft
    answer_page = reverse("assessments:answer", args=[draft.pk])
    # The simplest logged-in page of the site: "Your password has been
    # changed". It costs what every page costs (middleware, session, user,
    # the base template) and nothing more.
    shell_page = reverse("password_change_done")
    save_url = reverse("assessments:save_answer", args=[draft.pk, QUESTION])
    timings = {}

    def get(url):
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
        return response

    def post(data):
        # As the page's htmx sends it when an answer changes.
        response = client.post(save_url, data, secure=True, headers={"HX-Request": "true"})
        if response.status_code != 200:
            raise RuntimeError(f"POST {save_url} answered {response.status_code}, not 200")
        return response

    def saved() -> tuple[int, bool]:
        """The answer's version, and whether it is a No."""
        version, value = draft.answers.values_list("version", "value").get(question__number=QUESTION)
        return version, value == "no"

    def answer_page_s():
        # Measured in turns with the shell, for the ratio.
        timings["page"], timings["shell"] = context.median_times(
            lambda: get(answer_page), lambda: get(shell_page)
        )
        return timings["page"]

    def answer_page_ratio():
        if "page" not in timings:
            answer_page_s()
        return timings["page"] / timings["shell"]

    def answer_save_queries():
        # A real change: sending back what is saved writes nothing.
        version, no = saved()
        data = save_form(version=version, no=not no)
        return context.count_queries(lambda: post(data))

    def answer_save_s():
        # Every save changes the answer (No, Yes, No...) and so raises its
        # version by one: each form carries the next version.
        version, no = saved()
        forms = (save_form(version=version + i, no=(not no) ^ (i % 2 == 1)) for i in count())
        return context.median_time(lambda: post(next(forms)))

    reviewer = context.client_for(context.reviewer)
    review_page = reverse("assessments:review", args=[context.assessment.pk])

    def as_reviewer(url):
        response = reviewer.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")

    def review_page_ratio():
        # Measured in turns with the shell, as the reviewer too.
        page, shell = context.median_times(lambda: as_reviewer(review_page), lambda: as_reviewer(shell_page))
        return page / shell

    yield "answer_page_queries", lambda: context.count_queries(lambda: get(answer_page)), "queries"
    yield "answer_page_s", answer_page_s, "s"
    # Goal: at most 4.
    yield "answer_page_ratio", answer_page_ratio, ""
    # Goal: at most 6.
    yield "answer_save_queries", answer_save_queries, "queries"
    yield "answer_save_s", answer_save_s, "s"
    yield "review_page_queries", lambda: context.count_queries(lambda: as_reviewer(review_page)), "queries"
    # Goal: at most 4.
    yield "review_page_ratio", review_page_ratio, ""


def save_form(*, version: int, no: bool) -> dict[str, str]:
    """The fields the answering page sends for question 1: a No with its action, or a Yes."""
    fields = {
        "value": "no" if no else "yes",
        "action": "Agree a joint data-sharing protocol with the local authority" if no else "",
        "owner": "Director of Public Health" if no else "",
        "due_date": "2010-03-31" if no else "",
        "action_status": "open",
        "version": str(version),
    }
    return {f"q{QUESTION}-{name}": value for name, value in fields.items()}
