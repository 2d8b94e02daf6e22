"""Where a webhook goes and what signs it, read when it is sent: the owners of signing secrets and their URLs."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from rma.notifications.exceptions import DeliveryFailed
from rma.notifications.models import OutboxMessage

# Where a webhook's signing secret (and, for owners that have one, its URL) is read, by "<app_label>.<model>" of
# the secret_ref: the model, its secret field and its URL field ("" when the URL is the one written on the row).
# Filled by the apps that own the secrets (signing_secret_owner_register, in their AppConfig.ready).
SIGNING_SECRET_OWNERS: dict[str, tuple[type[models.Model], str, str]] = {}
# Webhook destinations named by a setting rather than written as a URL (rma.warehouse.services.refunds writes
# "shop" when RMA_SHOP_WEBHOOK_URL is empty). The URL is read when sending, so a message dead-lettered because
# the setting was empty goes out once it is set and the message is replayed.
WEBHOOK_DESTINATION_SETTINGS = {"shop": "RMA_SHOP_WEBHOOK_URL"}
# Senders of the channels whose delivery another app knows how to make (channel "shop": rma.connectors), by channel:
# called with the message and the attempt number, they raise DeliveryFailed when the send failed.
ChannelSender = Callable[[OutboxMessage, int], None]
CHANNEL_SENDERS: dict[str, ChannelSender] = {}


def channel_sender_register(*, channel: str, send: ChannelSender) -> None:
    """Let `send` deliver the outbox messages of `channel` (called by the owning app's AppConfig.ready)."""
    CHANNEL_SENDERS[channel] = send


def channel_sender(channel: str) -> ChannelSender:
    """The registered sender of `channel`; a message of a channel nobody sends is dead at once."""
    send = CHANNEL_SENDERS.get(channel)
    if send is None:
        raise DeliveryFailed(f"Nothing sends {channel!r} messages (its app is not installed).", permanent=True)
    return send


def outbox_secret_ref(instance: models.Model) -> str:
    """The secret_ref naming the row whose signing secret signs a webhook, e.g. "locations.warehouse:3"."""
    return f"{instance._meta.label_lower}:{instance.pk}"


def signing_secret_owner_register(*, model: type[models.Model], field: str, url_field: str = "") -> None:
    """Let webhooks be signed with the secret in `field` of `model`'s rows (called by the owner's AppConfig.ready).

    With `url_field`, such webhooks also go to the URL in that field *when they are sent*: a message written
    before the owner's URL was corrected (and replayed after) goes to the corrected one.
    """
    SIGNING_SECRET_OWNERS[model._meta.label_lower] = (model, field, url_field)


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: str
    from_owner: bool = False  # the URL was read from the secret's owner, not from the row


def _owner_target(message: OutboxMessage) -> WebhookTarget:
    source, _sep, pk = message.secret_ref.partition(":")
    owner = SIGNING_SECRET_OWNERS.get(source.lower())
    if owner is None or not pk:
        raise DeliveryFailed(f"Unknown signing secret source {message.secret_ref!r}.", permanent=True)
    model, field, url_field = owner
    row = model._default_manager.filter(pk=pk).values(field, *([url_field] if url_field else [])).first()
    if row is None:
        raise DeliveryFailed(f"The signing secret's owner {message.secret_ref!r} no longer exists.", permanent=True)
    if not url_field:
        return WebhookTarget(url=_webhook_url(message), secret=row[field])
    if not row[url_field]:
        raise DeliveryFailed(
            f"{message.secret_ref} has no webhook URL any more: set one, then replay the message.", permanent=True
        )
    return WebhookTarget(url=row[url_field], secret=row[field], from_owner=True)


def webhook_target(message: OutboxMessage) -> WebhookTarget:
    """Where a webhook message goes and the secret that signs it, both read now from the current configuration.

    The owner named by ``secret_ref`` (a warehouse) gives its current URL and secret; a destination named by a
    setting ("shop") gives the setting's URL; otherwise the URL written on the row.
    """
    if message.secret_ref:
        return _owner_target(message)
    return WebhookTarget(url=_webhook_url(message), secret=settings.RMA_WEBHOOK_SECRET)


def _webhook_url(message: OutboxMessage) -> str:
    setting = WEBHOOK_DESTINATION_SETTINGS.get(message.destination)
    if setting is None:
        return message.destination
    url = getattr(settings, setting)
    if not url:
        raise DeliveryFailed(
            f"{setting} is not set: nowhere to send {message.destination!r} webhooks; set it, then replay.",
            permanent=True,
        )
    return url
