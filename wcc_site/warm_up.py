"""Load before the first request what a new process would otherwise load
during it.

A fresh gunicorn worker's first requests were 0.2 to 0.45 s where the same
pages take 10 to 45 ms after: the URL configuration imports every view
module (about 0.2 s), its reverse lookups are built (60 ms), and each page's
templates are compiled. Workers are replaced after ``max_requests``; done in
the master before it forks them (``preload_app`` in ``gunicorn_conf.py``),
this is done once and the workers share it.

Nothing here touches the database: a connection opened before the fork
would be shared by every worker.
"""

from pathlib import Path

from django.template import engines
from django.urls import get_resolver


def warm_up() -> list[str]:
    """Import the views, build the URL lookups, and compile the project's
    own templates (its ``templates/`` folder) into the cached loader: the
    names of the templates compiled."""
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 - a property that imports the views and builds the lookups
    engine = engines["django"]
    names = []
    for folder in map(Path, engine.dirs):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt"}:
                name = path.relative_to(folder).as_posix()
                engine.get_template(name)
                names.append(name)
    return names
