import hashlib
import hmac
import time

import pytest

from rma.notifications.signatures import (
    webhook_signature_compute,
    webhook_signature_header,
    webhook_signature_verify,
)

SECRET = "whsec_unit"
BODY = b'{"event":"return.approved","rma_number":"R-7KQ2-M9XD"}'


def test_the_header_is_t_and_the_hmac_sha256_of_timestamp_dot_body():
    header = webhook_signature_header(secret=SECRET, body=BODY, timestamp=1_700_000_000)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_a_good_signature_verifies():
    header = webhook_signature_header(secret=SECRET, body=BODY)
    assert webhook_signature_verify(secret=SECRET, header=header, body=BODY)
    assert webhook_signature_verify(secret=SECRET, header=header, body=BODY.decode())  # str body too


def test_a_tampered_body_does_not_verify():
    header = webhook_signature_header(secret=SECRET, body=BODY)
    assert not webhook_signature_verify(secret=SECRET, header=header, body=BODY.replace(b"M9XD", b"M9XE"))


def test_the_wrong_secret_does_not_verify():
    header = webhook_signature_header(secret=SECRET, body=BODY)
    assert not webhook_signature_verify(secret="whsec_other", header=header, body=BODY)
    assert not webhook_signature_verify(secret="", header=header, body=BODY)


@pytest.mark.parametrize(("age", "valid"), [(0, True), (299, True), (301, False), (-301, False), (86_400, False)])
def test_stale_or_far_future_timestamps_are_refused(age, valid):
    now = time.time()
    header = webhook_signature_header(secret=SECRET, body=BODY, timestamp=int(now - age))
    assert webhook_signature_verify(secret=SECRET, header=header, body=BODY, now=now) is valid


def test_a_replayed_signature_is_refused_once_past_the_tolerance():
    header = webhook_signature_header(secret=SECRET, body=BODY, timestamp=1_700_000_000)
    assert webhook_signature_verify(secret=SECRET, header=header, body=BODY, now=1_700_000_010)
    assert not webhook_signature_verify(
        secret=SECRET, header=header, body=BODY, now=1_700_000_010, tolerance_seconds=5
    )


def test_any_matching_v1_is_enough_while_a_secret_is_rotated():
    t = int(time.time())
    old = webhook_signature_compute(secret="whsec_old", timestamp=t, body=BODY)
    new = webhook_signature_compute(secret=SECRET, timestamp=t, body=BODY)
    assert webhook_signature_verify(secret=SECRET, header=f"t={t},v1={old},v1={new}", body=BODY)
    assert not webhook_signature_verify(secret="whsec_third", header=f"t={t},v1={old},v1={new}", body=BODY)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        "v1=abc",  # no timestamp
        "t=1700000000",  # no signature
        "t=abc,v1=abc",  # timestamp not a number
        "t=1,t=2,v1=abc",  # two timestamps
        "t=-5,v1=abc",
    ],
)
def test_malformed_headers_are_refused(header):
    assert not webhook_signature_verify(secret=SECRET, header=header, body=BODY)


def test_a_signature_for_another_timestamp_does_not_verify():
    t = int(time.time())
    signature = webhook_signature_compute(secret=SECRET, timestamp=t - 1, body=BODY)
    assert not webhook_signature_verify(secret=SECRET, header=f"t={t},v1={signature}", body=BODY)
