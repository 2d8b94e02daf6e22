import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.warehouse.models import Arrival, Refund, UnexpectedParcel
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/warehouse"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(operator):
    return client_for(operator)


def unit_url(return_request, what):
    return f"{API}/returns/{return_request.public_id}/{what}/"


def test_only_warehouse_operators_and_superusers_may_call_the_api(make_return, operator):
    agent = UserFactory(username="agent", roles=["agent"])
    store = UserFactory(username="shop", roles=["store_staff"])
    for user in (agent, store):
        response = client_for(user).get(f"{API}/expected/")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    assert APIClient().post(f"{API}/scan/", {"code": "X"}).status_code in (401, 403)
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert client_for(superuser).get(f"{API}/expected/").status_code == 200


def test_scan_receives_then_says_already_received(api, make_return, second_operator):
    return_request = make_return(tracking_number="RP123456785FR")
    response = api.post(f"{API}/scan/", {"code": "RP123456785FR"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "received"
    assert body["return_request"]["rma_number"] == return_request.rma_number
    assert body["return_request"]["status"] == "received"
    again = client_for(second_operator).post(f"{API}/scan/", {"code": return_request.rma_number}, format="json")
    assert again.json()["outcome"] == "already_received"
    assert "Alice Martin" in again.json()["message"]
    assert Arrival.objects.count() == 1


def test_scan_of_an_unknown_code_opens_an_unexpected_parcel(api):
    body = api.post(f"{API}/scan/", {"code": "??123"}, format="json").json()
    assert body["outcome"] == "unexpected"
    assert body["unexpected_parcel"]["scanned_code"] == "??123"
    assert body["return_request"] is None
    listed = api.get(f"{API}/unexpected-parcels/").json()["results"]
    assert [p["scanned_code"] for p in listed] == ["??123"]


def test_scan_needs_a_warehouse_when_the_operator_has_several(api, operator, other_warehouse, make_return):
    other_warehouse.staff.add(operator)
    response = api.post(f"{API}/scan/", {"code": "X1"}, format="json")
    assert response.status_code == 400
    assert "warehouse" in response.json()["error"]["details"]
    assert api.post(f"{API}/scan/", {"code": "X1", "warehouse": "WH-LYS"}, format="json").status_code == 200
    assert UnexpectedParcel.objects.get().warehouse == other_warehouse
    refused = api.post(f"{API}/scan/", {"code": "X1", "warehouse": "NOPE"}, format="json")
    assert refused.status_code == 404  # not one of yours: not found, naming the field
    assert "warehouse" in refused.json()["error"]["details"]


def test_expected_list_has_age_and_late_flag_and_stays_in_scope(api, make_return, other_warehouse):
    fresh = make_return(tracking_number="RP123456785FR")
    late = make_return()
    moved = timezone.now() - timedelta(days=9)
    ReturnEvent.objects.filter(return_request=late, to_status=S.IN_TRANSIT).update(created_at=moved)
    ReturnRequest.objects.filter(pk=late.pk).update(status_changed_at=moved)
    approved = make_return(status=S.APPROVED)
    overdue_send = make_return(status=S.APPROVED)
    ReturnRequest.objects.filter(pk=overdue_send.pk).update(send_by=timezone.now() - timedelta(days=1))
    make_return(destination=other_warehouse)  # not ours
    rows = api.get(f"{API}/expected/").json()["results"]
    by_rma = {row["rma_number"]: row for row in rows}
    assert set(by_rma) == {fresh.rma_number, late.rma_number, approved.rma_number, overdue_send.rma_number}
    assert (by_rma[approved.rma_number]["late"], by_rma[overdue_send.rma_number]["late"]) == (False, True)
    assert rows[0]["rma_number"] == late.rma_number  # oldest first
    assert (by_rma[late.rma_number]["late"], by_rma[late.rma_number]["age_days"]) == (True, 9)
    assert by_rma[fresh.rma_number]["late"] is False
    assert by_rma[fresh.rma_number]["tracking_number"] == "RP123456785FR"


def test_expected_list_pages_with_a_cursor(api, make_return):
    made = [make_return() for _ in range(3)]
    seen, url = [], f"{API}/expected/?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["rma_number"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(r.rma_number for r in made)


def test_expected_list_runs_a_fixed_number_of_queries(api, make_return, django_assert_max_num_queries):
    for _ in range(3):
        make_return(tracking_number="")
    with django_assert_max_num_queries(8):
        assert len(api.get(f"{API}/expected/").json()["results"]) == 3


def test_awaiting_refund_flags_the_legal_deadline(api, make_return, warehouse, operator):
    soon = make_return()
    api.post(f"{API}/scan/", {"code": soon.rma_number}, format="json")
    moved = timezone.now() - timedelta(days=12)
    ReturnEvent.objects.filter(return_request=soon, to_status=S.RECEIVED).update(created_at=moved)
    ReturnRequest.objects.filter(pk=soon.pk).update(received_at=moved)
    overdue = make_return()
    api.post(f"{API}/scan/", {"code": overdue.rma_number}, format="json")
    moved = timezone.now() - timedelta(days=15)
    ReturnEvent.objects.filter(return_request=overdue, to_status=S.RECEIVED).update(created_at=moved)
    ReturnRequest.objects.filter(pk=overdue.pk).update(received_at=moved)
    today = make_return()
    api.post(f"{API}/scan/", {"code": today.rma_number}, format="json")
    rows = {r["rma_number"]: r for r in api.get(f"{API}/awaiting-refund/").json()["results"]}
    assert (rows[soon.rma_number]["due_soon"], rows[soon.rma_number]["overdue"]) == (True, False)
    assert rows[overdue.rma_number]["overdue"] is True
    assert (rows[today.rma_number]["due_soon"], rows[today.rma_number]["overdue"]) == (False, False)


def test_a_return_of_another_warehouse_is_not_found(make_return, outsider):
    return_request = make_return()
    client = client_for(outsider)
    assert client.get(unit_url(return_request, "")[:-1]).status_code == 404
    response = client.post(unit_url(return_request, "refund/release"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_whole_flow_through_the_api(api, make_return, second_operator):
    return_request = make_return(quantity=2, tracking_number="RP123456785FR")
    api.post(f"{API}/scan/", {"code": "RP123456785FR"}, format="json")
    detail = api.get(f"{API}/returns/{return_request.public_id}/").json()
    assert [u["unit"] for u in detail["units"]] == [1, 2]
    line_id = detail["units"][0]["line_id"]

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("u.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = api.post(
        unit_url(return_request, "units/inspect"),
        {"line_id": line_id, "unit": 1, "grade": "A", "notes": "ok", "photos": [photo]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    unit = response.json()["unit"]
    assert unit["inspection"]["grade"] == "A"
    assert len(unit["inspection"]["photos"]) == 1
    assert unit["suggestion"]["kind"] == "restock"

    response = api.post(
        unit_url(return_request, "units/inspect"),
        {"line_id": line_id, "unit": 2, "grade": "C", "checklist": {"tags_attached": False}},
        format="json",
    )
    assert response.json()["unit"]["suggestion"]["kind"] == "resell_secondhand"
    again = client_for(second_operator).post(
        unit_url(return_request, "units/inspect"), {"line_id": line_id, "unit": 2, "grade": "A"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "unit_already_inspected"

    accepted = api.post(unit_url(return_request, "units/disposition"), {"line_id": line_id, "unit": 1}, format="json")
    assert accepted.json()["disposition"]["kind"] == "restock"
    assert accepted.json()["return_status"] == "received"
    no_reason = api.post(
        unit_url(return_request, "units/disposition"),
        {"line_id": line_id, "unit": 2, "kind": "destroy"},
        format="json",
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["code"] == "override_reason_required"
    no_derogation = api.post(
        unit_url(return_request, "units/disposition"),
        {"line_id": line_id, "unit": 2, "kind": "destroy", "override_reason": "Mould"},
        format="json",
    )
    assert no_derogation.json()["error"]["code"] == "derogation_required"
    destroyed = api.post(
        unit_url(return_request, "units/disposition"),
        {"line_id": line_id, "unit": 2, "kind": "destroy", "override_reason": "Mould", "derogation": "health_safety"},
        format="json",
    )
    assert destroyed.status_code == 200
    assert destroyed.json()["return_status"] == "inspected"

    released = api.post(unit_url(return_request, "refund/release"))
    assert released.status_code == 200
    body = released.json()
    # 49.90 (A) + 40 % of 49.90 (C) = 69.86, no fee.
    assert (body["outcome"], body["refund"]["amount"]) == ("refunded", "69.86")
    assert body["refund"]["idempotency_key"] == f"refund:{return_request.public_id}"
    twice = client_for(second_operator).post(unit_url(return_request, "refund/release"))
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "refund_already_released"
    assert Refund.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="refund.released").count() == 1
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REFUNDED

    report = api.get(f"{API}/reports/destroyed/").json()["results"]
    assert [(r["rma_number"], r["derogation"], r["grade"]) for r in report] == [
        (return_request.rma_number, "health_safety", "C")
    ]
    year = timezone.localdate().year
    assert api.get(f"{API}/reports/destroyed/", {"start": f"{year + 1}-01-01"}).json()["results"] == []


def test_inspect_rejects_an_unknown_grade_and_unit(api, make_return):
    return_request = make_return()
    api.post(f"{API}/scan/", {"code": return_request.rma_number}, format="json")
    line_id = return_request.lines.get().pk
    bad_grade = api.post(unit_url(return_request, "units/inspect"), {"line_id": line_id, "unit": 1, "grade": "Z"})
    assert bad_grade.status_code == 400
    assert "grade" in bad_grade.json()["error"]["details"]
    bad_unit = api.post(unit_url(return_request, "units/inspect"), {"line_id": line_id, "unit": 3, "grade": "A"})
    assert bad_unit.status_code == 404


def test_disposition_before_inspection_is_refused(api, make_return):
    return_request = make_return()
    api.post(f"{API}/scan/", {"code": return_request.rma_number}, format="json")
    response = api.post(
        unit_url(return_request, "units/disposition"), {"line_id": return_request.lines.get().pk, "unit": 1}
    )
    assert response.status_code == 409  # a well-formed request, refused in this state
    assert response.json()["error"]["code"] == "not_inspected"


def test_release_before_inspection_is_a_conflict(api, make_return):
    return_request = make_return()
    api.post(f"{API}/scan/", {"code": return_request.rma_number}, format="json")
    response = api.post(unit_url(return_request, "refund/release"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "inspection_incomplete"


def test_match_an_unexpected_parcel_through_the_api(api, make_return):
    parcel_id = api.post(f"{API}/scan/", {"code": "NO-LABEL"}, format="json").json()["unexpected_parcel"]["id"]
    return_request = make_return()
    response = api.post(f"{API}/unexpected-parcels/{parcel_id}/match/", {"code": return_request.rma_number})
    assert response.status_code == 200
    assert response.json()["matched_return"] == return_request.rma_number
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.RECEIVED
    unknown = api.post(f"{API}/unexpected-parcels/{parcel_id}/match/", {"code": "R-2222-2222"})
    assert unknown.status_code == 404
    assert "code" in unknown.json()["error"]["details"]


def test_the_schema_documents_the_warehouse_operations(api):
    client = APIClient()
    client.force_authenticate(UserFactory(username="root2", is_superuser=True, is_staff=True))
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    operations = {
        op["operationId"]
        for path in response.json()["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {
        "warehouse_scan",
        "warehouse_expected_list",
        "warehouse_unit_inspect",
        "warehouse_unit_disposition_confirm",
        "warehouse_refund_release",
        "warehouse_destroyed_units_report",
    } <= operations
