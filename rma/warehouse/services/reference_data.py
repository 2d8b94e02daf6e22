"""Default grade scales, checklists and disposition rules (for demos and a fresh install); safe to run twice."""

from django.db import transaction

from rma.warehouse.choices import DispositionKind as K
from rma.warehouse.models import ChecklistItem, DispositionRule, Grade, GradeScale

# code, label fr, label en, description fr, description en, recovery %, deducts
_GRADES = {
    "apparel": [
        ("A", "Neuf", "As new", "Neuf dans son emballage, étiquettes attachées.",
         "As new in its packaging, tags attached.", 100, False),
        ("B", "Ouvert, comme neuf", "Opened, like new", "Essayé, sans trace de port ni odeur ; étiquettes présentes.",
         "Tried on, no sign of wear or smell; tags present.", 90, False),
        ("C", "Porté ou petit défaut", "Worn or minor damage", "Traces de port, lavé, ou petit défaut réparable.",
         "Signs of wear, washed, or a small fixable flaw.", 40, True),
        ("D", "Invendable", "Unsellable", "Taché, déchiré ou trop abîmé pour être revendu.",
         "Stained, torn or too damaged to be sold.", 0, True),
    ],
    "footwear": [
        ("A", "Neuf", "As new", "Neuves dans leur boîte, semelles propres.", "As new in the box, clean soles.",
         100, False),
        ("B", "Ouvert, comme neuf", "Opened, like new", "Essayées à l'intérieur, boîte présente, aucune marque.",
         "Tried on indoors, box present, no marks.", 85, False),
        ("C", "Portées ou petit défaut", "Worn or minor damage", "Semelles marquées, plis, boîte abîmée ou absente.",
         "Marked soles, creases, box damaged or missing.", 35, True),
        ("D", "Invendable", "Unsellable", "Usées, cassées ou dépareillées.", "Worn out, broken or not a pair.",
         0, True),
    ],
    "electronics": [
        ("A", "Neuf scellé", "Sealed, as new", "Emballage scellé d'origine, jamais allumé.",
         "Original sealed packaging, never powered on.", 100, False),
        ("B", "Ouvert, comme neuf", "Opened, like new", "Emballage ouvert, fonctionne, complet, sans rayure.",
         "Packaging opened, works, complete, no scratch.", 80, False),
        ("C", "Utilisé ou petit défaut", "Used or minor damage",
         "Rayures, accessoire manquant ou défaut mineur ; à reconditionner.",
         "Scratches, a missing accessory or a minor fault; to refurbish.", 50, True),
        ("D", "Hors d'usage", "Unsellable", "Ne s'allume pas, cassé, ou pièces manquantes.",
         "Does not power on, broken, or parts missing.", 0, True),
    ],
    "home": [
        ("A", "Neuf", "As new", "Neuf dans son emballage d'origine.", "As new in its original packaging.",
         100, False),
        ("B", "Ouvert, comme neuf", "Opened, like new", "Déballé, complet, sans défaut.",
         "Unpacked, complete, flawless.", 80, False),
        ("C", "Utilisé ou petit défaut", "Used or minor damage", "Traces d'usage, éclat ou pièce manquante.",
         "Signs of use, a chip or a missing part.", 40, True),
        ("D", "Invendable", "Unsellable", "Cassé ou inutilisable.", "Broken or unusable.", 0, True),
    ],
    "beauty": [
        ("A", "Scellé", "Sealed", "Opercule et film intacts.", "Seal and wrapping intact.", 100, False),
        ("B", "Ouvert, non utilisé", "Opened, unused", "Emballage ouvert, produit non entamé.",
         "Packaging opened, product untouched.", 30, False),
        ("C", "Entamé", "Used", "Produit entamé : ne peut pas être remis en vente (hygiène).",
         "Product used: cannot be sold again (hygiene).", 0, True),
        ("D", "Abîmé", "Damaged", "Flacon cassé, fuite ou produit altéré.", "Broken bottle, leaking or spoiled.",
         0, True),
    ],
    "other": [
        ("A", "Neuf", "As new", "Neuf dans son emballage.", "As new in its packaging.", 100, False),
        ("B", "Ouvert, comme neuf", "Opened, like new", "Ouvert, complet, sans défaut.",
         "Opened, complete, flawless.", 80, False),
        ("C", "Utilisé ou petit défaut", "Used or minor damage", "Traces d'usage ou petit défaut.",
         "Signs of use or a minor flaw.", 40, True),
        ("D", "Invendable", "Unsellable", "Cassé ou inutilisable.", "Broken or unusable.", 0, True),
    ],
}  # fmt: skip

# The grade every default scale gives a unit worn or used beyond trying it ("Worn or minor damage", "Used"): it
# counts in the customer's history as wardrobing (Grade.signals_wear). D ("Unsellable", "Damaged") says the unit is
# broken, which a carrier can do as well as a customer: it signals nothing by itself.
WEAR_GRADE_CODES = frozenset({"C"})

