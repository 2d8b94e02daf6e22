"""Benchmark label rendering through the real functions: `.venv/bin/python bench/labels.py [--seconds 3]`."""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere, without Django

from rma.shipping.carriers import Address  # noqa: E402
from rma.shipping.carriers.builtin import tracking_number_for  # noqa: E402
from rma.shipping.rendering import LabelContent, render_label_pdf, render_label_zpl  # noqa: E402

# More distinct labels than the renderer's caches hold, so every label is rendered from scratch.
POOL_SIZE = 5000
CITIES = [("75011", "Paris"), ("69007", "Lyon"), ("13001", "Marseille"), ("59000", "Lille"), ("97400", "Saint-Denis")]
NAMES = ["Hélène Lefèvre", "François Nguyễn", "Zoé Martin", "Jean-Noël Garçon", "Anaïs Dupont-Müller"]


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


def rate(*, render: Callable[[LabelContent], object], pool: list[LabelContent], seconds: float) -> float:
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


def main() -> None:
    """Print the PDF (A6) and ZPL label rates."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each format (default 3)")
    seconds = parser.parse_args().seconds
    pool = make_pool()
    pdf = rate(render=lambda content: render_label_pdf(content=content, size="A6"), pool=pool, seconds=seconds)
    size = len(render_label_pdf(content=pool[0], size="A6"))
    print(f"PDF labels/s: {pdf:.0f}  (A6, {size} bytes each)")
    zpl = rate(render=lambda content: render_label_zpl(content=content), pool=pool, seconds=seconds)
    print(f"ZPL labels/s: {zpl:.0f}")


if __name__ == "__main__":
    main()
