"""Deterministic French reference data for demo environments (``seed_demo``).

Plain data, checked by rma.locations' own distance and opening-hours rules: cities of metropolitan France with
their main postcode and approximate centre coordinates, street names, relay-point businesses, the demo retailer's
shops and warehouses, a generator of carrier drop-off points (relay points, lockers, post offices), customer name
pools and a product catalogue.

Everything is either a constant or produced from ``random.Random(seed)``, so the same seed always yields the same
data. The coordinates are approximate town centres (4 decimals), good enough for distance searches in a demo.
"""

from __future__ import annotations

import copy
import math
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rma.locations.models import validate_opening_hours
from rma.locations.selectors import distance_km

__all__ = [
    "CARRIERS",
    "CITIES",
    "City",
    "DROP_OFF_KINDS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "LOCKER_HOURS",
    "OpeningHours",
    "PRODUCT_CATALOGUE",
    "PRODUCT_CATEGORIES",
    "RELAY_BUSINESSES",
    "SHOPS",
    "STREET_NAMES",
    "WAREHOUSES",
    "WEEKDAYS",
    "city_for_postcode",
    "department_for_postcode",
    "distance_km",
    "generate_drop_off_points",
    "locker_opening_hours",
    "nearest_city",
    "product_for_sku",
    "validate_opening_hours",
]


# ---------------------------------------------------------------------------------------------------------------
# Cities
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class City:
    name: str
    postcode: str
    latitude: float
    longitude: float
    department: str


