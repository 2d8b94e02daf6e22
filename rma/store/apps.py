from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreConfig(AppConfig):
    name = "rma.store"
    label = "store"
    verbose_name = _("Shop")

    def ready(self) -> None:
        from rma.core import roles
        from rma.core.views import role_home_register

        role_home_register(role=roles.STORE_STAFF, url_name="store:counter")
