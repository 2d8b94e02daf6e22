"""Benchmark label generation through the real code: `.venv/bin/python bench/labels.py [--seconds 3] [--no-db]`.

Three measures, each printed as labels per second:
1. raw rendering: rma.shipping.rendering.render_label_pdf / render_label_zpl on ready-made LabelContent;
2. the service's rendering path: label_content_build (from Label and ReturnRequest instances) then
   label_render_files, the two functions label_generate calls; no database;
3. label_generate itself on a throwaway SQLite database with files on local disk: row locks, carrier,
   the three files (A6 PDF, 4x6 PDF, ZPL), storage, status change and audit event.
A fourth, a real Celery worker on Redis and PostgreSQL against the renderer alone in the same run, is
bench/label_worker.py; `worker_vs_renderer(n)` below runs it and returns its figures (for `make bench`).
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from rma.shipping.carriers import Address  # noqa: E402
from rma.shipping.carriers.builtin import tracking_number_for  # noqa: E402
from rma.shipping.rendering import LabelContent, render_label_pdf, render_label_zpl  # noqa: E402

# More distinct labels than the renderer's caches hold, so every label is rendered from scratch.
POOL_SIZE = 5000
CITIES = [("75011", "Paris"), ("69007", "Lyon"), ("13001", "Marseille"), ("59000", "Lille"), ("97400", "Saint-Denis")]
NAMES = ["Hélène Lefèvre", "François Nguyễn", "Zoé Martin", "Jean-Noël Garçon", "Anaïs Dupont-Müller"]
T = TypeVar("T")
PRICE = Decimal("49.90")


def make_pool() -> list[LabelContent]:
    """Return POOL_SIZE labels with distinct tracking numbers, QR payloads and addresses."""
    pool = []
    for index in range(POOL_SIZE):
        postcode, city = CITIES[index % len(CITIES)]
        reference = f"{index:08x}-4b5d-4e6f-8a7b-9c0d1e2f3a4b"
        sender = Address(
            name=f"{NAMES[index % len(NAMES)]} {index}",
            line1=f"{index % 200 + 1} rue de l'Église",
            line2="Bâtiment B" if index % 3 == 0 else "",
            postcode=postcode,
            city=city,
            country="France",
            phone="+33 6 12 34 56 78" if index % 2 else "",
        )
        recipient = Address(
            name="Entrepôt Retours — Service Après-Vente",
            line1="ZAC des Garçons, 45 avenue François Mitterrand",
            line2="Quai n° 3" if index % 2 else "",
            postcode="69007",
            city="Lyon",
            country="France",
        )
        pool.append(
            LabelContent(
                sender=sender,
                recipient=recipient,
                rma_number=f"RMA-2026-{index:06d}",
                tracking_number=tracking_number_for(reference),
                qr_payload=f"https://returns.example.com/r/{reference}",
                carrier_name="Retours Portail",
                reference_lines=(f"Commande #{100000 + index}", f"{index % 5 + 1} article(s)"),
            )
        )
    return pool


def rate(*, render: Callable[[T], object], pool: Sequence[T], seconds: float) -> float:
    """Render labels from the pool for about `seconds` and return labels per second."""
    render(pool[-1])  # warm-up: imports, font metrics
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        for _ in range(10):
            render(pool[count % len(pool)])
            count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


# ---- 2. The service's rendering path, without a database


def setup_django(workdir: Path) -> None:
    """Configure Django on a throwaway SQLite file and media directory, with an in-memory broker."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "returns_portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["RMA_VAR_DIR"] = str(workdir)
    os.environ["RMA_MEDIA_ROOT"] = str(workdir / "media")
    os.environ["CELERY_BROKER_URL"] = "memory://"  # the tasks queued on commit go nowhere: we call the service
    os.environ.pop("REDIS_URL", None)
    import logging

    import django

    django.setup()
    logging.getLogger("rma.shipping").setLevel(logging.ERROR)
    logging.getLogger("kombu").setLevel(logging.ERROR)  # the memory:// broker has no host name


