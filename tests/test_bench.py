"""``bench``: every figure as ``name: value unit``, in a database of its own."""

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import nullcontext
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from devtools import bench
from devtools.management.commands import bench as bench_command

FIGURE = re.compile(r"[a-z_]+: [0-9.]+( \S+)?")
ASSESSMENT_FIGURES = {
    *(f"{page}_{figure}" for page in ("task_list", "competency_page", "autosave")
      for figure in ("queries", "s", "ratio")),
    "review_page_queries", "review_page_ratio",
}
MANAGE = Path(settings.BASE_DIR) / "manage.py"


def figures(text: str) -> dict[str, str]:
    lines = text.strip().splitlines()
    assert lines and all(FIGURE.fullmatch(line) for line in lines), lines
    return dict(line.split(": ", 1) for line in lines)


@pytest.mark.django_db
def test_every_figure_of_every_app_on_the_test_database():
    out, err = StringIO(), StringIO()

    failures = bench.measure(out=out, err=err, national=False, quick=True, repeat=2)

    assert (failures, err.getvalue()) == (0, "")
    printed = figures(out.getvalue())
    assert set(printed) >= ASSESSMENT_FIGURES
    assert printed["task_list_queries"].endswith(" queries")
    assert re.fullmatch(r"[0-9.]+", printed["competency_page_ratio"])  # a ratio has no unit
    # The national calibration page as the admin, its figures drawn (not yet
    # cached): as pinned in test_calibration_pages, and the latest cycle.
    assert printed["calibration_queries"] == "12 queries"
    # The board paper's length: a body of at most 12 pages, then the annexes.
    assert printed["pdf_first_s"].endswith(" s")
    body, annexes = (int(printed[f"pdf_pages_{part}"].removesuffix(" pages")) for part in ("body", "annexes"))
    assert 3 <= body <= 12 and annexes > 0
    assert "calibration_ratio" not in printed  # measured only at England's scale


@pytest.mark.django_db
def test_the_context_gives_what_figures_need():
    context = bench.build_context(national=False, quick=True, repeat=2)

    assert context.board_member.membership.organisation == context.assessment.pct == context.draft.pct
    assert context.reviewer.membership.organisation == context.assessment.pct.sha
    assert context.admin.is_staff
    assert context.assessment.status == "submitted" and context.draft.status == "draft"
    for assessment in (context.assessment, context.draft):
        assert assessment.answers.count() == 112
        assert not assessment.answers.filter(value="").exists()
        assert not assessment.answers.filter(value="no", action="").exists()
    assert context.assessment.reviews.count() == 11
    client = context.client_for(context.board_member)
    assert client.get(f"/assessments/{context.assessment.pk}/", secure=True).status_code == 200
    assert context.count_queries(lambda: list(context.draft.answers.all())) == 1
    assert context.median_time(lambda: None, repeat=50) >= 0  # --quick caps the repeats
    assert len(context.median_times(lambda: None, lambda: None)) == 2


def test_a_failing_figure_is_reported_and_the_others_still_run(monkeypatch):
    def good(context):
        yield "first_s", 0.012345, "s"
        yield "broken_ratio", lambda: 1 / 0, ""
        yield "last_queries", lambda: 7, "queries"

    def dies(context):
        yield "early_ratio", 1.5, ""
        raise RuntimeError("the page is not there yet")

    modules = [("good", SimpleNamespace(figures=good)), ("dies", SimpleNamespace(figures=dies)),
               ("missing", ImportError("cannot import name 'render_pdf'"))]
    monkeypatch.setattr(bench, "benchmark_modules", lambda only=None: iter(modules))
    out, err = StringIO(), StringIO()

    failures = bench.run_figures(SimpleNamespace(), out=out, err=err)

    assert failures == 3
    assert out.getvalue().splitlines() == ["first_s: 0.0123 s", "last_queries: 7 queries", "early_ratio: 1.50"]
    errors = err.getvalue().splitlines()
    assert errors[0] == "broken_ratio: error ZeroDivisionError: division by zero"
    assert errors[1] == ("dies: error in devtools.benchmarks.dies, after early_ratio: "
                         "RuntimeError: the page is not there yet")
    assert errors[2].startswith("missing: error importing devtools.benchmarks.missing: ImportError")


def test_the_command_exits_non_zero_when_a_figure_fails(monkeypatch):
    monkeypatch.setattr(bench_command, "throwaway_database", lambda **kwargs: nullcontext())
    monkeypatch.setattr(bench_command, "measure", lambda **kwargs: 1)

    with pytest.raises(CommandError, match="1 figure"):
        call_command("bench", "--quick", stdout=StringIO(), stderr=StringIO())


def test_unknown_apps_are_refused():
    with pytest.raises(CommandError, match="No app called nonsense"):
        call_command("bench", "--only", "nonsense")


def test_the_product_is_measured_not_the_tooling():
    apps = "the apps are competencies, assessments, reports"
    with pytest.raises(CommandError, match=f"No app called devtools here; {apps}"):
        call_command("bench", "--only", "devtools")


@pytest.mark.parametrize(("value", "unit", "text"), [
    (9, "queries", "9"),
    (12.0, "queries", "12"),
    (0.0123456, "s", "0.0123"),
    (1.23456, "s", "1.23"),
    (183.4, "MB", "183"),
    (3.14159, "", "3.14"),
    (0.45, "", "0.45"),
    (0.0023456, "", "0.0023"),
])
def test_values_are_printed_sensibly(value, unit, text):
    assert bench.format_value(value, unit) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, "fast", None, True])
def test_values_that_are_not_figures_are_errors(value):
    with pytest.raises((TypeError, ValueError)):
        bench.format_value(value, "s")


def _sqlite_with_data(path: Path) -> str:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE precious (note TEXT)")
        db.execute("INSERT INTO precious VALUES ('real data, not to be touched')")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_command_leaves_the_configured_database_alone(tmp_path):
    database = tmp_path / "site.sqlite3"
    before = _sqlite_with_data(database)
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL"}}
    env.update(DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="bench-test-secret-key")

    result = subprocess.run(
        [sys.executable, str(MANAGE), "bench", "--quick", "--only", "assessments"],
        env=env, capture_output=True, text=True, timeout=300, cwd=settings.BASE_DIR,
    )

    assert result.returncode == 0, result.stderr
    assert set(figures(result.stdout)) == ASSESSMENT_FIGURES
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.sqlite3"]
