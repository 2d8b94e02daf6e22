"""What Mondial Relay's V1 web service checks in each call, and the STAT it answers when a check fails.

Sources (the fake follows them, not our adapter): Mondial Relay, "WEB SERVICE" V-5.7 (October 2020), the parameter
tables of WSI2_CreationEtiquette, WSI4_PointRelais_Recherche and WSI2_TracingColisDetaille (regular expressions and
mandatory fields) and its "Return codes" table, with the sender (30-39) / recipient (50-59) split of Mondial Relay's
PrestaShop module (PrestaShop/PrestaShop-modules, mondialrelay/errorCode.php); a copy of the manual:
https://vdocument.in/web-service-mondial-relay.html. WSDL: https://api.mondialrelay.com/Web_Services.asmx?WSDL.
"""

import re
from collections.abc import Mapping

ENSEIGNE = re.compile(r"^[0-9A-Z]{2}[0-9A-Z ]{6}$")
ADDRESS_LINE = re.compile(r"^[0-9A-Z_\-'., /]{2,32}$")
ADDRESS_EXTRA = re.compile(r"^[0-9A-Z_\-'., /]{0,32}$")
TOWN = re.compile(r"^[A-Z_\-' ]{2,26}$")
EMAIL = re.compile(r"^[\w\-.@_]{7,70}$", re.ASCII)
PHONE_FR = re.compile(r"^((00|\+)33|0)[0-9][0-9]{8}$")
PHONE_OTHER = re.compile(r"^(00|\+)[0-9]{6,16}$")
# Postcode patterns of the countries the network serves (the manual's "Zip code REGEX", V-5.6).
POSTCODES = {
    "FR": re.compile(r"^[0-9]{5}$"),
    "BE": re.compile(r"^[0-9]{4}$"),
    "LU": re.compile(r"^[0-9]{4}$"),
    "ES": re.compile(r"^[0-9]{5}$"),
    "DE": re.compile(r"^[0-9]{5}$"),
    "IT": re.compile(r"^[0-9]{5}$"),
    "AT": re.compile(r"^[0-9]{4}$"),
    "NL": re.compile(r"^[0-9]{4}[A-Z]{2}$"),
    "PT": re.compile(r"^[0-9]{4}-?[0-9]{3}$"),
}
COLLECTION_MODES = ("CCC", "CDR", "CDS", "REL")
DELIVERY_MODES = ("LCC", "LD1", "LDS", "24R", "24L", "HOM", "HOC", "DRI")
HOME_DELIVERY = ("LD1", "LDS", "HOM", "HOC")
POINT_DELIVERY = ("24R", "24L", "DRI")
MAX_WEIGHT_AT_POINT = 30_000  # grams: a Point Relais takes parcels up to 30 kg


