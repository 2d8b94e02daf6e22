"""InPost's parcel lockers through the ShipX API (REST JSON): return labels, their void, tracking, points, webhooks.

Written from the InPost ShipX API documentation (version 1.23.0 pages and the current "PL" space, read
2026-12; https://dokumentacja-inpost.atlassian.net/wiki/spaces/PL/pages/622754/API+ShipX):
- "API General Information" (page 28639247): production https://api-shipx-pl.easypack24.net, sandbox
  https://sandbox-api-shipx-pl.easypack24.net; `Authorization: Bearer <token>`; `Accept-Language: keys` for error
  keys instead of sentences.
- "Creating a shipment in the simplified mode": POST /v1/organizations/{organization_id}/shipments with
  `service`, `sender`, `receiver`, `parcels` ([{"template": "small"}]), `custom_attributes`, `reference`; the
  answer is the shipment in status `created`, without tracking number. ShipX prepares and buys the offer
  asynchronously: the shipment reaches `confirmed` with its `tracking_number` later (GET /v1/shipments/{id}).
- "Shipment search and sorting" (page 18153512): GET /v1/organizations/{id}/shipments?tracking_number=...
- Labels: GET /v1/shipments/{id}/label?format=Pdf|Zpl|Epl&type=A6 (binary answer; without `type`, the normal
  label), available once the shipment is confirmed (`invalid_action` before).
- "Shipment cancellation" (page 28639256): DELETE /v1/shipments/{id} → 204, only while `created` or
  `offers_prepared`; otherwise `invalid_action`.
- Points, tracking, statuses and webhooks: see mapping.py and tracking.py.

Credentials (CarrierSettings.credentials): `token` (the API token from Manager Paczek → My account → API),
`organization_id`, and `webhook_token` (our shared secret for webhooks, see tracking.py).
Options (CarrierSettings.options): `service` (default "inpost_locker_standard"), `target_point` (the locker the
warehouse collects from; ShipX requires it for the locker services), `receiver_company_name`, `receiver_email` and
`receiver_phone` (the warehouse's, for ShipX's notices, when its address has none), `parcel_template`
(small / medium / large = lockers A / B / C; default small), `sending_method` (with a chosen point; default
"parcel_locker"), `sending_method_without_point` (default: none sent, the organization's default applies),
`label_formats` (default ["pdf", "zpl"]), `pdf_type` (default "A6"), `zpl_type` (default "normal"),
`confirm_attempts` (default 10) and `confirm_interval` (seconds, default 1.0), `search_window_hours`, `search_pages`
and `search_recheck_seconds` (below), `statuses_lang` (en_GB or pl_PL), `insure` (send the value as insurance).

Idempotency: ShipX has no idempotency key. Every shipment carries our `reference` (the return's public id), and
before creating one the adapter reads the organization's shipments created in the last `search_window_hours`
(default 72; filters `reference` and `created_at_gteq`, pages of 100, at most `search_pages`, default 10) and
checks the reference of each itself, since ShipX drops the filters it does not know. A shipment made seconds ago
may not be listed yet (a public ShipX connector's sandbox notes measured up to about 5 s), so an empty search is
made once more after `search_recheck_seconds` (default 5) before posting. So a retry after a timeout, a lost
answer or a shipment still waiting for confirmation continues with the same shipment: never two labels for one
return. A shipment still not confirmed after `confirm_attempts` reads is CarrierUnavailable (with the failed
payment's key, e.g. debt_collection): the label task retries later and finds it.

Void: ShipX cancels only unconfirmed shipments. A confirmed label that was never dropped in a locker cannot be
cancelled through the API; the void is then a logged no-op (the label is unusable for us; an unused shipment is
settled in InPost's Manager Paczek or with its customer service). A shipment no longer listed (ShipX drops
cancelled ones from its listings) is a no-op too. A parcel already handed over cannot be voided: CarrierError.
"""

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from rma.shipping.carriers.base import (
    CarrierError,
    CarrierLabel,
    CarrierPoint,
    CarrierSettings,
    CarrierUnavailable,
    LabelRequest,
    TrackingEvent,
    TrackingUpdate,
)
from rma.shipping.carriers.http import CarrierHttp
from rma.shipping.carriers.inpost.errors import error_body, raise_for_answer
from rma.shipping.carriers.inpost.mapping import (
    CANCELLABLE,
    CANCELLED,
    CONFIRMED,
    MAX_WEIGHT_KG,
    POINT_TYPES,
    point_from_shipx,
    shipment_payload,
)
from rma.shipping.carriers.inpost.tracking import events_from_tracking, webhook_check, webhook_updates

