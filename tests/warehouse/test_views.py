import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.warehouse.models import Disposition, Grade, Inspection, Refund, UnexpectedParcel
from rma.warehouse.services import arrival_register, disposition_confirm, inspection_record
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, operator):
    client.force_login(operator)
    return client


def test_anonymous_users_are_sent_to_the_warehouse_login(client):
    response = client.get(reverse("warehouse:board"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("warehouse:login"))
    assert client.get(reverse("warehouse:login")).status_code == 200


def test_the_login_page_logs_an_operator_in(client, operator):
    response = client.post(reverse("warehouse:login"), {"username": "alice", "password": "demo-password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("warehouse:board")


def test_other_roles_are_refused(client):
    client.force_login(UserFactory(username="agent", roles=["agent"]))
    assert client.get(reverse("warehouse:board")).status_code == 403


def test_the_board_shows_expected_late_and_due_returns(web, make_return, other_warehouse):
    mine = make_return(tracking_number="RP123456785FR")
    theirs = make_return(destination=other_warehouse)
    response = web.get(reverse("warehouse:board"))
    content = response.content.decode()
    assert mine.rma_number in content
    assert "RP123456785FR" in content
    assert theirs.rma_number not in content
    assert "autofocus" in content
    assert 'name="code"' in content


def test_the_board_runs_a_fixed_number_of_queries(web, make_return, django_assert_max_num_queries):
    for _ in range(4):
        make_return()
    with django_assert_max_num_queries(14):
        web.get(reverse("warehouse:board"))


def test_a_scan_opens_the_return_and_a_second_scan_warns(web, make_return, client, second_operator):
    return_request = make_return()
    response = web.post(reverse("warehouse:scan"), {"code": return_request.rma_number}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("warehouse:return", args=[return_request.public_id])
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.RECEIVED
    client.force_login(second_operator)
    again = client.post(reverse("warehouse:scan"), {"code": return_request.rma_number}, follow=True)
    assert "already received by Alice Martin" in again.content.decode()


def test_an_unknown_scan_opens_the_unexpected_parcel_page_where_it_is_matched(web, make_return):
    response = web.post(reverse("warehouse:scan"), {"code": "mystery"}, follow=True)
    parcel = UnexpectedParcel.objects.get()
    assert response.redirect_chain[-1][0] == reverse("warehouse:unexpected", args=[parcel.pk])
    return_request = make_return()
    response = web.post(reverse("warehouse:unexpected", args=[parcel.pk]), {"code": return_request.rma_number})
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.matched_return == return_request


def test_inspect_disposition_and_refund_through_the_pages(web, make_return):
    return_request = make_return(quantity=2)
    web.post(reverse("warehouse:scan"), {"code": return_request.rma_number})
    line = return_request.lines.get()
    detail = web.get(reverse("warehouse:return", args=[return_request.public_id]))
    first_unit = reverse("warehouse:unit-inspect", args=[return_request.public_id, line.pk, 1])
    assert first_unit in detail.content.decode()

    page = web.get(first_unit)
    assert "As new" in page.content.decode() or "Neuf" in page.content.decode()
    grade_a = Grade.objects.get(scale__category="apparel", code="A")
    response = web.post(first_unit, {"condition": "received", "grade": grade_a.pk, "check_tags_attached": "on"})
    disposition_url = reverse("warehouse:unit-disposition", args=[return_request.public_id, line.pk, 1])
    assert response.status_code == 302
    assert response["Location"] == disposition_url
    assert Inspection.objects.get().checklist["tags_attached"] is True
    page = web.get(disposition_url)
    assert 'data-suggestion="restock"' in page.content.decode()
    response = web.post(disposition_url, {"kind": "restock"})
    second_unit = reverse("warehouse:unit-inspect", args=[return_request.public_id, line.pk, 2])
    assert response["Location"] == second_unit  # straight to the next unit

    grade_c = Grade.objects.get(scale__category="apparel", code="C")
    web.post(second_unit, {"condition": "received", "grade": grade_c.pk})
    second_disposition = reverse("warehouse:unit-disposition", args=[return_request.public_id, line.pk, 2])
    refused = web.post(second_disposition, {"kind": "donate"})
    assert refused.status_code == 200
    assert Disposition.objects.count() == 1
    response = web.post(second_disposition, {"kind": "donate", "override_reason": "Local charity"})
    assert response["Location"] == reverse("warehouse:return", args=[return_request.public_id])
    detail = web.get(response["Location"]).content.decode()
    assert "data-release" in detail

    response = web.post(reverse("warehouse:refund-release", args=[return_request.public_id]), follow=True)
    assert Refund.objects.get().amount == Decimal("69.86")  # 49.90 (A) + 40 % of 49.90 (C)
    assert "released" in response.content.decode().lower() or "rembours" in response.content.decode().lower()
    again = web.post(reverse("warehouse:refund-release", args=[return_request.public_id]), follow=True)
    assert Refund.objects.count() == 1
    assert "alice" in again.content.decode().lower()


def test_pages_of_another_warehouse_return_404(client, outsider, make_return):
    return_request = make_return()
    client.force_login(outsider)
    assert client.get(reverse("warehouse:return", args=[return_request.public_id])).status_code == 404


def test_the_destroyed_report_lists_units_with_their_derogation_and_exports_csv(web, make_return, operator):
    return_request = make_return()
    arrival_register(code=return_request.rma_number, warehouse=return_request.destination_warehouse, actor=operator)
    inspection = inspection_record(
        return_line=return_request.lines.get(),
        unit_index=0,
        actor=operator,
        grade=Grade.objects.get(scale__category="apparel", code="D"),
    )
    disposition_confirm(
        inspection=inspection, actor=operator, kind="destroy", override_reason="Mould", derogation="health_safety"
    )
    page = web.get(reverse("warehouse:destroyed-report")).content.decode()
    assert return_request.rma_number in page
    csv_response = web.get(reverse("warehouse:destroyed-report"), {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "health_safety" in csv_response.content.decode()


def test_the_destroyed_report_lists_the_first_units_and_counts_them_all(web, make_return, operator, monkeypatch):
    monkeypatch.setattr("rma.warehouse.views.reports.REPORT_ROWS", 2)
    made = []
    for _index in range(3):
        return_request = make_return()
        warehouse = return_request.destination_warehouse
        arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
        inspection = inspection_record(
            return_line=return_request.lines.get(),
            unit_index=0,
            actor=operator,
            grade=Grade.objects.get(scale__category="apparel", code="D"),
        )
        disposition_confirm(
            inspection=inspection, actor=operator, kind="destroy", override_reason="Mould", derogation="health_safety"
        )
        made.append(return_request.rma_number)

    page = web.get(reverse("warehouse:destroyed-report")).content.decode()

    assert [number in page for number in made] == [True, True, False]  # the oldest first
    assert "data-rows-capped" in page
    assert re.search(r"<td>Health, hygiene or safety risk</td><td>3</td>", page)
    csv_rows = web.get(reverse("warehouse:destroyed-report"), {"format": "csv"}).content.decode().splitlines()
    assert len(csv_rows) == 1 + 3


def test_pages_are_translated(web):
    page = web.get(reverse("warehouse:board"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page
    assert "Expected" in page
    page = web.get(reverse("warehouse:board"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="fr"' in page
    assert "Attendus" in page  # from locale/fr (kept by the portal engineer)


def test_the_return_page_runs_the_same_queries_for_one_unit_or_many(web, make_return, operator, warehouse):
    counts = []
    for quantity in (1, 3):
        return_request = make_return(quantity=quantity)
        arrival_register(
            code=return_request.rma_number, warehouse=return_request.destination_warehouse, actor=operator
        )
        for index in range(quantity):
            inspection_record(
                return_line=return_request.lines.get(),
                unit_index=index,
                actor=operator,
                grade=Grade.objects.get(scale__category="apparel", code="B"),
            )
        with CaptureQueriesContext(connection) as queries:
            assert web.get(reverse("warehouse:return", args=[return_request.public_id])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_every_page_renders_in_french(web, make_return, operator, warehouse):
    return_request = make_return(quantity=2)
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    parcel = arrival_register(code="INCONNU", warehouse=warehouse, actor=operator).parcel
    line = return_request.lines.get()
    inspection_record(
        return_line=line, unit_index=0, actor=operator, grade=Grade.objects.get(scale__category="apparel", code="A")
    )
    urls = [
        reverse("warehouse:board"),
        reverse("warehouse:return", args=[return_request.public_id]),
        reverse("warehouse:unit-inspect", args=[return_request.public_id, line.pk, 2]),
        reverse("warehouse:unit-disposition", args=[return_request.public_id, line.pk, 1]),
        reverse("warehouse:unexpected", args=[parcel.pk]),
        reverse("warehouse:destroyed-report"),
    ]
    for url in urls:
        response = web.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, url
        assert 'lang="fr"' in response.content.decode()
    page = web.get(urls[3], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Remise en stock" in page  # the disposition's label, from locale/fr