# (name, main postcode, latitude, longitude, department, weight). The weight is the relative share of generated
# drop-off points (denser networks in big cities). Within a department the main city comes first: it is the
# fallback of ``city_for_postcode``.
_CITY_TABLE: tuple[tuple[str, str, float, float, str, int], ...] = (
    # Paris, one entry per arrondissement.
    ("Paris", "75001", 48.8566, 2.3522, "75", 1),
    ("Paris", "75002", 48.8686, 2.3417, "75", 1),
    ("Paris", "75003", 48.8630, 2.3601, "75", 1),
    ("Paris", "75004", 48.8543, 2.3576, "75", 1),
    ("Paris", "75005", 48.8445, 2.3497, "75", 2),
    ("Paris", "75006", 48.8491, 2.3328, "75", 2),
    ("Paris", "75007", 48.8561, 2.3122, "75", 2),
    ("Paris", "75008", 48.8727, 2.3125, "75", 2),
    ("Paris", "75009", 48.8770, 2.3375, "75", 2),
    ("Paris", "75010", 48.8762, 2.3608, "75", 2),
    ("Paris", "75011", 48.8590, 2.3800, "75", 2),
    ("Paris", "75012", 48.8412, 2.3876, "75", 2),
    ("Paris", "75013", 48.8283, 2.3623, "75", 2),
    ("Paris", "75014", 48.8331, 2.3264, "75", 2),
    ("Paris", "75015", 48.8421, 2.2927, "75", 2),
    ("Paris", "75016", 48.8637, 2.2769, "75", 2),
    ("Paris", "75017", 48.8874, 2.3065, "75", 2),
    ("Paris", "75018", 48.8925, 2.3484, "75", 2),
    ("Paris", "75019", 48.8871, 2.3848, "75", 2),
    ("Paris", "75020", 48.8634, 2.4012, "75", 2),
    # Île-de-France
    ("Boulogne-Billancourt", "92100", 48.8397, 2.2399, "92", 1),
    ("Saint-Denis", "93200", 48.9362, 2.3574, "93", 1),
    ("Créteil", "94000", 48.7904, 2.4556, "94", 1),
    ("Versailles", "78000", 48.8049, 2.1204, "78", 1),
    ("Argenteuil", "95100", 48.9472, 2.2467, "95", 1),
    ("Évry-Courcouronnes", "91000", 48.6290, 2.4410, "91", 1),
    ("Melun", "77000", 48.5421, 2.6554, "77", 1),
    # Hauts-de-France
    ("Lille", "59000", 50.6292, 3.0573, "59", 5),
    ("Roubaix", "59100", 50.6942, 3.1746, "59", 1),
    ("Dunkerque", "59140", 51.0343, 2.3768, "59", 1),
    ("Valenciennes", "59300", 50.3570, 3.5235, "59", 1),
    ("Calais", "62100", 50.9513, 1.8587, "62", 1),
    ("Arras", "62000", 50.2910, 2.7775, "62", 1),
    ("Lens", "62300", 50.4322, 2.8333, "62", 1),
    ("Amiens", "80000", 49.8941, 2.2958, "80", 2),
    ("Beauvais", "60000", 49.4295, 2.0807, "60", 1),
    ("Saint-Quentin", "02100", 49.8465, 3.2876, "02", 1),
    # Normandie
    ("Rouen", "76000", 49.4432, 1.0999, "76", 2),
    ("Le Havre", "76600", 49.4944, 0.1079, "76", 2),
    ("Caen", "14000", 49.1829, -0.3707, "14", 2),
    ("Cherbourg-en-Cotentin", "50100", 49.6337, -1.6222, "50", 1),
    ("Évreux", "27000", 49.0241, 1.1508, "27", 1),
    ("Alençon", "61000", 48.4329, 0.0913, "61", 1),
    # Grand Est
    ("Strasbourg", "67000", 48.5734, 7.7521, "67", 4),
    ("Mulhouse", "68100", 47.7508, 7.3359, "68", 1),
    ("Colmar", "68000", 48.0794, 7.3585, "68", 1),
    ("Reims", "51100", 49.2583, 4.0317, "51", 2),
    ("Châlons-en-Champagne", "51000", 48.9566, 4.3631, "51", 1),
    ("Metz", "57000", 49.1193, 6.1757, "57", 2),
    ("Thionville", "57100", 49.3579, 6.1681, "57", 1),
    ("Nancy", "54000", 48.6921, 6.1844, "54", 2),
    ("Troyes", "10000", 48.2973, 4.0744, "10", 1),
    ("Épinal", "88000", 48.1724, 6.4496, "88", 1),
    ("Charleville-Mézières", "08000", 49.7621, 4.7263, "08", 1),
    # Bretagne
    ("Rennes", "35000", 48.1173, -1.6778, "35", 4),
    ("Saint-Malo", "35400", 48.6493, -2.0257, "35", 1),
    ("Brest", "29200", 48.3904, -4.4861, "29", 2),
    ("Quimper", "29000", 47.9960, -4.1024, "29", 1),
    ("Lorient", "56100", 47.7482, -3.3702, "56", 1),
    ("Vannes", "56000", 47.6582, -2.7608, "56", 1),
    ("Saint-Brieuc", "22000", 48.5141, -2.7650, "22", 1),
    # Pays de la Loire
    ("Nantes", "44000", 47.2184, -1.5536, "44", 5),
    ("Saint-Nazaire", "44600", 47.2735, -2.2138, "44", 1),
    ("Angers", "49000", 47.4784, -0.5632, "49", 2),
    ("Cholet", "49300", 47.0600, -0.8789, "49", 1),
    ("Le Mans", "72000", 48.0061, 0.1996, "72", 2),
    ("Laval", "53000", 48.0706, -0.7734, "53", 1),
    ("La Roche-sur-Yon", "85000", 46.6705, -1.4260, "85", 1),
    # Centre-Val de Loire
    ("Tours", "37000", 47.3941, 0.6848, "37", 2),
    ("Orléans", "45000", 47.9030, 1.9093, "45", 2),
    ("Bourges", "18000", 47.0810, 2.3988, "18", 1),
    ("Blois", "41000", 47.5861, 1.3359, "41", 1),
    ("Chartres", "28000", 48.4439, 1.4890, "28", 1),
    ("Châteauroux", "36000", 46.8103, 1.6913, "36", 1),
    # Bourgogne-Franche-Comté
    ("Dijon", "21000", 47.3220, 5.0415, "21", 2),
    ("Besançon", "25000", 47.2378, 6.0241, "25", 2),
    ("Belfort", "90000", 47.6397, 6.8638, "90", 1),
    ("Auxerre", "89000", 47.7982, 3.5674, "89", 1),
    ("Nevers", "58000", 46.9908, 3.1590, "58", 1),
    ("Chalon-sur-Saône", "71100", 46.7807, 4.8539, "71", 1),
    ("Mâcon", "71000", 46.3069, 4.8287, "71", 1),
    # Nouvelle-Aquitaine
    ("Bordeaux", "33000", 44.8378, -0.5792, "33", 5),
    ("Limoges", "87000", 45.8336, 1.2611, "87", 2),
    ("Poitiers", "86000", 46.5802, 0.3404, "86", 2),
    ("La Rochelle", "17000", 46.1603, -1.1511, "17", 1),
    ("Pau", "64000", 43.2951, -0.3708, "64", 2),
    ("Bayonne", "64100", 43.4929, -1.4748, "64", 1),
    ("Biarritz", "64200", 43.4832, -1.5586, "64", 1),
    ("Angoulême", "16000", 45.6484, 0.1562, "16", 1),
    ("Niort", "79000", 46.3237, -0.4588, "79", 1),
    ("Brive-la-Gaillarde", "19100", 45.1589, 1.5331, "19", 1),
    ("Périgueux", "24000", 45.1846, 0.7214, "24", 1),
    ("Agen", "47000", 44.2033, 0.6163, "47", 1),
    ("Mont-de-Marsan", "40000", 43.8902, -0.4994, "40", 1),
    ("Guéret", "23000", 46.1711, 1.8714, "23", 1),
    # Occitanie
    ("Toulouse", "31000", 43.6047, 1.4442, "31", 7),
    ("Montpellier", "34000", 43.6108, 3.8767, "34", 4),
    ("Béziers", "34500", 43.3442, 3.2158, "34", 1),
    ("Nîmes", "30000", 43.8367, 4.3601, "30", 2),
    ("Perpignan", "66000", 42.6887, 2.8948, "66", 2),
    ("Carcassonne", "11000", 43.2130, 2.3491, "11", 1),
    ("Montauban", "82000", 44.0176, 1.3550, "82", 1),
    ("Albi", "81000", 43.9289, 2.1464, "81", 1),
    ("Tarbes", "65000", 43.2328, 0.0781, "65", 1),
    ("Rodez", "12000", 44.3506, 2.5750, "12", 1),
    ("Cahors", "46000", 44.4475, 1.4419, "46", 1),
    ("Auch", "32000", 43.6465, 0.5855, "32", 1),
    ("Foix", "09000", 42.9653, 1.6073, "09", 1),
    ("Mende", "48000", 44.5181, 3.5006, "48", 1),
    # Auvergne-Rhône-Alpes
    ("Lyon", "69001", 45.7640, 4.8357, "69", 10),
    ("Villeurbanne", "69100", 45.7719, 4.8902, "69", 2),
    ("Grenoble", "38000", 45.1885, 5.7245, "38", 3),
    ("Saint-Étienne", "42000", 45.4397, 4.3872, "42", 2),
    ("Clermont-Ferrand", "63000", 45.7772, 3.0870, "63", 2),
    ("Annecy", "74000", 45.8992, 6.1294, "74", 1),
    ("Chambéry", "73000", 45.5646, 5.9178, "73", 1),
    ("Valence", "26000", 44.9334, 4.8924, "26", 1),
    ("Bourg-en-Bresse", "01000", 46.2052, 5.2255, "01", 1),
    ("Vichy", "03200", 46.1277, 3.4260, "03", 1),
    ("Aurillac", "15000", 44.9264, 2.4396, "15", 1),
    ("Le Puy-en-Velay", "43000", 45.0434, 3.8859, "43", 1),
    # Provence-Alpes-Côte d'Azur
    ("Marseille", "13001", 43.2965, 5.3698, "13", 10),
    ("Aix-en-Provence", "13100", 43.5297, 5.4474, "13", 2),
    ("Nice", "06000", 43.7102, 7.2620, "06", 5),
    ("Cannes", "06400", 43.5528, 7.0174, "06", 1),
    ("Toulon", "83000", 43.1242, 5.9280, "83", 2),
    ("Fréjus", "83600", 43.4330, 6.7370, "83", 1),
    ("Avignon", "84000", 43.9493, 4.8055, "84", 2),
    ("Gap", "05000", 44.5594, 6.0786, "05", 1),
    ("Digne-les-Bains", "04000", 44.0925, 6.2356, "04", 1),
    # Corse
    ("Ajaccio", "20000", 41.9192, 8.7386, "2A", 1),
    ("Porto-Vecchio", "20137", 41.5911, 9.2795, "2A", 1),
    ("Bastia", "20200", 42.6977, 9.4508, "2B", 1),
)

