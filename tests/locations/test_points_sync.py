"""drop_off_points_sync: La Poste's dataset and our own CSV into the directory, idempotent, closing what is gone."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rma.locations.models import DropOffPoint
from rma.locations.point_files import hours_parse
from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
OWN_HEADER = (
    "carrier,carrier_point_id,kind,name,address,postcode,city,country,latitude,longitude,hours,closures,"
    "wheelchair_accessible,max_weight_kg,max_dimensions_cm,accepts_returns,label_printing\n"
)
RELAY = (
    "mondial_relay,FR-066001,relay_point,Tabac Presse du Marché,3 rue de la République,69001,Lyon,FR,45.7640,4.8357,"
    '"mon=09:00-12:30,14:00-19:00;tue=09:00-12:30,14:00-19:00;sat=09:00-12:00",2026-12-25;2026-08-01..2026-08-15,'
    "yes,20,150,yes,no\n"
)
LOCKER = (
    "mondial_relay,FR-LOCK01,locker,Lockerbox Part-Dieu,17 rue Bouchut,69003,Lyon,FR,45.7606,4.8566,"
    "24/7,,yes,30,,,yes\n"
)


def sync(*args: str) -> tuple[str, str, int]:
    """Run the command; (stdout, stderr, exit status)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("drop_off_points_sync", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def write(tmp_path: Path, text: str, name: str = "points.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_la_poste_file_becomes_post_offices_and_relay_points_and_the_bad_row_is_reported():
    out, err, status = sync("--format", "laposte", str(FIXTURES / "laposte_poincont_sample.csv"))

    assert "3 new, 0 changed, 0 closed, 0 unchanged, 1 rejected." in out
    assert status == 1
    assert "line 5: unknown site characteristic 'Inconnu'" in err
    assert "100%" in err  # the progress bar
    belley = DropOffPoint.objects.get(carrier="la_poste", carrier_point_id="01036A")
    assert (belley.kind, belley.name, belley.address_line1, belley.postcode, belley.city, belley.country) == (
        "post_office", "BELLEY BP", "24 RUE DE LA REPUBLIQUE", "01300", "BELLEY", "FR",
    )  # fmt: skip
    assert (belley.latitude, belley.longitude) == (45.7599, 5.6881)
    agency = DropOffPoint.objects.get(carrier_point_id="04021A")
    assert (agency.kind, agency.address_line2) == ("post_office", "MAIRIE, NORANTE")
    assert DropOffPoint.objects.get(carrier_point_id="75111R").kind == "relay_point"


def test_la_poste_file_in_its_older_latin_9_encoding_with_decimal_commas(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(
        "Identifiant_A;Libellé_du_site;Caractéristique_du_site;Adresse;Code_postal;Localité;Pays;Latitude;Longitude;"
        "Accessibilité_Entrée_autonome_en_fauteuil_roulant_possible\n"
        "12345A;SAINT-ÉTIENNE BP;Bureau de poste;1 PLACE;42000;SAINT-ÉTIENNE;France;45,4397;4,3872;Oui\n"
        "12346A;FIRMINY BP;Bureau de poste;2 PLACE;42700;FIRMINY;France;45,3889;4,2878;Non\n".encode("iso-8859-15")
    )
    out, _, status = sync("--format", "laposte", str(path))
    assert (status, out.strip()) == (0, "2 new, 0 changed, 0 closed, 0 unchanged, 0 rejected.")
    point = DropOffPoint.objects.get(carrier_point_id="12345A")
    assert (point.city, point.latitude, point.longitude) == ("SAINT-ÉTIENNE", 45.4397, 4.3872)
    assert point.wheelchair_accessible is True
    assert DropOffPoint.objects.get(carrier_point_id="12346A").wheelchair_accessible is False


def test_a_file_with_no_usable_row_closes_nothing(tmp_path):
    sync("--format", "laposte", str(FIXTURES / "laposte_poincont_sample.csv"))
    # Our own CSV given as La Poste's: no row has La Poste's identifier column.
    out, err, status = sync("--format", "laposte", str(FIXTURES / "points_own_sample.csv"))
    assert out.strip() == "0 new, 0 changed, 0 closed, 0 unchanged, 2 rejected."
    assert "line 2: the site has no identifier." in err
    assert DropOffPoint.objects.filter(carrier="la_poste", is_active=True).count() == 3


def test_progress_in_a_log_is_a_line_every_ten_percent(tmp_path):
    rows = "".join(
        f"mondial_relay,P{n:03d},relay_point,Point {n},1 rue,69001,Lyon,FR,45.76,4.83,,,,,,,\n" for n in range(40)
    )
    _, err, status = sync("--format", "csv", write(tmp_path, OWN_HEADER + rows))
    assert status == 0
    assert [line.split("]")[1].split("%")[0].strip() for line in err.splitlines()] == [
        str(p) for p in range(10, 101, 10)
    ]


def test_own_csv_with_two_slots_a_day_closures_limits_and_24_7():
    out, err, status = sync("--format", "csv", str(FIXTURES / "points_own_sample.csv"))

    assert (status, out.strip()) == (0, "2 new, 0 changed, 0 closed, 0 unchanged, 0 rejected.")
    relay = DropOffPoint.objects.get(carrier="mondial_relay", carrier_point_id="FR-066001")
    assert relay.opening_hours == {
        "mon": [["09:00", "12:30"], ["14:00", "19:00"]],
        "tue": [["09:00", "12:30"], ["14:00", "19:00"]],
        "sat": [["09:00", "12:00"]],
    }
    assert relay.closures == [
        {"start": "2026-12-25", "end": "2026-12-25"},
        {"start": "2026-08-01", "end": "2026-08-15"},
    ]
    assert (relay.wheelchair_accessible, relay.max_weight_kg, relay.max_dimensions_cm) == (True, 20, 150)
    assert (relay.accepts_returns, relay.label_printing, relay.open_24_7) == (True, False, False)
    locker = DropOffPoint.objects.get(carrier_point_id="FR-LOCK01")
    assert (locker.kind, locker.open_24_7, locker.opening_hours, locker.label_printing) == ("locker", True, {}, True)
    assert locker.max_dimensions_cm is None


def test_a_second_run_of_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, OWN_HEADER + RELAY + LOCKER)
    sync("--format", "csv", path)
    stamps = dict(DropOffPoint.objects.values_list("carrier_point_id", "updated_at"))

    out, _, status = sync("--format", "csv", path)

    assert (status, out.strip()) == (0, "0 new, 0 changed, 0 closed, 2 unchanged, 0 rejected.")
    assert dict(DropOffPoint.objects.values_list("carrier_point_id", "updated_at")) == stamps
    out, _, _ = sync("--format", "laposte", str(FIXTURES / "laposte_poincont_sample.csv"))
    out, _, _ = sync("--format", "laposte", str(FIXTURES / "laposte_poincont_sample.csv"))
    assert "0 new, 0 changed, 0 closed, 3 unchanged, 1 rejected." in out


def test_a_changed_row_updates_the_point(tmp_path):
    sync("--format", "csv", write(tmp_path, OWN_HEADER + RELAY + LOCKER))
    moved = RELAY.replace("3 rue de la République", "5 rue de la République").replace(",20,150,", ",25,150,")

    out, _, _ = sync("--format", "csv", write(tmp_path, OWN_HEADER + moved + LOCKER))

    assert out.strip() == "0 new, 1 changed, 0 closed, 1 unchanged, 0 rejected."
    relay = DropOffPoint.objects.get(carrier_point_id="FR-066001")
    assert (relay.address_line1, relay.max_weight_kg) == ("5 rue de la République", 25)


def test_a_point_gone_from_the_file_is_deactivated_not_deleted_and_comes_back(tmp_path):
    sync("--format", "csv", write(tmp_path, OWN_HEADER + RELAY + LOCKER))
    other_carrier = DropOffPointFactory(carrier="chronopost", carrier_point_id="C1")

    out, _, _ = sync("--format", "csv", write(tmp_path, OWN_HEADER + RELAY))

    assert out.strip() == "0 new, 0 changed, 1 closed, 1 unchanged, 0 rejected."
    locker = DropOffPoint.objects.get(carrier_point_id="FR-LOCK01")
    assert locker.is_active is False
    other_carrier.refresh_from_db()
    assert other_carrier.is_active is True  # another carrier's point is not this file's business
    assert DropOffPoint.objects.get(carrier_point_id="FR-066001").is_active is True

    out, _, _ = sync("--format", "csv", write(tmp_path, OWN_HEADER + RELAY + LOCKER))
    assert out.strip() == "0 new, 1 changed, 0 closed, 1 unchanged, 0 rejected."
    locker.refresh_from_db()
    assert locker.is_active is True


def test_partial_file_closes_nothing(tmp_path):
    sync("--format", "csv", write(tmp_path, OWN_HEADER + RELAY + LOCKER))
    out, _, _ = sync("--format", "csv", "--partial", write(tmp_path, OWN_HEADER + RELAY))
    assert "0 closed" in out
    assert DropOffPoint.objects.filter(is_active=True).count() == 2


def test_bad_rows_are_reported_by_line_and_the_others_imported(tmp_path):
    sync("--format", "csv", write(tmp_path, OWN_HEADER + RELAY + LOCKER))
    rows = [
        RELAY.replace("mon=09:00-12:30,14:00-19:00", "mon=14:00-19:00,09:00-12:30"),  # line 2: slots out of order
        LOCKER,  # line 3
        "mondial_relay,FR-000003,spaceship,Nowhere,,,,,,,,,,,,,\n",  # line 4
        "mondial_relay,FR-000004,relay_point,Bad hours,,,,,,,mon=9h-12h,,,,,,\n",  # line 5
        "mondial_relay,FR-000005,relay_point,Bad date,,,,,,,,2026-02-30,,,,,\n",  # line 6
        "mondial_relay,FR-000006,relay_point,New one,1 rue,69002,Lyon,FR,45.75,4.83,,,,,,,\n",  # line 7
        "mondial_relay,FR-000006,relay_point,Twice,1 rue,69002,Lyon,FR,45.75,4.83,,,,,,,\n",  # line 8
        "mondial_relay,FR-000007,relay_point,Far,1 rue,69002,Lyon,FR,95.0,4.83,,,,,,,\n",  # line 9
    ]

    out, err, status = sync("--format", "csv", write(tmp_path, OWN_HEADER + "".join(rows)))

    assert out.strip() == "1 new, 0 changed, 0 closed, 1 unchanged, 6 rejected."
    assert status == 1
    assert "line 2: opening_hours: " in err  # the model's validator speaks the site's language
    assert "['09:00', '12:30']" in err
    assert "line 4: kind must be one of" in err
    assert "line 5: hours: '9h-12h' on mon is not a slot" in err
    assert "line 6: closures: '2026-02-30' is not a date" in err
    assert "line 8: point FR-000006 is already on line 7." in err
    assert "line 9: coordinates 95.0, 4.83 are out of range." in err
    relay = DropOffPoint.objects.get(carrier_point_id="FR-066001")
    assert relay.opening_hours["mon"] == [["09:00", "12:30"], ["14:00", "19:00"]]  # the bad row changed nothing
    assert relay.is_active is True  # a rejected row does not close its point
    assert DropOffPoint.objects.get(carrier_point_id="FR-000006").name == "New one"


def test_carrier_option_fills_the_carrier_and_refuses_other_carriers(tmp_path):
    text = OWN_HEADER + RELAY.replace("mondial_relay,", ",", 1) + LOCKER.replace("mondial_relay", "relais_colis")
    out, err, status = sync("--format", "csv", "--carrier", "mondial_relay", write(tmp_path, text))
    assert out.strip() == "1 new, 0 changed, 0 closed, 0 unchanged, 1 rejected."
    assert status == 1
    assert "line 3: carrier 'relais_colis' is not 'mondial_relay'." in err
    assert DropOffPoint.objects.get().carrier == "mondial_relay"


def test_hours_parse():
    assert hours_parse(value="mon=9:00-12:00, 14:00-18:30;sun=") == (
        {"mon": [["09:00", "12:00"], ["14:00", "18:30"]], "sun": []},
        False,
    )
    assert hours_parse(value="24/7") == ({}, True)


def test_unreadable_file(tmp_path):
    _, err, status = sync("--format", "csv", str(tmp_path / "missing.csv"))
    assert status == 2
    assert "Cannot read" in err


def test_la_poste_file_keeps_hours_set_elsewhere():
    sample = str(FIXTURES / "laposte_poincont_sample.csv")
    sync("--format", "laposte", sample)
    hours = {"mon": [["09:00", "12:00"], ["13:30", "17:00"]]}
    DropOffPoint.objects.filter(carrier_point_id="01036A").update(opening_hours=hours, max_weight_kg=30)

    out, _, _ = sync("--format", "laposte", sample)

    assert "0 changed, 0 closed, 3 unchanged" in out
    belley = DropOffPoint.objects.get(carrier_point_id="01036A")
    assert (belley.opening_hours, belley.max_weight_kg) == (hours, 30)


def test_locker_compartments_are_read_and_a_file_without_the_column_keeps_them(tmp_path):
    header = OWN_HEADER.rstrip("\n") + ",compartments\n"
    path = write(tmp_path, header + LOCKER.rstrip("\n") + ',"A:8x38x64; B:19x38x64;C:41x38x64"\n')
    out, _, status = sync("--format", "csv", path)

    assert status == 0, out
    locker = DropOffPoint.objects.get(carrier_point_id="FR-LOCK01")
    assert locker.compartments == [
        {"size": "A", "height": 8, "width": 38, "depth": 64},
        {"size": "B", "height": 19, "width": 38, "depth": 64},
        {"size": "C", "height": 41, "width": 38, "depth": 64},
    ]
    out, _, _ = sync("--format", "csv", write(tmp_path, OWN_HEADER + LOCKER, "without.csv"), "--partial")
    assert "1 unchanged" in out
    assert len(DropOffPoint.objects.get(carrier_point_id="FR-LOCK01").compartments) == 3

    bad = write(tmp_path, header + LOCKER.rstrip("\n") + ",A:8x38\n", "bad.csv")
    out, err, status = sync("--format", "csv", bad)
    assert status == 1
    assert "line 2: compartments: 'A:8x38' is not a size like A:8x38x64" in err
