"""The answers of the fake Colissimo/La Poste (tests.shipping.carriers.colissimo.fake), in the services' formats.

Formats and message ids: see fake.py's docstring and payloads/SOURCES.md.
"""

import io
import json
import re
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tests.shipping.carriers.colissimo.fake import FakeColissimo

SLS = "/sls-ws/SlsServiceWSRest/2.0/"
POINTS = "/pointretrait-ws-cxf/rest/v2/pointretrait/findRDVPointRetraitAcheminement"
SUIVI = "/suivi/v2/idships/"
PARIS = ZoneInfo("Europe/Paris")
FORMATS = ("PDF_10x15_300dpi", "PDF_A4_300dpi", "ZPL_10x15_203dpi", "ZPL_10x15_300dpi")
PRODUCTS = ("CORE", "CORI", "CORF", "DOM", "DOS", "HD")
# The texts of the documented SLS message ids the fake uses (Colissimo Shipping Web Service, "Codes d'erreur").
MESSAGES = {
    "30065": "Le nom de l'expéditeur n'a pas été transmis",
    "30100": "Le numéro / libellé de voie de l'expéditeur n'a pas été transmis",
    "30104": "La ville de l'expéditeur n'a pas été transmise",
    "30106": "Le code postal de l'expéditeur n'a pas été transmis",
    "30108": "Le code postal de l'expéditeur ne correspond pas au pays",
    "30109": "Le code pays ou le code postal de l'expéditeur est incorrect pour le code produit fourni",
    "30047": "Le téléphone de l'expéditeur est incorrect",
}
BAD_NUMBER = (
    "Le numéro que vous avez saisi n’est pas valide. Nous vous invitons à vérifier votre saisie, "
    "en particulier le nombre de caractères."
)
DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")


def day_slots(value: str) -> str:
    """Always two slots, the second "00:00-00:00" when there is one only, as the service writes them."""
    slots = value.split()
    slots += ["00:00-00:00"] * (2 - len(slots))
    return " ".join(slots[:2])


# ---- answers


Answer = tuple[int, dict[str, str], bytes]


def json_answer(status: int, payload: Any) -> Answer:
    return status, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(payload).encode()


def _multipart(status: int, infos: dict[str, Any], parts: dict[str, bytes]) -> Answer:
    boundary = f"uuid:{uuid.uuid4()}"
    body = io.BytesIO()
    chunks = [("jsonInfos", "application/json;charset=UTF-8", json.dumps(infos).encode())]
    chunks += [(name, "application/octet-stream", data) for name, data in parts.items()]
    for name, kind, data in chunks:
        body.write(f"\r\n--{boundary}\r\nContent-Type: {kind}\r\nContent-Transfer-Encoding: binary\r\n".encode())
        body.write(f"Content-ID: <{name}>\r\n\r\n".encode())
        body.write(data)
    body.write(f"\r\n--{boundary}--".encode())
    content_type = f'multipart/related; type="application/json"; boundary="{boundary}"; start="<jsonInfos>"'
    return status, {"Content-Type": content_type}, body.getvalue()


def _sls_refusal(message_id: str, text: str) -> Answer:
    infos = {
        "messages": [{"id": message_id, "type": "ERROR", "messageContent": text, "replacementValues": []}],
        "labelXmlV2Reponse": None,
        "labelV2Response": None,
    }
    return _multipart(400, infos, {})


def label_bytes(parcel_number: str, output: str) -> bytes:
    """A label as Colissimo's would look: ZPL with the parcel number's Code 128, or a PDF page with its barcode."""
    if output.startswith("ZPL"):
        return (
            f"^XA\n^PW800\n^FO40,40^A0N,40,40^FDColissimo Retour^FS\n"
            f"^FO40,120^BY3^BCN,200,N,N^FD{parcel_number}^FS\n^FO40,340^A0N,36,36^FD{parcel_number}^FS\n^XZ\n"
        ).encode()
    from reportlab.graphics.barcode import code128
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    size = A4 if output.startswith("PDF_A4") else (10 * cm, 15 * cm)
    pdf = canvas.Canvas(buffer, pagesize=size, pageCompression=0, invariant=1)
    pdf.setTitle(f"Colissimo {parcel_number}")
    pdf.drawString(1 * cm, size[1] - 1.5 * cm, "Colissimo Retour")
    code128.Code128(parcel_number, barHeight=2.5 * cm, barWidth=1.1).drawOn(pdf, 0.5 * cm, size[1] - 5 * cm)
    pdf.drawString(1 * cm, size[1] - 5.8 * cm, parcel_number)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _logged_in(fake: "FakeColissimo", body: dict[str, Any], headers: dict[str, str]) -> bool:
    if headers.get("apikey"):
        return headers["apikey"] == fake.api_key
    return body.get("contractNumber") == fake.contract_number and body.get("password") == fake.password


