"""The carrier registry and the built-in carrier's S10 tracking numbers."""

import pytest

from rma.shipping.carriers import Address, Carrier, CarrierError, CarrierLabel, LabelRequest, get_carrier
from rma.shipping.carriers.builtin import s10_check_digit, tracking_number_for, tracking_number_is_valid

ADDRESS = Address(
    name="Zoé Martin", line1="3 place du Marché", line2="", postcode="33000", city="Bordeaux", country="FR"
)


def _request(reference: str) -> LabelRequest:
    return LabelRequest(
        reference=reference,
        sender=ADDRESS,
        recipient=ADDRESS,
        rma_number="RMA-000001",
        qr_payload=f"https://returns.example.com/r/{reference}",
    )


def test_check_digit_matches_the_upu_s10_example():
    assert s10_check_digit(serial="12345678") == 5
    assert tracking_number_is_valid("RP123456785FR")


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("00000000", 5),  # sum 0: 11 - 0 = 11, which is written 5
        ("02000000", 0),  # sum 12, 12 mod 11 = 1: 11 - 1 = 10, which is written 0
        ("10000000", 3),  # sum 8: 11 - 8 = 3
        ("00000010", 2),  # sum 9: 11 - 9 = 2
        ("00000001", 4),  # sum 7: 11 - 7 = 4
        ("47312482", 9),  # 32+42+12+2+6+20+72+14 = 200, 200 mod 11 = 2: 11 - 2 = 9
    ],
)
def test_check_digit_edge_values(serial, expected):
    assert s10_check_digit(serial=serial) == expected


@pytest.mark.parametrize("reference", ["3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b", "a", "RMA-2026-000123", "é" * 300])
def test_tracking_numbers_are_valid_s10(reference):
    number = tracking_number_for(reference)
    assert len(number) == 13
    assert number.startswith("RP")
    assert number.endswith("FR")
    assert number[2:11].isdigit()
    assert tracking_number_is_valid(number)


def test_any_single_flipped_digit_is_invalid():
    number = tracking_number_for("3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b")
    for position in range(2, 11):
        for digit in "0123456789":
            if digit != number[position]:
                flipped = number[:position] + digit + number[position + 1 :]
                assert not tracking_number_is_valid(flipped), flipped


@pytest.mark.parametrize(
    "value",
    [
        "",
        "RP123456785F",
        "RP12345678FR",
        "RP1234567850FR",
        "rp123456785fr",
        "RP12345678XFR",
        " RP123456785FR",
        "RP١٢٣٤٥٦٧٨5FR",
    ],
)
def test_malformed_tracking_numbers_are_invalid(value):
    assert not tracking_number_is_valid(value)


def test_same_reference_gives_the_same_number_and_different_references_differ():
    assert tracking_number_for("return-1") == tracking_number_for("return-1")
    numbers = {tracking_number_for(f"return-{index}") for index in range(1000)}
    assert len(numbers) == 1000


def test_empty_reference_is_refused():
    with pytest.raises(ValueError, match="empty"):
        tracking_number_for("")


def test_get_carrier_defaults_to_builtin_and_satisfies_the_protocol():
    carrier = get_carrier()
    assert carrier.code == "builtin"
    assert isinstance(carrier, Carrier)
    assert get_carrier("builtin").code == "builtin"


def test_get_carrier_rejects_unknown_codes():
    with pytest.raises(CarrierError, match="unknown carrier 'dhl'"):
        get_carrier("dhl")


def test_builtin_create_label_is_idempotent_on_the_reference():
    carrier = get_carrier("builtin")
    first = carrier.create_label(request=_request("3f2a9c1e"))
    again = get_carrier("builtin").create_label(request=_request("3f2a9c1e"))
    other = carrier.create_label(request=_request("7d0b2c4a"))
    assert first == again == CarrierLabel(tracking_number=tracking_number_for("3f2a9c1e"), carrier="builtin")
    assert other.tracking_number != first.tracking_number


def test_builtin_create_label_refuses_an_empty_reference():
    with pytest.raises(CarrierError):
        get_carrier().create_label(request=_request(""))


def test_builtin_void_and_track_accept_its_numbers():
    carrier = get_carrier()
    number = carrier.create_label(request=_request("3f2a9c1e")).tracking_number
    assert carrier.void_label(tracking_number=number) is None
    assert carrier.void_label(tracking_number=number) is None  # voiding twice succeeds
    assert carrier.track(tracking_number=number) == []


@pytest.mark.parametrize("method", ["void_label", "track"])
def test_builtin_void_and_track_refuse_foreign_numbers(method):
    with pytest.raises(CarrierError, match="not a tracking number"):
        getattr(get_carrier(), method)(tracking_number="RP123456789FR")
