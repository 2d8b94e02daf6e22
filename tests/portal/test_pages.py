"""Pages after the journey (confirmation, tracking, status), language, errors and the label guard."""

import pytest
from django.test import Client
from django.urls import reverse

from rma.portal.labels import label_context
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_transition
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.portal.helpers import confirm, lookup, text, through_drop_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def return_request(client, world) -> ReturnRequest:
    through_drop_off(client, world)
    confirm(client)
    return ReturnRequest.objects.get()


def test_tracking_shows_the_timeline_and_what_comes_next(return_request):
    page = text(Client().get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id})))
    assert return_request.rma_number in page
    assert "Accepté" in page
    assert "En route" in page
    assert "Remboursé" in page
    assert "Tabac de la Guillotière" in page
    assert reverse("portal:cancel", kwargs={"public_id": return_request.public_id}) in page


def test_a_rejection_shows_its_reason_but_internal_notes_stay_hidden(world):
    client = Client()
    world.policy.auto_approve = False
    world.policy.save()
    through_drop_off(client, world)
    confirm(client)
    return_request = ReturnRequest.objects.get()
    assert return_request.status == ReturnStatus.NEEDS_REVIEW
    done = text(client.get(reverse("portal:confirmation", kwargs={"public_id": return_request.public_id})))
    assert "Nous examinons votre retour" in done
    assert "Every return is reviewed" not in done
    assert "chaque retour est examiné" not in done
    return_request_transition(return_request=return_request, to=ReturnStatus.REJECTED, note="Worn and washed.")
    page = text(Client().get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id})))
    assert "Worn and washed." in page
    assert "Refusé" in page


def test_the_status_endpoint_reports_the_label(return_request):
    data = Client().get(reverse("portal:status", kwargs={"public_id": return_request.public_id})).json()
    assert data["status"] == return_request.status
    assert data["label"] in ("pending", "ready")
    assert set(data) == {"status", "status_label", "label"}  # nothing personal


def test_the_label_part_works_without_the_labels_app(return_request, settings):
    settings.ROOT_URLCONF = "tests.portal.urls_without_labels"
    context = label_context(return_request)
    assert context["label_url"] is None
    page = Client().get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id}))
    assert page.status_code == 200


def test_the_browser_language_is_the_default_and_the_switch_sticks(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Return an item" in text(client.get("/"))
    assert "Retourner un article" in text(Client().get("/"))  # French by default
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert "Retourner un article" in text(client.get("/"))


def test_an_unknown_page_gets_the_branded_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)
    assert "Maison Lumière" in text(response)


def test_pages_are_not_cached_and_carry_no_personal_data_in_headers(client, world):
    lookup(client)
    response = client.get(reverse("portal:items"))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_customer_gets_an_email_with_the_tracking_link(django_capture_on_commit_callbacks, world, mailoutbox):
    client = Client()
    through_drop_off(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client)
    return_request = ReturnRequest.objects.get()
    link = f"/r/{return_request.public_id}/"
    sent = [m for m in mailoutbox if world.order.customer_email in m.to]
    assert sent, "no email to the customer"
    assert any(link in m.body for m in sent)


def test_a_server_error_gets_the_self_contained_500_page(settings):
    settings.ROOT_URLCONF = "tests.portal.urls_broken"
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in text(response)
    assert "boom" not in text(response)


def test_the_status_endpoint_says_ready_only_with_a_printable_label_and_failed_when_it_failed(shop_return):
    url = reverse("portal:status", kwargs={"public_id": shop_return.public_id})
    assert Client().get(url).json() == {"status": "label_ready", "status_label": "Étiquette prête", "label": "ready"}
    Label.objects.filter(pk=shop_return.label.pk).update(pdf="", pdf_4x6="")
    assert Client().get(url).json()["label"] == "pending"
    Label.objects.filter(pk=shop_return.label.pk).update(status=LabelStatus.FAILED)
    assert Client().get(url).json()["label"] == "failed"