def make_model_pool() -> list[tuple[Any, Any]]:
    """Return POOL_SIZE unsaved (Label, ReturnRequest) pairs with distinct customers, as label_generate sees them."""
    from django.utils import timezone

    from rma.locations.models import DropOffPoint, Warehouse
    from rma.orders.models import Order
    from rma.returns.models import ReturnRequest
    from rma.shipping.models import Label
    from rma.shipping.services import label_qr_payload

    warehouse = Warehouse(
        code="WH-LYS",
        name="Entrepôt Retours — Service Après-Vente",
        address_line1="ZAC des Garçons, 45 avenue François Mitterrand",
        address_line2="Quai n° 3",
        postcode="69007",
        city="Lyon",
    )
    pool = []
    for index in range(POOL_SIZE):
        postcode, city = CITIES[index % len(CITIES)]
        order = Order(
            external_id=f"shop-{index}",
            number=f"ML{100000 + index}",
            customer_email=f"client{index}@example.fr",
            customer_name=f"{NAMES[index % len(NAMES)]} {index}",
            customer_phone="+33 6 12 34 56 78" if index % 2 else "",
            address_line1=f"{index % 200 + 1} rue de l'Église",
            address_line2="Bâtiment B" if index % 3 == 0 else "",
            postcode=postcode,
            city=city,
            placed_at=timezone.now(),
        )
        point = DropOffPoint(name=f"Tabac Presse {index}", kind="relay_point", carrier="mondial_relay")
        return_request = ReturnRequest(
            order=order,
            drop_off_method="relay_point",
            drop_off_point=point,
            destination_warehouse=warehouse,
            contact_name=order.customer_name,
            contact_email=order.customer_email,
        )
        label = Label(return_request=return_request, qr_payload=label_qr_payload(rma_number=return_request.rma_number))
        pool.append((label, return_request))
    return pool


def service_rates(*, seconds: float) -> dict[str, float]:
    """Labels per second through label_content_build + label_render_files, per format and for the full set."""
    from rma.shipping.services import label_content_build, label_render_files

    pool = make_model_pool()

    def through_service(formats: tuple[str, ...]) -> Callable[[tuple[Any, Any]], object]:
        def render(pair: tuple[Any, Any]) -> object:
            label, return_request = pair
            content = label_content_build(
                label=label,
                return_request=return_request,
                tracking_number=tracking_number_for(str(return_request.public_id)),
            )
            return label_render_files(content=content, formats=formats)

        return render

    return {
        name: rate(render=through_service(formats), pool=pool, seconds=seconds)
        for name, formats in (("pdf", ("pdf",)), ("zpl", ("zpl",)), ("set", ("pdf", "pdf_4x6", "zpl")))
    }


# ---- 3. label_generate on a database


def returns_with_pending_labels(*, count: int) -> list[int]:
    """Create `count` approved returns through the services (on a migrated, empty database): their pending
    labels' ids. The label tasks queued on approval go to whatever broker is configured."""
    from django.db import transaction
    from django.utils import timezone

    from rma.locations.models import DropOffPoint, Warehouse
    from rma.orders.models import Order, OrderLine
    from rma.returns.models import ReasonCode, ReturnPolicy
    from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create
    from rma.shipping.models import Label, LabelStatus

    Warehouse.objects.create(code="WH-LYS", name="Entrepôt Retours Lyon Sud", postcode="69007", city="Lyon")
    point = DropOffPoint.objects.create(
        name="Tabac Presse du Marché", kind="relay_point", carrier="mondial_relay", carrier_point_id="FR-1"
    )
    ReturnPolicy.objects.create(name="Standard", is_default=True)
    reason = ReasonCode.objects.create(
        code="too-small",
        label_fr="Trop petit",
        label_en="Too small",
        responsibility="customer",
        legal_basis="withdrawal",
    )
    delivered = timezone.now() - timedelta(days=5)
    with transaction.atomic():
        for index in range(count):
            postcode, city = CITIES[index % len(CITIES)]
            order = Order.objects.create(
                external_id=f"shop-{index}",
                number=f"ML{100000 + index}",
                customer_email=f"client{index}@example.fr",
                customer_name=f"{NAMES[index % len(NAMES)]} {index}",
                address_line1=f"{index % 200 + 1} rue de l'Église",
                postcode=postcode,
                city=city,
                placed_at=delivered,
                delivered_at=delivered,
            )
            line = OrderLine.objects.create(
                order=order, external_id="1", sku=f"SKU-{index}", name="Chemise", quantity=1, unit_price=PRICE
            )
            return_request_create(
                order=order,
                lines=[ReturnLineInput(order_line=line, quantity=1, reason=reason)],
                drop_off=DropOffChoice(method="relay_point", point=point),
                submit=True,
            )
    label_ids = list(Label.objects.filter(status=LabelStatus.PENDING).order_by("pk").values_list("pk", flat=True))
    assert len(label_ids) == count, f"expected {count} pending labels, found {len(label_ids)}"
    return label_ids


