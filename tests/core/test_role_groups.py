"""Every install has the role groups, each with the permissions its people need (made by `migrate`)."""

import pytest
from django.contrib.auth.models import Group

from rma.core import roles
from rma.core.role_groups import role_groups_sync

pytestmark = pytest.mark.django_db


def codenames(role):
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}


def test_migrate_made_the_role_groups_with_their_permissions():
    agent = codenames(roles.AGENT)
    assert {"returns.review_returnrequest", "returns.add_returnnote", "returns.view_returnnote"} <= agent
    assert {"returns.change_returnrequest", "orders.view_order", "warehouse.view_refund"} <= agent
    assert not {p for p in agent if p.split(".")[1].startswith("delete_")}
    assert codenames(roles.WAREHOUSE_STAFF) == {"returns.view_returnnote", "returns.add_returnnote"}
    assert codenames(roles.STORE_STAFF) == set()
    assert codenames(roles.INTEGRATION) == set()


def test_syncing_again_keeps_what_a_site_added():
    group = Group.objects.get(name=roles.INTEGRATION)
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="review_returnrequest"))

    role_groups_sync()

    assert codenames(roles.INTEGRATION) == {"returns.review_returnrequest"}
    assert Group.objects.filter(name__in=roles.ALL_ROLES).count() == len(roles.ALL_ROLES)