logger = logging.getLogger(__name__)

PRODUCTION_URL = "https://api-shipx-pl.easypack24.net"
SANDBOX_URL = "https://sandbox-api-shipx-pl.easypack24.net"
# ShipX's status titles by (API address, language), with when they were read: they change with ShipX's releases.
STATUS_TITLES_TTL = 6 * 3600.0
_STATUS_TITLES: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}
# Our document names → ShipX's label format.
LABEL_FORMATS = {"pdf": "Pdf", "zpl": "Zpl"}


class InPostCarrier:
    """The ShipX adapter for one InPost organization (see the module docstring for credentials and options)."""

    code = "inpost"

    def __init__(self, settings: CarrierSettings | None = None) -> None:
        self.settings = settings or CarrierSettings()
        self.http = CarrierHttp(settings=self.settings, default_base_url=PRODUCTION_URL, carrier=self.code)
        self.options: Mapping[str, Any] = self.settings.options

    # ---- plumbing

    def _credential(self, name: str) -> str:
        value = str(self.settings.credentials.get(name) or "")
        if not value:
            raise CarrierError(f"inpost: the account has no {name!r} credential")
        return value

    def _headers(self, *, auth: bool = True) -> dict[str, str]:
        headers = {"Accept-Language": "keys", "Content-Type": "application/json", "X-User-Agent": "rma-portal"}
        if auth:
            headers["Authorization"] = f"Bearer {self._credential('token')}"
        return headers

    def _json(self, method: str, path: str, *, action: str, auth: bool = True, **kwargs: Any) -> Any:
        response = self.http.request(method, path, headers=self._headers(auth=auth), **kwargs)
        raise_for_answer(response, action=action)
        try:
            return response.json()
        except ValueError as exc:
            raise CarrierUnavailable(f"inpost: {action} answered something that is not JSON") from exc

    # ---- labels

    def _listing(self, params: Mapping[str, Any], *, matches: Callable[[Mapping[str, Any]], bool]) -> dict | None:
        """The first shipment of the organization's listing that `matches`, reading at most `search_pages` pages
        of 100 (ShipX's largest page; it drops filters it does not know, so every item is checked here)."""
        organization = self._credential("organization_id")
        seen = 0
        for page in range(1, int(self.options.get("search_pages", 10)) + 1):
            listing = self._json(
                "GET",
                f"/v1/organizations/{organization}/shipments",
                action="shipment search",
                params={**params, "page": page, "per_page": 100},
            )
            items = listing.get("items") or []
            for item in items:
                if matches(item):
                    return dict(item)
            seen += len(items)
            if not items or seen >= int(listing.get("count") or 0):
                return None
        logger.warning("inpost: shipment search stopped after %s pages without finding %s", page, dict(params))
        return None

    def _shipment_by_reference(self, reference: str) -> dict[str, Any] | None:
        """Our earlier shipment for this reference, if a previous attempt made one (see the module docstring)."""
        since = datetime.now(UTC) - timedelta(hours=float(self.options.get("search_window_hours", 72)))
        params = {"reference": reference, "created_at_gteq": since.isoformat(timespec="seconds")}

        def ours(item: Mapping[str, Any]) -> bool:
            return item.get("reference") == reference and item.get("status") != CANCELLED

        found = self._listing(params, matches=ours)
        recheck = float(self.options.get("search_recheck_seconds", 5.0))
        if found is None and recheck > 0:
            # A shipment made seconds ago may not be listed yet: look once more before making another.
            time.sleep(recheck)
            found = self._listing(params, matches=ours)
        return found

    def _confirmed(self, shipment: dict[str, Any]) -> dict[str, Any]:
        """Read the shipment until ShipX confirmed it and gave its tracking number."""
        attempts = int(self.options.get("confirm_attempts", 10))
        interval = float(self.options.get("confirm_interval", 1.0))
        for attempt in range(attempts + 1):
            if shipment.get("status") == CANCELLED:
                raise CarrierError(f"inpost: shipment {shipment.get('id')} was cancelled")
            if shipment.get("status") == CONFIRMED and shipment.get("tracking_number"):
                return shipment
            offers = shipment.get("offers") or []
            if (
                shipment.get("status") == "offers_prepared"
                and offers
                and all(offer.get("status") == "unavailable" for offer in offers)
            ):
                # Nothing to buy: the account's contract does not cover the service (a webhook example of the
                # "Webhooks" page shows such offers). Waiting will not change it.
                reasons = [offer.get("unavailability_reasons") for offer in offers]
                raise CarrierError(f"inpost: no offer is available for shipment {shipment.get('id')}: {reasons}")
            if attempt == attempts:
                break
            if interval:
                time.sleep(interval)
            shipment = self._json("GET", f"/v1/shipments/{shipment['id']}", action="shipment read")
        # A payment that failed (no funds: "debt_collection") leaves the shipment waiting, and it may still be
        # bought: say why, and let the retries come back to it.
        failed = [
            str((transaction.get("details") or {}).get("error") or "failure")
            for transaction in shipment.get("transactions") or []
            if transaction.get("status") == "failure"
        ]
        raise CarrierUnavailable(
            f"inpost: shipment {shipment.get('id')} is still {shipment.get('status')!r} after {attempts} reads"
            + (f" (payment: {', '.join(failed)})" if failed else "")
        )

    def _label_file(self, shipment_id: int, document: str) -> bytes:
        label_type = str(self.options.get(f"{document}_type") or ("A6" if document == "pdf" else "normal"))
        # Without `type` ShipX gives its normal label (and A6 for the courier services, which have no other).
        params = {"format": LABEL_FORMATS[document], **({"type": label_type} if label_type != "normal" else {})}
        path = f"/v1/shipments/{shipment_id}/label"
        response = self.http.request("GET", path, headers=self._headers(), params=params)
        if response.status_code == 400 and error_body(response).get("error") == "invalid_action":
            # "shipment_status_incorrect": the label is not there yet; it will be.
            raise CarrierUnavailable(f"inpost: the label of shipment {shipment_id} is not ready yet")
        raise_for_answer(response, action=f"{document} label")
        content = response.content
        if not content or (document == "pdf" and not content.startswith(b"%PDF")):
            # An empty body or a proxy's page answered 200: the label itself is still to be had.
            raise CarrierUnavailable(f"inpost: the {document} label of shipment {shipment_id} is not a label")
        return content

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        """Create (or find again) the return shipment, wait for its confirmation, fetch its label files."""
        if not request.reference:
            raise CarrierError("the label request has no reference")
        if request.weight_grams > MAX_WEIGHT_KG * 1000:
            # Every locker compartment (and ShipX's parcel templates) stops at 25 kg: another carrier is needed.
            raise CarrierError(
                f"inpost: {request.weight_grams} g is over the {MAX_WEIGHT_KG} kg a locker parcel takes"
            )
        shipment = self._shipment_by_reference(request.reference)
        if shipment is None:
            organization = self._credential("organization_id")
            shipment = self._json(
                "POST",
                f"/v1/organizations/{organization}/shipments",
                action="shipment creation",
                json=shipment_payload(request=request, options=self.options),
            )
        shipment = self._confirmed(shipment)
        formats = [str(f) for f in self.options.get("label_formats") or ("pdf", "zpl") if str(f) in LABEL_FORMATS]
        documents = {document: self._label_file(int(shipment["id"]), document) for document in formats}
        return CarrierLabel(
            tracking_number=str(shipment["tracking_number"]),
            carrier=self.code,
            documents=documents,
            carrier_reference=str(shipment["id"]),
            extra={
                "status": shipment.get("status"),
                "service": shipment.get("service"),
                # The code the customer opens a locker with to hand the parcel in, when ShipX gives one.
                "customer_delivering_code": (shipment.get("custom_attributes") or {}).get("customer_delivering_code"),
            },
        )

    def _shipment_by_tracking_number(self, tracking_number: str) -> dict[str, Any] | None:
        return self._listing(
            {"tracking_number": tracking_number}, matches=lambda item: item.get("tracking_number") == tracking_number
        )

    def void_label(self, *, tracking_number: str) -> None:
        """Cancel the shipment while ShipX allows it; a confirmed, unused one is a documented no-op."""
        shipment = self._shipment_by_tracking_number(tracking_number)
        if shipment is None:
            # ShipX drops cancelled shipments from its listings: nothing of ours is left there to cancel.
            logger.warning("inpost: no listed shipment has tracking number %s; nothing to cancel", tracking_number)
            return
        status = str(shipment.get("status"))
        if status == CANCELLED:
            return
        if status in CANCELLABLE:
            response = self.http.request("DELETE", f"/v1/shipments/{shipment['id']}", headers=self._headers())
            raise_for_answer(response, action="shipment cancellation")
            return
        if status == CONFIRMED:
            logger.info("inpost: shipment %s is confirmed; ShipX cannot cancel it, nothing to do", shipment["id"])
            return
        raise CarrierError(f"inpost: shipment {shipment['id']} is already {status}; it cannot be voided")

    # ---- tracking

    def status_titles(self) -> dict[str, str]:
        """ShipX's own title of each status (GET /v1/statuses), kept for STATUS_TITLES_TTL per API address and
        language (an adapter is built for each call); {} while unreachable: events then show the status name."""
        lang = str(self.options.get("statuses_lang") or "en_GB")
        key = (self.http.base_url, lang)
        cached = _STATUS_TITLES.get(key)
        if cached is not None and time.monotonic() - cached[0] < STATUS_TITLES_TTL:
            return cached[1]
        try:
            body = self._json("GET", "/v1/statuses", action="statuses", auth=False, params={"lang": lang})
        except CarrierError as exc:
            logger.warning("inpost statuses unavailable: %s", exc)
            return {}
        titles = {str(item["name"]): str(item.get("title") or "") for item in body.get("items") or []}
        _STATUS_TITLES[key] = (time.monotonic(), titles)
        return titles

    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        """The parcel's tracking history, oldest first; [] while ShipX does not know the number yet."""
        response = self.http.request("GET", f"/v1/tracking/{tracking_number}", headers=self._headers(auth=False))
        body: Mapping[str, Any] = {}
        if response.status_code != 404:
            raise_for_answer(response, action="tracking")
            try:
                body = response.json()
            except ValueError as exc:
                raise CarrierUnavailable("inpost: tracking answered something that is not JSON") from exc
        events = events_from_tracking(body, titles=self.status_titles())
        if events or not self.settings.credentials.get("token"):
            return events
        # The public tracking may not know a parcel the organization's shipment already shows (it is empty on
        # ShipX's sandbox): then the shipment's own status, as of its last change, is the one event we have.
        shipment = self._shipment_by_tracking_number(tracking_number)
        if shipment is None or not shipment.get("status") or not shipment.get("updated_at"):
            return []
        current = {
            "tracking_number": tracking_number,
            "tracking_details": [
                {"status": shipment["status"], "origin_status": "", "agency": None, "datetime": shipment["updated_at"]}
            ],
        }
        return events_from_tracking(current, titles=self.status_titles())

    def webhook_read(self, *, headers: Mapping[str, str], body: bytes) -> list[TrackingUpdate]:
        """Check the delivery's token, then read its status change (see tracking.py)."""
        webhook_check(headers=headers, expected=str(self.settings.credentials.get("webhook_token") or ""))

        def tracking_number_of(shipment_id: int) -> str:
            shipment = self._json("GET", f"/v1/shipments/{shipment_id}", action="shipment read")
            return str(shipment.get("tracking_number") or "")

        return webhook_updates(
            body=body,
            organization_id=str(self.settings.credentials.get("organization_id") or ""),
            titles=self.status_titles(),
            tracking_number_of=tracking_number_of,
        )

    # ---- points

    def points_search(
        self, *, country: str, postcode: str, city: str = "", kinds: tuple[str, ...] = (), limit: int = 50
    ) -> list[CarrierPoint]:
        """InPost's operating points nearest a postcode (GET /v1/points?relative_post_code=...), lockers and POPs."""
        types = [POINT_TYPES[kind] for kind in kinds if kind in POINT_TYPES] if kinds else list(POINT_TYPES.values())
        if not types:
            return []
        params: dict[str, Any] = {
            "relative_post_code": postcode,
            "type": ",".join(types),
            # Points that do not operate come in the answer too: ask for more than needed, keep `limit`.
            "per_page": max(1, min(limit * 2 + 10, 500)),
            "sort_by": "distance_to_relative_point",
        }
        body = self._json("GET", "/v1/points", action="points", auth=False, params=params)
        points = []
        # Nearest first whatever order the answer came in (`distance` is in metres from the postcode).
        items = sorted(
            body.get("items") or [], key=lambda item: (item.get("distance") is None, item.get("distance") or 0)
        )
        for item in items:
            try:
                point = point_from_shipx(item, country=country)
            except (KeyError, TypeError, ValueError) as exc:
                logger.warning("inpost point %s skipped: %s", item.get("name"), exc)
                continue
            if point is not None:
                points.append(point)
        return points[:limit]
