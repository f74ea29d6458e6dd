"""A new process loads before its first request what that request would
otherwise load: the views, the URL lookups and the project's templates."""

from pathlib import Path

from django.conf import settings
from django.template import engines

from wcc_site.warm_up import warm_up


def test_every_template_of_the_project_is_compiled_without_the_database():
    # No ``db`` fixture: pytest-django fails any query, since a connection
    # opened in gunicorn's master would be shared by the workers it forks.
    names = warm_up()

    folder = settings.BASE_DIR / "templates"
    on_disk = {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}
    on_disk |= {path.relative_to(folder).as_posix() for path in folder.rglob("*.txt")}
    assert set(names) == on_disk
    cached = engines["django"].engine.template_loaders[0].get_template_cache
    assert on_disk <= set(cached)
    assert "reports/report.html" in names and "emails/submitted.txt" in names


def test_gunicorn_warms_the_site_once_before_it_forks_its_workers():
    conf = {}
    exec(Path(settings.BASE_DIR / "wcc_site" / "gunicorn_conf.py").read_text(), conf)

    assert conf["preload_app"] is True
    assert conf["max_requests_jitter"] >= conf["max_requests"] / 2
