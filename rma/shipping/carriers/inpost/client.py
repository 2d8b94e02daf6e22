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
- Labels: GET /v1/shipments/{id}/label?format=Pdf|Zpl|Epl&type=normal|A6 (binary answer).
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
`confirm_attempts` (default 10) and `confirm_interval` (seconds, default 1.0), `statuses_lang` (en_GB or pl_PL).

Idempotency: ShipX has no idempotency key. Every shipment carries our `reference` (the return's public id), and
before creating one the adapter looks for a shipment of the organization with that reference, newest first,
and checks the reference of what it finds itself (a server that ignored the filter cannot fool it). So a retry
after a timeout, a lost answer or a shipment still waiting for confirmation continues with the same shipment:
never two labels for one return. A shipment still not confirmed after `confirm_attempts` reads is
CarrierUnavailable: the label task retries later and finds it.

Void: ShipX cancels only unconfirmed shipments. A confirmed label that was never dropped in a locker cannot be
cancelled through the API; the void is then a logged no-op (the label is unusable for us, and InPost's customer
service settles unused shipments). A parcel already handed over cannot be voided: CarrierError.
"""

import logging
import time
from collections.abc import Mapping
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
from rma.shipping.carriers.inpost.errors import raise_for_answer
from rma.shipping.carriers.inpost.mapping import (
    CANCELLABLE,
    CANCELLED,
    CONFIRMED,
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

    def _shipment_by_reference(self, reference: str) -> dict[str, Any] | None:
        organization = self._credential("organization_id")
        listing = self._json(
            "GET",
            f"/v1/organizations/{organization}/shipments",
            action="shipment search",
            params={"reference": reference, "sort_by": "created_at", "sort_order": "desc", "per_page": 25},
        )
        for item in listing.get("items") or []:
            if item.get("reference") == reference and item.get("status") != CANCELLED:
                return dict(item)
        return None

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
        raise CarrierUnavailable(
            f"inpost: shipment {shipment.get('id')} is still {shipment.get('status')!r} after {attempts} reads"
        )

    def _label_file(self, shipment_id: int, document: str) -> bytes:
        default_type = "A6" if document == "pdf" else "normal"
        params = {"format": LABEL_FORMATS[document], "type": self.options.get(f"{document}_type") or default_type}
        path = f"/v1/shipments/{shipment_id}/label"
        response = self.http.request("GET", path, headers=self._headers(), params=params)
        raise_for_answer(response, action=f"{document} label")
        if not response.content:
            raise CarrierUnavailable(f"inpost: the {document} label of shipment {shipment_id} came back empty")
        return response.content

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        """Create (or find again) the return shipment, wait for its confirmation, fetch its label files."""
        if not request.reference:
            raise CarrierError("the label request has no reference")
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
            extra={"status": shipment.get("status"), "service": shipment.get("service")},
        )

    def _shipment_by_tracking_number(self, tracking_number: str) -> dict[str, Any] | None:
        organization = self._credential("organization_id")
        listing = self._json(
            "GET",
            f"/v1/organizations/{organization}/shipments",
            action="shipment search",
            params={"tracking_number": tracking_number},
        )
        for item in listing.get("items") or []:
            if item.get("tracking_number") == tracking_number:
                return dict(item)
        return None

    def void_label(self, *, tracking_number: str) -> None:
        """Cancel the shipment while ShipX allows it; a confirmed, unused one is a documented no-op."""
        shipment = self._shipment_by_tracking_number(tracking_number)
        if shipment is None:
            raise CarrierError(f"inpost: no shipment of this organization has tracking number {tracking_number}")
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
        if response.status_code == 404:
            return []
        raise_for_answer(response, action="tracking")
        try:
            body = response.json()
        except ValueError as exc:
            raise CarrierUnavailable("inpost: tracking answered something that is not JSON") from exc
        return events_from_tracking(body, titles=self.status_titles())

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
        for item in body.get("items") or []:
            try:
                point = point_from_shipx(item, country=country)
            except (KeyError, TypeError, ValueError) as exc:
                logger.warning("inpost point %s skipped: %s", item.get("name"), exc)
                continue
            if point is not None:
                points.append(point)
        return points[:limit]
