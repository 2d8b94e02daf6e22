from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocationsConfig(AppConfig):
    name = "rma.locations"
    label = "locations"
    verbose_name = _("Locations")

    def ready(self) -> None:
        from rma.locations import selectors  # noqa: F401 - its reference memo watches from now on
        from rma.locations.models import Warehouse
        from rma.notifications.destinations import signing_secret_owner_register

        # A warehouse's webhooks go to its current URL, signed with its current secret (read when sending).
        signing_secret_owner_register(model=Warehouse, field="notify_webhook_secret", url_field="notify_webhook_url")
