"""WSGI entry point for production servers (`granian --interface wsgi maillage.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
application = get_wsgi_application()
