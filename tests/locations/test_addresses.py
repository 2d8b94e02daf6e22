"""Addresses from the Base Adresse Nationale: the import command, placing a customer's address, and postcode
centres for a postcode file without coordinates.

The fixture ban_adresses_sample.csv has the header of the published files (adresses-XX.csv from
https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/; schema « Schéma des données “Adresses” au format CSV »,
BaseAdresseNationale/adresse.data.gouv.fr public/schemas/adresses-csv.md, plus the files' last column
cad_parcelles). Its first row is a row of the published file adresses-01.csv; the others are shaped the same, with
illustrative positions, and the last two are broken on purpose.
"""

import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rma.locations.addresses import BAN_HEADER, address_coordinates, street_key
from rma.locations.models import AddressPoint, PostcodePlace
from rma.locations.selectors import drop_off_points_near
from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
BAN = FIXTURES / "ban_adresses_sample.csv"


def run(*paths: Path | str, command: str = "addresses_import") -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows() -> set[tuple]:
    return set(AddressPoint.objects.values_list("ban_id", "postcode", "street_key", "number", "suffix", "latitude"))


def test_the_ban_file_is_imported_and_bad_rows_are_reported_with_their_line():
    out, err = run(BAN)

    assert out.strip() == f"{BAN}: 16 rows, 14 addresses written, 2 refused"
    assert f"{BAN}, line 16: coordinates '', '' are not numbers" in err
    assert f"{BAN}, line 17: postcode '75O11' is not 5 digits" in err
    first = AddressPoint.objects.get(ban_id="01002_w4ld4h_00006")
    assert (first.number, first.street, first.postcode, first.insee_code, first.city) == (
        6,
        "Place du Pese Lait",
        "01640",
        "01002",
        "L'Abergement-de-Varey",
    )
    assert (first.latitude, first.longitude) == (46.005447, 5.425179)
    bis = AddressPoint.objects.get(ban_id="75111_8312_00012_bis")
    assert (bis.number, bis.suffix, bis.street_key) == (12, "bis", "RUE ROQUETTE")


def test_importing_again_changes_nothing_and_the_published_gzip_is_read(tmp_path):
    run(BAN)
    before = rows()
    packed = tmp_path / "adresses-75.csv.gz"
    packed.write_bytes(gzip.compress(BAN.read_bytes()))

    out, _ = run(packed)

    assert "14 addresses written" in out
    assert rows() == before
    moved = tmp_path / "moved.csv"
    moved.write_text(
        BAN_HEADER + "\n" + "75111_8312_00001;;1;;Rue de la Roquette;75011;75111;Paris;;;;;2.3702;48.8536;;;;;;;;;\n",
        encoding="utf-8",
    )
    run(moved)
    assert AddressPoint.objects.get(ban_id="75111_8312_00001").latitude == 48.8536
    assert AddressPoint.objects.count() == 14  # addresses missing from a file are kept


def test_a_file_that_is_not_the_ban_is_refused_whole(tmp_path):
    other = tmp_path / "points.csv"
    other.write_text("carrier;name\nmondial_relay;Tabac\n")
    with pytest.raises(CommandError, match="Not a Base Adresse Nationale file: no column id, numero"):
        run(other)
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")
    truncated = tmp_path / "cut.csv.gz"
    truncated.write_bytes(gzip.compress(BAN.read_bytes())[:200])
    with pytest.raises(CommandError):
        run(truncated)
    assert not AddressPoint.objects.exists()


def test_street_names_meet_however_they_are_typed():
    assert street_key("Av. de la République") == street_key("AVENUE REPUBLIQUE") == "AVENUE REPUBLIQUE"
    assert street_key("bd Saint-Germain") == "BOULEVARD ST GERMAIN"
    assert street_key("Rue de l'Église") == street_key("R DE L EGLISE") == "RUE EGLISE"


@pytest.mark.parametrize(
    ("line1", "expected"),
    [
        ("12 rue de la Roquette", (48.855140, 2.373110)),
        ("12 bis, rue de la Roquette", (48.855210, 2.373240)),
        ("12B R. de la Roquette", (48.855210, 2.373240)),
        ("14 rue de la Roquette", (48.855140, 2.373110)),  # not in the file: the nearest number on its side
        ("39 rue de la Roquette", (48.856900, 2.376400)),  # odd side: 41, not 12 nor 112
        ("rue de la Roquette", (48.855140, 2.373110)),  # no number: the street's middle address (12)
        ("99 av Parmentier", (48.867300, 2.383100)),
    ],
)
def test_an_address_is_placed_on_its_street_and_number(line1, expected):
    run(BAN)
    assert address_coordinates(line1=line1, postcode="75011", city="Paris") == pytest.approx(expected)


