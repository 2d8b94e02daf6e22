"""The review API with a reason the customer reads, and internal notes: who may, and what the customer never sees."""

import pytest
from django.contrib.auth.models import Permission

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnNote, ReturnRequest
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.locations.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_review(make_return, policy):
    policy.auto_approve = False
    policy.save(update_fields=["auto_approve"])
    return make_return(submit=True)


def url(return_request, action):
    return f"/api/v1/returns/{return_request.public_id}/{action}/"


def test_an_agent_approves_with_a_reason_the_customer_is_told(agent, under_review):
    response = agent.post(url(under_review, "approve"), {"reason": "Photos vérifiées, merci !"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["timeline"][-1]["reason"] == "Photos vérifiées, merci !"
    email = OutboxMessage.objects.get(topic="return_approved", destination=under_review.contact_email)
    assert email.payload["approval_reason"] == "Photos vérifiées, merci !"


def test_an_agent_rejects_with_a_reason_and_the_email_carries_it(agent, under_review):
    response = agent.post(url(under_review, "reject"), {"reason": "Article porté."}, format="json")

    assert response.status_code == 200
    email = OutboxMessage.objects.get(topic="return_rejected", destination=under_review.contact_email)
    assert email.payload["rejection_reason"] == "Article porté."


def test_deciding_twice_is_409_and_changes_nothing(agent, under_review):
    agent.post(url(under_review, "approve"), {}, format="json")

    again = agent.post(url(under_review, "reject"), {"reason": "Trop tard"}, format="json")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    assert ReturnRequest.objects.get(pk=under_review.pk).status == ReturnStatus.APPROVED


def test_an_integration_token_reviews_only_once_given_the_permission(integration, integration_user, under_review):
    refused = integration.post(url(under_review, "approve"), {}, format="json")
    integration_user.user_permissions.add(Permission.objects.get(codename="review_returnrequest"))

    allowed = integration.post(url(under_review, "approve"), {"reason": "OK"}, format="json")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert allowed.status_code == 200


def test_notes_are_written_and_read_by_agents_and_warehouse_staff(agent, warehouse_staff, under_review):
    written = agent.post(url(under_review, "notes"), {"body": "Client appelé : tache à la livraison."}, format="json")
    by_warehouse = warehouse_staff.post(url(under_review, "notes"), {"body": "Colis abîmé."}, format="json")

    listed = warehouse_staff.get(url(under_review, "notes"))

    assert written.status_code == 201
    assert written.json()["by"] == "agent-claire"
    assert by_warehouse.status_code == 201
    assert listed.status_code == 200
    assert [note["body"] for note in listed.json()] == ["Client appelé : tache à la livraison.", "Colis abîmé."]


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "x" * 4001}])
def test_a_bad_note_is_400_with_the_error_shape(agent, under_review, body):
    response = agent.post(url(under_review, "notes"), body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not ReturnNote.objects.exists()


def test_notes_are_refused_without_the_permission_and_hidden_out_of_scope(
    store_staff, integration, nobody, under_review
):
    outsider = UserFactory(username="wh-out", roles=["warehouse_staff"])
    WarehouseFactory(code="WH-FAR", name="Far away").staff.add(outsider)
    for client in (store_staff, integration, nobody):
        assert client.get(url(under_review, "notes")).status_code == 403
        assert client.post(url(under_review, "notes"), {"body": "x"}, format="json").status_code == 403
    assert client_for(outsider).get(url(under_review, "notes")).status_code == 404
    assert not ReturnNote.objects.exists()


def test_a_note_never_reaches_the_customer_or_the_shop(agent, under_review):
    agent.post(url(under_review, "notes"), {"body": "SECRET-INTERNE"}, format="json")
    agent.post(url(under_review, "approve"), {"reason": "Bon pour retour"}, format="json")

    detail = agent.get(f"/api/v1/returns/{under_review.public_id}/")

    assert "SECRET-INTERNE" not in detail.content.decode()
    for message in OutboxMessage.objects.all():
        assert "SECRET-INTERNE" not in str(message.payload)