CITIES: tuple[City, ...] = tuple(City(name, pc, lat, lon, dept) for name, pc, lat, lon, dept, _w in _CITY_TABLE)
_CITY_WEIGHTS: dict[City, int] = {
    city: row[5] for city, row in zip(CITIES, _CITY_TABLE, strict=True)
}  # frozen dataclass: hashable

# Coastal towns get a smaller jitter radius so that generated points stay (mostly) on land.
_COASTAL_POSTCODES = frozenset(
    {
        "59140", "62100", "76600", "50100", "35400", "29200", "29000", "56100", "56000", "22000", "44600", "17000",
        "64100", "64200", "66000", "34500", "13001", "06000", "06400", "83000", "83600", "20000", "20137", "20200",
    }
)  # fmt: skip

_POSTCODE_RE = re.compile(r"^\d{5}$|^2[AB]\d{3}$", re.IGNORECASE)


def nearest_city(latitude: float, longitude: float) -> City:
    """The city of ``CITIES`` whose centre is closest to the given point (first one on a tie)."""
    lat, lon = float(latitude), float(longitude)
    return min(CITIES, key=lambda c: distance_km(lat, lon, c.latitude, c.longitude))


def department_for_postcode(postcode: str) -> str | None:
    """Department code of a French postcode: ``"75"``, ``"06"``, ``"2A"``/``"2B"`` for Corsica, ``"971"``...

    Corsican postcodes all start with 20: 200xx/201xx are Corse-du-Sud (2A), the others Haute-Corse (2B).
    Returns ``None`` for anything that is not a five-character French postcode.
    """
    code = str(postcode or "").strip().upper()
    if not _POSTCODE_RE.match(code):
        return None
    if code.startswith(("2A", "2B")):
        return code[:2]
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B"
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]


def city_for_postcode(postcode: str) -> City | None:
    """City with exactly this postcode, else the main city of the same department, else ``None``."""
    code = str(postcode or "").strip().upper()
    for city in CITIES:
        if city.postcode == code:
            return city
    department = department_for_postcode(code)
    if department is None:
        return None
    # The table lists the main city of each department first (Paris 75001, Marseille, Ajaccio...).
    return next((c for c in CITIES if c.department == department), None)


# ---------------------------------------------------------------------------------------------------------------
# Streets, businesses, people
# ---------------------------------------------------------------------------------------------------------------

STREET_NAMES: tuple[str, ...] = (
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "place du Marché",
    "rue Nationale",
    "quai de la Fosse",
    "rue Victor Hugo",
    "avenue de la Gare",
    "rue de la Gare",
    "rue du Général de Gaulle",
    "avenue du Général Leclerc",
    "boulevard Gambetta",
    "rue Gambetta",
    "place de la Mairie",
    "rue de l'Église",
    "rue Pasteur",
    "avenue Pasteur",
    "rue Jules Ferry",
    "boulevard de la Liberté",
    "rue de la Paix",
    "rue du Commerce",
    "rue des Écoles",
    "rue Émile Zola",
    "avenue Foch",
    "boulevard Carnot",
    "rue Carnot",
    "rue Voltaire",
    "rue du Moulin",
    "rue des Lilas",
    "allée des Tilleuls",
    "rue du Château",
    "place de la Libération",
    "avenue de Verdun",
    "rue du 8 Mai 1945",
    "rue du 11 Novembre",
    "boulevard de Strasbourg",
    "rue Saint-Michel",
    "rue Sadi Carnot",
    "avenue Aristide Briand",
    "rue Anatole France",
    "quai des Chartrons",
    "cours Mirabeau",
    "rue de la Poste",
    "rue des Halles",
    "avenue Georges Clemenceau",
    "rue Jean Moulin",
    "place de l'Hôtel de Ville",
    "rue du Faubourg Saint-Antoine",
    "rue Louis Pasteur",
    "boulevard du Maréchal Juin",
)

RELAY_BUSINESSES: tuple[str, ...] = (
    "Tabac Presse du Centre",
    "Tabac Presse de la Gare",
    "Bar Tabac Le Balto",
    "Maison de la Presse",
    "Pressing Saint-Michel",
    "Pressing de la Mairie",
    "Fleuriste Les Jardins",
    "Fleurs & Sens",
    "Carrefour City",
    "Carrefour Express",
    "Intermarché Express",
    "Franprix",
    "Monoprix",
    "Casino Shop",
    "Spar",
    "Vival",
    "U Express",
    "Proxi",
    "Librairie des Halles",
    "Librairie Papeterie Le Marque-Page",
    "Cordonnerie Express",
    "Cordonnerie Clé Minute",
    "Épicerie Fine du Marché",
    "Alimentation Générale du Parc",
    "Boulangerie Au Bon Pain",
    "Quincaillerie Moderne",
    "Droguerie du Centre",
    "Cave Les Vignerons",
    "Mercerie Le Fil d'Or",
    "Animalerie Les Compagnons",
    "Papeterie des Écoles",
    "Bazar de la Place",
    "Boutique Mobile Services",
    "Point Vert Jardinerie",
    "Retouches Couture Minute",
)