def labels_hand_over(label_ids: list[int]) -> float:
    """Hand these pending labels to the worker as their approval's commit does, and only them: the time of the
    first ring (time.time()).

    Every other label waiting is held back from batches first (one try counted: it would wait for its own retry),
    so that the worker makes these and nothing else: labels left pending by an earlier measure (the creations',
    whose tasks were purged), or those of a later round. A doorbell left by a purged task is cleared, as its TTL
    would. Then each label rings as an approval does (rma.shipping.reactions.label_generate_on_commit): a label
    made in batches rings the batches' doorbell, the first ring publishes their run.
    """
    from rma.core.queue import doorbell_clear
    from rma.shipping.models import Label, LabelStatus
    from rma.shipping.reactions import label_generate_on_commit
    from rma.shipping.services.label_batches import DOORBELL

    Label.objects.filter(status=LabelStatus.PENDING, attempts=0).exclude(pk__in=label_ids).update(attempts=1)
    Label.objects.filter(pk__in=label_ids, status=LabelStatus.PENDING).update(attempts=0)
    labels = list(Label.objects.filter(pk__in=label_ids))
    doorbell_clear(DOORBELL)
    started = time.time()
    for label in labels:
        label_generate_on_commit(label)  # outside a transaction: at once
    return started


def generate_rate(*, count: int) -> tuple[float, float]:
    """Create `count` approved returns (pending labels), then time label_generate on each: (labels/s, ms each)."""
    from django.core.management import call_command

    from rma.shipping.models import Label, LabelStatus
    from rma.shipping.services import label_generate

    call_command("migrate", verbosity=0)
    label_ids = returns_with_pending_labels(count=count)
    started = time.perf_counter()
    for label_id in label_ids:
        label_generate(label_id=label_id)
    elapsed = time.perf_counter() - started
    assert Label.objects.filter(status=LabelStatus.READY).count() == count
    return count / elapsed, elapsed / count * 1000


# ---- 4. A real Celery worker on Redis and PostgreSQL vs the renderer alone (bench/label_worker.py)


def worker_vs_renderer(count: int = 300, *, concurrency: int = 2, seconds: float = 3.0) -> dict[str, Any]:
    """Run bench/label_worker.py in its own process (it configures Django on its own database) and return its
    figures: renderer_a6_per_s, renderer_set_per_s, statements_per_label, in_process_ms_per_label,
    end_to_end_per_s, ratio_to_a6, ratio_to_set, labels, concurrency, cpu_count. Needs DATABASE_URL (PostgreSQL)
    and REDIS_URL in the environment."""
    import json
    import subprocess

    script = Path(__file__).resolve().parent / "label_worker.py"
    command = [sys.executable, str(script), "--json", f"--count={count}", f"--concurrency={concurrency}"]
    result = subprocess.run([*command, f"--seconds={seconds}"], capture_output=True, text=True, check=True)  # noqa: S603
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Print the PDF (A6) and ZPL label rates: raw, through the service's rendering path, and label_generate."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each measure (default 3)")
    parser.add_argument("--count", type=int, default=200, help="labels made by label_generate (default 200)")
    parser.add_argument("--no-db", action="store_true", help="skip the label_generate measure (needs migrations)")
    arguments = parser.parse_args()
    seconds = arguments.seconds

    pool = make_pool()
    pdf = rate(render=lambda content: render_label_pdf(content=content, size="A6"), pool=pool, seconds=seconds)
    size = len(render_label_pdf(content=pool[0], size="A6"))
    print(f"PDF labels/s: {pdf:.0f}  (A6, {size} bytes each; raw rendering)")
    zpl = rate(render=lambda content: render_label_zpl(content=content), pool=pool, seconds=seconds)
    print(f"ZPL labels/s: {zpl:.0f}  (raw rendering)")

    with tempfile.TemporaryDirectory(prefix="rma-bench-") as workdir:
        setup_django(Path(workdir))
        rates = service_rates(seconds=seconds)
        print(f"PDF labels/s: {rates['pdf']:.0f}  (A6, through label_content_build + label_render_files)")
        print(f"ZPL labels/s: {rates['zpl']:.0f}  (through label_content_build + label_render_files)")
        print(f"Label sets/s: {rates['set']:.0f}  (A6 PDF + 4x6 PDF + ZPL, through label_render_files)")
        if not arguments.no_db:
            per_second, each_ms = generate_rate(count=arguments.count)
            print(
                f"label_generate labels/s: {per_second:.0f}  ({each_ms:.1f} ms each: SQLite, local files, "
                f"A6 PDF + 4x6 PDF + ZPL, status change; {arguments.count} labels)"
            )


if __name__ == "__main__":
    main()
