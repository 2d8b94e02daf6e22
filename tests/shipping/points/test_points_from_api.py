"""The directory fed from a carrier's point search (`drop_off_points_sync --from-api`) and the daily refresh.

The carrier here is a stand-in registered in the carrier registry: a network of points that answers the points
around a postcode, as a carrier's point-search API would (the real adapters have their own fakes and tests)."""

import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rma.locations.models import DropOffPoint
from rma.shipping import carriers
from rma.shipping.carriers import CarrierPoint, CarrierSettings, CarrierUnavailable
from rma.shipping.carriers.builtin import BuiltinCarrier
from rma.shipping.point_tasks import drop_off_points_refresh_task
from rma.shipping.services.points import drop_off_points_refresh, postcodes_parse

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parents[2] / "locations" / "fixtures"
CODE = "points_network"


def relay(number: str, postcode: str, **fields) -> CarrierPoint:
    values = {
        "carrier_point_id": number,
        "kind": "relay_point",
        "name": f"Relais {number}",
        "address_line1": f"{number[-2:]} rue de la République",
        "postcode": postcode,
        "city": "Lyon",
        "country": "FR",
        "latitude": 45.76 + int(number[-2:]) / 1000,
        "longitude": 4.83,
        "opening_hours": {"mon": (("09:00", "12:30"), ("14:00", "19:00")), "sat": (("09:00", "12:00"),)},
        "closures": ({"start": "2026-12-24", "end": "2026-12-26"},),
    }
    values.update(fields)
    return CarrierPoint(**values)


class PointNetwork:
    """A carrier's network: the points listed around each postcode; a postcode in `down` answers an outage."""

    code = CODE
    around: dict[str, list[CarrierPoint]] = {}
    down: set[str] = set()
    asked: list[tuple[str, str, int]] = []

    def __init__(self, settings: CarrierSettings) -> None:
        self.settings = settings

    def points_search(self, *, country, postcode, city="", kinds=(), limit=50):
        type(self).asked.append((country, postcode, limit))
        if postcode in self.down:
            raise CarrierUnavailable("503 Service Unavailable")
        return self.around.get(postcode, [])[:limit]

    def create_label(self, *, request):
        raise NotImplementedError

    def void_label(self, *, tracking_number):
        return None

    def track(self, *, tracking_number):
        return []


@pytest.fixture
def network(monkeypatch):
    locker = relay(
        "LK0007",
        "69003",
        kind="locker",
        name="Consigne Part-Dieu",
        open_24_7=True,
        opening_hours={},
        max_weight_kg=25,
        compartments=({"size": "A", "height": 8, "width": 38, "depth": 64},),
    )
    monkeypatch.setattr(
        PointNetwork,
        "around",
        {
            "69001": [relay("FR0001", "69001"), relay("FR0002", "69001")],
            "69003": [relay("FR0002", "69001"), locker],  # FR0002 is near both postcodes: one point
        },
    )
    monkeypatch.setattr(PointNetwork, "down", set())
    monkeypatch.setattr(PointNetwork, "asked", [])
    monkeypatch.setitem(carriers._FACTORIES, CODE, PointNetwork)
    return PointNetwork