def _sender_refusal(fake: "FakeColissimo", address: dict[str, Any]) -> Answer | None:
    zip_code, country = str(address.get("zipCode") or ""), str(address.get("countryCode") or "")
    phone = str(address.get("phoneNumber") or "")
    checks = (
        (not address.get("lastName") and not address.get("companyName"), "30065"),
        (not address.get("line2"), "30100"),
        (not address.get("city"), "30104"),
        (not zip_code, "30106"),
        (country == "FR" and not re.fullmatch(r"\d{5}", zip_code), "30108"),
        (zip_code in fake.unknown_postcodes, "30109"),
        (bool(phone) and not re.fullmatch(r"\+?\d{10,12}", phone), "30047"),
    )
    for refused, message_id in checks:
        if refused:
            return _sls_refusal(message_id, MESSAGES[message_id])
    return None


def generate_label(fake: "FakeColissimo", body: dict[str, Any], headers: dict[str, str]) -> Answer:
    if not _logged_in(fake, body, headers):
        return _sls_refusal("30000", "Identifiant ou mot de passe incorrect")
    output = str((body.get("outputFormat") or {}).get("outputPrintingType") or "")
    letter = body.get("letter") or {}
    service, parcel = letter.get("service") or {}, letter.get("parcel") or {}
    sender = (letter.get("sender") or {}).get("address") or {}
    addressee = (letter.get("addressee") or {}).get("address") or {}
    if not output:
        return _sls_refusal("30025", "Le type d'impression n'a pas été transmis")
    if output not in FORMATS:
        return _sls_refusal("30026", "Le type d'impression est incorrect")
    if not service.get("productCode"):
        return _sls_refusal("30014", "Le code produit n'a pas été transmis")
    if service["productCode"] not in PRODUCTS:
        return _sls_refusal("30015", "Le code produit est incorrect")
    if str(service.get("depositDate", "")) < datetime.now(PARIS).date().isoformat():
        return _sls_refusal("30002", "La date de dépôt est antérieure à la date courante")
    if (refusal := _sender_refusal(fake, sender)) is not None:
        return refusal
    if service["productCode"] in ("CORE", "CORI") and not addressee.get("companyName"):
        return _sls_refusal("30089", "La raison social du destinataire n'a pas été transmise")
    if not addressee.get("line2"):
        return _sls_refusal("30204", "Le numéro / libellé de voie du destinataire n'a pas été transmis")
    if not addressee.get("city"):
        return _sls_refusal("30208", "La ville du destinataire n'a pas été transmise")
    if addressee.get("countryCode") == "FR" and not re.fullmatch(r"\d{5}", str(addressee.get("zipCode", ""))):
        return _sls_refusal("30211", "Le code postal du destinataire est incorrect")
    weight = parcel.get("weight")
    if weight in (None, "", 0):
        return _sls_refusal("30300", "Le poids du colis n'a pas été transmis")
    if not isinstance(weight, int | float) or not 0.01 <= weight <= 30:
        return _sls_refusal("30301", "Le poids du colis est incorrect")
    if service.get("mailBoxPicking") and not service.get("mailBoxPickingDate"):
        return _sls_refusal("30813", "La date d'emport n'a pas été transmise")
    number = fake.parcel_number()
    data = label_bytes(number, output)
    fake.labels[number] = {"request": body, "format": output, "bytes": data}
    infos = {
        "messages": [
            {
                "id": "0",
                "type": "INFOS",
                "messageContent": "La requête a été traitée avec succès",
                "replacementValues": [],
            }
        ],
        "labelXmlV2Reponse": None,
        "labelV2Response": {
            "parcelNumber": number,
            "parcelNumberPartner": f"00{sender.get('zipCode', '')}{number}",
            "pdfUrl": None,
            "fields": None,
        },
    }
    return _multipart(200, infos, {"label": data})


