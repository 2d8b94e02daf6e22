"""Mondial Relay's return codes (STAT) and what each one means for us.

Source: Mondial Relay, "WEB SERVICE" V-5.7 (October 2020), "Return codes" table (a copy:
https://vdocument.in/web-service-mondial-relay.html); the same table ships in Mondial Relay's PrestaShop module
(PrestaShop/PrestaShop-modules, mondialrelay/errorCode.php), which splits the address codes between the sender
(30-39) and the recipient (50-59).

In a return the customer is the sender (Expe_*) and our warehouse the recipient (Dest_*): the sender's codes are
the customer's to fix (CarrierInputError with words for the customer's page); the recipient's, the account's and the
parcel's are ours (CarrierError: an agent fixes the account or the warehouse address). 99 ("generic service error:
may be a technical problem of the service") is read as an outage and retried, like 90 ("AS400 unavailable"). 98
reads "generic error (invalid parameters): it hides another code of the list and only happens to accounts in
production mode" in the manual's table as akretion/mondialrelay_pyt reproduces it, and "service unavailable" in the
PrestaShop module's copy: we follow the manual's wording and treat it as permanent (the label fails with the code in
its error, and an agent retries it).
"""

from django.utils import translation
from django.utils.translation import gettext as _

from rma.shipping.carriers.base import CarrierError, CarrierInputError, CarrierUnavailable

OK = 0
# WSI2_TracingColisDetaille's STAT: where the parcel is, not an error.
TRACING_REGISTERED, TRACING_IN_PROGRESS, TRACING_DELIVERED, TRACING_ANOMALY = 80, 81, 82, 83
TRACING_STATS = frozenset({TRACING_REGISTERED, TRACING_IN_PROGRESS, TRACING_DELIVERED, TRACING_ANOMALY})

# The documented meaning of each code (for logs and the admin: the carrier's words, in French as published).
STAT_MEANINGS: dict[int, str] = {
    1: "Enseigne invalide",
    2: "Numéro d'enseigne vide ou inexistant",
    3: "Numéro de compte enseigne invalide",
    5: "Numéro de dossier enseigne invalide",
    7: "Numéro de client enseigne invalide",
    8: "Mot de passe ou hachage invalide",
    9: "Nom de ville non reconnu ou non unique",
    10: "Type de collecte invalide",
    11: "Numéro de Point Relais de collecte invalide",
    12: "Pays du Point Relais de collecte invalide",
    13: "Type de livraison invalide",
    14: "Numéro du Point Relais de livraison invalide",
    15: "Pays du Point Relais de livraison invalide",
    20: "Poids du colis invalide",
    21: "Taille (Longueur + Hauteur) du colis invalide",
    22: "Taille du colis invalide",
    24: "Numéro d'expédition ou de suivi invalide",
    26: "Temps de montage invalide",
    27: "Mode de collecte ou de livraison invalide",
    28: "Mode de collecte invalide",
    29: "Mode de livraison invalide",
    30: "Adresse (L1) de l'expéditeur invalide",
    31: "Adresse (L2) de l'expéditeur invalide",
    33: "Adresse (L3) de l'expéditeur invalide",
    34: "Adresse (L4) de l'expéditeur invalide",
    35: "Ville de l'expéditeur invalide",
    36: "Code postal de l'expéditeur invalide",
    37: "Pays de l'expéditeur invalide",
    38: "Numéro de téléphone de l'expéditeur invalide",
    39: "Adresse e-mail de l'expéditeur invalide",
    40: "Paramètres manquants",
    42: "Montant CRT invalide",
    43: "Devise CRT invalide",
    44: "Valeur du colis invalide",
    45: "Devise de la valeur du colis invalide",
    46: "Plage de numéro d'expédition épuisée",
    47: "Nombre de colis invalide",
    48: "Multi-colis en Point Relais interdit",
    49: "Action invalide",
    50: "Adresse (L1) du destinataire invalide",
    51: "Adresse (L2) du destinataire invalide",
    53: "Adresse (L3) du destinataire invalide",
    54: "Adresse (L4) du destinataire invalide",
    55: "Ville du destinataire invalide",
    56: "Code postal du destinataire invalide",
    57: "Pays du destinataire invalide",
    58: "Numéro de téléphone du destinataire invalide",
    59: "Adresse e-mail du destinataire invalide",
    60: "Champ texte libre invalide",
    61: "Top avisage invalide",
    62: "Instruction de livraison invalide",
    63: "Assurance invalide",
    64: "Temps de montage invalide",
    65: "Top rendez-vous invalide",
    66: "Top reprise invalide",
    67: "Latitude invalide",
    68: "Longitude invalide",
    69: "Code enseigne invalide",
    70: "Numéro de Point Relais invalide",
    71: "Nature de point de vente non valide",
    74: "Langue invalide",
    78: "Pays de collecte invalide",
    79: "Pays de livraison invalide",
    80: "Code tracing : Colis enregistré",
    81: "Code tracing : Colis en traitement chez Mondial Relay",
    82: "Code tracing : Colis livré",
    83: "Code tracing : Anomalie",
    90: "AS400 indisponible",
    91: "Numéro d'expédition invalide",
    93: "Aucun élément retourné par le plan de tri",
    94: "Colis inexistant",
    95: "Compte enseigne non activé",
    96: "Type d'enseigne incorrect en base",
    97: "Clé de sécurité invalide",
    98: "Erreur générique (paramètres invalides)",
    99: "Erreur générique du service",
}

