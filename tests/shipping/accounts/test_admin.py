"""Admin → Carrier accounts: credentials go in and are never shown back; the page says where each one comes from."""

import pytest
from django.urls import reverse

from rma.shipping.accounts import CarrierAccount
from rma.shipping.models import Label
from tests.helpers import english_pages  # noqa: F401 - autouse: the admin in English

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-p4ssw0rd-0042"


@pytest.fixture
def account(standin, make_account):
    return make_account(name="Colis FR", credentials={"api_key": "key-123", "password": SECRET})


def form_data(account: CarrierAccount, **changes: str) -> dict[str, str]:
    data = {
        "name": account.name,
        "carrier": account.carrier,
        "enabled": "on",
        "priority": str(account.priority),
        "credentials_new": "",
        "secrets_env_prefix": account.secrets_env_prefix,
        "base_url": "",
        "timeout": "10",
        "options": '{"product": "CORE"}',
        "drop_off_methods": '["relay_point", "locker"]',
        "countries": '["FR", "BE"]',
        "return_name": "",
        "return_line1": "",
        "return_line2": "",
        "return_postcode": "",
        "return_city": "",
        "return_country": "",
        "return_phone": "",
    }
    data.update(changes)
    return data


def test_the_change_page_never_shows_a_credential_and_an_empty_field_keeps_them(admin_client, account):
    url = reverse("admin:shipping_carrieraccount_change", args=[account.pk])
    page = admin_client.get(url).content.decode()
    assert SECRET not in page
    assert "key-123" not in page
    assert "<code>password</code>: stored" in page

    response = admin_client.post(url, form_data(account))

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.credentials == {"api_key": "key-123", "password": SECRET}
    assert (account.options, account.drop_off_methods, account.countries) == (
        {"product": "CORE"},
        ["relay_point", "locker"],
        ["FR", "BE"],
    )


def test_typed_credentials_replace_theirs_and_an_empty_one_is_removed(admin_client, account):
    url = reverse("admin:shipping_carrieraccount_change", args=[account.pk])

    response = admin_client.post(
        url, form_data(account, credentials_new='{"password": "n3w", "api_key": "", "login": "acme"}')
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.credentials == {"password": "n3w", "login": "acme"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credentials_new", "{not json", "Not valid JSON."),
        ("credentials_new", '{"password": 42}', "Credentials are an object of names to texts"),
        ("drop_off_methods", '["teleport"]', "Unknown drop-off methods: teleport."),
        ("countries", '["France"]', "Countries are two-letter ISO codes"),
        ("carrier", "nobody", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(admin_client, account, field, value, message):
    url = reverse("admin:shipping_carrieraccount_change", args=[account.pk])

    response = admin_client.post(url, form_data(account, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    account.refresh_from_db()
    assert account.credentials == {"api_key": "key-123", "password": SECRET}
    assert account.drop_off_methods == []


def test_credentials_from_the_environment_win_and_are_named_as_such(admin_client, account, monkeypatch):
    account.secrets_env_prefix = "RMA_TEST_COLIS_FR"
    account.save()
    monkeypatch.setenv("RMA_TEST_COLIS_FR_PASSWORD", "from-env-0042")
    monkeypatch.setenv("RMA_TEST_COLIS_FR_CONTRACT_NUMBER", "811223")

    page = admin_client.get(reverse("admin:shipping_carrieraccount_change", args=[account.pk])).content.decode()

    assert "<code>password</code>: from the environment" in page
    assert "<code>contract_number</code>: from the environment" in page
    assert "<code>api_key</code>: stored" in page
    assert "from-env-0042" not in page
    assert account.credentials_resolved() == {
        "api_key": "key-123",
        "password": "from-env-0042",
        "contract_number": "811223",
    }
    assert account.credentials["password"] == SECRET  # the stored value is kept, only overridden


def test_a_new_account_is_added_from_the_admin(admin_client, standin, warehouse):
    response = admin_client.post(
        reverse("admin:shipping_carrieraccount_add"),
        form_data(
            CarrierAccount(name="Lockers", carrier="standin", priority=5),
            credentials_new='{"api_key": "key-123"}',
            warehouses=str(warehouse.pk),
        ),
    )

    assert response.status_code == 302
    account = CarrierAccount.objects.get(name="Lockers")
    assert account.credentials == {"api_key": "key-123"}
    assert list(account.warehouses.all()) == [warehouse]


def test_the_labels_admin_shows_the_account_and_the_carriers_refusal(admin_client, account):
    label = Label.objects.create(
        account=account,
        carrier=account.carrier,
        status="failed",
        error_code="postcode_unknown",
        customer_error="The carrier does not know the postcode 69003.",
    )

    page = admin_client.get(reverse("admin:shipping_label_change", args=[label.pk])).content.decode()
    assert "Colis FR (standin)" in page
    assert "The carrier does not know the postcode 69003." in page
    listing = admin_client.get(reverse("admin:shipping_label_changelist")).content.decode()
    assert "postcode_unknown" in listing
