"""Development settings: `make run`."""

from returns_portal.settings.base import *  # noqa: F403
from returns_portal.settings.base import ALLOWED_HOSTS, env

# Debug pages show code, settings and data to whoever sees them: on (unless DJANGO_DEBUG=false) only while the site
# answers to this machine alone. `make run` serves 127.0.0.1; serving others (HOST=0.0.0.0 and DJANGO_ALLOWED_HOSTS)
# turns DEBUG off, whatever DJANGO_DEBUG says.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DEBUG = env.bool("DJANGO_DEBUG", default=True) and set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS
# Static files straight from the sources, DEBUG or not (no collectstatic in development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Demo data and `manage.py seed_demo` (what `make run` loads); production does not install them.
INSTALLED_APPS = [*INSTALLED_APPS, "rma.demo"]  # noqa: F405
# Offer the demo catalogue's sizes and colours for exchanges, not only those seen in orders.
RMA_SHOP_CLIENT = "rma.demo.shop.DemoShopClient"
