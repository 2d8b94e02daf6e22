from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "rma.shipping"
    label = "shipping"
    verbose_name = _("Shipping")

    def ready(self) -> None:
        from rma.returns.signals import return_status_changed
        from rma.shipping.receivers import return_status_changed_received

        return_status_changed.connect(
            return_status_changed_received, dispatch_uid="rma.shipping.return_status_changed_received"
        )
