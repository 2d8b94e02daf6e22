from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rma.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from rma.core.role_groups import role_groups_post_migrate

        # Every install has the role groups with their permissions (rma.core.role_groups).
        post_migrate.connect(role_groups_post_migrate, dispatch_uid="rma.core.role_groups")
