"""WSGI entry point (gunicorn ``xinan.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.settings")
application = get_wsgi_application()
