"""The project package. It chooses no settings: each entry point does, before Django or Celery starts.

- `wsgi.py`, `asgi.py` (gunicorn, uvicorn): `returns_portal.settings.production` unless DJANGO_SETTINGS_MODULE says
  otherwise; it refuses to start without DJANGO_SECRET_KEY.
- `manage.py` (`make run`, commands) and `celery -A returns_portal` (`celery.py`): `returns_portal.settings.local`
  unless DJANGO_SETTINGS_MODULE says otherwise.
- pytest: `returns_portal.settings.test` (pyproject.toml).

The Celery app used to be imported here, and with it celery.py's default of the local settings: then any import of
the package, `returns_portal.wsgi` included, ran the development settings with DEBUG on. The web processes load the
Celery app once Django is set up instead (rma.core's AppConfig.ready), and `celery -A returns_portal` finds
`returns_portal.celery` on its own.
"""
