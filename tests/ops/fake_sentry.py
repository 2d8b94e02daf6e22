"""A Sentry ingestion endpoint on 127.0.0.1 that keeps the envelopes it receives.

Format from Sentry's published SDK documentation, "Envelopes" (https://develop.sentry.dev/sdk/envelopes/,
sections "Serialization Format" and "Envelope Items"): ``POST /api/<project_id>/envelope/``; the body is a JSON
envelope header line, then for each item a JSON item header line (``type``, optional ``length`` in bytes) and its
payload followed by a newline. The SDK may compress the body (``Content-Encoding: gzip`` or ``br``). The server
answers 200 with ``{"id": "<event_id>"}``. Authentication is the ``X-Sentry-Auth`` header
("Sentry sentry_key=<public key>, sentry_version=7, sentry_client=...").
"""

import gzip
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ENVELOPE_PATH = re.compile(r"^/api/(?P<project>\d+)/envelope/$")


def envelope_parse(body: bytes) -> tuple[dict[str, Any], list[tuple[dict[str, Any], bytes]]]:
    header_line, _, rest = body.partition(b"\n")
    items = []
    while rest.strip():
        item_header_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_header_line)
        if "length" in item_header:
            payload, rest = rest[: item_header["length"]], rest[item_header["length"] :]
            rest = rest.removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item_header, payload))
    return json.loads(header_line), items


@dataclass
class Received:
    project: str
    auth: str
    header: dict[str, Any]
    items: list[tuple[dict[str, Any], bytes]]


@dataclass
class FakeSentry:
    port: int
    envelopes: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def events(self) -> list[dict[str, Any]]:
        return [
            json.loads(payload) for env in self.envelopes for head, payload in env.items if head["type"] == "event"
        ]


@contextmanager
def fake_sentry() -> Iterator[FakeSentry]:
    state = FakeSentry(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            match = ENVELOPE_PATH.match(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not match:
                self.send_response(404)
                self.end_headers()
                return
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli  # type: ignore[import-not-found]

                body = brotli.decompress(body)
            header, items = envelope_parse(body)
            state.envelopes.append(Received(match["project"], self.headers.get("X-Sentry-Auth", ""), header, items))
            state.arrived.set()
            answer = json.dumps({"id": header.get("event_id", "")}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
