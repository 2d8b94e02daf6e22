from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The customer's pages: find an order, return items step by step, then follow the return."""

    name = "rma.portal"
    label = "portal"
    verbose_name = _("Customer portal")
