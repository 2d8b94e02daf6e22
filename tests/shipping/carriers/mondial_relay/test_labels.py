"""Return labels from Mondial Relay's fake web service: what we send (signed, in the documented shapes), what we
keep (the expedition number and the carrier's PDF labels), and every documented refusal mapped for the customer."""

import logging
import shutil
import subprocess
from dataclasses import replace

import pytest

from rma.shipping.carriers import (
    Address,
    CarrierError,
    CarrierInputError,
    CarrierUnavailable,
    LabelRequest,
    get_carrier,
)
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from rma.shipping.carriers.mondial_relay.soap import OPERATIONS, security_key
from tests.conftest import require
from tests.shipping.carriers.mondial_relay.fake import PRIVATE_KEY
from tests.shipping.labels import pdf_page_size

CUSTOMER = Address(
    name="Émilie Dürand-Lefèvre",
    line1="12, rue de l'Œuvre",
    line2="Bât. B",
    postcode="69007",
    city="Lyon",
    country="FR",
    phone="06 12 34 56 78",
    email="emilie@example.fr",
)
WAREHOUSE = Address(
    name="Entrepôt Retours Lyon Sud",
    line1="ZAC des Portes",
    line2="",
    postcode="77550",
    city="Moissy-Cramayel",
    country="FR",
)
REQUEST = LabelRequest(
    reference="3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b",
    sender=CUSTOMER,
    recipient=WAREHOUSE,
    rma_number="R-7KQ2-M9XD",
    qr_payload="RMA:R-7KQ2-M9XD:3F9A1C0B7D2E",
    weight_grams=850,
    drop_off_method="relay_point",
    drop_off_point_id="FR-066974",
    value_cents=4990,
)


def _booking(fake):
    (call,) = fake.calls_of("WSI2_CreationEtiquette")
    return call


