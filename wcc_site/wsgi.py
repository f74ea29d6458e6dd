"""
WSGI config for wcc_site project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from wcc_site.warm_up import warm_up

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'wcc_site.settings')

application = get_wsgi_application()

warm_up()
