"""The outbox admin: a support tool to see failures and replay, never a way to edit a message."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from rma.notifications.choices import OutboxStatus
from rma.notifications.destinations import outbox_secret_ref
from rma.notifications.models import OutboxMessage
from rma.notifications.outbox import outbox_enqueue
from rma.notifications.services import outbox_message_deliver
from tests.core.factories import UserFactory
from tests.notifications.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_outboxmessage_changelist")


@pytest.fixture
def dead_and_delivered(notified_warehouse, receiver):
    def make(key: str) -> OutboxMessage:
        return outbox_enqueue(
            channel="webhook",
            topic="return.approved",
            destination=receiver.url("/hooks/wh-idf"),
            payload={"event": "return.approved", "rma_number": key},
            dedupe_key=key,
            secret_ref=outbox_secret_ref(notified_warehouse),
        )

    dead, delivered = make("R-DEAD-0001"), make("R-SENT-0001")
    receiver.answer(410)
    outbox_message_deliver(message_id=dead.pk)
    outbox_message_deliver(message_id=delivered.pk)
    dead.refresh_from_db()
    delivered.refresh_from_db()
    assert (dead.status, delivered.status) == (OutboxStatus.DEAD, OutboxStatus.DELIVERED)
    return dead, delivered


def test_the_list_filters_by_status_and_finds_keys_and_delivery_ids(admin_client, dead_and_delivered):
    dead, delivered = dead_and_delivered
    page = admin_client.get(CHANGELIST, {"status__exact": "dead"}).content.decode()
    assert "R-DEAD-0001" not in page  # the key is not a column…
    assert "HTTP 410" in page  # …but the error is
    assert admin_client.get(CHANGELIST, {"status__exact": "dead"}).context["cl"].result_count == 1
    assert admin_client.get(CHANGELIST, {"q": "R-SENT-0001"}).context["cl"].result_count == 1
    found = admin_client.get(CHANGELIST, {"q": str(dead.delivery_id)}).context["cl"].result_list
    assert [m.pk for m in found] == [dead.pk]
    assert admin_client.get(CHANGELIST, {"channel__exact": "email"}).context["cl"].result_count == 0


def test_the_page_of_a_dead_message_shows_why_and_offers_replay(admin_client, dead_and_delivered):
    dead, delivered = dead_and_delivered
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[dead.pk])).content.decode()
    assert "attempt 1: HTTP 410" in page
    assert "&quot;rma_number&quot;: &quot;R-DEAD-0001&quot;" in page
    assert reverse("admin:notifications_outboxmessage_replay", args=[dead.pk]) in page
    assert 'name="_save"' not in page  # read-only: a saved form could overwrite a worker's status
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[delivered.pk])).content.decode()
    assert reverse("admin:notifications_outboxmessage_replay", args=[delivered.pk]) not in page


def test_the_replay_action_sends_dead_messages_again_and_refuses_delivered_ones(
    admin_client, dead_and_delivered, receiver, django_capture_on_commit_callbacks
):
    dead, delivered = dead_and_delivered
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {"action": "replay", "_selected_action": [dead.pk, delivered.pk]},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    texts = [str(m) for m in response.context["messages"]]
    assert "1 message is pending again and was handed to the workers." in texts
    assert any("already delivered" in text for text in texts)
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (OutboxStatus.DELIVERED, 1)
    assert [hit.answered for hit in receiver.hits] == [410, 200, 200]  # dead, delivered, replayed


def test_the_replay_button(admin_client, dead_and_delivered, django_capture_on_commit_callbacks):
    dead, _ = dead_and_delivered
    url = reverse("admin:notifications_outboxmessage_replay", args=[dead.pk])
    assert admin_client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:notifications_outboxmessage_change", args=[dead.pk])
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.DELIVERED


def test_nobody_adds_or_deletes_messages(admin_client, dead_and_delivered):
    assert admin_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403
    actions = (
        admin_client.get(CHANGELIST).context["cl"].model_admin.get_actions(admin_client.get(CHANGELIST).wsgi_request)
    )
    assert set(actions) == {"replay"}


def test_viewers_cannot_replay(client, dead_and_delivered):
    dead, _ = dead_and_delivered
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(viewer)
    assert client.get(CHANGELIST).status_code == 200
    assert client.post(reverse("admin:notifications_outboxmessage_replay", args=[dead.pk])).status_code == 403
    response = client.post(CHANGELIST, {"action": "replay", "_selected_action": [dead.pk]})
    dead.refresh_from_db()
    assert dead.status == OutboxStatus.DEAD
    assert response.status_code in (200, 302)


def test_a_replay_after_the_warehouse_url_was_corrected_goes_to_the_corrected_url(
    admin_client, notified_warehouse, receiver, django_capture_on_commit_callbacks
):
    """The approval went to a wrong URL (the receiver there answers 404: dead-lettered). The operator corrects the
    warehouse's URL, and its secret with it, then replays: the webhook goes to the new place, signed with the new
    secret, with the delivery id it always had."""
    message = outbox_enqueue(
        channel="webhook",
        topic="return.approved",
        destination=notified_warehouse.notify_webhook_url,
        payload={"event": "return.approved", "rma_number": "R-MOVED-0001"},
        dedupe_key="R-MOVED-0001",
        secret_ref=outbox_secret_ref(notified_warehouse),
    )
    receiver.answer(404)
    outbox_message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.DEAD

    with WebhookReceiver(secret="whsec_corrected_77") as corrected:
        notified_warehouse.notify_webhook_url = corrected.url("/rma/events")
        notified_warehouse.notify_webhook_secret = "whsec_corrected_77"
        notified_warehouse.save(update_fields=["notify_webhook_url", "notify_webhook_secret", "updated_at"])
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(CHANGELIST, {"action": "replay", "_selected_action": [message.pk]})

        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 1)
        assert [(hit.path, hit.answered) for hit in receiver.hits] == [("/hooks/wh-idf", 404)]  # nothing more there
        [hit] = corrected.hits
        assert (hit.path, hit.signature_valid, hit.answered) == ("/rma/events", True, 200)
        assert hit.delivery_id == str(message.delivery_id)
        assert message.destination == corrected.url("/rma/events")  # the admin shows where it really went