_SCALE_NAMES = {
    "apparel": "Textile A-D",
    "footwear": "Chaussures A-D",
    "electronics": "Électronique A-D",
    "home": "Maison A-D",
    "beauty": "Beauté A-D",
    "other": "Général A-D",
}

# category: [(code, label fr, label en)]
_CHECKLISTS = {
    "apparel": [
        ("tags_attached", "Étiquettes attachées", "Tags attached"),
        ("no_stain_or_smell", "Ni tache ni odeur", "No stain or smell"),
        ("no_sign_of_wear", "Aucune trace de port", "No sign of wear"),
        ("original_packaging", "Emballage d'origine", "Original packaging"),
    ],
    "footwear": [
        ("box_present", "Boîte présente", "Box present"),
        ("pair_complete", "Paire complète", "Complete pair"),
        ("clean_soles", "Semelles propres", "Clean soles"),
        ("no_creases", "Aucun pli", "No creases"),
    ],
    "electronics": [
        ("powers_on", "S'allume", "Powers on"),
        ("accessories_complete", "Accessoires complets", "Accessories complete"),
        ("factory_reset", "Réinitialisé / données effacées", "Factory reset / data wiped"),
        ("no_physical_damage", "Aucun dommage physique", "No physical damage"),
        ("original_packaging", "Emballage d'origine", "Original packaging"),
    ],
    "home": [
        ("complete_set", "Complet (toutes les pièces)", "Complete (all parts)"),
        ("no_breakage", "Ni casse ni éclat", "No breakage or chip"),
        ("original_packaging", "Emballage d'origine", "Original packaging"),
    ],
    "beauty": [
        ("seal_intact", "Opercule intact", "Seal intact"),
        ("original_packaging", "Emballage d'origine", "Original packaging"),
    ],
    "other": [
        ("complete", "Complet", "Complete"),
        ("original_packaging", "Emballage d'origine", "Original packaging"),
    ],
}

# position, category ("" = any), grade ("" = any), max age in days (None = any), disposition
_RULES = [
    (10, "beauty", "A", None, K.RESTOCK),
    (20, "beauty", "B", None, K.DONATE),  # AGEC: hygiene products are donated first
    (30, "beauty", "", None, K.RECYCLE),
    (40, "", "A", 90, K.RESTOCK),
    (50, "", "A", None, K.RESTOCK_OPEN_BOX),  # older than a season
    (60, "apparel", "B", None, K.RESTOCK),
    (70, "electronics", "B", None, K.RESTOCK_OPEN_BOX),
    (80, "electronics", "C", None, K.REFURBISH),
    (90, "electronics", "D", None, K.RECYCLE),  # WEEE channel
    (100, "apparel", "C", None, K.RESELL_SECONDHAND),
    (110, "footwear", "C", None, K.RESELL_SECONDHAND),
    (120, "", "B", None, K.RESTOCK_OPEN_BOX),
    (130, "", "C", None, K.RESELL_SECONDHAND),
    (140, "", "D", None, K.RECYCLE),  # never "destroy" by default: the ESPR bans it for apparel and footwear
]


@transaction.atomic
def warehouse_reference_data_seed() -> dict[str, int]:
    """Create the default scales, grades, checklists and rules that are missing; never changes existing rows."""
    created = {"grade_scales": 0, "grades": 0, "checklist_items": 0, "disposition_rules": 0}
    for category, grades in _GRADES.items():
        scale, made = GradeScale.objects.get_or_create(category=category, defaults={"name": _SCALE_NAMES[category]})
        created["grade_scales"] += made
        for position, (code, label_fr, label_en, desc_fr, desc_en, recovery, deducts) in enumerate(grades, 1):
            _grade, made = Grade.objects.get_or_create(
                scale=scale,
                code=code,
                defaults={
                    "label_fr": label_fr,
                    "label_en": label_en,
                    "description_fr": desc_fr,
                    "description_en": desc_en,
                    "recovery_percent": recovery,
                    "deducts": deducts,
                    "signals_wear": code in WEAR_GRADE_CODES,
                    "position": position * 10,
                },
            )
            created["grades"] += made
    for category, items in _CHECKLISTS.items():
        for position, (code, label_fr, label_en) in enumerate(items, 1):
            _item, made = ChecklistItem.objects.get_or_create(
                category=category,
                code=code,
                defaults={"label_fr": label_fr, "label_en": label_en, "position": position * 10},
            )
            created["checklist_items"] += made
    for position, category, grade_code, max_age, disposition in _RULES:
        _rule, made = DispositionRule.objects.get_or_create(
            position=position,
            category=category,
            grade_code=grade_code,
            reason=None,
            min_age_days=None,
            max_age_days=max_age,
            defaults={"disposition": disposition},
        )
        created["disposition_rules"] += made
    return created