def mailbox_dates(fake: "FakeColissimo", body: dict[str, Any], headers: dict[str, str]) -> Answer:
    if not _logged_in(fake, body, headers):
        refusal = {"id": "30000", "type": "ERROR", "messageContent": "Identifiant ou mot de passe incorrect"}
        return json_answer(400, {"messages": [refusal]})
    sender = body.get("sender") or {}
    if sender.get("zipCode") in fake.no_mailbox_postcodes or sender.get("countryCode") != "FR":
        none = {"id": "30812", "type": "ERROR", "messageContent": "Aucune date d'emport trouvée pour cette adresse"}
        return json_answer(200, {"messages": [none], "mailBoxPickingDates": []})
    first = datetime.now(PARIS).date() + timedelta(days=1)
    dates = [f"{first + timedelta(days=n)}T00:00:00.000+0000" for n in range(3)]
    return json_answer(
        200,
        {
            "messages": [{"id": "0", "type": "INFOS", "messageContent": "OK"}],
            "mailBoxPickingDateMaxHour": "08:00",
            "mailBoxPickingDates": dates,
            "validityTime": "15",
        },
    )


def points_answer(fake: "FakeColissimo", body: dict[str, Any]) -> Answer:
    def refusal(code: int, message: str) -> Answer:
        return json_answer(
            200,
            {
                "errorCode": code,
                "errorMessage": message,
                "qualiteReponse": 0,
                "wsRequestId": "",
                "listePointRetraitAcheminement": [],
            },
        )

    logged_in = body.get("accountNumber") == fake.contract_number and body.get("password") == fake.password
    if not logged_in and body.get("apiKey") != fake.api_key:
        return refusal(201, "Identifiant / mot de passe invalide")
    zip_code = str(body.get("zipCode") or "")
    if not zip_code:
        return refusal(145, "Code postal obligatoire")
    if not str(body.get("city") or "").strip():
        return refusal(105, "Ville absente")
    if body.get("countryCode") == "FR" and not re.fullmatch(r"\d{5}", zip_code):
        return refusal(125, "Code postal incorrect (non compris entre 01XXX et 95XXX ou 980XX)")
    if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", str(body.get("shippingDate") or "")):
        return refusal(122, "Date n'est pas au format JJ/MM/AAAA")
    found = [
        point
        for point in fake.points
        if point["codePostal"][:2] == zip_code[:2]
        and (body.get("filterRelay") != "0" or point["typeDePoint"] in ("BPR", "ACP", "CDI", "BDP"))
    ]
    if not found:
        return refusal(301, "Pas de point de retrait trouvé")
    found.sort(key=lambda point: point["distanceEnMetre"])
    return json_answer(
        200,
        {
            "errorCode": 0,
            "errorMessage": "Code retour OK",
            "qualiteReponse": 2,
            "wsRequestId": uuid.uuid4().hex,
            "listePointRetraitAcheminement": found,
            "rdv": False,
        },
    )


def tracking_answer(fake: "FakeColissimo", number: str, query: dict[str, str], headers: dict[str, str]) -> Answer:
    if headers.get("x-okapi-key") != fake.okapi_key:
        return json_answer(401, {"code": "UNAUTHORIZED", "message": "Invalid or missing API key"})
    lang = query.get("lang", "fr_FR")
    if not re.fullmatch(r"[0-9A-Z]{11,15}", number):
        return json_answer(
            400, {"returnCode": 400, "returnMessage": BAD_NUMBER, "lang": lang, "scope": "open", "idShip": number}
        )
    if number not in fake.events and number not in fake.labels:
        unknown = {"returnCode": 404, "returnMessage": "Numéro de suivi inconnu", "lang": lang, "scope": "open"}
        return json_answer(404, {**unknown, "idShip": number})
    events = sorted(fake.events.get(number, []), key=lambda event: event["date"], reverse=True)
    delivered = any(event["code"] in ("DI1", "DI2") for event in events)
    shipment = {
        "idShip": number,
        "holder": 4,
        "product": "colissimo",
        "isFinal": delivered,
        "entryDate": events[-1]["date"] if events else None,
        "event": events,
        "timeline": [],
        "contextData": {"originCountry": "FR", "arrivalCountry": "FR"},
        "url": f"https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    }
    return json_answer(200, {"lang": lang, "scope": "open", "returnCode": 200, "shipment": shipment})
