"""A Shopify that answers every GraphQL request with one of the documented example bodies (payloads/docs/graphql.json),
whatever fields were asked for, as a fake written from the reference pages would. It checks the path and the
access token header and records each request; what it answers is scripted per root field."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.connectors.shopify.fake import PAYLOADS, ROOT_FIELDS, TOKEN

ANSWERS: dict[str, Any] = json.loads((PAYLOADS / "docs" / "graphql.json").read_text())


class DocsShopify:
    def __init__(self) -> None:
        self.script: dict[str, list[str]] = {}
        self.calls: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, name="docs-shopify", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "DocsShopify":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer_with(self, root: str, *names: str) -> None:
        """Answer `root` with these documented bodies in turn (the last one again after that)."""
        self.script[root] = list(names)

    def roots(self) -> list[str]:
        return [call["root"] for call in self.calls]

    def variables(self, root: str) -> dict[str, Any]:
        return next(call["variables"] for call in self.calls if call["root"] == root)

    def _answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        query = str(body.get("query") or "")
        root = next((name for name in ROOT_FIELDS if re.search(rf"\b{name}\s*\(", query)), "")
        with self.lock:
            self.calls.append({"root": root, "variables": body.get("variables") or {}, "query": query})
            names = self.script.get(root)
            if not names:
                return 200, {"errors": [{"message": f"Field '{root}' is not scripted", "extensions": {}}]}
            name = names.pop(0) if len(names) > 1 else names[0]
        return 200, ANSWERS[name]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
                pass

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if re.fullmatch(r"/admin/api/\d{4}-\d{2}/graphql\.json", self.path) is None:
                    return self._send(404, {"errors": "Not Found"})
                if self.headers.get("X-Shopify-Access-Token") != TOKEN:
                    return self._send(401, {"errors": "[API] Invalid API key or access token"})
                self._send(*fake._answer(json.loads(raw)))

            def _send(self, status: int, answer: Any) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
