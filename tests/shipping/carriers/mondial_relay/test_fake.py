"""The fake itself behaves like Mondial Relay's service where our adapter cannot show it: requests it cannot read,
parameters out of the WSDL's order, label URLs that do not match a booking."""

import requests

from rma.shipping.carriers.mondial_relay.soap import NAMESPACE, envelope
from tests.shipping.carriers.mondial_relay.fake import ENSEIGNE, PRIVATE_KEY, FakeMondialRelay


def _post(fake, body: bytes, action: str) -> requests.Response:
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NAMESPACE}{action}"'}
    return requests.post(f"{fake.url}/Web_Services.asmx", data=body, headers=headers, timeout=5)


def test_it_runs_without_pytest_as_a_context_manager():
    with FakeMondialRelay() as fake:
        body = envelope(
            operation="WSI2_TracingColisDetaille",
            params={"Enseigne": ENSEIGNE, "Expedition": "31000001", "Langue": "FR"},
            private_key=PRIVATE_KEY,
        )
        answer = _post(fake, body, "WSI2_TracingColisDetaille")
    assert answer.status_code == 200
    assert "<STAT>94</STAT>" in answer.text  # no such parcel yet


def test_an_unknown_operation_or_unreadable_xml_is_a_soap_fault(mondial_relay):
    unknown = _post(mondial_relay, b"<x/>", "WSI9_Nothing")
    assert unknown.status_code == 500
    assert "<faultstring>Server did not recognize the value of HTTP Header SOAPAction" in unknown.text
    broken = _post(mondial_relay, b"<soap:Envelope", "WSI2_TracingColisDetaille")
    assert broken.status_code == 500
    assert "Server was unable to read request" in broken.text


def test_parameters_out_of_order_are_not_read_so_the_key_does_not_match(mondial_relay):
    body = envelope(
        operation="WSI2_TracingColisDetaille",
        params={"Enseigne": ENSEIGNE, "Expedition": "31000001", "Langue": "FR"},
        private_key=PRIVATE_KEY,
    )
    swapped = body.replace(
        b"<Expedition>31000001</Expedition><Langue>FR</Langue>",
        b"<Langue>FR</Langue><Expedition>31000001</Expedition>",
    )
    assert swapped != body
    assert "<STAT>97</STAT>" in _post(mondial_relay, swapped, "WSI2_TracingColisDetaille").text


def test_a_label_is_served_only_at_the_url_the_booking_gave(mondial_relay, mondial_relay_carrier):
    from tests.shipping.carriers.mondial_relay.test_labels import REQUEST

    label = mondial_relay_carrier.create_label(request=REQUEST)
    path = label.extra["label_url"]
    good = requests.get(f"{mondial_relay.url}{path}", timeout=5)
    assert good.headers["Content-Type"] == "application/pdf"
    forged = requests.get(f"{mondial_relay.url}{path.replace('crc=', 'crc=0')}", timeout=5)
    assert not forged.content.startswith(b"%PDF")
