"""`manage.py import_orders`: CSV and JSON files, bad rows, dry runs, unreadable files, and importing twice."""

import csv
import json
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rma.orders import import_json, importing
from rma.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
HEADER = (
    "external_id,number,channel,customer_email,customer_name,placed_at,delivered_at,address_line1,postcode,city,"
    "country,currency,line_external_id,sku,product_ref,name,category,size,colour,quantity,unit_price,final_sale"
)


class Output:
    """stdout and stderr of one run, and the CommandError it ended with (if any)."""

    def __init__(self, *args: str, tty: bool = False) -> None:
        self.out, self.err = StringIO(), (TtyIO() if tty else StringIO())
        self.error: CommandError | None = None
        try:
            call_command("import_orders", *args, stdout=self.out, stderr=self.err)
        except CommandError as exc:
            self.error = exc

    @property
    def stdout(self) -> str:
        return self.out.getvalue()

    @property
    def stderr(self) -> str:
        return self.err.getvalue()


class TtyIO(StringIO):
    def isatty(self) -> bool:
        return True


def row(external_id: str, line: str = "1", sep: str = ",", **overrides: str) -> str:
    values = {
        "external_id": external_id,
        "number": f"N-{external_id}",
        "channel": "web",
        "customer_email": f"{external_id}@example.fr",
        "customer_name": "Zoé Lefèvre",
        "placed_at": "2026-11-10T10:00:00+01:00",
        "delivered_at": "2026-11-12T10:00:00+01:00",
        "address_line1": "1 rue de la Paix",
        "postcode": "75002",
        "city": "Paris",
        "country": "FR",
        "currency": "EUR",
        "line_external_id": f"{external_id}-{line}",
        "sku": f"SKU-{line}",
        "product_ref": "REF",
        "name": "Chemise en lin",
        "category": "apparel",
        "size": "M",
        "colour": "blanc",
        "quantity": "1",
        "unit_price": "59.90",
        "final_sale": "no",
    }
    values.update(overrides)
    return sep.join(values[name] for name in HEADER.split(","))


