"""The SOAP envelopes of Mondial Relay's V1 web service as an ASP.NET .asmx service reads and writes them.

- Requests: SOAP 1.1, document/literal, the operation's element in the namespace http://www.mondialrelay.fr/webservice/
  with its parameters as child elements; .NET's XmlSerializer reads a sequence in the WSDL's order, so an element that
  comes out of order is not read (the fake ignores it: the call then fails its security check, STAT 97).
- Answers: <soap:Envelope><soap:Body><OpResponse xmlns=…><OpResult><STAT>…</STAT>…</OpResult></OpResponse>…
  (WSDL https://api.mondialrelay.com/Web_Services.asmx?WSDL; the example answers in payloads/).
- A request the service cannot read (not XML, no such operation) is answered HTTP 500 with a soap:Fault, as .asmx
  services do.
"""

from collections.abc import Iterable, Mapping, Sequence
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from rma.shipping.carriers.mondial_relay.soap import NAMESPACE, OPERATIONS, SOAP_NAMESPACE

ENVELOPE_OPEN = (
    '<?xml version="1.0" encoding="utf-8"?>'
    f'<soap:Envelope xmlns:soap="{SOAP_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
)
ENVELOPE_CLOSE = "</soap:Body></soap:Envelope>"


class SoapFault(Exception):
    """A request the service cannot read: HTTP 500 with a soap:Fault."""


def request_read(*, soap_action: str, body: bytes) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """(operation, every parameter element as sent, the parameters the service reads in WSDL order)."""
    operation = soap_action.strip().strip('"').removeprefix(NAMESPACE)
    if operation not in OPERATIONS:
        raise SoapFault(f"Server did not recognize the value of HTTP Header SOAPAction: {soap_action}.")
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 - a test server reading our own adapter's requests
    except ElementTree.ParseError as exc:
        raise SoapFault(f"Server was unable to read request. ---> There is an error in XML document: {exc}") from exc
    call = root.find(f"{{{SOAP_NAMESPACE}}}Body/{{{NAMESPACE}}}{operation}")
    if call is None:
        raise SoapFault("Server was unable to read request. ---> The operation's element is missing.")
    sent = [(child.tag.removeprefix(f"{{{NAMESPACE}}}"), child.text or "") for child in call]
    order = [*OPERATIONS[operation], "Security", "Texte"]
    read: dict[str, str] = {}
    position = 0
    for name, value in sent:
        if name in order[position:]:
            position = order.index(name) + 1
            read[name] = value
    return operation, sent, read


def fault(message: str) -> bytes:
    return (
        f"{ENVELOPE_OPEN}<soap:Fault><faultcode>soap:Client</faultcode><faultstring>{escape(message)}</faultstring>"
        f"<detail /></soap:Fault>{ENVELOPE_CLOSE}"
    ).encode()


def _elements(values: Iterable[tuple[str, str]]) -> str:
    return "".join(f"<{name}>{escape(value)}</{name}>" if value else f"<{name} />" for name, value in values)


def answer(operation: str, stat: int, inner: str = "") -> bytes:
    """The answer of `operation` with its STAT and what follows it in its result type."""
    return (
        f'{ENVELOPE_OPEN}<{operation}Response xmlns="{NAMESPACE}"><{operation}Result><STAT>{stat}</STAT>{inner}'
        f"</{operation}Result></{operation}Response>{ENVELOPE_CLOSE}"
    ).encode()


def label_inner(*, number: str, label_path: str) -> str:
    return _elements([("ExpeditionNum", number), ("URL_Etiquette", label_path)])


def point_inner(point: Mapping[str, object], *, distance_m: int | None) -> str:
    """One PointRelais_Details, with the service's padding and decimal commas."""
    hours = point["hours"]
    assert isinstance(hours, Mapping)
    days = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
    hour_elements = ""
    for day in days:
        strings = "".join(f"<string>{value}</string>" for value in hours.get(day, ["0000"] * 4))
        hour_elements += f"<Horaires_{day}>{strings}</Horaires_{day}>"
    closures = point["closures"]
    assert isinstance(closures, Sequence)
    periods = "".join(
        f"<Periode><Debut>{start}T00:00:00</Debut><Fin>{end}T00:00:00</Fin></Periode>" for start, end in closures
    )
    head = _elements(
        [
            ("STAT", "0"),
            ("Num", str(point["number"])),
            ("LgAdr1", str(point["name"]).ljust(32)),
            ("LgAdr2", ""),
            ("LgAdr3", str(point["street"]).ljust(32)),
            ("LgAdr4", ""),
            ("CP", str(point["postcode"])),
            ("Ville", str(point["city"]).ljust(26)),
            ("Pays", str(point["country"])),
            ("Localisation1", str(point.get("hint", ""))),
            ("Localisation2", ""),
            ("Latitude", f"{point['latitude']:.7f}".replace(".", ",")),
            ("Longitude", f"{point['longitude']:.7f}".replace(".", ",")),
            ("TypeActivite", str(point.get("activity", "000"))),
            ("NACE", ""),
            ("Information", ""),
        ]
    )
    tail = _elements(
        [
            ("URL_Photo", f"https://www.mondialrelay.com/public/permanent/photo_relais.aspx?num={point['number']}"),
            ("URL_Plan", f"https://www.mondialrelay.com/public/permanent/plan_relais.aspx?num={point['number']}"),
            ("Distance", "" if distance_m is None else str(distance_m)),
        ]
    )
    closed = f"<Informations_Dispo>{periods}</Informations_Dispo>"
    return f"<PointRelais_Details>{head}{hour_elements}{closed}{tail}</PointRelais_Details>"


def points_inner(points: Iterable[str]) -> str:
    return f"<PointsRelais>{''.join(points)}</PointsRelais>"


def tracing_inner(*, summary: str, point_name: str, point_number: str, steps: Iterable[Mapping[str, str]]) -> str:
    rows = "".join(
        "<ret_WSI2_sub_TracingColisDetaille>"
        + _elements(
            [
                ("Libelle", step["wording"]),
                ("Date", step["date"]),
                ("Heure", step["time"]),
                ("Emplacement", step.get("place", "")),
                ("Relais_Num", step.get("point", "")),
                ("Relais_Pays", step.get("point_country", "")),
            ]
        )
        + "</ret_WSI2_sub_TracingColisDetaille>"
        for step in steps
    )
    head = _elements(
        [("Libelle01", summary), ("Relais_Libelle", point_name), ("Relais_Num", point_number), ("Libelle02", "")]
    )
    return f"{head}<Tracing>{rows}</Tracing>"
