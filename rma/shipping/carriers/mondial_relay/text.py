"""Our addresses in the shapes Mondial Relay's V1 web service accepts.

The service checks each field against a regular expression (Mondial Relay, "WEB SERVICE" V-5.7, tables of
WSI2_CreationEtiquette's parameters): names and street lines ^[0-9A-Z_\\-'., /]{2,32}$ (upper case, no accents),
towns ^[A-Z_\\-' ]{2,26}$, French phone numbers ^((00|\\+)33|0)[0-9][0-9]{8}$, e-mails ^[\\w\\-\\.\\@_]{7,70}$, the
file number (NDossier) ^(|[0-9A-Z_ -]{0,15})$. We transliterate (é → E, œ → OE), upper-case and drop what the
pattern refuses, so that a French accent never costs a label; what is still wrong after that (a street line that is
empty, a phone number that is not one) is left for the service to refuse with its documented code, which the
customer then fixes.
"""

import re
import unicodedata

_LIGATURES = str.maketrans({"Œ": "OE", "œ": "OE", "Æ": "AE", "æ": "AE", "ß": "SS"})
_SPACES = re.compile(r"\s+")
ADDRESS_CHARS = re.compile(r"[^0-9A-Z_\-'., /]")
TOWN_CHARS = re.compile(r"[^A-Z_\-' ]")
FILE_NUMBER_CHARS = re.compile(r"[^0-9A-Z_ \-]")
EMAIL = re.compile(r"^[\w\-.@_]{7,70}$", re.ASCII)

# Country calling codes of the countries Mondial Relay serves (its manual's list of phone patterns).
CALLING_CODES = {
    "FR": "33",
    "BE": "32",
    "ES": "34",
    "DE": "49",
    "LU": "352",
    "PT": "351",
    "AT": "43",
    "GB": "44",
    "IT": "39",
    "NL": "31",
    "IE": "353",
    "MC": "377",
    "CH": "41",
}


def ascii_upper(value: str, *, keep: re.Pattern[str] = ADDRESS_CHARS, max_length: int = 32) -> str:
    """`value` transliterated to upper-case ASCII, with the characters `keep` refuses replaced by spaces."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).upper()
    return _SPACES.sub(" ", keep.sub(" ", plain)).strip()[:max_length].rstrip()


# Words of a town as customers type it that the carrier's town names never hold ("Lyon 3e arrondissement", "Cedex").
_TOWN_NOISE = re.compile(r"\b(\w*\d\w*|ARRONDISSEMENT|ARR|CEDEX)\b\.?")


def town(value: str) -> str:
    """A town name as the service accepts it (letters, spaces, hyphens and apostrophes; 26 characters): "Lyon 3e
    arrondissement" is "LYON", as in La Poste's town names the carrier routes by."""
    plain = ascii_upper(value, keep=re.compile(r"[^0-9A-Z_\-' ]"), max_length=80)
    return ascii_upper(_TOWN_NOISE.sub(" ", plain), keep=TOWN_CHARS, max_length=26)


def file_number(value: str) -> str:
    """Our reference in NDossier (15 characters at most)."""
    return ascii_upper(value, keep=FILE_NUMBER_CHARS, max_length=15)


def postcode(value: str) -> str:
    """A postcode without spaces, upper case (the service checks it against its country's pattern)."""
    return re.sub(r"\s+", "", value).upper()


def phone(value: str, *, country: str) -> str:
    """A phone number in the international form the service accepts ("+33612345678"); empty stays empty.

    A national number (leading 0) gets its country's calling code; one already in the 00/+ form keeps it."""
    # "+33 (0)6 12 34 56 78": the bracketed trunk 0 is not dialled after the calling code.
    digits = re.sub(r"[\s.\-/()]", "", value.replace("(0)", ""))
    if not digits:
        return ""
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("+"):
        return digits
    calling_code = CALLING_CODES.get(country.upper())
    if calling_code and digits.startswith("0"):
        return f"+{calling_code}{digits[1:]}"
    return digits


def email(value: str) -> str:
    """The e-mail address when the service's pattern accepts it, else nothing (the e-mail is optional)."""
    value = value.strip()
    return value if EMAIL.match(value) else ""


def language(value: str) -> str:
    """The two-letter upper-case language code the service wants ("FR", "EN"...)."""
    return (value or "fr").split("-")[0].split("_")[0].upper()[:2] or "FR"