def write(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def updated_at() -> dict[str, datetime]:
    stamps = dict(Order.objects.values_list("external_id", "updated_at"))
    stamps |= {f"line {pk}": stamp for pk, stamp in OrderLine.objects.values_list("pk", "updated_at")}
    return stamps


def test_csv_sample_imports_with_accents_and_final_sale():
    run = Output(str(SAMPLES / "orders.csv"))

    assert run.error is None, run.stderr
    assert "4 orders read: 4 created, 0 updated, 0 unchanged, 0 failed" in run.stdout
    order = Order.objects.get(external_id="shop-100231")
    assert order.customer_name == "Chloé Martin"
    assert order.placed_at == datetime(2026, 11, 2, 9, 14, tzinfo=UTC)
    assert [line.non_returnable_reason for line in order.lines.order_by("external_id")] == ["", "", "final_sale"]
    assert OrderLine.objects.get(external_id="shop-100232-2").non_returnable_reason == "hygiene"
    assert Order.objects.get(external_id="shop-100232").address_line1 == "4 place Bellecour, bâtiment B"
    assert Order.objects.get(external_id="shop-100233").delivered_at is None
    assert OrderLine.objects.count() == 7


def test_json_sample_imports_in_the_api_shape():
    run = Output(str(SAMPLES / "orders.json"))

    assert run.error is None, run.stderr
    assert "3 orders read: 3 created" in run.stdout
    order = Order.objects.get(external_id="shop-200101")
    assert (order.customer_name, order.city, order.latitude) == ("Hélène Moreau", "Strasbourg", 48.5839)
    assert order.lines.get(sku="DOU-LEG-NOI-M").non_returnable_reason == "final_sale"
    assert OrderLine.objects.get(sku="TAB-TAC-128GO").has_serial_number


@pytest.mark.parametrize(("name", "count"), [("orders.csv", 4), ("orders.json", 3)])
def test_importing_twice_changes_nothing(name, count):
    assert Output(str(SAMPLES / name)).error is None
    before = updated_at()

    run = Output(str(SAMPLES / name))

    assert run.error is None
    assert f"{count} orders read: 0 created, 0 updated, {count} unchanged, 0 failed" in run.stdout
    assert updated_at() == before


def test_a_changed_order_is_updated(tmp_path):
    Output(str(write(tmp_path, "a.csv", row("o1"), row("o2"))))

    run = Output(str(write(tmp_path, "b.csv", row("o1", unit_price="49.90"), row("o2"))))

    assert "2 orders read: 0 created, 1 updated, 1 unchanged" in run.stdout
    assert OrderLine.objects.get(external_id="o1-1").unit_price == Decimal("49.90")


def test_a_plain_json_list_and_the_format_option(tmp_path):
    path = tmp_path / "export.txt"
    orders = json.loads((SAMPLES / "orders.json").read_text(encoding="utf-8"))["orders"]
    path.write_text(json.dumps(orders), encoding="utf-8")

    assert "Cannot tell the format" in str(Output(str(path)).error)
    run = Output(str(path), "--format", "json")

    assert run.error is None
    assert Order.objects.count() == 3


def test_bad_rows_are_reported_and_the_good_orders_imported(tmp_path):
    path = write(
        tmp_path,
        "mixed.csv",
        row("good-1"),
        row("bad-date", placed_at="2026-13-45"),
        row("no-email", customer_email=""),
        row("negative", quantity="-2"),
        row("channel", channel="telepathy"),
        row("good-2"),
    )
    errors = tmp_path / "errors.csv"

    run = Output(str(path), "--errors", str(errors))

    assert run.error is not None
    assert run.error.returncode == 1
    assert "6 orders read: 2 created, 0 updated, 0 unchanged, 4 failed" in run.stdout
    assert set(Order.objects.values_list("external_id", flat=True)) == {"good-1", "good-2"}
    assert "line 3 [bad-date]: placed_at is not a date-time: '2026-13-45'." in run.stderr
    assert "line 4 [no-email]: customer_email must be an email address." in run.stderr
    assert "line 5 [negative]: quantity must be at least 1" in run.stderr
    assert "line 6 [channel]: Unknown channel 'telepathy'." in run.stderr
    with errors.open(encoding="utf-8") as stream:
        reported = [(r["lines"], r["external_id"]) for r in csv.DictReader(stream)]
    assert reported == [("3", "bad-date"), ("4", "no-email"), ("5", "negative"), ("6", "channel")]


def test_one_bad_row_stops_its_whole_order_and_is_pointed_at(tmp_path):
    path = write(
        tmp_path,
        "orders.csv",
        row("o1", "1"),
        row("o1", "2", quantity="deux"),
        row("o1", "3", final_sale="maybe"),
        row("o2", "1", placed_at="2026-02-30T10:00:00"),
        row("o3", "1"),
        row("o3", "2", customer_email="other@example.fr"),
    )

    run = Output(str(path))

    assert run.error.returncode == 1
    assert Order.objects.count() == 0
    assert "line 3 [o1]: quantity and unit_price must be numbers." in run.stderr
    assert "line 4 [o1]: final_sale must be yes or no" in run.stderr
    assert "line 2 [o1]" not in run.stderr
    assert "line 5 [o2]: placed_at is not a valid date: '2026-02-30T10:00:00' (day is out of range" in run.stderr
    assert "line 7 [o3]: customer_email is 'other@example.fr' here but 'o3@example.fr' at line 6" in run.stderr
    assert "3 of 3 orders failed." in str(run.error)


def test_rows_of_an_order_must_be_together(tmp_path):
    run = Output(str(write(tmp_path, "split.csv", row("o1", "1"), row("o2"), row("o1", "2"))))

    assert "line 4 [o1]: The rows of an order must follow each other: this order already appeared at line 2." in (
        run.stderr
    )
    assert list(OrderLine.objects.filter(order__external_id="o1").values_list("external_id", flat=True)) == ["o1-1"]


def test_french_spreadsheet_export(tmp_path):
    path = tmp_path / "excel.csv"
    lines = [HEADER.replace(",", ";"), row("fr-1", sep=";", unit_price="19,90", placed_at="05/11/2026 14:30")]
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))

    run = Output(str(path))

    assert run.error is None, run.stderr
    order = Order.objects.get(external_id="fr-1")
    assert order.placed_at == datetime(2026, 11, 5, 13, 30, tzinfo=UTC)  # Paris time
    assert order.lines.get().unit_price == Decimal("19.90")


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, "mixed.csv", row("o1"), row("o2"), row("bad", channel="fax"))

    run = Output(str(path), "--dry-run")

    assert Order.objects.count() == 0
    assert "Dry run, nothing was written." in run.stdout
    assert "3 orders read: 2 created, 0 updated, 0 unchanged, 1 failed" in run.stdout
    assert run.error.returncode == 1


