"""``python -m devtools.loadtest``: prepare the load test's database and print,
on one line, the assessment's pk and the board member's and admin's session keys."""

import django

django.setup()

# Only now: the preparation imports the models, which need Django set up.
from devtools.loadtest.prepare import prepare  # noqa: E402

print(*prepare())
