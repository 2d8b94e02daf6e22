from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rma.locations.choices import DropOffMethod
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReturnRequest
from rma.shipping.models import Label
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_store(make_return, store_point):
    """A return dropped at our Paris shop: its store is PAR-RIV, its warehouse WH-IDF."""
    return make_return(drop_off=DropOffChoice(method=DropOffMethod.STORE, point=store_point))


@pytest.fixture
def elsewhere(make_return, other_store, other_warehouse):
    """A return handled by the Lyon shop, bound for the Lyon warehouse."""
    return make_return(store=other_store)


def test_detail_has_lines_timeline_fees_drop_off_warehouse_and_label(agent, at_store):
    # Approval may already have queued a label (shipping's receiver): set it to a known state.
    label, _ = Label.objects.update_or_create(
        return_request=at_store, defaults={"tracking_number": "RB123456785FR", "status": "ready"}
    )

    response = agent.get(f"/api/v1/returns/{at_store.public_id}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    data = response.json()
    assert data["public_id"] == str(at_store.public_id)
    assert data["rma_number"] == at_store.rma_number
    assert data["status"] == "approved"
    assert data["store"] == "PAR-RIV"
    assert data["destination_warehouse"] == "WH-IDF"
    assert data["drop_off"]["method"] == "store"
    assert data["fee_amount"] == "0.00"
    assert data["refund_estimate"] == "49.90"
    assert data["currency"] == "EUR"
    assert data["lines"][0]["reason"] == {"code": "too-small", "label": "Too small"}
    assert [(e["from"], e["to"]) for e in data["timeline"]] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    assert set(data["timeline"][0]) == {"at", "by", "from", "to", "note", "reason"}
    assert data["label"] == {"carrier": label.carrier, "status": "ready", "tracking_number": "RB123456785FR"}


@pytest.mark.parametrize("public_id", ["not-a-uuid", "12345", "0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40"])
def test_unknown_or_malformed_public_id_is_404_json(agent, public_id):
    for url in (f"/api/v1/returns/{public_id}/", f"/api/v1/returns/{public_id}/submit/"):
        response = agent.get(url) if url.endswith(f"{public_id}/") else agent.post(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_store_staff_see_their_shops_returns_only(store_staff, at_store, elsewhere):
    listing = store_staff.get("/api/v1/returns/")

    assert [r["public_id"] for r in listing.json()["results"]] == [str(at_store.public_id)]
    assert store_staff.get(f"/api/v1/returns/{at_store.public_id}/").status_code == 200
    out_of_scope = store_staff.get(f"/api/v1/returns/{elsewhere.public_id}/")
    assert out_of_scope.status_code == 404
    assert out_of_scope.json()["error"]["code"] == "not_found"


def test_warehouse_staff_see_returns_bound_for_their_warehouse(warehouse_staff, at_store, elsewhere):
    listing = warehouse_staff.get("/api/v1/returns/")

    assert [r["public_id"] for r in listing.json()["results"]] == [str(at_store.public_id)]
    assert warehouse_staff.get(f"/api/v1/returns/{elsewhere.public_id}/").status_code == 404


def test_global_roles_see_everything(agent, integration, superuser, at_store, elsewhere):
    for client in (agent, integration, superuser):
        response = client.get("/api/v1/returns/")
        assert {r["public_id"] for r in response.json()["results"]} == {
            str(at_store.public_id),
            str(elsewhere.public_id),
        }


def test_list_filters(agent, make_return, at_store, elsewhere):
    draft = make_return(submit=False, contact_email="Someone@Example.org", channel="agent")
    ReturnRequest.objects.filter(pk=draft.pk).update(created_at=timezone.now() - timedelta(days=40))

    def ids(query):
        response = agent.get("/api/v1/returns/", query)
        assert response.status_code == 200, response.json()
        return {r["public_id"] for r in response.json()["results"]}

    everyone = {str(r.public_id) for r in (draft, at_store, elsewhere)}
    assert ids({}) == everyone
    assert ids({"status": "draft"}) == {str(draft.public_id)}
    assert ids({"status": ["draft", "approved"]}) == everyone
    assert ids({"order": at_store.order.number}) == {str(at_store.public_id)}
    assert ids({"contact_email": "someone@example.org"}) == {str(draft.public_id)}
    assert ids({"channel": "agent"}) == {str(draft.public_id)}
    assert ids({"store": "PAR-RIV"}) == {str(at_store.public_id)}
    # The draft goes to a Lyon relay point: the Lyon warehouse is the nearest.
    assert ids({"warehouse": "WH-LYS"}) == {str(elsewhere.public_id), str(draft.public_id)}
    assert ids({"warehouse": "WH-IDF"}) == {str(at_store.public_id)}
    cutoff = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids({"created_before": cutoff}) == {str(draft.public_id)}
    assert ids({"created_after": cutoff}) == {str(at_store.public_id), str(elsewhere.public_id)}


@pytest.mark.parametrize(
    "query", [{"status": "lost"}, {"channel": "fax"}, {"created_after": "last tuesday"}, {"cursor": "garbage"}]
)
def test_bad_filters_are_4xx_json(agent, at_store, query):
    response = agent.get("/api/v1/returns/", query)

    assert response.status_code in (400, 404)
    assert "error" in response.json()


def test_cursor_pagination_follows_next_links(agent, make_return):
    created = [make_return() for _ in range(5)]

    first = agent.get("/api/v1/returns/?page_size=2").json()
    assert first["previous"] is None
    assert "cursor" in parse_qs(urlparse(first["next"]).query)
    second = agent.get(first["next"]).json()
    third = agent.get(second["next"]).json()

    seen = [r["public_id"] for page in (first, second, third) for r in page["results"]]
    assert seen == [str(r.public_id) for r in reversed(created)]
    assert third["next"] is None


def test_list_runs_a_fixed_number_of_queries(agent, make_return, django_assert_num_queries):
    for _ in range(3):
        make_return()
    with CaptureQueriesContext(connection) as queries:
        response = agent.get("/api/v1/returns/")
    assert len(response.json()["results"]) == 3
    baseline = len(queries)

    for _ in range(10):
        line = OrderLineFactory()
        make_return(order_line=line)
    with django_assert_num_queries(baseline):
        response = agent.get("/api/v1/returns/")
    assert len(response.json()["results"]) == 13


def test_list_query_count_is_also_fixed_for_scoped_staff(store_staff, make_return, store_point):
    drop_off = DropOffChoice(method=DropOffMethod.STORE, point=store_point)
    make_return(drop_off=drop_off)
    with CaptureQueriesContext(connection) as queries:
        store_staff.get("/api/v1/returns/")
    baseline = len(queries)

    for _ in range(10):
        make_return(drop_off=drop_off)
    with CaptureQueriesContext(connection) as queries:
        response = store_staff.get("/api/v1/returns/")
    assert len(response.json()["results"]) == 11
    assert len(queries) == baseline
