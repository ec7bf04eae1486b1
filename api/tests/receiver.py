"""A webhook receiver on loopback for the tests, and what a receiver does with a signature."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from api import webhooks
from api.models import WebhookEndpoint

SECRET = "a-secret-for-the-tests"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does with X-Helpdesk-Signature (the README shows the same)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    fresh = abs(time.time() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected.hexdigest(), fields["v1"])


class Receiver:
    """An HTTP server on loopback that keeps what it is sent and answers as told."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []  # statuses to answer, in turn; then 200
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                status = receiver.answers.pop(0) if receiver.answers else 200
                if status < 300:
                    receiver.received.append((dict(self.headers), body))
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status < 300 else b"boom")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks?source=helpdesk"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def events(self) -> list[str]:
        return [headers["X-Helpdesk-Event"] for headers, _ in self.received]

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def endpoint_for(receiver, *, events=tuple(webhooks.EVENTS), creator=None, **fields):
    """An endpoint of the receiver's, allowed on loopback unless told otherwise."""
    fields.setdefault("allow_private", True)
    return WebhookEndpoint.objects.create(
        name="CRM", url=receiver.url, events=" ".join(events), secret=SECRET, created_by=creator,
        **fields,
    )  # fmt: skip
