"""Which account serves a return follows the accounts' rules (data), not code."""

import pytest

from rma.shipping.accounts import CarrierAccount
from rma.shipping.choices import LabelStatus
from rma.shipping.services import carrier_account_for, carrier_for_code, label_generate
from tests.locations.factories import DropOffPointFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_return):
    """A return not yet submitted (no label yet), collected at home (no carrier's point): its drop-off, country
    and warehouse are changed per test."""
    return_request = make_return(submit=False)
    return_request.drop_off_method, return_request.drop_off_point = "home_pickup", None
    return return_request


def at_point(return_request, point):
    return_request.drop_off_method = point.kind
    return_request.drop_off_point = point
    return return_request


def test_no_account_means_the_built_in_carrier(draft, standin):
    assert carrier_account_for(return_request=draft) is None


def test_the_first_enabled_account_by_priority_serves(draft, standin, make_account):
    make_account(name="Disabled first", priority=1, enabled=False)
    second = make_account(name="Second", priority=20)
    make_account(name="Third", priority=30)

    assert carrier_account_for(return_request=draft) == second


def test_an_account_serves_only_its_drop_off_methods(draft, standin, make_account):
    lockers = make_account(name="Lockers only", priority=1, drop_off_methods=["locker"])
    everything = make_account(name="Everything", priority=2)
    locker = DropOffPointFactory(kind="locker", carrier="standin")
    relay = DropOffPointFactory(kind="relay_point", carrier="standin")

    assert carrier_account_for(return_request=at_point(draft, locker)) == lockers
    assert carrier_account_for(return_request=at_point(draft, relay)) == everything


def test_an_account_serves_only_its_customers_countries(draft, standin, make_account):
    belgium = make_account(name="Belgium", priority=1, countries=["BE"])
    france = make_account(name="France", priority=2, countries=["FR"])

    draft.order.country = "BE"
    assert carrier_account_for(return_request=draft) == belgium
    draft.order.country = "FR"
    assert carrier_account_for(return_request=draft) == france
    draft.order.country = "DE"
    assert carrier_account_for(return_request=draft) is None


def test_an_account_serves_only_its_warehouses(draft, standin, make_account):
    north = WarehouseFactory(code="WH-NORD")
    north_only = make_account(name="North", priority=1, warehouses=[north])
    anywhere = make_account(name="Anywhere", priority=2)

    assert carrier_account_for(return_request=draft) == anywhere
    draft.destination_warehouse = north
    assert carrier_account_for(return_request=draft) == north_only


def test_a_carriers_point_takes_only_that_carriers_account(draft, standin, other_carrier, make_account):
    make_account(name="Standin first", priority=1)
    other = make_account(name="Other", carrier="otherway", priority=50, credentials={"api_key": "other-key"})
    others_point = DropOffPointFactory(kind="relay_point", carrier="otherway")
    unknown_network_point = DropOffPointFactory(kind="locker", carrier="nobody_we_contract_with")

    assert carrier_account_for(return_request=at_point(draft, others_point)) == other
    # No account of that point's carrier: never another carrier's (its parcel would not be taken there).
    assert carrier_account_for(return_request=at_point(draft, unknown_network_point)) is None


def test_a_point_network_may_be_booked_by_another_carrier_code(draft, standin, make_account, settings):
    settings.RMA_POINT_NETWORK_CARRIERS = {"la_poste": "standin"}
    account = make_account(name="Post")
    post_office = DropOffPointFactory(kind="post_office", carrier="la_poste")

    assert carrier_account_for(return_request=at_point(draft, post_office)) == account


def test_a_shop_counter_or_a_home_pickup_follows_the_general_rules(draft, standin, other_carrier, make_account):
    other = make_account(name="Other", carrier="otherway", priority=1, credentials={"api_key": "other-key"})
    shop_point = DropOffPointFactory(kind="store", carrier="shop")

    assert carrier_account_for(return_request=at_point(draft, shop_point)) == other
    draft.drop_off_method, draft.drop_off_point = "home_pickup", None
    assert carrier_account_for(return_request=draft) == other


def test_an_account_of_a_carrier_not_installed_is_passed_over(draft, standin, make_account):
    make_account(name="Gone", carrier="uninstalled", priority=1)
    installed = make_account(name="Installed", priority=2)

    assert carrier_account_for(return_request=draft) == installed


def test_the_label_is_made_with_the_account_picked_at_approval(
    make_return, standin, make_account, django_capture_on_commit_callbacks
):
    account = make_account(name="Standin FR", countries=["FR"])
    point = DropOffPointFactory(kind="relay_point", carrier="standin", carrier_point_id="SI-0042")
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return(point=point)

    label = return_request.label
    label.refresh_from_db()
    assert (label.account, label.carrier, label.status) == (account, "standin", LabelStatus.READY)
    assert label.tracking_number == standin.bookings[str(return_request.public_id)]
    assert label.carrier_reference == f"SHIP-{label.tracking_number}"
    [sent] = standin.requests
    assert (sent.drop_off_method, sent.drop_off_point_id) == ("relay_point", "SI-0042")


def test_work_of_no_return_uses_the_carriers_first_enabled_account(standin, make_account):
    make_account(name="Disabled", priority=1, enabled=False, credentials={"api_key": "old"})
    make_account(name="Main", priority=5, credentials={"api_key": "key-123"}, base_url="http://127.0.0.1:9/")

    adapter = carrier_for_code(code="standin")

    assert adapter.settings.account == "Main"
    assert adapter.settings.base_url == "http://127.0.0.1:9/"
    assert carrier_for_code(code="builtin").code == "builtin"


def test_a_carrier_other_than_the_points_is_not_given_the_points_id(make_return, standin, other_carrier, make_account):
    account = make_account(name="Standin FR")
    point = DropOffPointFactory(kind="relay_point", carrier="standin", carrier_point_id="SI-0042")
    return_request = make_return(point=point)  # approved; its label task waits for a commit that never comes
    assert return_request.label.account == account
    # The contract moved to another carrier since the label was requested: that carrier never heard of SI-0042.
    CarrierAccount.objects.filter(pk=account.pk).update(
        carrier=other_carrier.code, credentials={"api_key": "other-key"}
    )

    label = label_generate(label_id=return_request.label.pk)

    assert (label.status, label.carrier) == (LabelStatus.READY, "standin")
    [sent] = other_carrier.requests
    assert (sent.drop_off_method, sent.drop_off_point_id) == ("relay_point", "")
    assert standin.requests == []
