"""One way for every carrier adapter to call its carrier over HTTP: the same timeouts, and the same reading of
what is worth a retry (no answer, a 5xx, a 429) and what is not (any other 4xx, which the adapter reads)."""

import logging
from collections.abc import Mapping
from typing import Any

import requests

from rma.shipping.carriers.base import CarrierSettings, CarrierUnavailable

logger = logging.getLogger(__name__)

# Answers that say "try again later": the carrier is down, overloaded or throttling us.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class CarrierHttp:
    """A requests session bound to one carrier account's address and timeout.

    `request` returns the response for any status the adapter must read (2xx, and the 4xx a carrier uses for
    refusals); it raises CarrierUnavailable when there is no answer or the answer is a retryable status."""

    def __init__(self, *, settings: CarrierSettings, default_base_url: str, carrier: str) -> None:
        self.base_url = (settings.base_url or default_base_url).rstrip("/")
        self.timeout = settings.timeout
        self.carrier = carrier
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        url = self.url(path)
        # One request per connection: an adapter is built per label or per poll, and a kept-alive connection would
        # stay open (a socket here, a thread or a slot at the carrier) until the session is collected.
        sent_headers = {"Connection": "close", **dict(headers or {})}
        try:
            response = self.session.request(method, url, headers=sent_headers, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise CarrierUnavailable(f"{self.carrier}: no answer from {url}: {exc}") from exc
        if response.status_code in RETRYABLE_STATUSES:
            raise CarrierUnavailable(
                f"{self.carrier}: {method} {url} answered {response.status_code}: {response.text[:300]}"
            )
        return response