_SUPERMARKET_PREFIXES = (
    "Carrefour",
    "Intermarché",
    "Franprix",
    "Monoprix",
    "Casino",
    "Spar",
    "Vival",
    "U Express",
    "Proxi",
)

_LOCKER_HOSTS: tuple[str, ...] = (
    "Gare SNCF",
    "Carrefour Market",
    "Monoprix",
    "Intermarché",
    "Auchan",
    "E.Leclerc",
    "Lidl",
    "Super U",
    "Parking Indigo",
    "Station TotalEnergies",
    "Centre commercial",
    "Hôtel de Ville",
    "Médiathèque",
    "Campus universitaire",
    "Place du Marché",
)

_GENERIC_QUARTERS: tuple[str, ...] = (
    "Centre",
    "Gare",
    "Hôtel de Ville",
    "République",
    "Principal",
    "Les Halles",
    "Saint-Pierre",
    "Jean Jaurès",
    "Victor Hugo",
    "Les Arcades",
)

_QUARTERS: dict[str, tuple[str, ...]] = {
    "Lyon": ("Bellecour", "Part-Dieu", "Croix-Rousse", "Terreaux", "Jean Macé", "Vaise"),
    "Marseille": ("Colbert", "Castellane", "Joliette", "Cinq Avenues", "Prado", "Saint-Barnabé"),
    "Toulouse": ("Capitole", "Saint-Cyprien", "Compans", "Rangueil", "Minimes"),
    "Bordeaux": ("Mériadeck", "Chartrons", "Saint-Michel", "Bastide", "Victoire"),
    "Lille": ("Vieux-Lille", "Wazemmes", "Fives", "Moulins", "République"),
    "Nantes": ("Bouffay", "Talensac", "Chantenay", "Doulon", "Île de Nantes"),
    "Nice": ("Thiers", "Libération", "Cimiez", "Port", "Magnan"),
    "Strasbourg": ("Kléber", "Neudorf", "Krutenau", "Robertsau", "Esplanade"),
    "Montpellier": ("Comédie", "Antigone", "Beaux-Arts", "Port Marianne", "Croix d'Argent"),
    "Rennes": ("Colombier", "Sainte-Anne", "Jeanne d'Arc", "Villejean", "Cleunay"),
}

FIRST_NAMES: tuple[str, ...] = (
    "Chloé",
    "Léa",
    "Emma",
    "Manon",
    "Camille",
    "Inès",
    "Jade",
    "Louise",
    "Zoé",
    "Lucie",
    "Hélène",
    "Élodie",
    "Nathalie",
    "Sophie",
    "Isabelle",
    "Céline",
    "Aurélie",
    "Margaux",
    "Anaïs",
    "Maëlle",
    "Juliette",
    "Clémence",
    "Théo",
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Gabriel",
    "Raphaël",
    "Jules",
    "Arthur",
    "Mathis",
    "Noé",
    "Léo",
    "François",
    "Jérôme",
    "Sébastien",
    "Stéphane",
    "Frédéric",
    "Benoît",
    "Grégoire",
    "Thomas",
    "Nicolas",
    "Julien",
    "Antoine",
    "Maxime",
    "Pierre",
    "Étienne",
)

LAST_NAMES: tuple[str, ...] = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Le Gall",
    "Le Goff",
)


# ---------------------------------------------------------------------------------------------------------------
# Demo retailer: shops and warehouses
# ---------------------------------------------------------------------------------------------------------------

WAREHOUSES: tuple[dict[str, Any], ...] = (
    {
        "code": "WH-IDF",
        "name": "Maison Lumière Entrepôt Île-de-France",
        "address_line1": "8 rue Denis Papin",
        "address_line2": "ZAC de Chanteloup",
        "postcode": "77550",
        "city": "Moissy-Cramayel",
        "country": "FR",
        "latitude": 48.6266,
        "longitude": 2.5933,
        "phone": "+33 1 64 88 52 00",
        "email": "entrepot.idf@maison-lumiere.fr",
    },
    {
        "code": "WH-RHO",
        "name": "Maison Lumière Entrepôt Rhône-Alpes",
        "address_line1": "15 rue du Ruisseau",
        "address_line2": "Parc International de Chesnes",
        "postcode": "38070",
        "city": "Saint-Quentin-Fallavier",
        "country": "FR",
        "latitude": 45.6408,
        "longitude": 5.1123,
        "phone": "+33 4 74 94 60 00",
        "email": "entrepot.rhone@maison-lumiere.fr",
    },
)

SHOPS: tuple[dict[str, Any], ...] = (
    {
        "code": "PAR01",
        "name": "Maison Lumière Paris Rivoli",
        "address_line1": "112 rue de Rivoli",
        "address_line2": "",
        "postcode": "75001",
        "city": "Paris",
        "country": "FR",
        "latitude": 48.8603,
        "longitude": 2.3436,
        "phone": "+33 1 42 60 12 34",
        "email": "paris.rivoli@maison-lumiere.fr",
        "default_warehouse": "WH-IDF",
    },
    {
        "code": "LYO01",
        "name": "Maison Lumière Lyon République",
        "address_line1": "45 rue de la République",
        "address_line2": "",
        "postcode": "69002",
        "city": "Lyon",
        "country": "FR",
        "latitude": 45.7620,
        "longitude": 4.8358,
        "phone": "+33 4 78 42 18 90",
        "email": "lyon.republique@maison-lumiere.fr",
        "default_warehouse": "WH-RHO",
    },
    {
        "code": "MAR01",
        "name": "Maison Lumière Marseille Saint-Ferréol",
        "address_line1": "27 rue Saint-Ferréol",
        "address_line2": "",
        "postcode": "13001",
        "city": "Marseille",
        "country": "FR",
        "latitude": 43.2938,
        "longitude": 5.3780,
        "phone": "+33 4 91 54 23 67",
        "email": "marseille.saint-ferreol@maison-lumiere.fr",
        "default_warehouse": "WH-RHO",
    },
    {
        "code": "LIL01",
        "name": "Maison Lumière Lille Grand Place",
        "address_line1": "24 rue Neuve",
        "address_line2": "",
        "postcode": "59000",
        "city": "Lille",
        "country": "FR",
        "latitude": 50.6367,
        "longitude": 3.0640,
        "phone": "+33 3 20 55 41 28",
        "email": "lille.grand-place@maison-lumiere.fr",
        "default_warehouse": "WH-IDF",
    },
    {
        "code": "BOR01",
        "name": "Maison Lumière Bordeaux Sainte-Catherine",
        "address_line1": "86 rue Sainte-Catherine",
        "address_line2": "",
        "postcode": "33000",
        "city": "Bordeaux",
        "country": "FR",
        "latitude": 44.8391,
        "longitude": -0.5739,
        "phone": "+33 5 56 44 37 81",
        "email": "bordeaux.sainte-catherine@maison-lumiere.fr",
        "default_warehouse": "WH-IDF",
    },
)


