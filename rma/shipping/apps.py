from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "rma.shipping"
    label = "shipping"
    verbose_name = _("Shipping")

    def ready(self) -> None:
        from rma.returns import reactions
        from rma.shipping.reactions import label_follows_return, return_tracking_number
        from rma.shipping.services import accounts  # noqa: F401 - its reference memo watches from now on

        reactions.register(label_follows_return)
        reactions.provide(tracking_number=return_tracking_number)
