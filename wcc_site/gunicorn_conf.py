"""gunicorn settings: ``gunicorn -c wcc_site/gunicorn_conf.py wcc_site.wsgi``.

Each value can be overridden from the environment, e.g. WEB_CONCURRENCY=4.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The national exports are the slowest requests (about a second; PDFs are
# rendered by task workers): give them room, but not forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The master loads and warms the site (wsgi.py) before it forks the
# workers, so a worker that replaces another serves its first requests as
# fast as the rest, not 0.2 to 0.45 s slower. A code change therefore needs a
# restart of gunicorn, not a HUP.
preload_app = True
# Each worker is replaced after 10,000 to 15,000 requests: a guard against
# memory that grows, which measured none (96 MB each after 3,000 requests of
# every page). Replaced more often, workers lose their caches for little; the
# wide jitter keeps two workers that share the load evenly from being
# replaced at the same moment, as they were within a second of each other
# with 1,000 and a jitter of 100.
max_requests = 10_000
max_requests_jitter = 5_000
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s, "remote": "%(h)s"}'
)
errorlog = "-"