# ---------------------------------------------------------------------------------------------------------------
# Opening hours
# ---------------------------------------------------------------------------------------------------------------

# weekday -> list of [start, end] "HH:MM" slots, ordered and non-overlapping; [] means closed; "24:00" may end a day.
OpeningHours = dict[str, list[list[str]]]

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

LOCKER_HOURS: OpeningHours = {day: [["00:00", "24:00"]] for day in WEEKDAYS}


def locker_opening_hours() -> OpeningHours:
    """A fresh copy of the 24/7 hours (every day ``[["00:00", "24:00"]]``)."""
    return copy.deepcopy(LOCKER_HOURS)


def _business_profile(name: str) -> str:
    if name.startswith(_SUPERMARKET_PREFIXES):
        return "supermarket"
    if "Tabac" in name or "Presse" in name:
        return "tabac"
    if name.startswith("Boulangerie"):
        return "bakery"
    return "shop"


def _relay_hours(rng: random.Random, business: str) -> OpeningHours:
    profile = _business_profile(business)
    hours: OpeningHours = {day: [] for day in WEEKDAYS}
    if profile == "supermarket":
        opening, closing = rng.choice(["07:30", "08:00", "08:30"]), rng.choice(["20:30", "21:00", "21:30", "22:00"])
        for day in WEEKDAYS[:6]:
            hours[day] = [[opening, closing]]
        if rng.random() < 0.6:
            hours["sun"] = [["09:00", rng.choice(["12:30", "13:00"])]]
    elif profile == "tabac":
        opening, closing = rng.choice(["06:30", "07:00", "07:30"]), rng.choice(["19:00", "19:30", "20:00"])
        for day in WEEKDAYS[:6]:
            hours[day] = [[opening, closing]]
        if rng.random() < 0.5:
            hours["sun"] = [["08:00", rng.choice(["12:30", "13:00"])]]
    elif profile == "bakery":
        closed_day = rng.choice(["mon", "wed"])
        for day in WEEKDAYS[:6]:
            if day != closed_day:
                hours[day] = [["06:30", rng.choice(["19:30", "20:00"])]]
        hours["sun"] = [["07:00", "13:00"]]
    else:
        morning_start = rng.choice(["09:00", "09:30", "10:00"])
        morning_end = rng.choice(["12:00", "12:30", "13:00"])
        afternoon_start = rng.choice(["14:00", "14:30"])
        afternoon_end = rng.choice(["18:30", "19:00", "19:30"])
        full_day = [[morning_start, morning_end], [afternoon_start, afternoon_end]]
        for day in WEEKDAYS[1:5]:
            hours[day] = copy.deepcopy(full_day)
        monday = rng.random()
        if monday < 0.3:
            hours["mon"] = []  # closed on Monday
        elif monday < 0.5:
            hours["mon"] = [[afternoon_start, afternoon_end]]  # Monday afternoon only
        else:
            hours["mon"] = copy.deepcopy(full_day)
        saturday_end = rng.choice(["18:00", afternoon_end])
        hours["sat"] = [[morning_start, morning_end], [afternoon_start, saturday_end]]
        sunday_chance = 0.7 if business.startswith("Fleur") else 0.08
        if rng.random() < sunday_chance:
            hours["sun"] = [["09:30", "12:30"]]
    return hours


def _post_office_hours(rng: random.Random, *, big_city: bool) -> OpeningHours:
    hours: OpeningHours = {day: [] for day in WEEKDAYS}
    if big_city and rng.random() < 0.4:
        weekday_slots = [["09:00", rng.choice(["18:30", "19:00"])]]
        saturday_slots = [["09:00", "12:30"]]
    else:
        weekday_slots = [["09:00", "12:00"], ["14:00", rng.choice(["17:00", "17:30", "18:00"])]]
        saturday_slots = [["09:00", "12:00"]]
    for day in WEEKDAYS[:5]:
        hours[day] = copy.deepcopy(weekday_slots)
    hours["sat"] = saturday_slots
    return hours


# ---------------------------------------------------------------------------------------------------------------
# Drop-off points
# ---------------------------------------------------------------------------------------------------------------

CARRIERS: tuple[str, ...] = ("mondial_relay", "relais_colis", "colissimo", "inpost")
DROP_OFF_KINDS: tuple[str, ...] = ("relay_point", "locker", "post_office")

_RELAY_CARRIERS = (("mondial_relay", "relais_colis", "colissimo"), (45, 30, 25))
_LOCKER_CARRIERS = (("inpost", "mondial_relay", "colissimo"), (55, 40, 5))

_MAX_WEIGHT_KG = {"relay_point": 30, "locker": 20, "post_office": 30}
_MAX_DIMENSIONS_CM = {"relay_point": 150, "locker": 120, "post_office": 150}


def _ascii_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalpha()).upper()


def _district(city: City) -> str:
    """``"Paris 11e"`` for a Paris arrondissement, else the city name."""
    if city.department == "75" and city.postcode.startswith("750"):
        number = int(city.postcode[3:])
        return f"Paris {number}{'er' if number == 1 else 'e'}"
    return city.name


