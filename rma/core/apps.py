from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rma.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from rma.core.images import decoders_configure

        decoders_configure()