def _fails(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is None


def _phone_fails(value: str, country: str) -> bool:
    return (PHONE_FR if country == "FR" else PHONE_OTHER).match(value) is None


def address_stat(params: Mapping[str, str], prefix: str, *, phone_required: bool) -> int:
    """The first failing check of an address (Expe_ codes 30-39, Dest_ codes 50-59), or 0."""
    base = 30 if prefix == "Expe" else 50
    get = params.get
    country = get(f"{prefix}_Pays", "")
    checks = (
        (base, ADDRESS_LINE.match(get(f"{prefix}_Ad1", "")) is None),
        (base + 1, ADDRESS_EXTRA.match(get(f"{prefix}_Ad2", "")) is None),
        (base + 3, ADDRESS_LINE.match(get(f"{prefix}_Ad3", "")) is None),
        (base + 4, ADDRESS_EXTRA.match(get(f"{prefix}_Ad4", "")) is None),
        (base + 5, TOWN.match(get(f"{prefix}_Ville", "")) is None),
        (base + 7, country not in POSTCODES),
        (base + 6, country in POSTCODES and POSTCODES[country].match(get(f"{prefix}_CP", "")) is None),
        (base + 8, (phone_required or get(f"{prefix}_Tel1")) and _phone_fails(get(f"{prefix}_Tel1", ""), country)),
        (base + 8, bool(get(f"{prefix}_Tel2")) and _phone_fails(get(f"{prefix}_Tel2", ""), country)),
        (base + 9, bool(get(f"{prefix}_Mail")) and EMAIL.match(get(f"{prefix}_Mail", "")) is None),
    )
    return next((stat for stat, failed in checks if failed), 0)


def label_stat(params: Mapping[str, str]) -> int:
    """WSI2_CreationEtiquette's checks of everything but the points and the postcode table, in the manual's order."""
    get = params.get
    mode_col, mode_liv = get("ModeCol", ""), get("ModeLiv", "")
    stat = next(
        (
            stat
            for stat, failed in (
                (10, mode_col not in COLLECTION_MODES),
                (13, mode_liv not in DELIVERY_MODES),
                (5, _fails(r"(|[0-9A-Z_ -]{0,15})", get("NDossier", ""))),
                (7, _fails(r"(|[0-9A-Z]{0,9})", get("NClient", ""))),
                (72, _fails(r"[A-Z]{2}", get("Expe_Langage", ""))),
                (73, _fails(r"[A-Z]{2}", get("Dest_Langage", ""))),
            )
            if failed
        ),
        0,
    )
    stat = stat or address_stat(params, "Expe", phone_required=True)
    stat = stat or address_stat(params, "Dest", phone_required=mode_liv in HOME_DELIVERY)
    if stat:
        return stat
    weight = get("Poids", "")
    at_point = mode_col == "REL" or mode_liv in POINT_DELIVERY
    return next(
        (
            stat
            for stat, failed in (
                (20, _fails(r"[0-9]{3,7}", weight) or (at_point and int(weight) > MAX_WEIGHT_AT_POINT)),
                (21, _fails(r"[0-9]{0,3}", get("Longueur", ""))),
                (22, _fails(r"(|XS|S|M|L|XL|XXL|3XL)", get("Taille", ""))),
                (47, _fails(r"[0-9]{1,2}", get("NbColis", "")) or get("NbColis") in ("0", "00")),
                (48, at_point and get("NbColis") not in ("1", "01")),
                (42, _fails(r"[0-9]{1,7}", get("CRT_Valeur", ""))),
                (43, _fails(r"(|EUR)", get("CRT_Devise", ""))),
                (44, _fails(r"[0-9]{0,7}", get("Exp_Valeur", ""))),
                (45, _fails(r"(|EUR)", get("Exp_Devise", ""))),
                (61, _fails(r"(|O|N)", get("TAvisage", ""))),
                (66, _fails(r"(|O|N)", get("TReprise", ""))),
                (64, _fails(r"(|[0-9]{1,3})", get("Montage", ""))),
                (65, _fails(r"(|O|N)", get("TRDV", ""))),
                (63, _fails(r"(|[0-9A-Z])", get("Assurance", ""))),
                (62, _fails(r"[0-9A-Z_\-'., /]{0,31}", get("Instructions", ""))),
            )
            if failed
        ),
        0,
    )


def collection_point_stat(params: Mapping[str, str]) -> int:
    """A REL collection names a 6-digit point and its country, or "AUTO" (any point) with the country "XX"."""
    if params.get("ModeCol") != "REL":
        return 0
    country, point = params.get("COL_Rel_Pays", ""), params.get("COL_Rel", "")
    if point == "AUTO":
        return 0 if country in ("XX", *POSTCODES) else 12
    if country not in POSTCODES:
        return 12
    return 11 if _fails(r"[0-9]{6}", point) else 0


def search_stat(params: Mapping[str, str]) -> int:
    """WSI4_PointRelais_Recherche's checks."""
    get = params.get
    country = get("Pays", "")
    checks = (
        (16, country not in POSTCODES),
        (70, _fails(r"(|[0-9]{6})", get("NumPointRelais", ""))),
        (18, _fails(r"(|[A-Z_\-' ]{2,26})", get("Ville", ""))),
        (19, bool(get("CP")) and country in POSTCODES and POSTCODES[country].match(get("CP", "")) is None),
        (67, _fails(r"(|-?[0-9]{1,2}\.[0-9]{7})", get("Latitude", ""))),
        (68, _fails(r"(|-?[0-9]{1,3}\.[0-9]{7})", get("Longitude", ""))),
        (22, _fails(r"(|XS|S|M|L|XL|XXL|3XL)", get("Taille", ""))),
        (20, _fails(r"(|[0-9]{1,6})", get("Poids", ""))),
        (49, _fails(r"(|REL|24R|24L|24X|DRI)", get("Action", ""))),
        (40, not (get("CP") or get("NumPointRelais") or (get("Latitude") and get("Longitude")))),
        (40, _fails(r"([1-9]|[12][0-9]|30)", get("NombreResultats", "") or "10")),
    )
    return next((stat for stat, failed in checks if failed), 0)