def sync(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("drop_off_points_sync", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def test_a_postcode_sweep_creates_each_point_once_with_its_details(network):
    out, err, status = sync("--from-api", CODE, "--postcodes", "69001, 69003", "--country", "fr")

    assert (status, err) == (0, "")
    assert out.strip() == "3 new, 0 changed, 0 closed, 0 unchanged, 0 rejected. 2 postcodes asked, 4 points read."
    assert network.asked == [("FR", "69001", 50), ("FR", "69003", 50)]
    assert set(DropOffPoint.objects.values_list("carrier", "carrier_point_id")) == {
        (CODE, "FR0001"),
        (CODE, "FR0002"),
        (CODE, "LK0007"),
    }
    point = DropOffPoint.objects.get(carrier_point_id="FR0001")
    assert point.opening_hours == {"mon": [["09:00", "12:30"], ["14:00", "19:00"]], "sat": [["09:00", "12:00"]]}
    assert point.closures == [{"start": "2026-12-24", "end": "2026-12-26"}]
    locker = DropOffPoint.objects.get(carrier_point_id="LK0007")
    assert (locker.kind, locker.open_24_7, locker.max_weight_kg) == ("locker", True, 25)
    assert locker.compartments == [{"size": "A", "height": 8, "width": 38, "depth": 64}]


def test_a_second_sweep_changes_nothing_and_only_complete_sweeps_close(network, tmp_path):
    sync("--from-api", CODE, "--postcodes", "69001,69003")
    postcodes = tmp_path / "postcodes.txt"
    postcodes.write_text("# Lyon\n69001\n")

    out, _, _ = sync("--from-api", CODE, "--postcodes", str(postcodes))
    assert out.startswith("0 new, 0 changed, 0 closed, 2 unchanged")  # the locker was not asked about: kept

    out, _, _ = sync("--from-api", CODE, "--postcodes", str(postcodes), "--complete")
    assert out.startswith("0 new, 0 changed, 1 closed, 2 unchanged")
    assert not DropOffPoint.objects.get(carrier_point_id="LK0007").is_active


def test_a_carrier_outage_on_one_postcode_closes_nothing(network):
    sync("--from-api", CODE, "--postcodes", "69001,69003")
    network.down = {"69003"}

    out, err, status = sync("--from-api", CODE, "--postcodes", "69001,69003", "--complete")

    assert status == 1
    assert "postcode 69003: not read (503 Service Unavailable)" in err
    assert "1 postcodes not read; no point was closed." in err
    assert DropOffPoint.objects.filter(is_active=True).count() == 3


def test_a_bad_point_is_reported_by_postcode_and_id_and_the_others_kept(network):
    network.around["69001"].append(relay("FR0003", "69001", kind="kiosk"))
    network.around["69001"].append(relay("FR0004", "69001", latitude=145.0))

    out, err, status = sync("--from-api", CODE, "--postcodes", "69001")

    assert status == 1
    assert "postcode 69001, point FR0003: kind 'kiosk' is not one of store" in err
    assert "postcode 69001, point FR0004: coordinates 145.0, 4.83 are out of range." in err
    assert "2 new" in out


def test_a_carrier_without_point_search_or_unknown_is_refused(network):
    _, err, status = sync("--from-api", BuiltinCarrier.code, "--postcodes", "69001")
    assert (status, "carrier 'builtin' has no point search.") == (2, err)
    _, err, status = sync("--from-api", "nobody", "--postcodes", "69001")
    assert status == 2
    assert "unknown carrier 'nobody'" in err
    _, err, status = sync("--from-api", CODE)
    assert "--from-api needs --postcodes" in err
    _, err, _ = sync("--from-api", CODE, "--format", "csv", "points.csv", "--postcodes", "69001")
    assert "not both" in err
    assert not DropOffPoint.objects.exists()


def test_postcodes_are_read_from_a_list_or_a_file(tmp_path):
    path = tmp_path / "pc.csv"
    path.write_text("75011;75012\n 69 001 # Lyon 1er\n75011\n")
    assert postcodes_parse(value=str(path)) == ["75011", "75012", "69001"]
    assert postcodes_parse(value="13001, 13002,,13001") == ["13001", "13002"]


def test_the_daily_refresh_reads_each_source_and_survives_a_broken_one(network, caplog, settings):
    settings.RMA_POINT_SOURCES = [
        {"format": "csv", "path": str(FIXTURES / "points_own_sample.csv")},
        {"format": "laposte", "path": "/nowhere/points.csv"},
        {"api": CODE, "postcodes": ["69001"]},
        {"api": "nobody", "postcodes": ["69001"]},
        {"format": "xml"},
    ]
    caplog.set_level(logging.INFO, logger="rma.shipping.services.points")

    refreshed = drop_off_points_refresh_task.apply().get()

    assert refreshed == 2
    assert DropOffPoint.objects.filter(carrier="mondial_relay").count() == 2  # the CSV's points
    assert DropOffPoint.objects.filter(carrier=CODE).count() == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("cannot read /nowhere/points.csv" in message for message in errors)
    assert any("unknown carrier 'nobody'" in message for message in errors)
    assert any("needs a format" in message for message in errors)
    outcomes = drop_off_points_refresh(sources=settings.RMA_POINT_SOURCES[:1])
    assert outcomes[0][1].unchanged == 2  # twice changes nothing
