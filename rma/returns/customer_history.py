"""A customer's return history: who the customer is (their emails, delivery addresses and phones), what they bought
and returned, how it ended, and what the warehouse found in their parcels. It feeds the risk score
(rma.returns.risk), the policy's review rule, the agents' pages and the API.

Who the customer is. A return's customer is its contact email and its order's email, plus the order's delivery
address and phone as compared (Order.address_key, Order.phone_key, written by rma.orders.customer_keys): orders
placed under other emails at that address or with that phone are the same customer's, and so are their returns.
Blank values match nothing, and neither do an address or a phone that orders under more than
RMA_CUSTOMER_KEY_MAX_EMAILS emails share (a pickup point, an office). Matching goes one step only: the emails found
through an address are not followed to their own addresses.

What the warehouse found. Inspections belong to rma.warehouse, which sits above this app: returns may not import it
(the import-linter layers contract). The warehouse *provides* the figures instead: at start-up its AppConfig.ready
calls `inspection_signals_provide` with a function that counts, for a set of returns, the units graded as worn or
used (Grade.signals_wear) and the units received without their item (wrong item, missing). This keeps one source
of truth (the inspections and the grade's flag as they are now: re-grading a unit, or changing which grades show
wear, changes the history at once) at the cost of one grouped query, run only once one of their returns was received. A
denormalised flag on each return line, written at inspection, would save that query but go stale whenever an
operator re-grades or an admin changes a grade's flag. Without a provider (an install without the warehouse app)
those figures are zero.

Cost: a bounded number of queries whatever the number of customers asked about (the queue asks for 25 at once):
the addresses and phones too many customers share (one statement, a few index entries per key), their orders (one
grouped query on the indexed email, address and phone keys: the units bought), their returns (one query: status,
and units and value summed by a sub-query per return), and the provider's (only when one of those returns has been
received: units are inspected after that). No query per row. On PostgreSQL each of these statements is compiled once
per process and prepared once per database session (rma.core.prepared): the ORM built them on every page, and the
server planned them, in more time than it took to run them.
"""

from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Lower

from rma.core.prepared import prepared_rows, prepared_values
from rma.orders.customer_keys import email_normalize
from rma.orders.models import Order
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnLine, ReturnRequest

# The names of their prepared statements (rma.core.prepared).
CROWDED_KEYS = "rma_crowded_customer_keys"
ORDERS = "rma_customer_orders"
RETURNS = "rma_customer_returns"
# Returns whose units never went back (or were refused): they count as returns, not in the return rate.
NOT_RETURNED_STATUSES = frozenset({ReturnStatus.CANCELLED, ReturnStatus.EXPIRED, ReturnStatus.REJECTED})
# A history's outcomes are listed in the order the statuses are declared (ReturnStatus.values builds the choices anew
# on every read: a page of 25 histories read it 25 times).
STATUS_ORDER = {status: index for index, status in enumerate(ReturnStatus.values)}


@dataclass(frozen=True)
class CustomerKeys:
    """Who a customer is, as their history matches them: emails (lowercased), address and phone keys."""

    emails: frozenset[str] = frozenset()
    address_keys: frozenset[str] = frozenset()
    phone_keys: frozenset[str] = frozenset()
    # A return left out of the history (the one being decided on, at submission).
    excluded_return_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.emails or self.address_keys or self.phone_keys)


def customer_keys_for_return(return_request: ReturnRequest, *, excluding_itself: bool = False) -> CustomerKeys:
    """The customer of a return: its contact email, its order's email, address and phone (no query)."""
    order = return_request.order
    emails = {email_normalize(return_request.contact_email), email_normalize(order.customer_email)}
    return CustomerKeys(
        emails=frozenset(emails - {""}),
        address_keys=frozenset({order.address_key} - {""}),
        phone_keys=frozenset({order.phone_key} - {""}),
        excluded_return_id=return_request.pk if excluding_itself else None,
    )


def customer_keys_for_email(email: str) -> CustomerKeys:
    """The customer behind an email: the email, and the addresses and phones of its orders and of its returns'
    orders (one query)."""
    email = email_normalize(email)
    if not email:
        return CustomerKeys()
    contact_orders = ReturnRequest.objects.annotate(email=Lower("contact_email")).filter(email=email)
    # A UNION of the two, each read from its index: an OR of the two made PostgreSQL read every order.
    ordered = Order.objects.filter(customer_email=email).values_list("address_key", "phone_key").order_by()
    contacted = Order.objects.filter(id__in=contact_orders.values("order_id")).values_list("address_key", "phone_key")
    keys = ordered.union(contacted.order_by())
    addresses = {address for address, _phone in keys} - {""}
    phones = {phone for _address, phone in keys} - {""}
    return CustomerKeys(emails=frozenset({email}), address_keys=frozenset(addresses), phone_keys=frozenset(phones))


