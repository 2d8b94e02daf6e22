"""The faster QR symbols are segno's own, module for module: same data, same mask, same format information."""

import random
import string

import pytest
import segno

from rma.shipping.qr_symbols import qr_matrix
from rma.shipping.services import label_qr_payload


def _segno(payload: str) -> tuple[bytes, ...]:
    return tuple(bytes(row) for row in segno.make(payload, error="m", micro=False).matrix)


def _payloads() -> list[str]:
    generator = random.Random(13)
    ours = [label_qr_payload(rma_number=f"R-{index:04X}-{generator.randrange(16**4):04X}") for index in range(150)]
    # Other lengths (versions 1 to about 12, with version information from 7 up), other alphabets and modes.
    others = [
        "".join(generator.choice(string.printable) for _ in range(generator.randint(1, 300))) for _ in range(150)
    ]
    return [*ours, *others, "0123456789" * 5, "HELLO WORLD", "Zoé Garçon — Łódź", "https://returns.example.com/r/x"]


@pytest.mark.parametrize("chunk", range(4))
def test_the_symbol_is_the_one_segno_makes(chunk):
    payloads = _payloads()[chunk::4]
    masks = set()
    for payload in payloads:
        assert tuple(bytes(row) for row in qr_matrix(payload)) == _segno(payload), payload
        masks.add(segno.make(payload, error="m", micro=False).mask)
    assert len(masks) >= 6  # most masks are chosen by some payload: the scoring, not one mask, decides


def test_a_label_payload_makes_a_symbol_of_version_2_or_3():
    matrix = qr_matrix(label_qr_payload(rma_number="R-7KQ2-M9XD"))
    assert len(matrix) in (25, 29)
    assert all(len(row) == len(matrix) and set(row) <= {0, 1} for row in matrix)
