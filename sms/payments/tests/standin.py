"""A local stand-in for GOV.UK Pay: the documented REST API on 127.0.0.1, in a thread.

``POST /v1/payments`` (amount, reference, description, return_url) answers 201 with ``payment_id``,
``state.status`` "created" and ``_links.next_url.href``; ``GET /v1/payments/{id}`` answers the
payment with its current state. Requests without the expected Bearer key answer 401. A test moves a
payment on with ``set_state`` (what the payer's choices on GOV.UK Pay's pages would do).
"""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "api_test_standin_key"


class StandInPay:
    def __init__(self):
        self.payments: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict | None, str]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5  # a stuck connection cannot hold a test

            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                return self.headers.get("Authorization") == f"Bearer {API_KEY}"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                stand_in.requests.append(("POST", self.path, body, self.headers.get("Authorization", "")))
                if not self._authorised():
                    return self._answer(401, {"code": "P0920", "description": "Credentials are required"})
                if self.path != "/v1/payments":
                    return self._answer(404, {})
                payment_id = secrets.token_hex(13)
                stand_in.payments[payment_id] = {**body, "payment_id": payment_id, "state": {"status": "created"}}
                return self._answer(201, stand_in.view(payment_id))

            def do_GET(self):
                stand_in.requests.append(("GET", self.path, None, self.headers.get("Authorization", "")))
                if not self._authorised():
                    return self._answer(401, {"code": "P0920", "description": "Credentials are required"})
                payment_id = self.path.removeprefix("/v1/payments/")
                if payment_id not in stand_in.payments:
                    return self._answer(404, {"code": "P0200", "description": "Not found"})
                return self._answer(200, stand_in.view(payment_id))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def view(self, payment_id: str) -> dict:
        payment = self.payments[payment_id]
        return {
            **payment,
            "_links": {
                "self": {"href": f"{self.url}/v1/payments/{payment_id}", "method": "GET"},
                "next_url": {"href": f"{self.url}/secure/{payment_id}", "method": "GET"},
            },
        }

    def set_state(self, payment_id: str, status: str) -> None:
        self.payments[payment_id]["state"] = {
            "status": status,
            "finished": status in ("success", "failed", "cancelled", "error"),
        }

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