def _scan_code128(tmp_path, pdf: bytes) -> list[str]:
    require(
        bool(shutil.which("pdftoppm") and shutil.which("zbarimg")),
        "pdftoppm and zbarimg",
        "apt-get install poppler-utils zbar-tools",
    )
    path = tmp_path / "label.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", str(path), str(tmp_path / "page")], check=True, timeout=60
    )
    (image,) = tmp_path.glob("page-*.png")
    result = subprocess.run(
        ["zbarimg", "-q", "--set", "*.enable=0", "--set", "code128.enable=1", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line.partition(":")[2] for line in result.stdout.splitlines()]


def test_the_registry_knows_mondial_relay(mondial_relay):
    assert isinstance(get_carrier("mondial_relay", mondial_relay.settings()), MondialRelayCarrier)


def test_a_return_at_the_chosen_point_is_booked_signed_and_its_labels_fetched(
    mondial_relay, mondial_relay_carrier, tmp_path
):
    label = mondial_relay_carrier.create_label(request=REQUEST)

    assert label.tracking_number == mondial_relay.number(1) == "31000001"
    assert label.carrier == "mondial_relay"
    call = _booking(mondial_relay)
    assert call.headers["SOAPAction"] == '"http://www.mondialrelay.fr/webservice/WSI2_CreationEtiquette"'
    # Every parameter of the WSDL, in its order, then Security (the fake checked it with the private key).
    assert call.names == [*OPERATIONS["WSI2_CreationEtiquette"], "Security"]
    params = call.params
    values = [params[name] for name in OPERATIONS["WSI2_CreationEtiquette"]]
    assert params["Security"] == security_key(values=values, private_key=PRIVATE_KEY)
    assert (params["ModeCol"], params["ModeLiv"]) == ("REL", "LCC")  # dropped at a point, delivered to us
    assert (params["COL_Rel_Pays"], params["COL_Rel"]) == ("FR", "066974")
    assert params["NDossier"] == "R-7KQ2-M9XD"
    # The customer is the sender, in the shapes the service accepts (upper case, no accents, international phone).
    assert params["Expe_Ad1"] == "EMILIE DURAND-LEFEVRE"
    assert params["Expe_Ad3"] == "12, RUE DE L'OEUVRE"
    assert params["Expe_Ad4"] == "BAT. B"
    assert (params["Expe_CP"], params["Expe_Ville"], params["Expe_Pays"]) == ("69007", "LYON", "FR")
    assert params["Expe_Tel1"] == "+33612345678"
    assert params["Expe_Mail"] == "emilie@example.fr"
    assert (params["Dest_Ad1"], params["Dest_Ville"], params["Dest_CP"]) == (
        "ENTREPOT RETOURS LYON SUD",
        "MOISSY-CRAMAYEL",
        "77550",
    )
    assert (params["Poids"], params["NbColis"], params["CRT_Valeur"]) == ("850", "1", "0")
    assert (params["Exp_Valeur"], params["Exp_Devise"]) == ("4990", "EUR")

    # The carrier's own labels: A4 kept as "pdf", 10x15 as "pdf_4x6", fetched from URL_Etiquette at each size.
    assert set(label.documents) == {"pdf", "pdf_4x6"}
    assert pdf_page_size(label.documents["pdf"]) == (595, 842)
    assert pdf_page_size(label.documents["pdf_4x6"]) == (283, 425)
    assert [download["format"] for download in mondial_relay.label_downloads] == ["A4", "10x15"]
    assert {download["expedition"] for download in mondial_relay.label_downloads} == {"31000001"}
    assert _scan_code128(tmp_path, label.documents["pdf_4x6"]) == ["31000001"]


def test_without_a_chosen_point_the_customer_may_drop_the_parcel_at_any_point(mondial_relay, mondial_relay_carrier):
    mondial_relay_carrier.create_label(request=replace(REQUEST, drop_off_method="", drop_off_point_id=""))
    params = _booking(mondial_relay).params
    assert (params["ModeCol"], params["COL_Rel_Pays"], params["COL_Rel"]) == ("REL", "XX", "AUTO")


def test_a_home_pickup_is_a_home_collection(mondial_relay, mondial_relay_carrier):
    mondial_relay_carrier.create_label(request=replace(REQUEST, drop_off_method="home_pickup", drop_off_point_id=""))
    params = _booking(mondial_relay).params
    assert (params["ModeCol"], params["COL_Rel"]) == ("CDR", "")


def test_a_return_left_at_one_of_our_shops_is_collected_there(mondial_relay, mondial_relay_carrier):
    mondial_relay_carrier.create_label(request=replace(REQUEST, drop_off_method="store", drop_off_point_id="ST-LYON"))
    params = _booking(mondial_relay).params
    assert (params["ModeCol"], params["COL_Rel_Pays"], params["COL_Rel"]) == ("CCC", "", "")


def test_an_account_without_its_key_asks_nothing(mondial_relay):
    carrier = MondialRelayCarrier(replace(mondial_relay.settings(), credentials={"enseigne": "BDTEST13"}))
    with pytest.raises(CarrierError, match="no private key"):
        carrier.create_label(request=REQUEST)
    assert mondial_relay.calls == []


def test_the_account_chooses_the_label_sizes_and_modes(mondial_relay):
    carrier = MondialRelayCarrier(mondial_relay.settings(label_formats=["A5"], delivery_mode="HOM"))
    label = carrier.create_label(request=replace(REQUEST, recipient=replace(WAREHOUSE, phone="01 60 00 00 00")))
    assert set(label.documents) == {"pdf"}
    assert pdf_page_size(label.documents["pdf"]) == (420, 595)
    assert _booking(mondial_relay).params["ModeLiv"] == "HOM"


@pytest.mark.parametrize(
    ("change", "stat", "code"),
    [
        (lambda fake: replace(REQUEST, sender=replace(CUSTOMER, phone="")), "38", "phone_required"),
        (lambda fake: replace(REQUEST, sender=replace(CUSTOMER, phone="12")), "38", "phone_required"),
        (lambda fake: replace(REQUEST, sender=replace(CUSTOMER, postcode="6900")), "36", "postcode_unknown"),
        (lambda fake: replace(REQUEST, sender=replace(CUSTOMER, city="Villeurbanne")), "9", "city_unknown"),
        (lambda fake: replace(REQUEST, sender=replace(CUSTOMER, line1="")), "33", "address_invalid"),
        (lambda fake: replace(REQUEST, sender=replace(CUSTOMER, name="?")), "30", "name_invalid"),
        (lambda fake: replace(REQUEST, sender=replace(CUSTOMER, country="US")), "37", "country_unserved"),
        (lambda fake: replace(REQUEST, drop_off_point_id="FR-999999"), "11", "point_unavailable"),
        (lambda fake: replace(REQUEST, drop_off_point_id="FR-012345"), "93", "point_unavailable"),
        (
            lambda fake: (
                fake.unknown_postcodes.add(("FR", "69007"))
                or replace(REQUEST, drop_off_method="", drop_off_point_id="")
            ),
            "93",
            "postcode_unknown",
        ),
    ],
)
def test_what_the_customer_can_fix_is_said_in_words(mondial_relay, mondial_relay_carrier, change, stat, code):
    request = change(mondial_relay)
    with pytest.raises(CarrierInputError) as refused:
        mondial_relay_carrier.create_label(request=request)
    assert (refused.value.carrier_code, refused.value.code) == (stat, code)
    assert "Mondial Relay" in refused.value.customer_message
    assert f"STAT {stat}" in str(refused.value)
    assert mondial_relay.expeditions == {}


def test_a_wrong_warehouse_address_is_ours_to_fix_not_the_customers(mondial_relay, mondial_relay_carrier):
    with pytest.raises(CarrierError) as refused:
        mondial_relay_carrier.create_label(request=replace(REQUEST, recipient=replace(WAREHOUSE, postcode="775")))
    assert not isinstance(refused.value, CarrierInputError)
    assert "STAT 56" in str(refused.value)


def test_a_wrong_private_key_is_refused_with_stat_97(mondial_relay):
    carrier = MondialRelayCarrier(
        replace(mondial_relay.settings(), credentials={"enseigne": "BDTEST13", "private_key": "Wrong"})
    )
    with pytest.raises(CarrierError, match="STAT 97") as refused:
        carrier.create_label(request=REQUEST)
    assert not isinstance(refused.value, (CarrierInputError, CarrierUnavailable))


def test_an_unknown_enseigne_is_refused(mondial_relay):
    carrier = MondialRelayCarrier(
        replace(mondial_relay.settings(), credentials={"enseigne": "ZZTEST99", "private_key": "x"})
    )
    with pytest.raises(CarrierError, match="STAT 2 "):
        carrier.create_label(request=REQUEST)


@pytest.mark.parametrize("stat", [90, 99])
def test_the_services_own_failures_are_retried(mondial_relay, mondial_relay_carrier, stat):
    mondial_relay.answer_stat("WSI2_CreationEtiquette", stat)
    with pytest.raises(CarrierUnavailable, match=f"STAT {stat}"):
        mondial_relay_carrier.create_label(request=REQUEST)
    assert mondial_relay_carrier.create_label(request=REQUEST).tracking_number == mondial_relay.number(1)


def test_an_outage_and_a_timeout_are_retried(mondial_relay):
    carrier = MondialRelayCarrier(mondial_relay.settings(timeout=0.3))
    mondial_relay.fail("WSI2_CreationEtiquette", status=503)
    with pytest.raises(CarrierUnavailable, match="503"):
        carrier.create_label(request=REQUEST)
    mondial_relay.delay("WSI2_CreationEtiquette", 1.5)
    with pytest.raises(CarrierUnavailable, match="no answer"):
        carrier.create_label(request=REQUEST)


def test_a_retry_after_a_failed_label_download_keeps_the_same_expedition(mondial_relay, mondial_relay_carrier):
    mondial_relay.fail("label", status=502)
    with pytest.raises(CarrierUnavailable):
        mondial_relay_carrier.create_label(request=REQUEST)
    label = mondial_relay_carrier.create_label(request=REQUEST)
    assert label.tracking_number == mondial_relay.number(1)
    assert list(mondial_relay.expeditions) == [mondial_relay.number(1)]
    assert len(mondial_relay.calls_of("WSI2_CreationEtiquette")) == 1


def test_a_corrected_address_books_a_new_expedition(mondial_relay, mondial_relay_carrier):
    with pytest.raises(CarrierInputError):
        mondial_relay_carrier.create_label(request=replace(REQUEST, sender=replace(CUSTOMER, phone="")))
    label = mondial_relay_carrier.create_label(request=REQUEST)
    assert label.tracking_number == mondial_relay.number(1)
    assert len(mondial_relay.calls_of("WSI2_CreationEtiquette")) == 2


def test_a_lost_answer_books_twice_at_mondial_relay_and_we_keep_the_second(mondial_relay, mondial_relay_carrier):
    """No idempotency key in the V1 API: the first expedition stays unused (never dropped, never billed)."""
    mondial_relay.fail("WSI2_CreationEtiquette", status=504, after_work=True)
    with pytest.raises(CarrierUnavailable):
        mondial_relay_carrier.create_label(request=REQUEST)
    label = mondial_relay_carrier.create_label(request=REQUEST)
    assert label.tracking_number == mondial_relay.number(2)
    both = [expedition.params["NDossier"] for expedition in mondial_relay.expeditions.values()]
    assert both == ["R-7KQ2-M9XD", "R-7KQ2-M9XD"]  # both under the return's number in Mondial Relay Connect


def test_with_the_cache_down_a_label_is_still_booked_and_fetched(
    mondial_relay, mondial_relay_carrier, cache_down, caplog
):
    label = mondial_relay_carrier.create_label(request=REQUEST)

    assert label.tracking_number == mondial_relay.number(1)
    assert set(label.documents) == {"pdf", "pdf_4x6"}
    warnings = [r.getMessage() for r in caplog.records if r.name == cache_down and r.levelno == logging.WARNING]
    assert [line.split(":")[0] for line in warnings] == [
        "shared cache unavailable, a Mondial Relay booking not read (done again instead)",
        "shared cache unavailable, a Mondial Relay booking not remembered",
    ]


def test_with_the_cache_down_a_retry_books_again_as_after_a_lost_answer(
    mondial_relay, mondial_relay_carrier, cache_down
):
    """Nothing remembers the first booking: the retry books a second expedition, and the first is never billed."""
    mondial_relay.fail("label", status=502)
    with pytest.raises(CarrierUnavailable):
        mondial_relay_carrier.create_label(request=REQUEST)

    label = mondial_relay_carrier.create_label(request=REQUEST)

    assert label.tracking_number == mondial_relay.number(2)
    assert len(mondial_relay.calls_of("WSI2_CreationEtiquette")) == 2


def test_void_is_a_documented_no_op_that_checks_the_number(mondial_relay, mondial_relay_carrier):
    mondial_relay_carrier.void_label(tracking_number="31000001")
    assert mondial_relay.calls == []
    with pytest.raises(CarrierError):
        mondial_relay_carrier.void_label(tracking_number="RP123456785FR")
