"""The roles as Django groups, each with the permissions its people need; created on every `migrate`.

Which pages and which returns a role sees is decided by the group's name (rma.core.roles) and the selectors; what
it may *do* with a return it sees is decided by these permissions, so that a site can also give one of them to a
single user (an integration token that may approve returns, for instance) in the admin.
"""

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

from rma.core import roles

# The models of the portal's own apps: agents may look at every one of them in the admin.
OWN_APPS_PREFIX = "rma."
VIEW_EVERYTHING = "view everything of the portal's apps"

# Role -> its permissions ("app_label.codename"), or VIEW_EVERYTHING.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Customer service: looks at everything, corrects a return's contact and drop-off, approves or rejects returns
    # under review, and writes internal notes.
    roles.AGENT: (
        VIEW_EVERYTHING,
        "returns.change_returnrequest",
        "returns.review_returnrequest",
        "returns.add_returnnote",
    ),
    # Warehouse operators read and write the internal notes of the returns coming to their warehouse.
    roles.WAREHOUSE_STAFF: ("returns.view_returnnote", "returns.add_returnnote"),
    # Shop staff work on their shop's pages only; an integration token gets more only when a site grants it.
    roles.STORE_STAFF: (),
    roles.INTEGRATION: (),
}


def _permission_filter(wanted: tuple[str, ...], own_apps: list[str]) -> Q:
    condition = Q(pk__in=[])
    for name in wanted:
        if name == VIEW_EVERYTHING:
            condition |= Q(content_type__app_label__in=own_apps, codename__startswith="view_")
        else:
            app_label, codename = name.split(".", 1)
            condition |= Q(content_type__app_label=app_label, codename=codename)
    return condition


def role_groups_sync(*, apps: Any = global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the role groups and give each its permissions; permissions a site added by hand are kept."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    own_apps = [config.label for config in global_apps.get_app_configs() if config.name.startswith(OWN_APPS_PREFIX)]
    for role in roles.ALL_ROLES:
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role, ())
        if wanted:
            group.permissions.add(*permission_model.objects.using(using).filter(_permission_filter(wanted, own_apps)))


def role_groups_post_migrate(sender: AppConfig, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After `migrate` (and a test database flush): once every app's permissions exist, sync the groups."""
    with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if not with_models or sender.label != with_models[-1].label:
        return  # run once, after the last app: its permissions, and every other app's, are created by then
    role_groups_sync(apps=kwargs.get("apps") or global_apps, using=using)
