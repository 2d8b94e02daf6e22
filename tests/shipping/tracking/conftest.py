"""A stand-in for a carrier's tracking system: scripted events per tracking number, a poll that can be down or refuse,
and webhooks signed with a shared secret (HMAC-SHA256 of the body, hex, in `X-Standin-Signature`).

It is registered in the carrier registry under the code "standin", as an adapter would be; the services, tasks and
pages under test are ours and run for real.
"""

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping import carriers
from rma.shipping.carriers import (
    CarrierError,
    CarrierUnavailable,
    TrackingEvent,
    TrackingStatus,
    TrackingUpdate,
)
from rma.shipping.carriers.builtin import BuiltinCarrier, tracking_number_for
from rma.shipping.models import Label

WEBHOOK_SECRET = "whsec-standin-test"
SIGNATURE_HEADER = "X-Standin-Signature"


class StandInCarrier(BuiltinCarrier):
    """Labels like the built-in carrier's; tracking from a script; a webhook reader that checks a signature."""

    code = "standin"

    def __init__(self, *, secret: str = WEBHOOK_SECRET) -> None:
        super().__init__()
        self.secret = secret  # an account's webhook secret
        self.events: dict[str, list[TrackingEvent]] = {}
        self.outages = 0  # the next this many polls fail as an outage
        self.refuse = False  # every poll is refused for good
        self.polls: list[str] = []

    # -- the carrier's side, scripted by the tests
    def scan(self, tracking_number: str, status: str, *, code: str, text: str, place: str = "", at=None) -> None:
        at = at or timezone.now().replace(microsecond=0)
        self.events.setdefault(tracking_number, []).append(
            TrackingEvent(at=at, code=code, description=text, status=status, location=place)
        )

    # -- the adapter's side
    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        self.polls.append(tracking_number)
        if self.outages:
            self.outages -= 1
            raise CarrierUnavailable("503 Service Unavailable")
        if self.refuse:
            raise CarrierError("unknown parcel")
        return list(self.events.get(tracking_number, []))

    def webhook_read(self, *, headers, body: bytes) -> list[TrackingUpdate]:
        given = headers.get(SIGNATURE_HEADER.lower(), "")  # HTTP header names are case-insensitive
        expected = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if not self.secret or not hmac.compare_digest(given, expected):
            raise CarrierError("bad signature")
        data = json.loads(body)
        return [
            TrackingUpdate(
                tracking_number=parcel["tracking_number"],
                events=tuple(
                    TrackingEvent(
                        at=datetime.fromisoformat(e["at"]),
                        code=e["code"],
                        description=e["label"],
                        status=e["status"],
                        location=e.get("place", ""),
                    )
                    for e in parcel["events"]
                ),
            )
            for parcel in data["parcels"]
        ]


def signed(payload: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {SIGNATURE_HEADER: hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


@pytest.fixture
def standin(monkeypatch) -> StandInCarrier:
    carrier = StandInCarrier()
    monkeypatch.setitem(carriers._FACTORIES, StandInCarrier.code, lambda settings: carrier)
    return carrier


@pytest.fixture
def tracked_return(make_return, standin) -> Callable[..., ReturnRequest]:
    """A return whose label with the stand-in carrier is ready (label_ready, or `status`), ready `days_ago`."""

    def make(*, status: str = ReturnStatus.LABEL_READY, days_ago: float = 0, **options) -> ReturnRequest:
        number = tracking_number_for(f"standin-{ReturnRequest.objects.count()}-{options}")
        return_request = make_return(status=status, tracking_number=number, **options)
        Label.objects.filter(return_request=return_request).update(
            carrier=StandInCarrier.code, ready_at=timezone.now() - timedelta(days=days_ago)
        )
        return return_request

    return make


def label_of(return_request: ReturnRequest) -> Label:
    return Label.objects.get(return_request=return_request)


# "Now" for `at`, read once per test (the autouse fixture below): two calls of at(40) in one test are the same time,
# even when the test crosses a second. Tests elsewhere that import `at` get a "now" at most five minutes old.
_now: list[datetime] = []


@pytest.fixture(autouse=True)
def _now_fixed() -> None:
    _now[:] = [datetime.now(UTC).replace(microsecond=0)]


def at(minutes_ago: int) -> datetime:
    now = datetime.now(UTC)
    if not _now or now - _now[0] > timedelta(minutes=5):
        _now[:] = [now.replace(microsecond=0)]
    return _now[0] - timedelta(minutes=minutes_ago)


__all__ = ["SIGNATURE_HEADER", "StandInCarrier", "TrackingStatus", "at", "label_of", "signed"]