@dataclass(frozen=True)
class InspectionSignals:
    """What the warehouse found in one return's units."""

    units_worn: int = 0  # graded with a grade that shows wear or use (wardrobing)
    units_unmatched: int = 0  # received without the announced item: another item, or nothing


InspectionSignalsSource = Callable[[list[int]], Mapping[int, InspectionSignals]]
_inspection_signals: list[InspectionSignalsSource] = []


def inspection_signals_provide(source: InspectionSignalsSource) -> None:
    """Let `source` say what the warehouse found in returns (by return id); called from the warehouse's
    AppConfig.ready. The last one provided is used."""
    _inspection_signals[:] = [source]


def _inspection_signals_for(return_ids: list[int]) -> Mapping[int, InspectionSignals]:
    if not return_ids or not _inspection_signals:
        return {}
    return _inspection_signals[0](return_ids)


@dataclass
class CustomerHistory:
    """What a customer has bought and returned so far, and what became of it (drafts left out)."""

    count: int = 0  # returns
    # Currency -> value of the goods in those returns (quantity × price paid).
    values: dict[str, Decimal] = field(default_factory=dict)
    # Status -> how many returns are in it, in the lifecycle's order.
    by_status: dict[str, int] = field(default_factory=dict)
    units_bought: int = 0  # in every order of the customer's
    units_returned: int = 0  # in returns that went back (not cancelled, expired or rejected)
    units_worn: int = 0  # graded as worn or used at inspection
    units_unmatched: int = 0  # received without the announced item (another item, or nothing)
    emails: set[str] = field(default_factory=set)  # the emails their orders and returns were made under
    # Each return's contact email (lowercase), status and creation time: what the policy's recent-returns rule counts.
    returns: list[tuple[str, str, datetime]] = field(default_factory=list)

    def returns_under(self, email: str, *, since: datetime, excluding: Collection[str] = ()) -> int:
        """How many of these returns were made under `email` (in any case) since `since`, but those in `excluding`."""
        email = email_normalize(email)
        return sum(
            1 for under, status, at in self.returns if under == email and at >= since and status not in excluding
        )

    @property
    def return_rate(self) -> Decimal | None:
        """Units returned / units bought, to 0.01; None when nothing was bought."""
        if not self.units_bought:
            return None
        return (Decimal(self.units_returned) / Decimal(self.units_bought)).quantize(Decimal("0.01"))

    @property
    def rejected(self) -> int:
        return self.by_status.get(ReturnStatus.REJECTED, 0)


K = TypeVar("K", bound=Hashable)

_LINE_VALUE = ExpressionWrapper(
    F("quantity") * F("order_line__unit_price"),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)


def _crowded_keys(*, addresses: set[str], phones: set[str]) -> set[str]:
    """The addresses and phones that orders under more than RMA_CUSTOMER_KEY_MAX_EMAILS emails share: a pickup
    point, an office, a parcel forwarder, a shop's own phone. They say nothing of who the customer is, and matching
    on them would pull thousands of strangers' orders into one history.

    One statement for every key: per key, its distinct emails up to one past the limit, read in order from the index
    on (key, email), so that a key with 27,000 orders costs a few index entries, not a count of them all. On
    PostgreSQL the keys come as two arrays, so that the statement keeps one shape whatever their number and is
    prepared once per session (rma.core.prepared); planning a sub-query per key cost more than running them all."""
    limit = settings.RMA_CUSTOMER_KEY_MAX_EMAILS
    if not addresses and not phones:
        return set()
    quote = connection.ops.quote_name
    table, email = quote(Order._meta.db_table), quote("customer_email")

    def emails_at(field: str, key: str) -> str:
        return (
            f"(SELECT COUNT(*) FROM (SELECT DISTINCT {email} FROM {table} WHERE {quote(field)} = {key} LIMIT %s) AS k)"
        )

    if connection.vendor == "postgresql":
        sql = " UNION ALL ".join(
            f"SELECT key FROM unnest(%s::text[]) AS key WHERE {emails_at(field, 'key')} > %s"
            for field in ("address_key", "phone_key")
        )
        params = [sorted(addresses), limit + 1, limit, sorted(phones), limit + 1, limit]
        return {key for (key,) in prepared_rows(connection.alias, CROWDED_KEYS, sql, params)}
    probes = [("address_key", value) for value in sorted(addresses)] + [
        ("phone_key", value) for value in sorted(phones)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(emails_at(field, "%s") for field, _value in probes),
            [param for _field, value in probes for param in (value, limit + 1)],
        )
        counts = cursor.fetchone()
    return {value for (_field, value), count in zip(probes, counts, strict=True) if count > limit}


def _orders_of(*, emails: list[str], addresses: list[str], phones: list[str]) -> QuerySet[Order, dict[str, Any]]:
    """The orders under these emails, at these addresses or with these phones, with the units bought."""
    return (
        Order.objects.filter(Q(customer_email__any=emails) | Q(address_key__any=addresses) | Q(phone_key__any=phones))
        .values("id", "customer_email", "address_key", "phone_key")
        .annotate(units=Coalesce(Sum("lines__quantity"), 0))
        .order_by()
    )


