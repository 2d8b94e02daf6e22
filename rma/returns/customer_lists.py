"""Block and allow lists: who is on them for an order (one query), and every change to them, audited.

A blocked customer cannot start a return in the portal, and every return made for them (API, agents, shop) goes to
review with the entry's reason; an allowed customer skips the recent-returns and high-value review rules. Entries
match the order's or the return's contact email, the order's delivery address or its phone, as normalised by
rma.returns.customer_matching. Expired entries are ignored.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rma.core.prepared import prepared_models
from rma.core.services import model_update
from rma.orders.models import Order
from rma.returns.choices import CustomerListAction, CustomerListKind, CustomerListMatch
from rma.returns.customer_matching import (
    customer_value_normalize,
    email_normalize,
    order_address_normalize,
    phone_normalize,
)
from rma.returns.models import CustomerListChange, CustomerListEntry

AnyUser = User | AnonymousUser | None

# What an agent may change on an entry (who added it and when stay as they were).
ENTRY_FIELDS = ["kind", "match", "value", "reason", "expires_at"]


@dataclass(frozen=True)
class CustomerStanding:
    """The non-expired entries an order's customer matches: the first block and the first allow, oldest first."""

    blocked_by: CustomerListEntry | None = None
    allowed_by: CustomerListEntry | None = None

    @property
    def blocked(self) -> bool:
        return self.blocked_by is not None

    @property
    def trusted(self) -> bool:
        """On the allow list and not on the block list (a block wins)."""
        return self.allowed_by is not None and self.blocked_by is None


# Compiled once per process and prepared once per database session (rma.core.prepared): every submitted return asks.
CUSTOMER_ENTRIES = "rma_customer_list_entries"


def _entries_of(*, values: list[str]) -> QuerySet[CustomerListEntry]:
    """The entries for these normalised values, through the entries' index on them."""
    return CustomerListEntry.objects.filter(normalized_value__any=values).order_by("created_at", "id")


def customer_standing_for(*, order: Order, contact_email: str = "", now: datetime | None = None) -> CustomerStanding:
    """Whether the order's customer (its email, or `contact_email`, its delivery address, its phone) is on a list.

    One query: the normalised values in one array, read through the entries' unique index."""
    wanted = {
        (CustomerListMatch.EMAIL, email_normalize(email)) for email in (order.customer_email, contact_email) if email
    }
    wanted.add((CustomerListMatch.PHONE, phone_normalize(order.customer_phone)))
    address = order_address_normalize(line1=order.address_line1, postcode=order.postcode)
    wanted.add((CustomerListMatch.ADDRESS, address))
    wanted = {(match, value) for match, value in wanted if value}
    if not wanted:
        return CustomerStanding()
    now = now or timezone.now()
    entries = prepared_models(
        CUSTOMER_ENTRIES, CustomerListEntry, _entries_of, values=sorted({value for _match, value in wanted})
    )
    # Values of different kinds cannot be equal in practice (an email has an @, a phone only digits, an address
    # words): the kind of match is checked here rather than in the statement, and so is the expiry (a customer has
    # few entries, expired ones included).
    found = [
        entry
        for entry in entries
        if (entry.match, entry.normalized_value) in wanted and (entry.expires_at is None or entry.expires_at > now)
    ]
    return CustomerStanding(
        blocked_by=next((entry for entry in found if entry.kind == CustomerListKind.BLOCK), None),
        allowed_by=next((entry for entry in found if entry.kind == CustomerListKind.ALLOW), None),
    )


def customer_is_blocked(*, order: Order) -> bool:
    """Whether the portal must refuse this order's customer (a non-expired block entry matches them)."""
    return customer_standing_for(order=order).blocked


def _snapshot(entry: CustomerListEntry) -> dict[str, Any]:
    """An entry's values as the audit keeps them (JSON)."""
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "match": entry.match,
        "value": entry.value,
        "normalized_value": entry.normalized_value,
        "reason": entry.reason,
        "expires_at": entry.expires_at.isoformat() if entry.expires_at else None,
        "added_by": entry.added_by.get_username() if entry.added_by_id and entry.added_by else None,
    }


def _change_record(
    *,
    entry: CustomerListEntry,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: AnyUser,
) -> CustomerListChange:
    user = actor if actor is not None and actor.is_authenticated else None
    return CustomerListChange.objects.create(
        entry_pk=entry.pk,
        action=action,
        value=entry.value,
        before=before,
        after=after,
        actor=user,
        actor_label=user.get_username() if user is not None else "",
    )


@transaction.atomic
def customer_list_entry_create(
    *,
    kind: str,
    match: str,
    value: str,
    reason: str,
    expires_at: datetime | None = None,
    actor: AnyUser,
) -> CustomerListEntry:
    """Put a customer on a list; `actor` is recorded as the one who added the entry, and in the audit."""
    entry = CustomerListEntry(
        kind=kind,
        match=match,
        value=value.strip(),
        reason=reason,
        expires_at=expires_at,
        added_by=actor if actor is not None and actor.is_authenticated else None,
    )
    entry.full_clean()
    entry.save(force_insert=True)
    _change_record(entry=entry, action=CustomerListAction.ADDED, before=None, after=_snapshot(entry), actor=actor)
    return entry


@transaction.atomic
def customer_list_entry_update(
    *, entry: CustomerListEntry, data: dict[str, Any], actor: AnyUser
) -> tuple[CustomerListEntry, bool]:
    """Change an entry (its ENTRY_FIELDS found in `data`); audited when something changed."""
    before = _snapshot(entry)
    data = {field: data[field] for field in ENTRY_FIELDS if field in data}
    for field in ("value", "reason"):
        if field in data:
            data[field] = str(data[field]).strip()
    data["normalized_value"] = customer_value_normalize(
        match=data.get("match", entry.match), value=data.get("value", entry.value)
    )
    entry, changed = model_update(instance=entry, fields=[*ENTRY_FIELDS, "normalized_value"], data=data)
    if changed:
        after = _snapshot(entry)
        _change_record(entry=entry, action=CustomerListAction.CHANGED, before=before, after=after, actor=actor)
    return entry, changed


@transaction.atomic
def customer_list_entry_delete(*, entry: CustomerListEntry, actor: AnyUser) -> None:
    """Take an entry off its list; the audit keeps what it was."""
    _change_record(entry=entry, action=CustomerListAction.REMOVED, before=_snapshot(entry), after=None, actor=actor)
    entry.delete()
