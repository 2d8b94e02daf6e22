"""Colissimo (La Poste) behind our carrier seam: return labels, tracking and pick-up points.

Documentation followed (see each module for the details and the recorded example answers):
- Labels: "Colissimo Shipping Web Service" (SLS, "Web Service d'Affranchissement"), technical document August 2021
  and La Poste's SLS OpenAPI ("SlsServiceWS : documentation"), REST JSON at
  https://ws.colissimo.fr/sls-ws/SlsServiceWSRest/2.0/ — generateLabel (labels.py, multipart.py, errors.py) and
  getListMailBoxPickingDates (collection from the customer's letterbox).
- Tracking: La Poste "Suivi v2" API, https://api.laposte.fr/suivi/v2/idships/{id} (tracking.py).
- Points: Colissimo "Point Retrait" web service v2, findRDVPointRetraitAcheminement (points.py).

Credentials (CarrierSettings.credentials): `contract_number` and `password` (the Colissimo Box web-service
login), or `api_key` (sent as the apiKey header, which La Poste now recommends instead of the password); and
`okapi_key` for Suivi v2 (developer.laposte.fr). Options: `label_format` (PDF_10x15_300dpi by default,
PDF_A4_300dpi, ZPL_10x15_203dpi, ZPL_10x15_300dpi), `product_code` (CORE), `product_code_international` (CORI),
`commercial_name`, `service_info`, `return_contact`, `insure`, `tracking_lang` (fr_FR), `tracking_base_url`,
`locker_returns`.
`base_url` empty means production (ws.colissimo.fr, and api.laposte.fr for tracking); set, it serves all three.

Idempotency: the SLS web service has no idempotency key and no search by reference, and a Colissimo label is
only an announcement: "only parcels handed over to Colissimo are invoiced; there is no invoicing per printed
label" (Colissimo entreprise FAQ). So when an answer is lost (timeout, 5xx after the work), the retry asks again
with the same orderNumber (our RMA number, findable in Colissimo Box) and gets a new parcel number; the label path
stores only the number of the answer it received, so only that label is ever printed, handed over, billed or
tracked, and the lost one stays an unused announcement at Colissimo.

Void: Colissimo has no cancel for a label (none in the SLS methods); an unused label is never billed, so voiding
is a documented no-op here.
"""

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from rma.shipping.carriers.base import (
    CarrierError,
    CarrierLabel,
    CarrierPoint,
    CarrierSettings,
    CarrierUnavailable,
    LabelRequest,
    TrackingEvent,
)
from rma.shipping.carriers.colissimo.errors import (
    POINT_ADDRESS_CODES,
    POINT_NONE_CODES,
    POINT_POSTCODE_CODES,
    POINT_SYSTEM_CODES,
    customer_error,
    sls_error,
    sls_errors,
)
from rma.shipping.carriers.colissimo.labels import FORMAT_SLOTS, generate_label_body, label_format, mailbox_dates_body
from rma.shipping.carriers.colissimo.multipart import MultipartError, sls_answer_read
from rma.shipping.carriers.colissimo.points import carrier_point
from rma.shipping.carriers.colissimo.tracking import shipment_events
from rma.shipping.carriers.http import CarrierHttp

logger = logging.getLogger(__name__)

PRODUCTION_URL = "https://ws.colissimo.fr"
TRACKING_PRODUCTION_URL = "https://api.laposte.fr"
SLS_PATH = "/sls-ws/SlsServiceWSRest/2.0"
POINTS_PATH = "/pointretrait-ws-cxf/rest/v2/pointretrait/findRDVPointRetraitAcheminement"
TRACKING_PATH = "/suivi/v2/idships"
PARIS = ZoneInfo("Europe/Paris")
TRACKING_LANGUAGES = {"fr": "fr_FR", "en": "en_GB", "de": "de_DE", "es": "es_ES", "it": "it_IT", "nl": "nl_NL"}


def _paris_today() -> date:
    return datetime.now(PARIS).date()


