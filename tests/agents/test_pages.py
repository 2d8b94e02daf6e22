"""Customer service's pages: who may open them, the queue (oldest first, why, history, pages), decisions, notes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_cancel
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/agents/"


def page_url(return_request, action=""):
    return f"/agents/returns/{return_request.public_id}/{action + '/' if action else ''}"


def test_strangers_are_sent_to_log_in_and_other_roles_are_refused(client, store_user, warehouse_user, flagged):
    return_request = flagged()
    anonymous = client.get(QUEUE)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("agents:login"))
    for user in (store_user, warehouse_user, UserFactory(username="plain-staff", is_staff=True)):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert client.post(page_url(return_request, "approve")).status_code == 403
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.NEEDS_REVIEW


def test_the_queue_lists_returns_under_review_oldest_first_with_why_and_history(client, camille, flagged):
    older = flagged(email="Lea@Example.com")
    newer = flagged(email="lea@example.com")
    ReturnRequest.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    past = flagged(email="lea@example.com")
    return_request_cancel(return_request=past, actor=None)
    flagged(email="someone@example.com", unit_price="10.00")  # approved by the policy: not in the queue
    client.force_login(camille)

    response = client.get(QUEUE)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.return_request for row in rows] == [older, newer]
    assert rows[0].return_request.review_reason.startswith("High-value order")
    history = rows[0].history
    assert history.count == 3
    assert history.summary == "3 returns · 447.00\u00a0€"
    assert [(status, n) for status, _label, n, _text in history.outcomes] == [("needs_review", 2), ("cancelled", 1)]
    assert "High-value order" in response.content.decode()


def test_the_queue_is_paginated(client, camille, flagged):
    for _ in range(26):
        flagged()
    client.force_login(camille)

    first = client.get(QUEUE)
    second = client.get(QUEUE + "?page=2")

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 1
    assert 'rel="next"' in first.content.decode()


def test_an_agent_approves_with_a_reason_that_reaches_the_customer(client, camille, flagged):
    return_request = flagged()
    client.force_login(camille)

    response = client.post(page_url(return_request, "approve"), {"approve-reason": "Photos vérifiées."})

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.APPROVED
    event = return_request.events.latest("id")
    assert (event.actor, event.reason) == (camille, "Photos vérifiées.")
    email = OutboxMessage.objects.get(topic="return_approved")
    assert email.payload["approval_reason"] == "Photos vérifiées."
    tracking = client.get(f"/r/{return_request.public_id}/")
    assert "Photos vérifiées." in tracking.content.decode()


def test_a_rejection_needs_a_reason_and_a_second_decision_is_refused(client, camille, flagged):
    return_request = flagged()
    client.force_login(camille)

    empty = client.post(page_url(return_request, "reject"), {"reject-reason": "  "})
    rejected = client.post(page_url(return_request, "reject"), {"reject-reason": "Article porté."})
    again = client.post(page_url(return_request, "approve"), {}, follow=True)

    assert empty.status_code == 400
    assert "Say why the return is rejected." in empty.content.decode()
    assert rejected.status_code == 302
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.REJECTED
    assert "was not changed" in again.content.decode()
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.REJECTED


def test_notes_are_shown_to_agents_and_never_on_the_customer_pages(client, camille, flagged):
    return_request = flagged()
    client.force_login(camille)

    added = client.post(page_url(return_request, "notes"), {"body": "NOTE-INTERNE : appel de la cliente."})
    page = client.get(page_url(return_request))
    client.logout()
    tracking = client.get(f"/r/{return_request.public_id}/")

    assert added.status_code == 302
    assert "NOTE-INTERNE" in page.content.decode()
    assert tracking.status_code == 200
    assert "NOTE-INTERNE" not in tracking.content.decode()


def test_the_return_page_shows_lines_photos_and_events(client, camille, flagged):
    from django.core.files.base import ContentFile

    from rma.returns.models import ReturnPhoto
    from tests.core.pictures import picture

    return_request = flagged()
    line = return_request.lines.get()
    # Sent by the customer before submitting (photos are added to drafts only).
    photo = ReturnPhoto.objects.create(
        return_line=line, image=ContentFile(picture(), name="a.jpg"), content_type="image/jpeg"
    )
    client.force_login(camille)

    page = client.get(page_url(return_request))
    image = client.get(reverse("return-photo", args=(return_request.public_id, photo.pk)))

    assert page.status_code == 200
    body = page.content.decode()
    assert line.order_line.sku in body
    assert reverse("return-photo", args=(return_request.public_id, photo.pk)) in body
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert [e.to_status for e in page.context["events"]][-1] == "needs_review"