def test_dry_run_after_an_import_reports_unchanged(tmp_path):
    path = str(SAMPLES / "orders.csv")
    Output(path)
    before = updated_at()

    run = Output(path, "--dry-run")

    assert run.error is None
    assert "4 unchanged" in run.stdout
    assert updated_at() == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.csv", "Cannot read"),
        (lambda tmp: tmp, "Cannot read"),
        (lambda tmp: (tmp / "empty.csv", (tmp / "empty.csv").write_text(""))[0], "The file is empty"),
        (lambda tmp: (tmp / "x.csv", (tmp / "x.csv").write_text("a,b\n1,2\n"))[0], "lacks the column(s) external_id"),
        (lambda tmp: (tmp / "x.csv", (tmp / "x.csv").write_bytes(b"\xff\xfe\x00a,b"))[0], "is not UTF-8 text"),
        (lambda tmp: (tmp / "x.json", (tmp / "x.json").write_text('{"items": []}'))[0], 'no "orders" list'),
        (lambda tmp: (tmp / "x.json", (tmp / "x.json").write_text("[]"))[0], "Unknown encoding 'klingon'"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_command_error(tmp_path, make, message):
    path = make(tmp_path)
    options = ("--encoding", "klingon") if "klingon" in message else ()
    run = Output(str(path), "--format", "csv") if path == tmp_path else Output(str(path), *options)

    assert run.error is not None
    assert message in str(run.error)
    assert run.error.returncode == 2


def test_malformed_json_says_where(tmp_path):
    path = tmp_path / "broken.json"
    good = json.loads((SAMPLES / "orders.json").read_text(encoding="utf-8"))["orders"][0]
    path.write_text("[\n" + json.dumps(good) + ',\n  {"external_id": "x" "number": "y"}\n]', encoding="utf-8")

    run = Output(str(path))

    assert run.error.returncode == 2
    assert "The file is not valid JSON: Expecting ',' delimiter (line 3, column 23)." in str(run.error)
    assert "The 1 order before that point were processed as reported." in str(run.error)
    assert Order.objects.filter(external_id=good["external_id"]).exists()


def test_json_items_that_are_not_orders_are_reported(tmp_path):
    path = tmp_path / "odd.json"
    good = json.loads((SAMPLES / "orders.json").read_text(encoding="utf-8"))["orders"][0]
    bad_date = {**good, "external_id": "e2", "number": "E-2", "placed_at": "2026-02-30T10:00:00"}
    odd_address = {**good, "external_id": "e3", "number": "E-3", "address": "12 rue de la Paix"}
    path.write_text(
        '{"count": 3, "orders": [\n  1,\n  {"external_id": "e1", "lines": []},\n'
        f"  {json.dumps(bad_date)},\n  {json.dumps(odd_address)},\n  {json.dumps(good)}\n"
        '], "next": null}'
    )

    run = Output(str(path))

    assert run.error.returncode == 1
    assert "line 2: An order must be an object." in run.stderr
    assert "line 3 [e1]: An order needs at least one line." in run.stderr
    assert "line 4 [e2]: placed_at is not a valid date: '2026-02-30T10:00:00' (day is out of range" in run.stderr
    assert "line 5 [e3]: " in run.stderr
    assert list(Order.objects.values_list("external_id", flat=True)) == [good["external_id"]]


def test_json_is_decoded_across_small_chunks(monkeypatch, tmp_path):
    """Orders that straddle the reader's chunks (numbers and strings cut in two) come out whole."""
    monkeypatch.setattr(import_json, "JSON_CHUNK_CHARS", 3)
    orders = json.loads((SAMPLES / "orders.json").read_text(encoding="utf-8"))["orders"]
    for order in orders:
        order["lines"][0]["quantity"] = 12345  # a number that a chunk boundary can cut
    text = json.dumps({"orders": orders}, indent=1, ensure_ascii=False)
    path = tmp_path / "orders.json"
    path.write_text(text, encoding="utf-8")

    with path.open("rb") as stream:
        read = list(importing.orders_read(stream=stream, fmt="json"))

    assert [source.payload for source in read] == orders
    starts = [number for number, line in enumerate(text.splitlines(), 1) if line == "  {"]
    assert [source.line_numbers for source in read] == [(n,) for n in starts]


def test_progress_on_a_terminal_and_in_a_log(tmp_path):
    path = write(tmp_path, "orders.csv", row("o1"), row("o2"))

    on_terminal = Output(str(path), tty=True)
    in_a_log = Output(str(path), "--dry-run")

    assert "\r[" in on_terminal.stderr
    assert "100%  2 orders, 0 failed" in on_terminal.stderr
    assert "\r" not in in_a_log.stderr
    assert in_a_log.stderr.rstrip().endswith("100%  2 orders, 0 failed")
