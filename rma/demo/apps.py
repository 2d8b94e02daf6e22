from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and ``seed_demo``: installed by the local and test settings only, never in production."""

    name = "rma.demo"
    label = "demo"
    verbose_name = _("Demo")