class ColissimoCarrier:
    """Colissimo Retour labels (CORE/CORI), Suivi v2 tracking and the Point Retrait directory."""

    code = "colissimo"

    def __init__(self, settings: CarrierSettings | None = None) -> None:
        self.settings = settings or CarrierSettings()
        self.credentials = dict(self.settings.credentials)
        self.options: dict[str, Any] = dict(self.settings.options)
        self.http = CarrierHttp(settings=self.settings, default_base_url=PRODUCTION_URL, carrier=self.code)
        tracking_base = str(self.options.get("tracking_base_url") or self.settings.base_url)
        self.tracking_http = CarrierHttp(
            settings=replace(self.settings, base_url=tracking_base),
            default_base_url=TRACKING_PRODUCTION_URL,
            carrier=self.code,
        )

    # ---- labels

    def _sls_headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "multipart/related, application/json"}
        if self.credentials.get("api_key"):
            headers["apiKey"] = self.credentials["api_key"]
        return headers

    def _sls_post(self, method: str, body: dict[str, Any], *, language: str) -> tuple[int, Any]:
        response = self.http.request("POST", f"{SLS_PATH}/{method}", headers=self._sls_headers(), json=body)
        try:
            answer = sls_answer_read(content_type=response.headers.get("Content-Type", ""), body=response.content)
        except MultipartError as exc:
            raise CarrierError(f"colissimo {method}: unreadable answer (HTTP {response.status_code}): {exc}") from exc
        found = sls_errors(answer.infos.get("messages") or [])
        if found or response.status_code >= 400:
            raise sls_error(errors=found, status=response.status_code, language=language)
        return response.status_code, answer

    def _mailbox_date(self, request: LabelRequest) -> str:
        """The first date Colissimo can collect the parcel from the customer's letterbox ("YYYY-MM-DD")."""
        body = mailbox_dates_body(request=request, credentials=self.credentials)
        _status, answer = self._sls_post("getListMailBoxPickingDates", body, language=request.language)
        dates = [str(value)[:10] for value in answer.infos.get("mailBoxPickingDates") or [] if value]
        if not dates:
            raise customer_error(
                code="pickup_unavailable",
                message="colissimo: no letterbox collection date for this address",
                carrier_code="",
                language=request.language,
            )
        return min(dates)

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        """Announce a Colissimo Retour parcel and return its number and Colissimo's own printable label."""
        if not request.reference:
            raise CarrierError("colissimo: the label request has no reference")
        try:
            output = label_format(self.options)
        except ValueError as exc:
            raise CarrierError(str(exc)) from exc
        mailbox_date = ""
        if request.drop_off_method == "home_pickup":
            mailbox_date = self._mailbox_date(request)
        body = generate_label_body(
            request=request,
            options=self.options,
            credentials=self.credentials,
            deposit_date=_paris_today(),
            mailbox_date=mailbox_date,
        )
        _status, answer = self._sls_post("generateLabel", body, language=request.language)
        result = answer.infos.get("labelV2Response") or {}
        parcel_number = str(result.get("parcelNumber") or "").strip()
        label = answer.parts.get("label", b"")
        if not parcel_number or not label:
            raise CarrierError("colissimo generateLabel: the answer has no parcel number or no label")
        return CarrierLabel(
            tracking_number=parcel_number,
            carrier=self.code,
            documents={FORMAT_SLOTS[output]: label},
            carrier_reference=str(result.get("parcelNumberPartner") or ""),
            extra={"output_format": output, "product_code": body["letter"]["service"]["productCode"]},
        )

    def void_label(self, *, tracking_number: str) -> None:
        """Nothing to cancel: Colissimo bills only parcels it handled, and has no cancel method for a label."""
        if not tracking_number.strip():
            raise CarrierError("colissimo: no parcel number to void")
        logger.info("colissimo label %s voided on our side only (unused labels are not billed)", tracking_number)

    # ---- tracking (Suivi v2)

    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        """The parcel's events from Suivi v2, oldest first; a number La Poste does not know yet has none."""
        key = self.credentials.get("okapi_key", "")
        if not key:
            raise CarrierError("colissimo: no okapi_key for La Poste's tracking API")
        language = str(self.options.get("tracking_lang") or "fr_FR")
        language = TRACKING_LANGUAGES.get(language, language)
        response = self.tracking_http.request(
            "GET",
            f"{TRACKING_PATH}/{quote(tracking_number.strip(), safe='')}",
            headers={"X-Okapi-Key": key, "Accept": "application/json"},
            params={"lang": language},
        )
        try:
            answer = response.json()
        except ValueError as exc:
            raise CarrierError(f"colissimo tracking: HTTP {response.status_code}, not JSON") from exc
        if isinstance(answer, list):  # several numbers asked at once answer a list
            answer = answer[0] if answer else {}
        if not isinstance(answer, dict):
            answer = {}
        try:
            code = int(answer.get("returnCode") or response.status_code)
        except (TypeError, ValueError):
            code = response.status_code
        if 404 in (response.status_code, code):
            return []
        if response.status_code >= 400 or code >= 400:
            message = answer.get("returnMessage") or answer.get("message") or ""
            raise CarrierError(
                f"colissimo tracking refused {tracking_number} (HTTP {response.status_code}): {message}"
            )
        return shipment_events(answer)

    # ---- points (Point Retrait)

    def points_search(
        self, *, country: str, postcode: str, city: str = "", kinds: tuple[str, ...] = (), limit: int = 50
    ) -> list[CarrierPoint]:
        """Colissimo's points around a postcode, nearest first, of the asked kinds."""
        body: dict[str, Any] = {
            "accountNumber": self.credentials.get("contract_number", ""),
            "password": self.credentials.get("password", ""),
            "address": "",
            "zipCode": postcode.strip(),
            "city": city.strip(),
            "countryCode": country.upper(),
            "weight": int(self.options.get("points_weight_grams") or 1000),
            "shippingDate": (_paris_today() + timedelta(days=1)).strftime("%d/%m/%Y"),
            "filterRelay": "0" if kinds and set(kinds) <= {"post_office"} else "1",
            "lang": "FR",
            "optionInter": "0" if country.upper() == "FR" else "1",
        }
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.credentials.get("api_key"):
            body = {key: value for key, value in body.items() if key not in ("accountNumber", "password")}
            body["apiKey"] = self.credentials["api_key"]
        response = self.http.request("POST", POINTS_PATH, headers=headers, json=body)
        try:
            answer = response.json()
        except ValueError as exc:
            raise CarrierError(f"colissimo points: HTTP {response.status_code}, not JSON") from exc
        return self._points_read(answer, status=response.status_code, kinds=kinds, limit=limit, postcode=postcode)

    def _points_read(
        self, answer: Any, *, status: int, kinds: tuple[str, ...], limit: int, postcode: str
    ) -> list[CarrierPoint]:
        answer = answer if isinstance(answer, dict) else {}
        try:
            error_code = int(answer.get("errorCode", status if status >= 400 else 0))
        except (TypeError, ValueError):
            error_code = -1
        message = str(answer.get("errorMessage") or "")
        if error_code in POINT_NONE_CODES:
            return []
        if error_code in POINT_POSTCODE_CODES | POINT_ADDRESS_CODES:
            raise customer_error(
                code="postcode_unknown" if error_code in POINT_POSTCODE_CODES else "address_invalid",
                message=f"colissimo points refused postcode {postcode!r}: {error_code} {message}",
                carrier_code=str(error_code),
                language="en",
            )
        if error_code in POINT_SYSTEM_CODES:
            raise CarrierUnavailable(f"colissimo points: {error_code} {message}")
        if error_code != 0 or status >= 400:
            raise CarrierError(f"colissimo points refused (HTTP {status}): {error_code} {message}")
        locker_returns = bool(self.options.get("locker_returns", True))
        found = []
        for raw in answer.get("listePointRetraitAcheminement") or []:
            point = carrier_point(raw, locker_returns=locker_returns)
            if point is not None and (not kinds or point.kind in kinds):
                found.append(point)
        return found[:limit]
