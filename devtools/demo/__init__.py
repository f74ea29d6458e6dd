"""Demo data: England's SHAs and PCTs of 2008, demo logins, and assessments in
every state, built the way the application itself builds them.

``demo_set`` is what ``manage.py seed_demo`` loads; ``national`` adds
England's scale for the bench and the load test. ``england`` and ``people``
are the organisations and logins they share, ``answers`` and ``reviews`` how
a PCT answers and how a reviewer responds.
"""
