"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that checks signatures and dedupes deliveries.

It behaves like a careful integrator: it verifies X-RMA-Signature with `webhook_signature_verify`, acts on a
delivery id the first time it sees it (``processed``) and answers 2xx without acting again on a repeat.
Tests script its answers (status codes, a slow answer, holding a request until released).
"""

import json
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from rma.notifications.signatures import webhook_signature_verify


@dataclass(frozen=True)
class Hit:
    """One request as the receiver saw it."""

    path: str
    delivery_id: str
    topic: str
    attempt: str
    signature_valid: bool
    body: bytes
    answered: int
    headers: dict[str, str] = field(repr=False)

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    delay: float
    hold: bool


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread: nothing outlives the fixture
    block_on_close = True


class WebhookReceiver:
    """Start with `with WebhookReceiver(secret=...) as receiver:`; stops and joins its threads on exit."""

    def __init__(self, *, secret: str) -> None:
        self.secret = secret
        self.hits: list[Hit] = []
        self.processed: Counter[str] = Counter()  # delivery id -> times acted upon (never more than 1)
        self.duplicates_dropped: Counter[str] = Counter()
        self.held = threading.Event()  # set when a request is being held
        self._release = threading.Event()
        self._answers: deque[_Answer] = deque()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="webhook-receiver", daemon=True
        )

    # ---- script

    def answer(
        self, *statuses: int, headers: dict[str, str] | None = None, delay: float = 0.0, hold: bool = False
    ) -> None:
        """Answer the next requests with these statuses (then 200 again), optionally slowly or held."""
        with self._lock:
            if hold or delay:
                self._release.clear()
            for status in statuses:
                self._answers.append(_Answer(status, headers or {}, delay, hold))

    def release(self) -> None:
        """Let a held (or delayed) request answer now."""
        self._release.set()

    # ---- read

    def url(self, path: str = "/hooks") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def hits_by_delivery_id(self) -> Counter[str]:
        with self._lock:
            return Counter(hit.delivery_id for hit in self.hits)

    # ---- lifecycle

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "the webhook receiver thread did not stop"

    # ---- the handler

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like real servers: a client that leaks connections shows
            timeout = 15  # ... as a slow teardown rather than a hang

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                delivery_id = self.headers.get("X-RMA-Delivery", "")
                valid = webhook_signature_verify(
                    secret=receiver.secret, header=self.headers.get("X-RMA-Signature", ""), body=body
                )
                with receiver._lock:
                    answer = receiver._answers.popleft() if receiver._answers else _Answer(200, {}, 0.0, False)
                    if not valid:
                        answer = _Answer(401, {}, 0.0, False)
                    # A careful receiver acts on a delivery id once, whatever it answers afterwards.
                    if valid and answer.status < 300:
                        if receiver.processed[delivery_id]:
                            receiver.duplicates_dropped[delivery_id] += 1
                        else:
                            receiver.processed[delivery_id] += 1
                    receiver.hits.append(
                        Hit(
                            path=self.path,
                            delivery_id=delivery_id,
                            topic=self.headers.get("X-RMA-Topic", ""),
                            attempt=self.headers.get("X-RMA-Attempt", ""),
                            signature_valid=valid,
                            body=body,
                            answered=answer.status,
                            headers=dict(self.headers.items()),
                        )
                    )
                if answer.hold:
                    receiver.held.set()
                    receiver._release.wait(timeout=30)
                if answer.delay:
                    receiver._release.wait(timeout=answer.delay)
                try:
                    text = b'{"ok": true}' if answer.status < 300 else b'{"error": "scripted"}'
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                except OSError:  # the client gave up (timeout) or was killed: nothing to answer to
                    pass

        return Handler
