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
        from rma.returns.customer_history import inspection_signals_provide
        from rma.warehouse.customer_signals import inspection_signals_for_returns
        from rma.warehouse.reactions import (
            refund_follows_returnless_approval,
            return_exchange_lines,
            return_refund,
            return_store_credit,
        )
        from rma.warehouse.services.credits import store_credit_issue_on_handover, store_credits_issue_on_handover

        # A returnless refund is released right after the approval (a store-credit one issues its credit then).
        reactions.register(refund_follows_returnless_approval)
        # A store-credit return gets its credit at handover when the policy says so.
        reactions.register(store_credit_issue_on_handover, many=store_credits_issue_on_handover)
        reactions.provide(refund=return_refund, exchange_lines=return_exchange_lines, store_credit=return_store_credit)
        role_home_register(role=roles.WAREHOUSE_STAFF, url_name="warehouse:board")
        # A customer's history counts what the inspections found in their returns (worn or used, item missing).
        inspection_signals_provide(inspection_signals_for_returns)
