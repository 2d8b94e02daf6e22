"""Postcode places from La Poste's official postcode file, and locating a postcode from them."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rma.locations.models import PostcodePlace
from rma.locations.postcodes import name_key
from rma.locations.selectors import drop_off_points_near, postcode_coordinates
from rma.portal.drop_off import drop_off_options
from tests.locations.factories import DropOffPointFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("postcodes_import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def places() -> set[tuple[str, str, str, str, float, float]]:
    return set(PostcodePlace.objects.values_list("country", "postcode", "insee_code", "name", "latitude", "longitude"))


def test_the_datanova_export_with_coordonnees_gps_is_imported():
    out, _ = run(FIXTURES / "laposte_hexasmal_gps.csv")

    assert out.strip() == "6 rows: 6 new places, 0 changed, 0 unchanged, 0 refused"
    assert ("FR", "01400", "01001", "L ABERGEMENT CLEMENCIAT", 46.1534255214, 4.92611354223) in places()
    # Ligne_5 names the place inside the commune; the commune is kept beside it.
    cran = PostcodePlace.objects.get(postcode="74960", name="CRAN GEVRIER")
    assert (cran.insee_code, cran.commune, cran.latitude, cran.longitude) == ("74010", "ANNECY", 45.9005, 6.1033)


def test_an_export_with_latitude_and_longitude_columns_is_imported():
    out, _ = run(FIXTURES / "laposte_hexasmal_latlon.csv")

    assert out.strip() == "3 rows: 3 new places, 0 changed, 0 unchanged, 0 refused"
    assert places() == {
        ("FR", "01400", "01001", "L ABERGEMENT CLEMENCIAT", 46.1534255214, 4.92611354223),
        ("FR", "42000", "42218", "ST ETIENNE", 45.4301, 4.3791),
        ("FR", "29200", "29019", "BREST", 48.4084, -4.4998),
    }


def test_the_current_data_gouv_file_without_coordinates_is_refused_whole():
    with pytest.raises(CommandError, match="no coordinates"):
        run(FIXTURES / "laposte_hexasmal_019_no_coordinates.csv")
    assert not PostcodePlace.objects.exists()


def test_importing_again_changes_nothing_and_a_moved_place_is_updated(tmp_path):
    run(FIXTURES / "laposte_hexasmal_gps.csv")
    before = places()

    out, _ = run(FIXTURES / "laposte_hexasmal_gps.csv")
    assert out.strip() == "6 rows: 0 new places, 0 changed, 6 unchanged, 0 refused"
    assert places() == before

    # The other shape of the same data (shared rows equal) changes nothing either; Brest is new.
    out, _ = run(FIXTURES / "laposte_hexasmal_latlon.csv")
    assert out.strip() == "3 rows: 1 new places, 0 changed, 2 unchanged, 0 refused"

    moved = tmp_path / "moved.csv"
    moved.write_text(
        "Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps\n"
        "42218;ST ETIENNE;42000;;ST ETIENNE;45.44, 4.39\n"
    )
    out, _ = run(moved)
    assert out.strip() == "1 rows: 0 new places, 1 changed, 0 unchanged, 0 refused"
    assert PostcodePlace.objects.get(postcode="42000").latitude == 45.44
    assert PostcodePlace.objects.count() == 7  # places missing from a file are kept


def test_bad_rows_are_reported_with_their_line_and_the_others_imported(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps\n"
        "42218;ST ETIENNE;42000;;ST ETIENNE;45.4301, 4.3791\n"
        "01001;L ABERGEMENT CLEMENCIAT;01400;;L ABERGEMENT CLEMENCIAT;\n"
        "29019;BREST;29 200;;BREST;48.4084, -4.4998\n"
        "75111;PARIS 11;75011;;PARIS;48.8591 2.3801\n"
        "13055;MARSEILLE;13001;;MARSEILLE;143.29, 5.37\n"
        "69123;LYON\n"
        "\n"
        "1001;L ABERGEMENT CLEMENCIAT;1400;;L ABERGEMENT CLEMENCIAT;46.15, 4.92\n",
        encoding="utf-8",
    )
    out, err = run(path)

    assert out.strip() == "7 rows: 2 new places, 0 changed, 0 unchanged, 5 refused"
    assert "line 3: no coordinates" in err
    assert "line 4: postcode '29 200' is not 5 digits" in err
    assert "line 5: coordinates '48.8591 2.3801' are not « lat, lon »" in err
    assert "line 6: coordinates 143.29, 5.37 are out of range" in err
    assert "line 7: 2 columns where 6 are expected" in err
    # Leading zeros lost by a spreadsheet are put back.
    assert set(PostcodePlace.objects.values_list("postcode", "insee_code")) == {("42000", "42218"), ("01400", "01001")}


def test_a_file_that_is_not_a_postcode_file_is_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("number;email\n1;a@example.com\n")
    with pytest.raises(CommandError, match="Not a La Poste postcode file"):
        run(path)


def test_a_postcode_is_located_from_the_file_only_never_from_the_points_we_know():
    DropOffPointFactory(latitude=48.0, longitude=2.0, postcode="42000")
    assert postcode_coordinates(postcode="42000") is None  # before any import: not guessed from the point

    run(FIXTURES / "laposte_hexasmal_gps.csv")

    assert postcode_coordinates(postcode="42000") == pytest.approx((45.4301, 4.3791))
    assert postcode_coordinates(postcode=" 42 000 ") == pytest.approx((45.4301, 4.3791))
    # A postcode the file lacks is unknown, even with known points in its department.
    assert postcode_coordinates(postcode="42100") is None


def test_a_postcode_of_several_places_is_their_centre_unless_the_city_names_one():
    run(FIXTURES / "laposte_hexasmal_gps.csv")

    centre = ((46.1534255214 + 46.1213) / 2, (4.92611354223 + 4.9571) / 2)
    assert postcode_coordinates(postcode="01400") == pytest.approx(centre)
    assert postcode_coordinates(postcode="01400", city="Châtillon-sur-Chalaronne") == pytest.approx((46.1213, 4.9571))
    assert postcode_coordinates(postcode="01400", city="L'Abergement-Clémenciat") == pytest.approx(
        (46.1534255214, 4.92611354223)
    )
    assert postcode_coordinates(postcode="01400", city="Bourg-en-Bresse") == pytest.approx(centre)  # unknown name
    # A line-5 locality is found by its name, and its commune's name means all of the commune's places.
    assert postcode_coordinates(postcode="74960", city="Meythet") == pytest.approx((45.9183, 6.0924))
    assert postcode_coordinates(postcode="74960", city="Annecy") == pytest.approx(((45.9005 + 45.9183) / 2, 6.09785))


def test_the_drop_off_search_uses_the_city_to_place_the_postcode():
    run(FIXTURES / "laposte_hexasmal_gps.csv")
    near_chatillon = DropOffPointFactory(name="Châtillon", latitude=46.1215, longitude=4.9570, postcode="01400")
    DropOffPointFactory(name="Abergement", latitude=46.1530, longitude=4.9260, postcode="01400")

    found = drop_off_points_near(postcode="01400", city="Chatillon sur Chalaronne", limit=1)
    assert [n.point for n in found] == [near_chatillon]


def test_names_are_compared_as_la_poste_writes_them():
    assert name_key("Saint-Étienne") == name_key("ST ETIENNE") == "ST ETIENNE"
    assert name_key("Sainte-Foy-lès-Lyon") == "STE FOY LES LYON"
    assert name_key("L'Abergement-Clémenciat") == "L ABERGEMENT CLEMENCIAT"


def test_the_admin_lists_the_places_and_offers_no_edit(admin_client):
    run(FIXTURES / "laposte_hexasmal_gps.csv")

    response = admin_client.get(reverse("admin:locations_postcodeplace_changelist"), {"q": "01400"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert b"CHATILLON SUR CHALARONNE" in response.content
    assert admin_client.get(reverse("admin:locations_postcodeplace_add")).status_code == 403
    place = PostcodePlace.objects.get(postcode="42000")
    response = admin_client.post(
        reverse("admin:locations_postcodeplace_change", args=[place.pk]), {"latitude": "1", "longitude": "1"}
    )
    assert PostcodePlace.objects.get(pk=place.pk).latitude == 45.4301


def test_the_portal_places_an_order_without_coordinates_by_its_postcode_and_city():
    run(FIXTURES / "laposte_hexasmal_gps.csv")
    DropOffPointFactory(name="Relais Châtillon", latitude=46.1215, longitude=4.9570, postcode="01400")
    DropOffPointFactory(name="Relais Abergement", latitude=46.1530, longitude=4.9260, postcode="01400")

    for city, nearest in (
        ("Châtillon-sur-Chalaronne", "Relais Châtillon"),
        ("L'Abergement-Clémenciat", "Relais Abergement"),
    ):
        order = OrderFactory(postcode="01400", city=city, latitude=None, longitude=None)
        options, error = drop_off_options(order=order)
        assert error == ""
        relays = [o["name"] for o in options if o["kind"] == "relay_point"]
        assert relays[0] == nearest, city
