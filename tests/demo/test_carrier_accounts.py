"""The demo's example carrier accounts: disabled, without credentials, one per installed carrier; labels stay the
built-in carrier's."""

import pytest

from rma.demo.carriers import demo_carrier_accounts_seed
from rma.shipping import carriers
from rma.shipping.accounts import CarrierAccount
from rma.shipping.services import carrier_account_for
from tests.shipping.accounts.standin import CarrierSystem, factory_for

pytestmark = pytest.mark.django_db


def test_one_disabled_example_per_installed_carrier_and_a_second_run_changes_nothing(monkeypatch, make_return):
    monkeypatch.setitem(carriers._FACTORIES, "mondial_relay", factory_for(CarrierSystem(code="mondial_relay")))
    monkeypatch.delitem(carriers._FACTORIES, "colissimo", raising=False)
    monkeypatch.delitem(carriers._FACTORIES, "inpost", raising=False)

    assert demo_carrier_accounts_seed() == 1
    assert demo_carrier_accounts_seed() == 0

    account = CarrierAccount.objects.get()
    assert (account.carrier, account.enabled, account.credentials) == ("mondial_relay", False, {})
    assert account.secrets_env_prefix == "RMA_MONDIAL_RELAY"
    # The demo's relay points are Mondial Relay's: with the example disabled, the built-in carrier makes the label.
    assert carrier_account_for(return_request=make_return(submit=False)) is None
