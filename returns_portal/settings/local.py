"""Development settings: `make run`."""

from returns_portal.settings.base import *  # noqa: F403
from returns_portal.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Demo data and `manage.py seed_demo` (what `make run` loads); production does not install them.
INSTALLED_APPS = [*INSTALLED_APPS, "rma.demo"]  # noqa: F405
# Offer the demo catalogue's sizes and colours for exchanges, not only those seen in orders.
RMA_SHOP_CLIENT = "rma.demo.shop.DemoShopClient"
