"""Read the SLS web service's answer: a MIME multipart/related body, or plain JSON for some refusals.

Colissimo's generateLabel answers "multipart/related; type="application/json"; boundary="uuid:…";
start="<jsonInfos>"": a JSON part (Content-ID <jsonInfos>: messages, labelV2Response) and 0 to 3 binary parts
(Content-ID <label>, <cn23>, <proforma>, Content-Transfer-Encoding: binary). Sources: La Poste's SLS OpenAPI
("SlsServiceWS : documentation", generateLabel: "Ce service retourne une Map contenant un objet json et 0 à 3
tableaux d'octets", https://ws.colissimo.fr/sls-ws/SlsServiceWSRest/2.0/generateLabel), and answers recorded from the
live service in akretion/roulier (tests/cassettes/test_colissimo/test_colissimo_label_zpl.yaml, March 2025) and
karrioapi/karrio (modules/connectors/colissimo/tests/colissimo/test_shipment.py).

The binary parts are kept byte for byte (a label is binary; the email package would rewrite line ends), so the
body is split on its boundary here: RFC 2046 §5.1.1, the CRLF before each delimiter belongs to the delimiter.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

_BOUNDARY_RE = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


class MultipartError(ValueError):
    """The body is not the multipart document its headers announce."""


@dataclass(frozen=True)
class SlsAnswer:
    """The JSON part (`infos`) and the binary parts by Content-ID without brackets ("label", "cn23")."""

    infos: dict[str, Any]
    parts: dict[str, bytes] = field(default_factory=dict)


def _part_headers(raw: bytes, newline: bytes) -> tuple[dict[str, str], bytes]:
    head, separator, body = raw.partition(newline * 2)
    if not separator:
        raise MultipartError("a part has no blank line between its headers and its body")
    headers: dict[str, str] = {}
    for line in head.decode("latin-1").split(newline.decode()):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers, body


def multipart_read(*, content_type: str, body: bytes) -> dict[str, bytes]:
    """Split a multipart body into its parts, keyed by Content-ID (brackets removed)."""
    match = _BOUNDARY_RE.search(content_type)
    if match is None:
        raise MultipartError(f"no boundary in {content_type!r}")
    delimiter = b"--" + match.group(1).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise MultipartError("the body does not hold the announced boundary")
    parts: dict[str, bytes] = {}
    for index, chunk in enumerate(chunks[1:], start=1):
        if chunk.startswith(b"--"):  # the close delimiter: what follows is the epilogue
            break
        # CRLF as RFC 2046 says; a bare LF is read too (seen in copies of the service's answers).
        newline = b"\r\n" if chunk.startswith(b"\r\n") else b"\n"
        if not chunk.startswith(newline):
            raise MultipartError(f"part {index} does not start on a new line")
        raw = chunk[len(newline) :]
        if raw.endswith(newline):  # the line end before the next delimiter is the delimiter's
            raw = raw[: -len(newline)]
        headers, content = _part_headers(raw, newline)
        content_id = headers.get("content-id", f"part-{index}").strip("<>")
        parts[content_id] = content
    return parts


def _text(data: bytes) -> str:
    """The JSON parts are UTF-8 (charset=UTF-8); fall back to Latin-1 rather than lose an error message."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sls_answer_read(*, content_type: str, body: bytes) -> SlsAnswer:
    """Read an SLS answer, multipart or plain JSON (checkGenerateLabel and some refusals answer plain JSON)."""
    if content_type.lower().startswith("multipart/"):
        parts = multipart_read(content_type=content_type, body=body)
        try:
            infos = json.loads(_text(parts.pop("jsonInfos")))
        except KeyError:
            raise MultipartError("the multipart answer has no <jsonInfos> part") from None
        except json.JSONDecodeError as exc:
            raise MultipartError(f"the <jsonInfos> part is not JSON: {exc}") from exc
        return SlsAnswer(infos=infos if isinstance(infos, dict) else {}, parts=parts)
    try:
        infos = json.loads(_text(body))
    except json.JSONDecodeError as exc:
        raise MultipartError(f"the answer is neither multipart nor JSON: {body[:200]!r}") from exc
    return SlsAnswer(infos=infos if isinstance(infos, dict) else {})
