"""Error reports to Sentry (or a compatible server such as GlitchTip) when SENTRY_DSN is set; nothing otherwise."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def sentry_init(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float) -> bool:
    """Called from the settings; returns whether a client was configured.

    Personal data (cookies, user ids, IP addresses, bodies) stays out: that is the SDK's default, left untouched.
    """
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    return True
