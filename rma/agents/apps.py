from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    """Customer service's pages: the review queue, a return's page, decisions and internal notes."""

    name = "rma.agents"
    label = "agents"
    verbose_name = _("Customer service")

    def ready(self) -> None:
        from rma.core import roles
        from rma.core.views import role_home_register

        role_home_register(role=roles.AGENT, url_name="agents:queue")
