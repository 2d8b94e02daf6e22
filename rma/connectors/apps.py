from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "rma.connectors"
    label = "connectors"
    verbose_name = _("Shop connections")

    def ready(self) -> None:
        from rma.connectors.money import shop_call_send, shop_calls_follow_return, shop_calls_follow_returns
        from rma.connectors.orders_in import order_connection_warehouse
        from rma.connectors.stock import connection_shop_client
        from rma.integrations.shop import shop_client_provider_register
        from rma.notifications.destinations import channel_sender_register
        from rma.returns import reactions
        from rma.returns.drop_offs import order_warehouse_provide

        # A refund or a store credit released for an order that came from a shop is created in that shop.
        reactions.register(shop_calls_follow_return, many=shop_calls_follow_returns)
        channel_sender_register(channel="shop", send=shop_call_send)
        # Exchanges read variants and stock from the platform the order came from.
        shop_client_provider_register(connection_shop_client)
        # The returns of a shop's orders go to the connection's default warehouse (unless dropped at a shop).
        order_warehouse_provide(order_connection_warehouse)
