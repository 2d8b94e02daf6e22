from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "rma.returns"
    label = "returns"
    verbose_name = _("Returns")

    def ready(self) -> None:
        # Outbox messages for each status change (customer emails, warehouse notices).
        from rma.returns import messages  # noqa: F401
