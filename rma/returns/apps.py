from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "rma.returns"
    label = "returns"
    verbose_name = _("Returns")

    def ready(self) -> None:
        from rma.returns import policy, reactions, selectors  # noqa: F401 - their reference memos watch from now on
        from rma.returns.messages import return_status_changed_messages, return_status_changed_messages_many

        # Outbox messages for each status change (customer emails, warehouse notices).
        reactions.register(return_status_changed_messages, many=return_status_changed_messages_many)
