from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rma.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every process that runs Django publishes tasks with the project's Celery app (broker, queues, routes):
        # load it now that the entry point has chosen the settings (see returns_portal/__init__.py).
        import returns_portal.celery  # noqa: F401