def _returns_of(*, order_ids: list[int], emails: list[str]) -> QuerySet[ReturnRequest, dict[str, Any]]:
    """The returns of these orders or under these contact emails, each with its lines summed by a sub-query of its
    own (the index on the lines' return): a join grouped by return had PostgreSQL scan every return line of a small
    shop to hash them."""
    lines = ReturnLine.objects.filter(return_request=OuterRef("pk")).order_by().values("return_request")
    return (
        ReturnRequest.objects.exclude(status=ReturnStatus.DRAFT)
        .annotate(email=Lower("contact_email"))
        .filter(Q(order__id__any=order_ids) | Q(email__any=emails))
        .values("email", "order_id", "status", "currency", "received_at", "created_at", return_id=F("id"))
        .annotate(
            units=Coalesce(Subquery(lines.annotate(units=Sum("quantity")).values("units")), 0),
            value=Coalesce(Subquery(lines.annotate(value=Sum(_LINE_VALUE)).values("value")), Decimal("0.00")),
        )
        .order_by()
    )


def customer_histories_for(customers: Mapping[K, CustomerKeys]) -> dict[K, CustomerHistory]:
    """The history of each customer, for them all at once (none when no customer has a key): the addresses and the
    phones too many customers share (one statement, when there are some), their orders, their returns, and
    what the warehouse found once one of those returns has been received."""
    histories: dict[K, CustomerHistory] = {key: CustomerHistory() for key in customers}
    wanted = [(key, keys) for key, keys in customers.items() if not keys.empty]
    if not wanted:
        return histories
    crowded = _crowded_keys(
        addresses=set().union(*(keys.address_keys for _key, keys in wanted)),
        phones=set().union(*(keys.phone_keys for _key, keys in wanted)),
    )
    wanted = [
        (key, replace(keys, address_keys=keys.address_keys - crowded, phone_keys=keys.phone_keys - crowded))
        for key, keys in wanted
    ]
    emails = set().union(*(keys.emails for _key, keys in wanted))
    addresses = set().union(*(keys.address_keys for _key, keys in wanted))
    phones = set().union(*(keys.phone_keys for _key, keys in wanted))
    orders = prepared_values(
        ORDERS, Order, _orders_of, emails=sorted(emails), addresses=sorted(addresses), phones=sorted(phones)
    )
    order_ids = [order["id"] for order in orders]
    returns = prepared_values(RETURNS, ReturnRequest, _returns_of, order_ids=order_ids, emails=sorted(emails))
    # Units are inspected only once their parcel is received: no query while none of the returns has been.
    signals = _inspection_signals_for(sorted({row["return_id"] for row in returns if row["received_at"] is not None}))
    for key, keys in wanted:
        _history_fill(histories[key], keys=keys, orders=orders, returns=returns, signals=signals)
    return histories


def _history_fill(
    history: CustomerHistory,
    *,
    keys: CustomerKeys,
    orders: list[dict[str, Any]],
    returns: list[dict[str, Any]],
    signals: Mapping[int, InspectionSignals],
) -> None:
    """Add up, from the rows read for a page of customers, those of one customer."""
    mine = set()
    for order in orders:
        email = order["customer_email"].lower()
        if email in keys.emails or order["address_key"] in keys.address_keys or order["phone_key"] in keys.phone_keys:
            mine.add(order["id"])
            history.units_bought += order["units"]
            history.emails.add(email)
    by_status: dict[str, int] = {}
    for row in returns:
        if row["return_id"] == keys.excluded_return_id:
            continue
        if row["order_id"] not in mine and row["email"] not in keys.emails:
            continue
        history.count += 1
        history.emails.add(row["email"])
        history.returns.append((row["email"], row["status"], row["created_at"]))
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
        history.values[row["currency"]] = history.values.get(row["currency"], Decimal("0.00")) + row["value"]
        if row["status"] not in NOT_RETURNED_STATUSES:
            history.units_returned += row["units"]
        found = signals.get(row["return_id"], InspectionSignals())
        history.units_worn += found.units_worn
        history.units_unmatched += found.units_unmatched
    history.by_status = dict(sorted(by_status.items(), key=lambda item: STATUS_ORDER.get(item[0], 0)))
    history.emails.discard("")


def customer_history_for_return(return_request: ReturnRequest, *, excluding_itself: bool = False) -> CustomerHistory:
    """The history of a return's customer (with the return itself, unless `excluding_itself`)."""
    keys = customer_keys_for_return(return_request, excluding_itself=excluding_itself)
    return customer_histories_for({0: keys})[0]


def customer_history_for_email(email: str) -> CustomerHistory:
    """The history of the customer behind an email (their addresses and phones found through their orders)."""
    return customer_histories_for({0: customer_keys_for_email(email)})[0]