# Retried: the service says it could not work, not that the request is wrong.
UNAVAILABLE_STATS = frozenset({90, 99})


def _customer_words(code: str) -> str:
    """What the customer reads on the return's page, in the language active when called."""
    words = {
        "name_invalid": _(
            "Mondial Relay cannot print the name on your parcel. Please check your name (letters only) and try again."
        ),
        "address_invalid": _("Mondial Relay cannot read your street address. Please check it and try again."),
        "city_unknown": _(
            "Mondial Relay does not know this town for this postcode. Please check the town and the postcode."
        ),
        "postcode_unknown": _("Mondial Relay does not recognise this postcode. Please check it and try again."),
        "country_unserved": _("Mondial Relay does not collect parcels from this country."),
        "phone_required": _(
            "Mondial Relay needs a mobile or landline number to send your parcel, for example +33 6 12 34 56 78."
        ),
        "email_invalid": _("Mondial Relay cannot use this email address. Please check it."),
        "point_unavailable": _(
            "This Mondial Relay point cannot take your parcel at the moment. Please choose another point."
        ),
    }
    return words[code]


def _sender_code(stat: int, *, point_given: bool) -> str | None:
    """Our code for a STAT the customer can fix, or None when it is not theirs to fix."""
    if stat in (30,):
        return "name_invalid"
    if stat in (31, 33, 34):
        return "address_invalid"
    if stat in (9, 35):
        return "city_unknown"
    if stat in (36, 40):
        return "postcode_unknown"
    if stat in (37, 78):
        return "country_unserved"
    if stat == 38:
        return "phone_required"
    if stat == 39:
        return "email_invalid"
    if stat in (11, 12, 70):
        return "point_unavailable"
    if stat == 93:  # the sort plan found no route: the point (when one was given) or else the postcode
        return "point_unavailable" if point_given else "postcode_unknown"
    return None


def stat_error(
    *, stat: int, operation: str, language: str = "fr", point_given: bool = False, sender_side: bool = True
) -> CarrierError:
    """The exception for a STAT that is not a success; the caller raises it.

    `sender_side` says the customer's data was sent as the sender's (a label request): only then are the sender's
    codes the customer's to fix."""
    meaning = STAT_MEANINGS.get(stat, "code non documenté")
    message = f"mondial_relay: {operation} answered STAT {stat} ({meaning})"
    if stat in UNAVAILABLE_STATS:
        return CarrierUnavailable(message)
    code = _sender_code(stat, point_given=point_given) if sender_side else None
    if code is None:
        return CarrierError(message)
    with translation.override(language or "fr"):
        customer_message = _customer_words(code)
    return CarrierInputError(message, code=code, customer_message=customer_message, carrier_code=str(stat))