def _allocate(count: int) -> list[City]:
    """Proportional (largest remainder) split of ``count`` points over the cities, by weight."""
    total = sum(_CITY_WEIGHTS.values())
    quotas = [(city, count * _CITY_WEIGHTS[city] / total) for city in CITIES]
    shares = {city: int(quota) for city, quota in quotas}
    remaining = count - sum(shares.values())
    by_remainder = sorted(range(len(quotas)), key=lambda i: -(quotas[i][1] - int(quotas[i][1])))  # stable
    for i in by_remainder[:remaining]:
        shares[quotas[i][0]] += 1
    return [city for city in CITIES for _ in range(shares[city])]


def _jitter(rng: random.Random, city: City) -> tuple[float, float]:
    if city.department == "75":
        radius_km = 0.6
    elif city.postcode in _COASTAL_POSTCODES:
        radius_km = 1.5
    else:
        radius_km = 3.0
    distance = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(city.latitude)))
    return round(city.latitude + dlat, 6), round(city.longitude + dlon, 6)


def _carrier_point_id(rng: random.Random, carrier: str, city: City) -> str:
    if carrier == "mondial_relay":
        return f"FR-{rng.randint(1000, 99999):06d}"
    if carrier == "relais_colis":
        return f"I{rng.randint(10000, 99999)}"
    if carrier == "colissimo":
        return f"{rng.randint(1000, 999999):06d}"
    if carrier == "inpost":
        return f"FR-{_ascii_upper(city.name)[:3]}{rng.randint(10000, 99999)}M"
    raise ValueError(f"unknown carrier {carrier!r}")


