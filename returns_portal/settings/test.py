"""Test settings: only speed switches; the services are the real ones."""

from returns_portal.settings.base import *  # noqa: F403
from returns_portal.settings.base import DATABASES, env

DEBUG = False
# The demo data: its tests, and the demo shop catalogue the exchange tests rely on.
INSTALLED_APPS = [*INSTALLED_APPS, "rma.demo"]  # noqa: F405
# Offer the demo catalogue's sizes and colours for exchanges, not only those seen in orders.
RMA_SHOP_CLIENT = "rma.demo.shop.DemoShopClient"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test process its own memory, cleared by the tests that count on it. A process that a test starts beside
# others (tests/cluster) is given RMA_TEST_CACHE_URL: the Redis cache they all share, as production processes do.
RMA_TEST_CACHE_URL = env("RMA_TEST_CACHE_URL", default="")
if RMA_TEST_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": RMA_TEST_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The default storage stays base's: the local folder, or the bucket RMA_S3_BUCKET names (tests/objectstore.py).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
