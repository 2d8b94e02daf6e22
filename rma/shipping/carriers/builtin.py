"""The built-in carrier: issues its own S10-shaped tracking numbers, without a database or network.

Tracking numbers follow the UPU S10 shape "RP" + 8 digits + check digit + "FR" (13 characters,
e.g. "RP123456785FR"). The 8 digits are the first 64 bits of sha256(reference) modulo 10**8, so asking
twice for the same reference gives the same number.

Check digit (UPU S10): multiply the 8 digits by the weights 8, 6, 4, 2, 3, 5, 9, 7, sum, and take
c = 11 - (sum mod 11); c == 10 gives 0 and c == 11 gives 5. For 12345678 the sum is 204,
204 mod 11 = 6, so the check digit is 5.

Only 10**8 serial numbers exist, so two different references can collide: about 0.5 % chance of
at least one collision among 1,000 references, about 39 % among 10,000 (birthday bound). The
database's unique constraint on the tracking number is what catches that.
"""

import hashlib
import re

from rma.shipping.carriers.base import CarrierError, CarrierLabel, CarrierSettings, LabelRequest, TrackingEvent

PREFIX = "RP"
COUNTRY = "FR"
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

_S10_RE = re.compile(r"[A-Z]{2}([0-9]{8})([0-9])[A-Z]{2}")


def s10_check_digit(*, serial: str) -> int:
    """Return the UPU S10 mod-11 check digit of an 8-digit serial number."""
    if len(serial) != 8 or not serial.isascii() or not serial.isdigit():
        raise ValueError(f"an S10 serial number has exactly 8 digits, got {serial!r}")
    check = 11 - sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def tracking_number_is_valid(value: str) -> bool:
    """Tell whether `value` is a well-formed S10 tracking number with a correct check digit."""
    match = _S10_RE.fullmatch(value)
    return match is not None and s10_check_digit(serial=match.group(1)) == int(match.group(2))


def tracking_number_for(reference: str) -> str:
    """Return the tracking number the built-in carrier issues for `reference` (always the same)."""
    if not reference:
        raise ValueError("a label reference must not be empty")
    digest = hashlib.sha256(reference.encode()).digest()
    serial = f"{int.from_bytes(digest[:8], 'big') % 10**8:08d}"
    return f"{PREFIX}{serial}{s10_check_digit(serial=serial)}{COUNTRY}"


class BuiltinCarrier:
    """Self-issued labels: no booking, no network, nothing to void and no scans to report."""

    code = "builtin"

    def __init__(self, settings: CarrierSettings | None = None) -> None:
        self.settings = settings or CarrierSettings()

    def create_label(self, *, request: LabelRequest) -> CarrierLabel:
        """Issue the tracking number derived from the request's reference."""
        if not request.reference:
            raise CarrierError("the label request has no reference")
        return CarrierLabel(tracking_number=tracking_number_for(request.reference), carrier=self.code)

    def void_label(self, *, tracking_number: str) -> None:
        """Accept the void: nothing was booked anywhere."""
        self._check(tracking_number=tracking_number)

    def track(self, *, tracking_number: str) -> list[TrackingEvent]:
        """Report no events: the built-in carrier never scans parcels."""
        self._check(tracking_number=tracking_number)
        return []

    @staticmethod
    def _check(*, tracking_number: str) -> None:
        if not tracking_number_is_valid(tracking_number):
            raise CarrierError(f"not a tracking number of this carrier: {tracking_number!r}")
