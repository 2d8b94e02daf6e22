"""The store credit API: the shop's checkout reads a credit by its code and spends it, with integration tokens."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnPolicy
from rma.warehouse.models import StoreCredit, StoreCreditRedemption
from rma.warehouse.services.credits import store_credit_cancel
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
# Pinned: a query more per read shows here; one per redemption shows between none and three.
CREDIT_READ_QUERIES = 5


@pytest.fixture
def credit(policy, make_return):
    """55.00 EUR (50.00 + 10 %) issued at handover, valid 30 days."""
    ReturnPolicy.objects.filter(pk=policy.pk).update(
        store_credit_moment="handover", store_credit_bonus_percent=Decimal("10"), store_credit_validity_days=30
    )
    line = OrderLineFactory(quantity=2, unit_price=Decimal("25.00"))
    make_return(order_line=line, quantity=2, status=S.IN_TRANSIT, resolution="store_credit")
    return StoreCredit.objects.select_related("return_request").get()


def url(code):
    return f"/api/v1/store-credits/{code}/"


def redeem(client, code, amount, reference):
    return client.post(url(code) + "redemptions/", {"amount": amount, "reference": reference}, format="json")


def test_read_a_credit_by_its_code(integration, credit):
    response = integration.get(url(credit.code))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "code": credit.code,
        "amount": "55.00",
        "bonus_amount": "5.00",
        "balance": "55.00",
        "currency": "EUR",
        "status": "active",
        "expires_at": body["expires_at"],
        "issued_at": body["issued_at"],
        "rma_number": credit.return_request.rma_number,
        "redemptions": [],
    }
    assert body["expires_at"].startswith(timezone.localtime(credit.expires_at).date().isoformat())


def test_the_code_is_found_however_it_is_typed(agent, credit):
    typed = credit.code.replace("-", " ").lower()
    assert agent.get(url(typed)).json()["code"] == credit.code
    assert agent.get(url(credit.code.replace("-", ""))).status_code == 200


def test_an_unknown_code_is_a_json_404(integration, credit):
    response = integration.get(url("AAAA-BBBB-CCCC-DDDD"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_only_the_shop_integration_and_agents_read_and_only_the_integration_spends(
    anonymous, nobody, store_staff, warehouse_staff, agent, credit
):
    assert anonymous.get(url(credit.code)).status_code == 401
    for client in (nobody, store_staff, warehouse_staff):
        assert client.get(url(credit.code)).status_code == 403
    assert redeem(agent, credit.code, "1.00", "order-1").status_code == 403
    assert not StoreCreditRedemption.objects.exists()


def test_a_partial_redemption_lowers_the_balance(integration, integration_user, credit):
    response = redeem(integration, credit.code.lower(), "30.00", "order-88412")

    assert response.status_code == 201
    body = response.json()
    assert body["redemption"]["amount"] == "30.00"
    assert body["redemption"]["reference"] == "order-88412"
    assert body["redemption"]["balance_after"] == "25.00"
    assert body["store_credit"]["balance"] == "25.00"
    assert body["store_credit"]["status"] == "active"
    assert [r["reference"] for r in body["store_credit"]["redemptions"]] == ["order-88412"]
    assert StoreCreditRedemption.objects.get().redeemed_by == integration_user

    assert integration.get(url(credit.code)).json()["balance"] == "25.00"


def test_the_same_reference_again_is_replayed_not_spent_twice(integration, credit):
    first = redeem(integration, credit.code, "30.00", "order-1")
    again = redeem(integration, credit.code, "30.00", "order-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    credit.refresh_from_db()
    assert credit.balance == Decimal("25.00")

    reused = redeem(integration, credit.code, "10.00", "order-1")
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "store_credit_reference_reused"


def test_spending_it_all_then_more_is_refused_with_the_balance(integration, credit):
    assert redeem(integration, credit.code, "55.00", "order-1").json()["store_credit"]["status"] == "spent"

    response = redeem(integration, credit.code, "0.01", "order-2")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "store_credit_insufficient_balance"
    assert error["details"] == {"balance": "0.00", "currency": "EUR"}


def test_more_than_the_balance_is_refused_and_nothing_is_spent(integration, credit):
    response = redeem(integration, credit.code, "55.01", "order-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "store_credit_insufficient_balance"
    credit.refresh_from_db()
    assert credit.balance == Decimal("55.00")


def test_an_expired_credit_reads_expired_and_cannot_be_spent(integration, credit):
    StoreCredit.objects.filter(pk=credit.pk).update(expires_at=timezone.now() - timedelta(days=1))

    assert integration.get(url(credit.code)).json()["status"] == "expired"
    response = redeem(integration, credit.code, "1.00", "order-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "store_credit_expired"


def test_a_cancelled_credit_cannot_be_spent(integration, credit):
    store_credit_cancel(store_credit=credit)

    assert integration.get(url(credit.code)).json()["status"] == "cancelled"
    response = redeem(integration, credit.code, "1.00", "order-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "store_credit_cancelled"


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "-5.00", "reference": "order-1"},
        {"amount": "0", "reference": "order-1"},
        {"amount": "abc", "reference": "order-1"},
        {"amount": "1.001", "reference": "order-1"},
        {"amount": "1.00", "reference": ""},
        {"amount": "1.00"},
        [],
    ],
)
def test_bad_input_is_a_400_with_the_field_errors(integration, credit, body):
    response = integration.post(url(credit.code) + "redemptions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    credit.refresh_from_db()
    assert credit.balance == Decimal("55.00")


def test_reading_a_credit_costs_the_same_with_no_redemption_or_three(integration, credit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def read() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert integration.get(url(credit.code)).status_code == 200
        return len(queries)

    none = read()
    for index in range(3):
        assert redeem(integration, credit.code, "5.00", f"ORDER-{index}").status_code == 201
    three = read()
    assert (none, three) == (CREDIT_READ_QUERIES, CREDIT_READ_QUERIES)
