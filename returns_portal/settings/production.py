"""Production settings: security hardening only, driven by the environment."""

from django.core.exceptions import ImproperlyConfigured

from returns_portal.ops.logs import logging_config
from returns_portal.settings.base import *  # noqa: F403
from returns_portal.settings.base import INSECURE_DEV_SECRET_KEY, env

# Never a debug page: DJANGO_DEBUG is not read here.
DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY.strip() or SECRET_KEY == INSECURE_DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: the production settings refuse to start without a secret key of their own. "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# JSON log lines for the log collector, unless RMA_LOG_FORMAT says otherwise.
RMA_LOG_FORMAT = env("RMA_LOG_FORMAT", default="json")
LOGGING = logging_config(log_format=RMA_LOG_FORMAT, level=env("DJANGO_LOG_LEVEL", default="INFO"))
