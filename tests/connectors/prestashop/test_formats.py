"""The webservice's documented answer shapes, read the same way: JSON however it was asked for, XML when the shop
answers XML all the same, lists empty as ``[]`` or named, one row as an object, numbers and multilingual fields
in each of their forms; the key sent as documented and never shown; the docs' own example documents."""

import base64
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.core.management import call_command

from rma.connectors.models import ShopConnection
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import MappingError, PlatformError
from rma.connectors.platforms.prestashop.api import multilang, shop_base, xml_answer
from rma.orders.models import Order
from tests.connectors.prestashop.fake import KEY
from tests.connectors.prestashop.shop import order_add, order_read

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).parent / "payloads" / "docs"


def sync(name="ps-eu", **options):
    out = StringIO()
    call_command("shop_sync", name, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_json_is_asked_for_in_both_documented_ways_and_the_key_sent_as_basic_auth(connection, fake):
    order_add(fake, 5)
    order_read(connection, "5")
    for hit in fake.hits:
        assert hit.query["output_format"] == "JSON"
        assert hit.headers["Output-Format"] == "JSON"
        # testing-access.md: base64_encode($apiKey . ':'), and the key nowhere in the URL.
        assert hit.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
        assert "ws_key" not in hit.query
    sync(since="2026-11-01")
    listed = fake.calls("GET", "orders")[-1]
    assert listed.query["filter[date_upd]"].startswith("[2026-11-01 00:00:00,")
    assert "filter%5Bdate_upd%5D=%5B2026-11-01%2000%3A00%3A00%2C" in listed.raw_query  # %20, as the docs write it


@pytest.mark.parametrize("honoured", ["Io-Format", "Output-Format", "output_format", "io_format", "none"])
def test_the_order_reads_the_same_whichever_way_the_shop_honours_and_in_xml(connection, fake, honoured):
    order_add(fake, 5, refunded={2: 1})
    as_json = order_read(connection, "5")
    fake.json_via = {honoured}
    before = len(fake.hits)
    again = connector_for(connection).order_fetch(order_ref="5")
    assert again == as_json
    # Asked the ways we ask, the shop answers JSON; asked another way only, its default XML, read the same.
    expected = honoured in ("Output-Format", "output_format")
    assert {hit.as_json for hit in fake.hits[before:]} == {expected}


def test_a_shop_that_always_answers_xml_is_synced_and_refunded_the_same(connection, fake):
    """The default output is XML (getting-started.md): nothing of ours depends on the JSON being honoured."""
    for order_id, minute in zip(range(1, 6), (10, 11, 11, 12, 13), strict=True):
        order_add(fake, order_id, date_upd=f"2026-11-05 16:{minute:02d}:00")
    as_json = order_read(connection, "3")
    fake.always_xml = True
    assert order_read(connection, "3") == as_json
    assert "5 orders read in 3 pages: created 5." in sync(since="2026-11-01")
    fake.empty_named = True  # <orders></orders>
    assert "0 orders read" in sync(since="2026-12-01")
    variants = connector_for(connection).variants(product_ref="1", variant_ref="2", sku="demo_1-M-WHT")
    assert [(v.sku, v.size, v.colour, v.available, v.price) for v in variants] == [
        ("demo_1-S-WHT", "S", "White", False, Decimal("40.00")),
        ("demo_1-M-WHT", "M", "White", True, Decimal("40.00")),
        ("demo_1-M-BLK", "M", "Black", True, Decimal("42.00")),
    ]


def test_an_empty_list_as_an_empty_array_or_a_named_one(connection, fake):
    assert "0 orders read" in sync(since="2026-11-01")  # []
    fake.empty_named = True
    assert "0 orders read" in sync(since="2026-11-01")  # {"orders": []}
    order_add(fake, 5)
    fake.data["order_histories"].clear()
    assert order_read(connection, "5").delivered_at is None  # no history: {"order_histories": []}


def test_one_language_fields_as_strings_ids_as_numbers_and_zero_fields_left_out(connection, fake):
    """WebserviceOutputJSON: a shop with one language answers its text, not a list (multilang-fields.md); ids are
    numbers ("id": 19); one object's "0" and empty fields are filtered out (overrideContent)."""
    order_add(fake, 5, id_address_invoice="0", gift_message="")
    fake.single_language = True
    fake.data["customers"][3]["note"] = ""
    data = order_read(connection, "5")
    shirt, mug = data.lines
    assert (shirt.category, shirt.size, shirt.colour, mug.category) == ("T-shirts", "M", "White", "Mugs")
    body = json.loads(_get(fake, "customers/3"))["customer"]
    assert body["id"] == 3
    assert "note" not in body


def test_order_rows_as_one_object_or_wrapped_in_their_singular(connection, fake):
    order = order_add(fake, 5)
    rows = order["associations"]["order_rows"]
    fake.data["orders"][5]["associations"] = {"order_rows": rows[0]}  # one row: an object, not a list
    assert [line.line_ref for line in order_read(connection, "5").lines] == ["501"]
    fake.data["orders"][5]["associations"] = {"order_rows": {"order_row": rows}}  # as an XML-to-JSON tool writes it
    assert [line.line_ref for line in order_read(connection, "5").lines] == ["501", "502"]


def test_numbers_as_numbers_and_dates_with_an_offset_are_read(connection, fake):
    order_add(fake, 5, date_add="2026-11-02T09:15:00Z", total_discounts_tax_incl=10, id_currency=1)
    order = fake.data["orders"][5]
    for row in order["associations"]["order_rows"]:
        row["product_quantity"] = int(row["product_quantity"])
        row["unit_price_tax_incl"] = float(row["unit_price_tax_incl"])
    data = order_read(connection, "5")
    assert data.placed_at.isoformat() == "2026-11-02T09:15:00+00:00"
    assert [(line.quantity, line.unit_price) for line in data.lines] == [
        (2, Decimal("36.00")),
        (1, Decimal("18.00")),
    ]


def test_the_docs_address_in_xml_is_the_orders_address(connection, fake):
    """getting-started.md's GET /api/addresses/1, served as printed (XML, CDATA, xlink attributes)."""
    order_add(fake, 5, id_address_delivery="1")
    fake.raw[("GET", "addresses", "1")] = (200, "text/xml", (DOCS / "address.xml").read_bytes())
    data = order_read(connection, "5")
    assert (data.address_line1, data.address_line2, data.postcode, data.city, data.country) == (
        "16, Main street",
        "2nd floor",
        "75002",
        "Paris",
        "FR",
    )
    assert data.customer_phone == "0102030405"


def test_the_docs_examples_read_as_their_json_twins():
    listed = xml_answer((DOCS / "addresses.xml").read_text())
    assert listed == {"addresses": [{"id": "2"}, {"id": "3"}, {"id": "1"}, {"id": "4"}]}
    from_xml = xml_answer((DOCS / "product_multilang.xml").read_text())["product"]
    from_json = json.loads((DOCS / "product_multilang.json").read_text())["product"]
    single = json.loads((DOCS / "product_single_language.json").read_text())["product"]
    assert from_xml["name"] == from_json["name"]
    assert [multilang(p["name"], "2") for p in (from_xml, from_json, single)] == [
        "Mug personnalisable",
        "Mug personnalisable",
        "Customizable mug",
    ]
    assert xml_answer("<prestashop><orders></orders></prestashop>") == []
    assert xml_answer('<prestashop xmlns="urn:x"><order><id>5</id></order></prestashop>') == {"order": {"id": "5"}}


def test_the_docs_blank_order_is_reported_not_imported(connection, fake):
    """resources/orders.md's blank schema, every field empty, as the orders list: a clear failure, no crash."""
    blank = (
        (DOCS / "order_blank.xml")
        .read_text()
        .replace("<order>", "<orders><order>")
        .replace("</order>\n</prestashop>", "</order></orders>\n</prestashop>")
    )
    fake.raw[("GET", "orders", "")] = (200, "text/xml", blank.encode())
    output = sync(since="2026-11-01")
    assert "failed 1" in output
    assert "MappingError" in output
    assert not Order.objects.exists()


def test_a_created_slip_answered_in_xml_gives_its_id(connection, fake):
    from tests.connectors.prestashop.test_money import refund_for

    order_add(fake, 5)
    fake.always_xml = True
    record = connector_for(connection).refund_create(refund=refund_for(order_read(connection, "5")))
    assert (record.kind, record.ref, record.created) == ("order_slip", "1", True)
    (slip,) = fake.rows("order_slip")
    assert slip["id_order"] == "5"


def test_a_store_credit_with_a_shop_answering_xml_is_one_cart_rule(connection, fake):
    from tests.connectors.prestashop.test_money import credit

    order_add(fake, 5)
    fake.always_xml = True
    connector = connector_for(connection)
    first = connector.credit_create(credit=credit())
    again = connector.credit_create(credit=credit())
    assert (first.kind, first.created, again.ref, again.created) == ("cart_rule", True, first.ref, False)
    (rule,) = fake.rows("cart_rules")
    assert rule["id_customer"] == "3"
    assert {lang["id"] for lang in rule["name"]} == {"1", "2"}  # the languages listed with display=[id], in XML


@pytest.mark.parametrize("xml", [False, True])
def test_errors_in_json_or_xml_carry_prestashops_message(connection, fake, xml):
    fake.always_xml = xml
    connection.api_key = "A" * 32
    connection.save()
    with pytest.raises(PlatformError) as caught:
        connector_for(connection).order_fetch(order_ref="5")
    assert caught.value.status == 401
    assert caught.value.permanent
    assert "Authentification key is not active (code 20)" in caught.value.message
    assert "A" * 32 not in caught.value.message


def test_no_key_reaching_the_shop_says_how_to_fix_it(connection, fake):
    """dispatcher.php answers a bare "401 Unauthorized" when no key arrived (a CGI server dropping the header)."""
    session_without_auth = _NoAuthSession()
    with pytest.raises(PlatformError) as caught:
        connector_for(connection, session=session_without_auth).order_fetch(order_ref="5")
    assert "401 Unauthorized" in caught.value.message
    assert "CGIPassAuth" in caught.value.message
    connection.options = {**connection.options, "key_in_query": True}
    connection.save()
    order_add(fake, 5)
    assert connector_for(connection, session=_NoAuthSession()).order_fetch(order_ref="5") is not None
    assert fake.hits[-1].query["ws_key"] == KEY
    assert "Authorization" not in fake.hits[-1].headers


def test_the_key_in_the_query_is_never_in_an_error(connection, fake):
    connection.options = {**connection.options, "key_in_query": True}
    connection.shop_url = "http://127.0.0.1:9/"  # nothing listens: requests names the URL, ws_key included
    connection.save()
    with pytest.raises(PlatformError) as caught:
        connector_for(connection).order_fetch(order_ref="5")
    assert KEY not in caught.value.message
    assert "***" in caught.value.message
    fake.fail("GET", "orders", 500)
    connection.shop_url = fake.url
    connection.save()
    with pytest.raises(PlatformError) as caught:
        connector_for(connection).order_fetch(order_ref="5")
    assert caught.value.status == 500
    assert KEY not in caught.value.message


def test_a_shop_url_with_the_key_in_it_or_ending_in_api(connection, fake):
    """getting-started.md shows https://KEY@example.com/api/: the key is taken out of the URL and sent as Basic."""
    assert shop_base(f"https://{KEY}@example.com/prestashop/api/") == ("https://example.com/prestashop", KEY)
    order_add(fake, 5)
    ShopConnection.objects.filter(pk=connection.pk).update(
        shop_url=fake.url.replace("http://", f"http://{KEY}@") + "api/", api_key=""
    )
    connection.refresh_from_db()
    assert order_read(connection, "5").order_ref == "5"
    assert fake.hits[-1].user == KEY
    assert fake.hits[-1].resource == "order_histories"


def test_a_page_that_is_not_the_webservice_is_a_clear_error(connection, fake):
    """URL rewriting off or the webservice disabled: the shop answers its own HTML page."""
    fake.raw[("GET", "orders", "")] = (200, "text/html", b"<!doctype html><html><body>Page not found</body></html>")
    with pytest.raises(PlatformError, match="neither the webservice's JSON nor its XML"):
        connector_for(connection).order_fetch(order_ref="5")


def test_an_order_that_cannot_be_read_is_a_mapping_error_not_a_crash(connection, fake):
    order_add(fake, 5)
    fake.data["orders"][5]["associations"]["order_rows"][0]["product_quantity"] = "two"
    with pytest.raises(MappingError, match="Order 5"):
        connector_for(connection).order_fetch(order_ref="5")
    fake.data["orders"][5]["associations"]["order_rows"][0]["product_quantity"] = "2"
    fake.data["orders"][5]["id_currency"] = "9"
    with pytest.raises(MappingError, match="currency '9' is not in the shop"):
        connector_for(connection).order_fetch(order_ref="5")


class _NoAuthSession(requests.Session):
    """A session whose Authorization header is lost on the way, as behind a CGI server without CGIPassAuth."""

    def request(self, method, url, *args, **kwargs):
        kwargs.pop("auth", None)
        return super().request(method, url, *args, **kwargs)


def _get(fake, path):
    return requests.get(f"{fake.url}api/{path}", params={"output_format": "JSON"}, auth=(KEY, ""), timeout=5).text


def test_a_bare_list_and_an_unwrapped_object_are_read_too(connection, fake):
    order = order_add(fake, 5)
    listed = json.loads(json.dumps({**order, "id": 5}))
    fake.raw[("GET", "orders", "")] = (200, "application/json", json.dumps([listed]).encode())
    customer = {"id": 3, "email": "marie.dupont@example.com", "firstname": "Marie", "lastname": "Dupont"}
    fake.raw[("GET", "customers", "3")] = (200, "application/json", json.dumps(customer).encode())
    data = order_read(connection, "5")
    assert (data.order_ref, data.customer_email, len(data.lines)) == ("5", "marie.dupont@example.com", 2)


def test_a_session_handed_in_keeps_no_key(connection, fake):
    """The key goes with each request, not onto a session the caller may use for another shop."""
    order_add(fake, 5)
    session = requests.Session()
    assert connector_for(connection, session=session).order_fetch(order_ref="5") is not None
    assert session.auth is None
    assert fake.hits[-1].user == KEY


def test_nulls_where_values_are_expected_are_read_as_nothing(connection, fake):
    order_add(fake, 5, date_add=None, id_address_delivery=None, id_lang=None, total_discounts_tax_incl=None)
    for row in fake.data["orders"][5]["associations"]["order_rows"]:
        row.update(product_reference=None, product_attribute_id=None, unit_price_tax_excl=None)
    data = order_read(connection, "5")
    assert data.placed_at == data.updated_at  # no date_add: the last update stands for it
    assert (data.address_line1, data.country, data.locale) == ("", "", "")
    assert [(line.sku, line.variant_ref, line.unit_price) for line in data.lines] == [
        ("", "", Decimal("40.00")),
        ("", "", Decimal("20.00")),
    ]


def test_the_slip_we_post_has_the_docs_blank_schema_fields(connection, fake):
    """resources/order_slip.md: every field we send is one of the schema's, in the schema's nesting, and the
    required ones (id_customer, id_order, conversion_rate, the four totals) are all there."""
    from xml.etree import ElementTree

    from tests.connectors.prestashop.test_money import refund_for

    blank = ElementTree.fromstring((DOCS / "order_slip_blank.xml").read_text()).find("order_slip")
    order_add(fake, 5)
    connector_for(connection).refund_create(refund=refund_for(order_read(connection, "5")))
    (post,) = fake.calls("POST", "order_slip")
    sent = ElementTree.fromstring(post.body).find("order_slip")
    assert blank is not None
    assert sent is not None
    schema = {child.tag for child in blank} - {"id", "date_add", "date_upd"}
    assert {child.tag for child in sent} <= schema
    required = {"id_customer", "id_order", "conversion_rate", "total_products_tax_excl", "total_products_tax_incl"}
    assert required | {"total_shipping_tax_excl", "total_shipping_tax_incl"} <= {c.tag for c in sent if c.text}
    blank_detail = blank.find("associations/order_slip_details/order_slip_detail")
    assert blank_detail is not None
    details = sent.findall("associations/order_slip_details/order_slip_detail")
    assert len(details) == 2
    for detail in details:
        assert {c.tag for c in detail} == {c.tag for c in blank_detail} - {"id"}
