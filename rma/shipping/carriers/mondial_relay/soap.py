"""Mondial Relay's SOAP web services: the operations we call, their parameters in the WSDL's order, the security key
that signs each call, and reading the answer.

Sources:
- Mondial Relay, "WEB SERVICE" (the V1 SOAP API's manual), version V-5.7, October 2020, sections "MD5 Hash",
  "Security key generation", "WSI2_CreationEtiquette", "WSI4_PointRelais_Recherche", "WSI2_TracingColisDetaille" and
  "Return codes" (a copy: https://vdocument.in/web-service-mondial-relay.html).
- The service's WSDL, https://api.mondialrelay.com/Web_Services.asmx?WSDL (document/literal SOAP 1.1, namespace
  http://www.mondialrelay.fr/webservice/, SOAPAction "http://www.mondialrelay.fr/webservice/<operation>"): it fixes
  the order of each operation's parameters, which is also the order the security key concatenates them in.

The security key: Security = upper(hex(MD5(value₁ + value₂ + … + valueₙ + private key))) over every parameter the
call sends, in the WSDL's order, Security itself and (for WSI2_CreationEtiquette) Texte excluded. An empty parameter
adds nothing to the concatenation but is still sent (empty element), so the service computes the same key.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from rma.shipping.carriers.base import CarrierError
from rma.shipping.carriers.http import CarrierHttp

NAMESPACE = "http://www.mondialrelay.fr/webservice/"
SOAP_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/"
ENDPOINT = "Web_Services.asmx"

# Each operation's parameters in the WSDL's order (Security comes after them; Texte after Security).
OPERATIONS: dict[str, tuple[str, ...]] = {
    "WSI4_PointRelais_Recherche": (
        "Enseigne",
        "Pays",
        "NumPointRelais",
        "Ville",
        "CP",
        "Latitude",
        "Longitude",
        "Taille",
        "Poids",
        "Action",
        "DelaiEnvoi",
        "RayonRecherche",
        "TypeActivite",
        "NACE",
        "NombreResultats",
    ),
    "WSI2_CreationEtiquette": (
        "Enseigne",
        "ModeCol",
        "ModeLiv",
        "NDossier",
        "NClient",
        "Expe_Langage",
        "Expe_Ad1",
        "Expe_Ad2",
        "Expe_Ad3",
        "Expe_Ad4",
        "Expe_Ville",
        "Expe_CP",
        "Expe_Pays",
        "Expe_Tel1",
        "Expe_Tel2",
        "Expe_Mail",
        "Dest_Langage",
        "Dest_Ad1",
        "Dest_Ad2",
        "Dest_Ad3",
        "Dest_Ad4",
        "Dest_Ville",
        "Dest_CP",
        "Dest_Pays",
        "Dest_Tel1",
        "Dest_Tel2",
        "Dest_Mail",
        "Poids",
        "Longueur",
        "Taille",
        "NbColis",
        "CRT_Valeur",
        "CRT_Devise",
        "Exp_Valeur",
        "Exp_Devise",
        "COL_Rel_Pays",
        "COL_Rel",
        "LIV_Rel_Pays",
        "LIV_Rel",
        "TAvisage",
        "TReprise",
        "Montage",
        "TRDV",
        "Assurance",
        "Instructions",
    ),
    "WSI2_TracingColisDetaille": ("Enseigne", "Expedition", "Langue"),
}


def security_key(*, values: Sequence[str], private_key: str) -> str:
    """The Security parameter: the upper-case hex MD5 of the values, in order, followed by the private key."""
    return hashlib.md5("".join([*values, private_key]).encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def envelope(*, operation: str, params: Mapping[str, str], private_key: str) -> bytes:
    """The SOAP 1.1 request for `operation`: every parameter of the WSDL in its order, then the signed Security."""
    names = OPERATIONS[operation]
    unknown = set(params) - set(names)
    if unknown:
        raise ValueError(f"{operation} has no parameter {', '.join(sorted(unknown))}")
    values = [str(params.get(name, "")) for name in names]
    signature = security_key(values=values, private_key=private_key)
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in zip(names, values, strict=True))
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="{SOAP_NAMESPACE}">'
        f'<soap:Body><{operation} xmlns="{NAMESPACE}">{body}<Security>{signature}</Security></{operation}>'
        "</soap:Body></soap:Envelope>"
    ).encode()


@dataclass(frozen=True, slots=True)
class SoapAnswer:
    """The `<operation>Result` element of an answer, with its STAT (the service's return code) read."""

    stat: int
    result: ElementTree.Element

    def text(self, name: str) -> str:
        return (self.result.findtext(f"{{{NAMESPACE}}}{name}") or "").strip()


def answer_read(*, operation: str, content: bytes) -> SoapAnswer:
    """Find `<operation>Result` in a SOAP answer and read its STAT; anything else is a CarrierError."""
    try:
        root = ElementTree.fromstring(content)  # noqa: S314 - the carrier's answer; no DTD or entity is expanded
    except ElementTree.ParseError as exc:
        raise CarrierError(
            f"mondial_relay: {operation} answered something that is not XML: {content[:200]!r}"
        ) from exc
    result = root.find(f".//{{{NAMESPACE}}}{operation}Result")
    if result is None:
        fault = root.findtext(f".//{{{SOAP_NAMESPACE}}}Fault/faultstring") or root.findtext(".//faultstring") or ""
        raise CarrierError(f"mondial_relay: {operation} answered without a result: {fault or content[:200]!r}")
    stat_text = (result.findtext(f"{{{NAMESPACE}}}STAT") or "").strip()
    if not stat_text.isdigit():
        raise CarrierError(f"mondial_relay: {operation} answered without a STAT code")
    return SoapAnswer(stat=int(stat_text), result=result)


class SoapClient:
    """Calls one operation at a time over the account's HTTP session (CarrierHttp: no answer, 5xx, 429 → retry).

    ASP.NET answers a SOAP fault with HTTP 500, which CarrierHttp reads as an outage: the call is retried and, if the
    fault persists, the label fails after the last retry with the fault in its error."""

    def __init__(self, *, http: CarrierHttp, private_key: str) -> None:
        self.http = http
        self.private_key = private_key

    def call(self, operation: str, params: Mapping[str, str]) -> SoapAnswer:
        response = self.http.request(
            "POST",
            ENDPOINT,
            data=envelope(operation=operation, params=params, private_key=self.private_key),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NAMESPACE}{operation}"'},
        )
        if response.status_code != 200:
            raise CarrierError(
                f"mondial_relay: {operation} answered HTTP {response.status_code}: {response.text[:300]}"
            )
        return answer_read(operation=operation, content=response.content)
