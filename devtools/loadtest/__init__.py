"""What ``manage.py loadtest`` runs besides gunicorn: the script that prepares
its database, and wrk with its Lua script and the reading of its output."""