def test_an_unknown_street_or_an_ambiguous_one_is_not_placed():
    run(BAN)
    assert address_coordinates(line1="3 rue Oberkampf", postcode="75011") is None
    assert address_coordinates(line1="12 rue de la Roquette", postcode="75012") is None
    assert address_coordinates(line1="12 rue de la Roquette", postcode="75011", country="BE") is None
    # "Rue de l'Église" exists in two communes of 01400: the city says which, else nothing is guessed.
    assert address_coordinates(line1="1 rue de l'Eglise", postcode="01400") is None
    assert address_coordinates(line1="1 rue de l'Eglise", postcode="01400", city="Châtillon-sur-Chalaronne") == (
        pytest.approx((46.1211, 4.9563))
    )
    assert address_coordinates(line1="2 rue de l'Eglise", postcode="01400", city="L'Abergement-Clémenciat") == (
        pytest.approx((46.15321, 4.92572))
    )


def test_the_drop_off_search_starts_from_the_address_when_it_is_known():
    run(BAN)
    west = DropOffPointFactory(name="Bastille", latitude=48.8536, longitude=2.3702, postcode="75011")
    east = DropOffPointFactory(name="Père-Lachaise", latitude=48.8641, longitude=2.3890, postcode="75011")
    PostcodePlace.objects.create(
        postcode="75011", insee_code="75111", name="PARIS", commune="PARIS 11", latitude=48.8591, longitude=2.3801
    )

    def nearest(address):
        return drop_off_points_near(postcode="75011", city="Paris", address=address, limit=1)[0].point

    assert nearest("200 rue de la Roquette") == east
    assert nearest("1 rue de la Roquette") == west
    assert nearest("5 rue Inconnue") == east  # not in the file: the postcode's place, nearer the east point


def test_the_api_searches_from_an_address(agent):
    run(BAN)
    near = DropOffPointFactory(name="Père-Lachaise", latitude=48.8641, longitude=2.3890, postcode="75011")
    DropOffPointFactory(name="Bastille", latitude=48.8536, longitude=2.3702, postcode="75011")

    response = agent.get(
        "/api/v1/drop-off-points/", {"postcode": "75011", "address": "200 rue de la Roquette", "limit": 1}
    )
    assert response.status_code == 200, response.content
    assert [r["name"] for r in response.json()["results"]] == [near.name]


def test_a_postcode_file_without_coordinates_takes_the_centre_of_its_addresses():
    no_coordinates = FIXTURES / "laposte_hexasmal_019_no_coordinates.csv"
    with pytest.raises(CommandError, match="centroids-from-addresses"):
        run(no_coordinates, command="postcodes_import")
    run(BAN)

    out, _ = run(no_coordinates, "--centroids-from-addresses", command="postcodes_import")

    assert "1 new places" in out
    place = PostcodePlace.objects.get(postcode="01400", insee_code="01001")
    assert (place.latitude, place.longitude) == pytest.approx(((46.15321 + 46.1534) / 2, (4.92572 + 4.92601) / 2))


def test_a_postcode_whose_commune_has_no_address_is_refused(tmp_path):
    run(BAN)
    path = tmp_path / "hexasmal.csv"
    path.write_text(
        "#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5\n"
        "29019;BREST;29200;BREST;\n"
        "75111;PARIS 11;75011;PARIS;\n",
        encoding="latin-1",
    )
    out, err = run(path, "--centroids-from-addresses", command="postcodes_import")
    assert "1 new places" in out
    assert "1 refused" in out
    assert "line 2: no address of postcode 29200 in commune 29019 was imported from the BAN" in err


def test_the_admin_lists_addresses_and_offers_no_edit(admin_client):
    run(BAN)
    response = admin_client.get(reverse("admin:locations_addresspoint_changelist"), {"q": "75011"})
    assert response.status_code == 200
    assert b"Rue de la Roquette" in response.content
    assert admin_client.get(reverse("admin:locations_addresspoint_add")).status_code == 403
