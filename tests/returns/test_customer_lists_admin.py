"""The block and allow lists in the admin: who added an entry is the signed-in user, a reason is required, a value is
on a list once, and every addition, change and removal (one or several at once) leaves an audit row that no one
can edit."""

import pytest
from django.urls import reverse
from django.utils import translation

from rma.returns.choices import CustomerListAction
from rma.returns.models import CustomerListChange, CustomerListEntry

pytestmark = pytest.mark.django_db

ADD = reverse("admin:returns_customerlistentry_add")
CHANGELIST = reverse("admin:returns_customerlistentry_changelist")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def form(**fields):
    return {
        "kind": "block",
        "match": "phone",
        "value": "06 12 34 56 78",
        "reason": "Chargebacks",
        "expires_at_0": "",
        "expires_at_1": "",
        **fields,
    }


def add(client, **fields):
    return client.post(ADD, form(**fields), HTTP_ACCEPT_LANGUAGE="en")


def test_adding_an_entry_records_who_added_it_and_audits_it(admin_client, admin_user):
    response = add(admin_client)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = CustomerListEntry.objects.get()
    assert (entry.kind, entry.match, entry.value, entry.normalized_value) == (
        "block",
        "phone",
        "06 12 34 56 78",
        "33612345678",
    )
    assert entry.added_by == admin_user
    assert entry.expires_at is None
    change = CustomerListChange.objects.get()
    assert (change.action, change.entry_pk, change.actor, change.actor_label) == (
        CustomerListAction.ADDED,
        entry.pk,
        admin_user,
        admin_user.username,
    )
    assert change.before is None
    assert change.after["normalized_value"] == "33612345678"
    assert change.after["reason"] == "Chargebacks"
    assert change.after["added_by"] == admin_user.username


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"reason": ""}, "This field is required."),
        ({"reason": "   "}, "This field is required."),
        ({"match": "email", "value": "not an email"}, "Enter an email address."),
        ({"match": "address", "value": "12 rue de la Paix, Paris"}, "Enter the address with its postcode."),
        ({"value": "+33 6 12 34 56 78"}, "This value is already on this list."),
    ],
)
def test_an_entry_needs_a_reason_a_value_of_its_kind_and_is_on_a_list_once(admin_client, fields, error):
    assert add(admin_client).status_code == 302
    response = add(admin_client, **fields)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert CustomerListEntry.objects.count() == 1
    assert CustomerListChange.objects.count() == 1


def test_the_same_value_may_be_on_the_other_list(admin_client):
    assert add(admin_client).status_code == 302
    assert add(admin_client, kind="allow").status_code == 302
    assert CustomerListEntry.objects.count() == 2


def test_changing_an_entry_audits_it_before_and_after_and_keeps_who_added_it(
    admin_client, admin_user, django_user_model
):
    creator = django_user_model.objects.create_user("claire", is_staff=True, is_superuser=True)
    admin_client.force_login(creator)
    assert add(admin_client).status_code == 302
    entry = CustomerListEntry.objects.get()
    admin_client.force_login(admin_user)

    url = reverse("admin:returns_customerlistentry_change", args=(entry.pk,))
    changed = form(
        value="07 00 00 00 01", reason="Chargebacks; confirmed", expires_at_0="2030-01-31", expires_at_1="18:00:00"
    )
    response = admin_client.post(url, changed, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.value, entry.normalized_value, entry.reason) == (
        "07 00 00 00 01",
        "33700000001",
        "Chargebacks; confirmed",
    )
    assert entry.added_by == creator
    change = CustomerListChange.objects.get(action=CustomerListAction.CHANGED)
    assert change.actor == admin_user
    assert change.before["value"] == "06 12 34 56 78"
    assert change.before["expires_at"] is None
    assert change.after["value"] == "07 00 00 00 01"
    assert change.after["normalized_value"] == "33700000001"
    assert change.after["expires_at"].startswith("2030-01-31T")
    assert change.after["added_by"] == "claire"

    # Saved again unchanged: nothing to audit.
    assert admin_client.post(url, changed, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    assert CustomerListChange.objects.filter(action=CustomerListAction.CHANGED).count() == 1


def test_removing_entries_one_or_several_at_once_audits_each(admin_client, admin_user):
    for value in ("06 12 34 56 78", "06 12 34 56 79", "06 12 34 56 80"):
        assert add(admin_client, value=value).status_code == 302
    first, *others = CustomerListEntry.objects.order_by("id")

    url = reverse("admin:returns_customerlistentry_delete", args=(first.pk,))
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    response = admin_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [e.pk for e in others], "post": "yes"}
    )
    assert response.status_code == 302

    assert not CustomerListEntry.objects.exists()
    removed = CustomerListChange.objects.filter(action=CustomerListAction.REMOVED).order_by("entry_pk")
    assert [(c.entry_pk, c.before["value"], c.after, c.actor) for c in removed] == [
        (first.pk, "06 12 34 56 78", None, admin_user),
        (others[0].pk, "06 12 34 56 79", None, admin_user),
        (others[1].pk, "06 12 34 56 80", None, admin_user),
    ]


def test_the_lists_filter_by_kind_match_and_expiry_and_search_the_value(admin_client):
    assert add(admin_client).status_code == 302
    assert add(admin_client, kind="allow", match="email", value="vip@example.fr", reason="VIP").status_code == 302
    expired = {"expires_at_0": "2020-01-01", "expires_at_1": "00:00:00"}
    assert add(admin_client, match="email", value="old@example.fr", **expired).status_code == 302

    def shown(query):
        return sorted(e.value for e in admin_client.get(CHANGELIST + query).context["cl"].result_list)

    assert shown("?kind__exact=allow") == ["vip@example.fr"]
    assert shown("?match__exact=email") == ["old@example.fr", "vip@example.fr"]
    assert shown("?expired=yes") == ["old@example.fr"]
    assert shown("?expired=no") == ["06 12 34 56 78", "vip@example.fr"]
    assert shown("?q=33612345678") == ["06 12 34 56 78"]


def test_the_audit_is_read_only(admin_client):
    assert add(admin_client).status_code == 302
    change = CustomerListChange.objects.get()
    assert admin_client.get(reverse("admin:returns_customerlistchange_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:returns_customerlistchange_change", args=(change.pk,))).status_code == 200
    assert admin_client.get(reverse("admin:returns_customerlistchange_add")).status_code == 403
    delete = reverse("admin:returns_customerlistchange_delete", args=(change.pk,))
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert CustomerListChange.objects.count() == 1
