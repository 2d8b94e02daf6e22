"""The shop's stock API for tests: a real HTTP server on 127.0.0.1 answering ``GET /products/<ref>/variants``.

Tests set what it knows (``products``: product_ref -> list of variant dicts) and may change it between two
requests, as stock moves between the page a customer sees and the moment they confirm.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlparse


class FakeShop:
    def __init__(self) -> None:
        self.products: dict[str, list[dict[str, Any]]] = {}
        self.down = False
        self.requests: list[str] = []
        self.url = ""

    def variant(self, product_ref: str, sku: str, **changes: Any) -> None:
        """Change one variant of a product (for example ``available=False``)."""
        for row in self.products[product_ref]:
            if row["sku"] == sku:
                row.update(changes)


def _handler(shop: FakeShop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server naming
            shop.requests.append(self.path)
            parts = urlparse(self.path).path.strip("/").split("/")
            if shop.down:
                self._answer(503, {"error": "down"})
            elif len(parts) == 3 and parts[0] == "products" and parts[2] == "variants":
                self._answer(200, {"variants": shop.products.get(unquote(parts[1]), [])})
            else:
                self._answer(404, {"error": "not found"})

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the http.server signature
            pass

    return Handler


@contextmanager
def fake_shop_running() -> Iterator[FakeShop]:
    shop = FakeShop()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(shop))
    shop.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield shop
    finally:
        server.shutdown()
        server.server_close()
