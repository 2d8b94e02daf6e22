"""ASGI entry point: production settings unless DJANGO_SETTINGS_MODULE is set.

Production refuses to start without DJANGO_SECRET_KEY and never turns DEBUG on (returns_portal/__init__.py lists
what each entry point picks).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returns_portal.settings.production")

application = get_asgi_application()