def generate_drop_off_points(*, count: int = 200, seed: int = 7) -> list[dict[str, Any]]:
    """Generate ``count`` carrier drop-off points spread over ``CITIES`` (bigger cities get more).

    Deterministic for a given ``(count, seed)``. Each point is a plain dict with the keys carrier,
    carrier_point_id, kind, name, address_line1, address_line2, postcode, city, country, latitude, longitude,
    opening_hours, open_24_7, wheelchair_accessible, max_weight_kg, max_dimensions_cm, accepts_returns and
    label_printing. Carrier ids are unique per carrier and addresses are unique.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    slots = _allocate(count)
    rng.shuffle(slots)
    # Exact kind shares (~65 % relay points, ~25 % lockers, ~10 % post offices), shuffled over the cities.
    lockers, post_offices = round(count * 0.25), round(count * 0.10)
    kinds = ["locker"] * lockers + ["post_office"] * post_offices + ["relay_point"] * (count - lockers - post_offices)
    rng.shuffle(kinds)

    used_ids: dict[str, set[str]] = {carrier: set() for carrier in CARRIERS}
    used_addresses: set[tuple[str, str, str]] = set()
    used_names: set[tuple[str, str]] = set()
    points: list[dict[str, Any]] = []

    for city, kind in zip(slots, kinds, strict=True):
        district = _district(city)
        big_city = _CITY_WEIGHTS[city] >= 4 or city.department == "75"

        if kind == "relay_point":
            carrier = rng.choices(*_RELAY_CARRIERS)[0]
            name = rng.choice(RELAY_BUSINESSES)
            for _ in range(10):  # avoid the same shop name twice in a district
                if (name, district) not in used_names:
                    break
                name = rng.choice(RELAY_BUSINESSES)
            opening_hours = _relay_hours(rng, name)
        elif kind == "locker":
            carrier = rng.choices(*_LOCKER_CARRIERS)[0]
            host = rng.choice(_LOCKER_HOSTS)
            prefix = {
                "inpost": "Locker InPost",
                "mondial_relay": "Lockers Mondial Relay",
                "colissimo": "Consigne Pickup Station",
            }[carrier]
            name = f"{prefix} {host} {district}"
            opening_hours = locker_opening_hours()
        else:
            carrier = "colissimo"
            quarters = _QUARTERS.get(city.name, _GENERIC_QUARTERS)
            name = f"Bureau de poste {district} {rng.choice(quarters)}"
            if (name, district) in used_names:
                free = [q for q in quarters if (f"Bureau de poste {district} {q}", district) not in used_names]
                name = f"Bureau de poste {district} {rng.choice(free)}" if free else f"Bureau de poste {district}"
            opening_hours = _post_office_hours(rng, big_city=big_city)
        used_names.add((name, district))

        point_id = _carrier_point_id(rng, carrier, city)
        while point_id in used_ids[carrier]:
            point_id = _carrier_point_id(rng, carrier, city)
        used_ids[carrier].add(point_id)

        while True:
            number = rng.randint(1, 180)
            suffix = " bis" if rng.random() < 0.05 else ""
            address_line1 = f"{number}{suffix} {rng.choice(STREET_NAMES)}"
            key = (address_line1.casefold(), city.postcode, city.name)
            if key not in used_addresses:
                used_addresses.add(key)
                break

        latitude, longitude = _jitter(rng, city)
        is_locker = kind == "locker"
        accessible_share = {"relay_point": 0.6, "locker": 0.75, "post_office": 0.9}[kind]
        points.append(
            {
                "carrier": carrier,
                "carrier_point_id": point_id,
                "kind": kind,
                "name": name,
                "address_line1": address_line1,
                "address_line2": "",
                "postcode": city.postcode,
                "city": city.name,
                "country": "FR",
                "latitude": latitude,
                "longitude": longitude,
                "opening_hours": opening_hours,
                "open_24_7": is_locker,
                "wheelchair_accessible": rng.random() < accessible_share,
                "max_weight_kg": _MAX_WEIGHT_KG[kind],
                "max_dimensions_cm": _MAX_DIMENSIONS_CM[kind],
                "accepts_returns": rng.random() >= 0.04,
                "label_printing": kind == "post_office" or (kind == "relay_point" and rng.random() < 0.4),
            }
        )
    return points


# ---------------------------------------------------------------------------------------------------------------
# Product catalogue
# ---------------------------------------------------------------------------------------------------------------

PRODUCT_CATEGORIES: tuple[str, ...] = ("apparel", "footwear", "electronics", "home", "beauty")

_APPAREL_SIZES = ("XS", "S", "M", "L", "XL")
_TROUSER_SIZES = ("36", "38", "40", "42", "44", "46")
_SHOE_SIZES = tuple(str(size) for size in range(36, 46))
_WOMEN_SHOE_SIZES = tuple(str(size) for size in range(36, 42))
_MEN_SHOE_SIZES = tuple(str(size) for size in range(39, 46))

_COLOUR_CODES = {
    "blanc": "BLA",
    "noir": "NOI",
    "bleu marine": "MAR",
    "bleu ciel": "CIE",
    "bleu brut": "BRU",
    "bleu": "BLE",
    "écru": "ECR",
    "gris chiné": "GRC",
    "gris": "GRI",
    "camel": "CAM",
    "beige": "BEI",
    "kaki": "KAK",
    "rose poudré": "RSP",
    "rose": "ROS",
    "rouge": "ROU",
    "vert sauge": "SAU",
    "marron": "MRN",
    "doré": "DOR",
    "ambre": "AMB",
    "terracotta": "TER",
    "nude": "NUD",
    "prune": "PRU",
    "assortis": "ASS",
}


def _option_code(size: str) -> str:
    # "30 ml" -> "30ML", "128 Go" -> "128GO", "140 x 200 cm" -> "140X200", "M" -> "M"
    text = unicodedata.normalize("NFKD", size).upper().replace(" CM", "")
    return re.sub(r"[^A-Z0-9]", "", text)


def _product(
    ref: str,
    name: str,
    category: str,
    price: str,
    *,
    colours: tuple[str, ...] = ("",),
    sizes: tuple[str, ...] = ("",),
    options: tuple[tuple[str, str, str], ...] = (),
    reason: str = "",
    weight_grams: int = 500,
) -> dict[str, Any]:
    """Build a catalogue entry. ``options`` = explicit (size/option label, colour, price) variants."""
    rows = options or tuple((size, colour, price) for colour in colours for size in sizes)
    variants = []
    for size, colour, variant_price in rows:
        parts = [ref]
        if colour:
            parts.append(_COLOUR_CODES[colour])
        if size:
            parts.append(_option_code(size))
        variants.append(
            {
                "sku": "-".join(parts),
                "size": size,
                "colour": colour,
                "price": str(Decimal(variant_price).quantize(Decimal("0.01"))),
            }
        )
    return {
        "product_ref": ref,
        "name": name,
        "category": category,
        "base_price": str(Decimal(price).quantize(Decimal("0.01"))),
        "has_serial": category == "electronics",
        "non_returnable_reason": reason,  # "" | "hygiene" (not once opened/worn) | "final_sale"
        "final_sale": reason == "final_sale",
        "weight_grams": weight_grams,
        "variants": variants,
    }


PRODUCT_CATALOGUE: tuple[dict[str, Any], ...] = (
    # apparel
    _product("CHM-LIN", "Chemise en lin col mao", "apparel", "59.90",
             colours=("blanc", "bleu ciel", "écru"), sizes=_APPAREL_SIZES, weight_grams=250),
    _product("TSH-BIO", "T-shirt col rond coton bio", "apparel", "19.90",
             colours=("blanc", "noir", "gris chiné", "bleu marine"), sizes=_APPAREL_SIZES, weight_grams=180),
    _product("PUL-MER", "Pull col V laine mérinos", "apparel", "79.00",
             colours=("camel", "gris chiné", "bleu marine"), sizes=_APPAREL_SIZES, weight_grams=350),
    _product("JEA-DRO", "Jean droit brut", "apparel", "69.90",
             colours=("bleu brut", "noir"), sizes=_TROUSER_SIZES, weight_grams=650),
    _product("PAN-CHI", "Pantalon chino slim", "apparel", "55.00",
             colours=("beige", "bleu marine", "kaki"), sizes=_TROUSER_SIZES, weight_grams=450),
    _product("ROB-CHE", "Robe chemise fluide", "apparel", "65.00",
             colours=("kaki", "noir", "rose poudré"), sizes=_APPAREL_SIZES, weight_grams=300),
    _product("TRE-COT", "Trench en coton déperlant", "apparel", "149.00",
             colours=("beige", "bleu marine"), sizes=_APPAREL_SIZES, weight_grams=1100),
    _product("SWE-CAP", "Sweat à capuche molletonné", "apparel", "45.00",
             colours=("gris chiné", "noir", "vert sauge"), sizes=_APPAREL_SIZES, weight_grams=550),
    _product("ECH-CAC", "Écharpe en cachemire", "apparel", "89.00",
             colours=("camel", "gris chiné", "rouge"), sizes=("TU",), weight_grams=150),
    _product("MAI-BAI", "Maillot de bain une pièce", "apparel", "39.90",
             colours=("noir", "rouge"), sizes=_APPAREL_SIZES, reason="hygiene", weight_grams=150),
    _product("CAL-COT", "Lot de 3 caleçons en coton", "apparel", "29.90",
             colours=("assortis",), sizes=_APPAREL_SIZES, reason="hygiene", weight_grams=200),
    _product("BOU-CRE", "Boucles d'oreilles créoles dorées", "apparel", "24.90",
             colours=("doré",), sizes=("TU",), reason="hygiene", weight_grams=30),
    _product("VES-JEA", "Veste en jean délavé (fin de série)", "apparel", "39.90",
             colours=("bleu ciel",), sizes=_APPAREL_SIZES, reason="final_sale", weight_grams=800),
    _product("DOU-LEG", "Doudoune légère sans manches (fin de série)", "apparel", "49.90",
             colours=("noir", "bleu marine"), sizes=_APPAREL_SIZES, reason="final_sale", weight_grams=400),
    # footwear
    _product("BAS-CUI", "Baskets cuir blanc", "footwear", "89.90",
             colours=("blanc",), sizes=_SHOE_SIZES, weight_grams=900),
    _product("BOT-CHE", "Bottines chelsea en daim", "footwear", "119.00",
             colours=("camel", "noir"), sizes=_SHOE_SIZES, weight_grams=1100),
    _product("MOC-CUI", "Mocassins en cuir grainé", "footwear", "99.00",
             colours=("marron", "noir"), sizes=_MEN_SHOE_SIZES, weight_grams=950),
    _product("SAN-PLA", "Sandales plates à brides", "footwear", "45.00",
             colours=("camel", "noir", "doré"), sizes=_WOMEN_SHOE_SIZES, weight_grams=450),
    _product("ESP-TOI", "Espadrilles en toile", "footwear", "29.90",
             colours=("écru", "bleu marine", "rouge"), sizes=_SHOE_SIZES, weight_grams=500),
    _product("RUN-TRA", "Chaussures de running trail", "footwear", "109.00",
             colours=("noir", "gris"), sizes=_SHOE_SIZES, weight_grams=850),
    _product("BAL-VER", "Ballerines en cuir verni", "footwear", "69.00",
             colours=("noir", "rouge"), sizes=_WOMEN_SHOE_SIZES, weight_grams=400),
    _product("CHA-LAI", "Chaussons en laine bouillie (fin de série)", "footwear", "25.00",
             colours=("gris chiné",), sizes=_SHOE_SIZES, reason="final_sale", weight_grams=350),
    # electronics
    _product("CSQ-SFL", "Casque audio sans fil à réduction de bruit", "electronics", "199.00",
             colours=("noir", "blanc"), weight_grams=600),
    _product("ECO-INT", "Écouteurs intra-auriculaires Bluetooth", "electronics", "89.90",
             colours=("noir", "blanc"), reason="hygiene", weight_grams=150),
    _product("ENC-BTH", "Enceinte Bluetooth étanche", "electronics", "69.90",
             colours=("noir", "bleu"), weight_grams=700),
    _product("MON-CON", "Montre connectée sport", "electronics", "149.00",
             colours=("noir",), weight_grams=250),
    _product("LIS-NUM", "Liseuse numérique 6 pouces", "electronics", "129.00",
             options=(("8 Go", "", "129.00"), ("32 Go", "", "159.00")), weight_grams=400),
    _product("TAB-TAC", "Tablette tactile 10 pouces", "electronics", "279.00",
             options=(("64 Go", "", "279.00"), ("128 Go", "", "329.00")), weight_grams=900),
    _product("BAT-EXT", "Batterie externe 10 000 mAh", "electronics", "29.90",
             colours=("noir", "blanc"), weight_grams=300),
    _product("CHG-USB", "Chargeur rapide USB-C 65 W", "electronics", "39.90",
             colours=("blanc",), weight_grams=200),
    _product("APP-INS", "Appareil photo instantané", "electronics", "99.90",
             colours=("blanc", "rose"), weight_grams=700),
    # home
    _product("PLA-LAI", "Plaid en laine", "home", "69.90",
             options=(("130 x 170 cm", "écru", "69.90"), ("130 x 170 cm", "gris chiné", "69.90")), weight_grams=1200),
    _product("HCO-LIN", "Housse de couette en lin lavé", "home", "129.00",
             options=(("140 x 200 cm", "blanc", "129.00"), ("240 x 220 cm", "blanc", "169.00")), weight_grams=1500),
    _product("LAM-CER", "Lampe à poser en céramique", "home", "79.00",
             colours=("blanc", "vert sauge"), weight_grams=2200),
    _product("BOU-FIG", "Bougie parfumée figuier 190 g", "home", "29.00", weight_grams=450),
    _product("VAS-VER", "Vase en verre soufflé", "home", "39.00",
             colours=("ambre", "vert sauge"), weight_grams=900),
    _product("COU-VEL", "Coussin en velours côtelé 45 x 45 cm", "home", "34.90",
             colours=("camel", "terracotta"), weight_grams=600),
    _product("SER-NID", "Serviettes de bain nid d'abeille (lot de 2)", "home", "39.90",
             colours=("blanc", "bleu ciel"), weight_grams=900),
    _product("ASS-GRE", "Assiettes plates en grès (lot de 4)", "home", "44.90",
             colours=("blanc", "gris"), weight_grams=3200),
    _product("MIR-ROT", "Miroir rond en rotin (fin de série)", "home", "35.00",
             reason="final_sale", weight_grams=1800),
    # beauty
    _product("SER-HYD", "Sérum hydratant 30 ml", "beauty", "34.90",
             options=(("30 ml", "", "34.90"),), reason="hygiene", weight_grams=120),
    _product("CRE-MAI", "Crème mains au karité", "beauty", "12.90",
             options=(("75 ml", "", "12.90"),), reason="hygiene", weight_grams=110),
    _product("EDP-FLO", "Eau de parfum fleur d'oranger", "beauty", "69.00",
             options=(("50 ml", "", "69.00"), ("100 ml", "", "99.00")), reason="hygiene", weight_grams=350),
    _product("HUI-SEC", "Huile sèche corps et cheveux", "beauty", "24.90",
             options=(("100 ml", "", "24.90"),), reason="hygiene", weight_grams=200),
    _product("ROU-LEV", "Rouge à lèvres satiné", "beauty", "22.00",
             colours=("rouge", "rose poudré"), reason="hygiene", weight_grams=50),
    _product("PAL-FAR", "Palette de fards à paupières", "beauty", "39.90",
             colours=("nude", "prune"), reason="hygiene", weight_grams=150),
    _product("TRO-TOI", "Trousse de toilette en coton enduit", "beauty", "29.90",
             colours=("noir", "terracotta"), weight_grams=250),
    _product("COF-SOI", "Coffret soin visage découverte (édition limitée)", "beauty", "45.00",
             reason="final_sale", weight_grams=500),
)  # fmt: skip

_SKU_INDEX: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    variant["sku"]: (product, variant) for product in PRODUCT_CATALOGUE for variant in product["variants"]
}


def product_for_sku(sku: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``(product, variant)`` for a catalogue SKU, or ``None``."""
    return _SKU_INDEX.get(sku)
