from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rma.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from rma.core.images import decoders_configure

        decoders_configure()

        # The `any` lookup on every field (rma.core.queries.AnyOf), registered when its module is imported.
        import rma.core.queries  # noqa: F401
        from rma.core.role_groups import role_groups_post_migrate

        # Every install has the role groups with their permissions (rma.core.role_groups).
        post_migrate.connect(role_groups_post_migrate, dispatch_uid="rma.core.role_groups")

        # Every process that runs Django publishes tasks with the project's Celery app (broker, queues, routes):
        # load it now that the entry point has chosen the settings (see returns_portal/__init__.py).
        import returns_portal.celery  # noqa: F401
