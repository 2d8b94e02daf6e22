"""Mondial Relay as a carrier: return labels, tracking and the point search, over its V1 SOAP web services.

Sources: Mondial Relay, "WEB SERVICE" V-5.7 (October 2020; a copy: https://vdocument.in/web-service-mondial-relay.html)
and the WSDL https://api.mondialrelay.com/Web_Services.asmx?WSDL. Each module of this package cites the sections it
follows. Why V1 and not the newer "API V2" (Mondial Relay, "WEB SERVICE DUAL CARRIER" V-2.3, October 2017, REST/XML
at https://connect-api.mondialrelay.com/api/shipment): V2 signs in with a Connect login and password and would need a
second set of credentials for the same account, while the point search and the tracing exist only in V1, signed with
the enseigne's private key; V1's WSI2_CreationEtiquette makes return labels ("REL" collection) with the same key. V2
would add a ZPL label (V1 gives PDF only); an account that needs ZPL is the reason to add V2 later.

Credentials (CarrierSettings.credentials): "enseigne" (the 8-character merchant code, e.g. "BDTEST13"; shorter codes
are padded with spaces, as the service expects) and "private_key" (the web services' private key).

Options (CarrierSettings.options), all optional:
- "collection_mode": ModeCol, default "REL" (the customer drops the parcel at a Point Relais® or Locker); a home
  pickup return uses "home_collection_mode", default "CDR" (home collection), and a return handed over at one of our
  shops "store_collection_mode", default "CCC" (collected at the merchant's).
- "delivery_mode": ModeLiv, default "LCC" (delivered to the merchant: our warehouse).
- "label_formats": the label sizes to fetch, any of "A4", "A5", "10x15"; default ["A4", "10x15"]. A4 or A5 is kept as
  documents["pdf"], 10x15 as documents["pdf_4x6"]. V1 prints no ZPL.
- "label_base_url": where URL_Etiquette's path is fetched from; default the API's address when base_url is set (a
  test server), else https://www.mondialrelay.com.
- "tracking_language": Langue of the tracing, default "FR" (the steps' codes come from its wording: keep it fixed).
- "search_radius_km" (RayonRecherche, default 20), "insurance" (Assurance level, default empty),
  "locker_name_prefixes" (default ["LOCKER"]).

Idempotency: WSI2_CreationEtiquette has no idempotency key and no way to find an expedition by our reference, so a
call whose answer is lost (a timeout after Mondial Relay booked it) and is retried books a second expedition. What
we do: NDossier carries the return's RMA number, so both show in Mondial Relay Connect under the same file number;
the label path keeps one tracking number only, so the customer prints one label and the other expedition is never
dropped at a point, hence never collected nor billed (Mondial Relay invoices parcels it takes over). An expedition
booked for the same reference and the same parameters is remembered for a day in Django's cache (Redis, shared by
every process and machine, when REDIS_URL is set), so a retry after a failed label download (the booking succeeded,
the PDF did not come) fetches the same expedition's label instead of booking another, on whichever worker it runs.
When the cache is down (rma.core.shared_cache) the booking is made anyway, with a warning: at worst a retry books
a second expedition, as a lost answer does.

Void: the V1 web services have no cancellation; an unused expedition is not billed. void_label checks the number
and does nothing.
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rma.core.shared_cache import shared_cache_get, shared_cache_set
from rma.locations.choices import DropOffMethod
from rma.shipping.carriers.base import (
    Address,
    CarrierError,
    CarrierLabel,
    CarrierPoint,
    CarrierSettings,
    CarrierUnavailable,
    LabelRequest,
    TrackingEvent,
)
from rma.shipping.carriers.http import CarrierHttp
from rma.shipping.carriers.mondial_relay.errors import OK, TRACING_STATS, stat_error
from rma.shipping.carriers.mondial_relay.points import DEFAULT_LOCKER_PREFIXES, point_id_split, points_read
from rma.shipping.carriers.mondial_relay.soap import SoapClient
from rma.shipping.carriers.mondial_relay.text import (
    ascii_upper,
    file_number,
    town,
)
from rma.shipping.carriers.mondial_relay.text import email as email_field
from rma.shipping.carriers.mondial_relay.text import language as language_field
from rma.shipping.carriers.mondial_relay.text import phone as phone_field
from rma.shipping.carriers.mondial_relay.text import postcode as postcode_field
from rma.shipping.carriers.mondial_relay.tracking import events_read

CODE = "mondial_relay"
API_URL = "https://api.mondialrelay.com"
LABEL_HOST = "https://www.mondialrelay.com"
LABEL_DOCUMENTS = {"A4": "pdf", "A5": "pdf", "10x15": "pdf_4x6"}
EXPEDITION_NUMBER = re.compile(r"^[0-9]{8}$")
# A parcel to a Point Relais weighs at least this much for the service (Poids: ^[0-9]{3,7}$, grams).
MIN_WEIGHT_GRAMS = 100
MAX_RESULTS = 30  # NombreResultats: the service returns 30 points at most
POINT_KINDS = frozenset({"relay_point", "locker"})

# How long a booked expedition is remembered for a retry of the same request: the label task's own retries are over
# within about ten minutes (rma.core.retries), the labels' sweep tries again later; a day covers both.
BOOKING_MEMORY_SECONDS = 24 * 3600


def _booking_key(base_url: str, reference: str, params: Mapping[str, str]) -> str:
    """The cache key of one booking: the service, our reference and every parameter sent (a corrected address is
    another booking)."""
    digest = hashlib.sha256("\x1f".join([base_url, reference, *params.values()]).encode()).hexdigest()
    return f"rma:mondial_relay:booking:{digest}"


def _recall(key: str) -> tuple[str, str] | None:
    """(expedition number, label path) of a booking made by any process, or None."""
    value = shared_cache_get(key, what="a Mondial Relay booking")
    if isinstance(value, list | tuple) and len(value) == 2:
        return str(value[0]), str(value[1])
    return None


def _strings(value: object, default: Sequence[str]) -> list[str]:
    """An option holding one string or a list of strings, as a list; empty means `default`."""
    if not value:
        return list(default)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    raise CarrierError(f"mondial_relay: expected a list of strings, got {value!r}")


class MondialRelayCarrier:
    """Mondial Relay's V1 web services for one enseigne (a merchant account)."""

    code = CODE

    def __init__(self, settings: CarrierSettings) -> None:
        self.settings = settings
        self.options: Mapping[str, object] = settings.options
        credentials = settings.credentials
        self.enseigne = str(credentials.get("enseigne", "")).strip().upper().ljust(8)
        private_key = str(credentials.get("private_key", ""))
        self.http = CarrierHttp(settings=settings, default_base_url=API_URL, carrier=CODE)
        self.soap = SoapClient(http=self.http, private_key=private_key)
        label_base = self.options.get("label_base_url") or (settings.base_url or LABEL_HOST)
        self.label_base_url = str(label_base).rstrip("/")

    # ---- Labels

    def _option(self, name: str, default: str) -> str:
        value = self.options.get(name)
        return str(value) if value not in (None, "") else default

    def _collection(self, request: LabelRequest) -> tuple[str, str, str]:
        """(ModeCol, COL_Rel_Pays, COL_Rel): at the customer's chosen point, at any point ("XX", "AUTO"), or home."""
        if request.drop_off_method == DropOffMethod.HOME_PICKUP:
            return self._option("home_collection_mode", "CDR"), "", ""
        if request.drop_off_method == DropOffMethod.STORE:  # handed over at our shop's counter: collected there
            return self._option("store_collection_mode", "CCC"), "", ""
        mode = self._option("collection_mode", "REL")
        if mode != "REL":
            return mode, "", ""
        if request.drop_off_point_id:
            country, number = point_id_split(request.drop_off_point_id, default_country=request.sender.country)
            return mode, country, number
        # The manual's "AUTO": the sender may drop the parcel at any Point Relais.
        return mode, "XX", "AUTO"

    def _label_params(self, request: LabelRequest) -> dict[str, str]:
        sender, recipient = request.sender, request.recipient
        mode_col, col_country, col_point = self._collection(request)
        value = max(request.value_cents, 0)
        return {
            "Enseigne": self.enseigne,
            "ModeCol": mode_col,
            "ModeLiv": self._option("delivery_mode", "LCC"),
            "NDossier": file_number(request.rma_number),
            "NClient": "",
            "Expe_Langage": language_field(request.language),
            **self._address("Expe", sender),
            "Dest_Langage": "FR" if recipient.country.upper() == "FR" else "EN",
            **self._address("Dest", recipient),
            "Poids": str(max(request.weight_grams, MIN_WEIGHT_GRAMS)),
            "Longueur": "",
            "Taille": "",
            "NbColis": "1",
            "CRT_Valeur": "0",
            "CRT_Devise": "",
            "Exp_Valeur": str(value) if value else "",
            "Exp_Devise": request.currency.upper() if value else "",
            "COL_Rel_Pays": col_country,
            "COL_Rel": col_point,
            "LIV_Rel_Pays": "",
            "LIV_Rel": "",
            "TAvisage": "",
            "TReprise": "",
            "Montage": "",
            "TRDV": "",
            "Assurance": self._option("insurance", ""),
            "Instructions": "",
        }

    @staticmethod
    def _address(prefix: str, address: Address) -> dict[str, str]:
        country = address.country.strip().upper()
        return {
            f"{prefix}_Ad1": ascii_upper(address.name),
            f"{prefix}_Ad2": "",
            f"{prefix}_Ad3": ascii_upper(address.line1),
            f"{prefix}_Ad4": ascii_upper(address.line2),
            f"{prefix}_Ville": town(address.city),
            f"{prefix}_CP": postcode_field(address.postcode),
            f"{prefix}_Pays": country,
            f"{prefix}_Tel1": phone_field(address.phone, country=country),
            f"{prefix}_Tel2": "",
            f"{prefix}_Mail": email_field(address.email),
        }

    def _require_account(self) -> None:
        if not self.enseigne.strip() or not self.soap.private_key:
            raise CarrierError("mondial_relay: the carrier account has no enseigne or no private key")

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        """Book a return expedition and fetch its label in the account's sizes."""
        if not request.reference:
            raise CarrierError("the label request has no reference")
        self._require_account()
        params = self._label_params(request)
        memo_key = _booking_key(self.http.base_url, request.reference, params)
        booked = _recall(memo_key)
        if booked is None:
            answer = self.soap.call("WSI2_CreationEtiquette", params)
            if answer.stat != OK:
                raise stat_error(
                    stat=answer.stat,
                    operation="WSI2_CreationEtiquette",
                    language=request.language,
                    point_given=params["COL_Rel"] not in ("", "AUTO"),
                )
            number, label_path = answer.text("ExpeditionNum"), answer.text("URL_Etiquette")
            if not EXPEDITION_NUMBER.match(number) or not label_path:
                raise CarrierError(
                    f"mondial_relay: WSI2_CreationEtiquette answered STAT 0 without a label: {number!r}"
                )
            booked = (number, label_path)
            shared_cache_set(memo_key, list(booked), timeout=BOOKING_MEMORY_SECONDS, what="a Mondial Relay booking")
        number, label_path = booked
        return CarrierLabel(
            tracking_number=number,
            carrier=CODE,
            documents=self._label_documents(label_path),
            extra={"label_url": label_path, "collection_point": f"{params['COL_Rel_Pays']}-{params['COL_Rel']}"},
        )

    def _label_formats(self) -> Sequence[str]:
        chosen = _strings(self.options.get("label_formats"), ("A4", "10x15"))
        unknown = [size for size in chosen if size not in LABEL_DOCUMENTS]
        if unknown:
            raise CarrierError(f"mondial_relay: unknown label format {', '.join(unknown)}; known: A4, A5, 10x15")
        return chosen

    def _label_url(self, path: str, size: str) -> str:
        """URL_Etiquette (a path on Mondial Relay's site, with format=A4) at the size asked."""
        parts = urlsplit(path if path.startswith(("http://", "https://")) else f"{self.label_base_url}{path}")
        query = [(key, size if key.lower() == "format" else value) for key, value in parse_qsl(parts.query)]
        if not any(key.lower() == "format" for key, _value in query):
            query.append(("format", size))
        return urlunsplit(parts._replace(query=urlencode(query)))

    def _label_documents(self, path: str) -> dict[str, bytes]:
        documents: dict[str, bytes] = {}
        for size in self._label_formats():
            response = self.http.request("GET", self._label_url(path, size))
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                # The expedition exists: a retry fetches its label again (see the module's note on idempotency).
                raise CarrierUnavailable(
                    f"mondial_relay: the {size} label could not be downloaded (HTTP {response.status_code})"
                )
            documents.setdefault(LABEL_DOCUMENTS[size], response.content)
        return documents

    # ---- Void and tracking

    @staticmethod
    def _check(tracking_number: str) -> None:
        if not EXPEDITION_NUMBER.match(tracking_number):
            raise CarrierError(f"not a Mondial Relay expedition number: {tracking_number!r}")

    def void_label(self, *, tracking_number: str) -> None:
        """Nothing to cancel: the V1 web services have no cancellation and an unused expedition is not billed."""
        self._check(tracking_number)

    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        """The expedition's steps, oldest first."""
        self._check(tracking_number)
        self._require_account()
        language = self._option("tracking_language", "FR").upper()
        params = {"Enseigne": self.enseigne, "Expedition": tracking_number, "Langue": language}
        answer = self.soap.call("WSI2_TracingColisDetaille", params)
        if answer.stat not in TRACING_STATS:
            raise stat_error(stat=answer.stat, operation="WSI2_TracingColisDetaille", sender_side=False)
        return events_read(stat=answer.stat, result=answer.result)

    # ---- Points

    def points_search(
        self, *, country: str, postcode: str, city: str = "", kinds: tuple[str, ...] = (), limit: int = 50
    ) -> list[CarrierPoint]:
        """The points around a postcode where a customer can drop a return (Action "REL"), nearest first."""
        if kinds and not POINT_KINDS.intersection(kinds):
            return []
        self._require_account()
        params = {
            "Enseigne": self.enseigne,
            "Pays": country.upper(),
            # The postcode finds the points; a town is only sent without one (a town spelt otherwise finds none).
            "Ville": town(city) if city and not postcode else "",
            "CP": postcode_field(postcode),
            "Action": "REL",
            "DelaiEnvoi": "0",
            "RayonRecherche": self._option("search_radius_km", "20"),
            "NombreResultats": str(max(1, min(limit, MAX_RESULTS))),
        }
        answer = self.soap.call("WSI4_PointRelais_Recherche", params)
        if answer.stat != OK:
            raise stat_error(stat=answer.stat, operation="WSI4_PointRelais_Recherche", sender_side=False)
        prefixes = _strings(self.options.get("locker_name_prefixes"), DEFAULT_LOCKER_PREFIXES)
        points = points_read(answer.result, locker_prefixes=prefixes)
        return [point for point in points if not kinds or point.kind in kinds][:limit]
