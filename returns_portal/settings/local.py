"""Development settings: `make run`."""

from returns_portal.settings.base import *  # noqa: F403
from returns_portal.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
