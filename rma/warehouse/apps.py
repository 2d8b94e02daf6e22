from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarehouseConfig(AppConfig):
    name = "rma.warehouse"
    label = "warehouse"
    verbose_name = _("Warehouse")

    def ready(self) -> None:
        from rma.core import roles
        from rma.core.views import role_home_register
        from rma.returns import reactions
        from rma.warehouse.reactions import refund_follows_returnless_approval, return_exchange_lines, return_refund

        # A returnless refund is released right after the approval.
        reactions.register(refund_follows_returnless_approval)
        reactions.provide(refund=return_refund, exchange_lines=return_exchange_lines)
        role_home_register(role=roles.WAREHOUSE_STAFF, url_name="warehouse:board")
