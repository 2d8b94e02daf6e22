"""Internal notes on the warehouse's return page: the agents' notes are there, and operators add their own."""

import pytest
from django.urls import reverse

from rma.returns.notes import return_note_add
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_operator_reads_the_agents_notes_and_adds_one(client, operator, make_return):
    return_request = make_return()
    agent = UserFactory(username="camille", roles=["agent"])
    return_note_add(return_request=return_request, author=agent, body="Client prévenu : colis abîmé au départ.")
    client.force_login(operator)
    page_url = reverse("warehouse:return", kwargs={"public_id": return_request.public_id})

    page = client.get(page_url)
    added = client.post(
        reverse("warehouse:return-note-add", kwargs={"public_id": return_request.public_id}),
        {"body": "Carton ouvert."},
    )
    empty = client.post(
        reverse("warehouse:return-note-add", kwargs={"public_id": return_request.public_id}), {"body": " "}
    )

    assert "Client prévenu : colis abîmé au départ." in page.content.decode()
    assert added.status_code == 302
    assert [(n.author_label, n.body) for n in return_request.notes.all()] == [
        ("camille", "Client prévenu : colis abîmé au départ."),
        ("alice", "Carton ouvert."),
    ]
    assert empty.status_code == 302
    assert return_request.notes.count() == 2


def test_an_operator_of_another_warehouse_cannot_add_a_note(client, outsider, make_return):
    return_request = make_return()
    client.force_login(outsider)

    response = client.post(
        reverse("warehouse:return-note-add", kwargs={"public_id": return_request.public_id}), {"body": "x"}
    )

    assert response.status_code == 404
    assert not return_request.notes.exists()
