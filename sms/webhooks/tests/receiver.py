"""A tiny HTTP receiver on 127.0.0.1 for delivery tests: records each request and answers with the
next status of a script. Runs in a daemon thread, stopped by the context manager."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def receiver(statuses=(200,), *, delay: float = 0.0, location: str = ""):
    """Yield (url, requests): each request as (headers dict, body bytes). Answers ``statuses`` in turn,
    repeating the last; waits ``delay`` seconds before answering; a 3xx carries ``location``."""
    received: list[tuple[dict, bytes]] = []
    script = list(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((dict(self.headers), body))
            status = script.pop(0) if len(script) > 1 else script[0]
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
