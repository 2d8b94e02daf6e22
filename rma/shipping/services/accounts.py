"""Which carrier account serves a return (rules, not code), and the adapter a label is made and tracked with.

The rules, in order:
1. A return dropped at a carrier's point (a relay point, a locker, a post office) goes with an account of that
   point's carrier: a Mondial Relay point only takes Mondial Relay parcels. A point's network may be named apart
   from the adapter that books it (La Poste's points take Colissimo parcels): settings.RMA_POINT_NETWORK_CARRIERS.
2. Otherwise, and among those, the first enabled account by priority whose rules fit the return: drop-off methods,
   the customer's country and the destination warehouse (each empty = all).
3. None fits: the built-in carrier (demos, tests, and a retailer with no carrier contract yet).
"""

import logging

from django.conf import settings

from rma.core.reference_memo import ReferenceMemo
from rma.locations.choices import DropOffKind, DropOffMethod
from rma.returns.models import ReturnRequest
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers import DEFAULT_CARRIER, Address, Carrier, CarrierSettings, carrier_codes, get_carrier
from rma.shipping.models import Label

logger = logging.getLogger(__name__)

# Drop-off methods whose point belongs to a carrier's network (a shop's counter and home pickup do not).
_POINT_METHODS = frozenset({DropOffMethod.RELAY_POINT, DropOffMethod.LOCKER, DropOffMethod.POST_OFFICE})


def point_network_carrier(*, network: str) -> str:
    """The carrier code that books parcels for a point network (DropOffPoint.carrier), e.g. "la_poste" →
    "colissimo"; a network not listed in settings.RMA_POINT_NETWORK_CARRIERS is its own carrier's code."""
    return str(getattr(settings, "RMA_POINT_NETWORK_CARRIERS", {}).get(network, network))


def return_point_carrier(*, return_request: ReturnRequest) -> str | None:
    """The carrier the return's drop-off point requires, or None when the parcel does not leave at a carrier's
    point (a shop counter, a home pickup)."""
    point = return_request.drop_off_point
    if point is None or point.kind == DropOffKind.STORE or return_request.drop_off_method not in _POINT_METHODS:
        return None
    return point_network_carrier(network=point.carrier)


# Read at every approval; kept in memory between requests (rma.core.reference_memo), in the rules' order.
_enabled_accounts = ReferenceMemo(
    "shipping.enabled_carrier_accounts",
    lambda: list(
        CarrierAccount.objects.filter(enabled=True).prefetch_related("warehouses").order_by("priority", "pk")
    ),
    models=[CarrierAccount],
)


def carrier_account_for(*, return_request: ReturnRequest) -> CarrierAccount | None:
    """The account that makes this return's label (see the module docstring), or None for the built-in carrier."""
    required = return_point_carrier(return_request=return_request)
    accounts = [account for account in _enabled_accounts.get() if required is None or account.carrier == required]
    known = set(carrier_codes())
    method = return_request.drop_off_method
    country = (return_request.order.country or "").upper()
    warehouse_id = return_request.destination_warehouse_id
    for account in accounts:
        if account.carrier not in known:
            logger.warning("carrier account %s names carrier %r, which is not installed", account.pk, account.carrier)
            continue
        if account.drop_off_methods and method not in account.drop_off_methods:
            continue
        if account.countries and country not in account.countries:
            continue
        served = {warehouse.pk for warehouse in account.warehouses.all()}
        if served and warehouse_id not in served:
            continue
        return account
    return None


def account_settings(*, account: CarrierAccount) -> CarrierSettings:
    """What the account gives its adapter: credentials (the environment's win), API address, options, timeout."""
    return CarrierSettings(
        account=account.name,
        credentials=account.credentials_resolved(),
        base_url=account.base_url,
        options=dict(account.options or {}),
        timeout=account.timeout,
    )


def account_carrier(*, account: CarrierAccount) -> Carrier:
    """The adapter of an account, set up with its settings."""
    return get_carrier(account.carrier, account_settings(account=account))


def label_carrier(*, label: Label) -> Carrier:
    """The adapter a label was made with, to track or cancel it: its account's, or the carrier it names when it
    has no account (the built-in carrier, and labels made before accounts existed)."""
    if label.account_id is not None:
        account = label.account
        assert account is not None  # for the type checker: the foreign key is set
        return account_carrier(account=account)
    return get_carrier(label.carrier or DEFAULT_CARRIER)


def carrier_for_code(*, code: str) -> Carrier:
    """An adapter of carrier `code` for work that belongs to no return (the point directory's sync): set up with
    the first enabled account of that carrier by priority, else with no settings."""
    account = CarrierAccount.objects.filter(enabled=True, carrier=code).order_by("priority", "pk").first()
    if account is not None:
        return account_carrier(account=account)
    return get_carrier(code)


def account_return_address(*, account: CarrierAccount | None) -> Address | None:
    """The address parcels go back to when the account sets one (else the destination warehouse's)."""
    if account is None or not account.has_return_address:
        return None
    return Address(
        name=account.return_name or account.name,
        line1=account.return_line1,
        line2=account.return_line2,
        postcode=account.return_postcode,
        city=account.return_city,
        country=account.return_country or "FR",
        phone=account.return_phone,
    )
