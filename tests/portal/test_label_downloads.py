"""The customer's own label download, through the return's link: /r/<return public id>/label.pdf."""

import pytest
from django.urls import reverse

from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.shipping.labels import label_bytes, pdf_page_size, pdf_page_text

pytestmark = pytest.mark.django_db


def test_the_customer_link_downloads_a_real_pdf_named_after_the_rma(client, shop_return):
    response = client.get(reverse("customer-label-pdf", kwargs={"public_id": shop_return.public_id}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    body = label_bytes(response)
    assert body.startswith(b"%PDF")
    assert body.rstrip().endswith(b"%%EOF")
    assert pdf_page_size(body) == (298, 420)  # A6
    text = pdf_page_text(body)
    assert shop_return.rma_number in text
    assert shop_return.label.tracking_number in text


def test_the_customer_link_serves_the_4x6_pdf_and_the_zpl(client, shop_return):
    url = reverse("customer-label-pdf", kwargs={"public_id": shop_return.public_id})
    response = client.get(url, {"size": "4x6"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}-4x6.pdf"'
    assert pdf_page_size(label_bytes(response)) == (288, 432)  # 4x6 in

    response = client.get(reverse("customer-label-zpl", kwargs={"public_id": shop_return.public_id}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}.zpl"'
    zpl = label_bytes(response).decode()
    assert zpl.startswith("^XA")
    assert shop_return.label.tracking_number in zpl

    assert client.get(url, {"size": "A4"}).status_code == 400


def test_the_customer_link_is_404_for_unknown_ids_and_labels_not_ready(client, shop_return, make_return):
    assert client.get("/r/00000000-0000-4000-8000-000000000000/label.pdf").status_code == 404
    assert client.get("/r/not-a-uuid/label.pdf").status_code == 404
    assert client.get(f"/r/{shop_return.label.public_id}/label.pdf").status_code == 404  # a label id is not a key

    pending = make_return()  # its task has not run
    assert client.get(f"/r/{pending.public_id}/label.pdf").status_code == 404
    Label.objects.filter(pk=shop_return.label.pk).update(status=LabelStatus.VOIDED)
    assert client.get(f"/r/{shop_return.public_id}/label.pdf").status_code == 404
