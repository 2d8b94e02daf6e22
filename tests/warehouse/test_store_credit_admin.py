"""Store credits in the admin: read-only, redemptions inline, lists show only the code's last 4 characters."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnPolicy
from rma.warehouse.choices import StoreCreditStatus
from rma.warehouse.models import StoreCredit
from rma.warehouse.services.credits import store_credit_redeem
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:warehouse_storecredit_changelist"


@pytest.fixture
def credit(policy, make_return):
    ReturnPolicy.objects.filter(pk=policy.pk).update(store_credit_moment="handover")
    make_return(
        order_line=OrderLineFactory(unit_price=Decimal("40.00")), status=S.IN_TRANSIT, resolution="store_credit"
    )
    credit = StoreCredit.objects.get()
    store_credit_redeem(store_credit=credit, amount=Decimal("15.00"), reference="order-ref-77")
    return credit


def test_the_list_shows_the_last_four_characters_only(admin_client, credit):
    page = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert f"••••-••••-••••-{credit.code[-4:]}" in page
    assert credit.code not in page
    assert credit.code[:9] not in page
    assert credit.return_request.rma_number in page


def test_the_list_finds_a_credit_by_its_code_however_typed(admin_client, credit):
    typed = credit.code.replace("-", "").lower()
    response = admin_client.get(reverse(CHANGELIST), {"q": typed})
    assert response.context["cl"].result_count == 1
    response = admin_client.get(reverse(CHANGELIST), {"q": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert response.context["cl"].result_count == 0


def test_the_detail_is_read_only_with_the_redemptions_inline(admin_client, credit):
    url = reverse("admin:warehouse_storecredit_change", args=(credit.pk,))

    page = admin_client.get(url).content.decode()

    assert credit.code in page  # the support desk can read it out to the customer
    assert "order-ref-77" in page
    assert 'name="amount"' not in page
    response = admin_client.post(url, {"amount": "999.00", "balance": "999.00"})
    assert response.status_code == 403
    credit.refresh_from_db()
    assert credit.balance == Decimal("25.00")
    assert admin_client.get(reverse("admin:warehouse_storecredit_add")).status_code == 403


def test_cancel_action(admin_client, credit):
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "cancel", "_selected_action": [credit.pk]}, follow=True
    )
    assert response.status_code == 200
    credit.refresh_from_db()
    assert credit.status == StoreCreditStatus.CANCELLED
    assert credit.cancelled_at is not None


def test_the_policy_page_sets_when_credit_is_issued_its_bonus_and_validity(admin_client, policy):
    page = admin_client.get(reverse("admin:returns_returnpolicy_change", args=(policy.pk,))).content.decode()
    for field in ("store_credit_moment", "store_credit_bonus_percent", "store_credit_validity_days"):
        assert f'name="{field}"' in page
    assert "When the parcel is handed over" in page


def test_the_status_filter_counts_a_credit_past_its_date_as_expired(admin_client, credit):
    def count(status):
        return admin_client.get(reverse(CHANGELIST), {"status_now": status}).context["cl"].result_count

    assert (count("active"), count("expired")) == (1, 0)
    StoreCredit.objects.filter(pk=credit.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert (count("active"), count("expired"), count("spent")) == (0, 1, 0)
    assert "Expired" in admin_client.get(reverse(CHANGELIST)).content.decode()
