from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Reports on returns for admins, agents and site managers: what returns emit, and (next) why and what they
    cost."""

    name = "rma.insights"
    label = "insights"
    verbose_name = _("Insights")
