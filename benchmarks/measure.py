"""The measuring instruments of ``make bench`` (issue 14), usable on their own and in tests.

- ``Session``: a signed-in HTTP client for one account (cookies, CSRF), standard library only.
- ``interleaved``: each page against the floor, round after round, so both see the same load.
- ``throughput``: requests per second with several clients at once.
- ``in_process``: the figures that are not pages (export, import, sweep, verification, statements),
  taken through the services, inside a transaction rolled back afterwards where they write.
"""

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

TIMEOUT = 120  # seconds: no request waits longer than this


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    headers: dict


class Session:
    """One browser: a cookie jar and the CSRF token, talking to one host over HTTP/1.1."""

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError("The benchmark sends traffic to 127.0.0.1 only")
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None, *, read: bool = True) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read() if read else b""
            seconds = time.perf_counter() - started
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Response(response.status, content, seconds, dict(response.getheaders()))
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})

    def sign_in(self, email: str, password: str, attempts: int = 3) -> None:
        """Sign in through the sign-in page; a refusal is tried again (a loaded machine has been seen
        to answer the first attempt with the form), then reported with the page's error."""
        for attempt in range(attempts):
            page = self.get("/sign-in/")
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
            if token is None:
                raise RuntimeError(f"No sign-in form at /sign-in/ (HTTP {page.status})")
            form = {"email": email, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
            answer = self.request("POST", "/sign-in/", form)
            if answer.status == 302:
                break
            if attempt == attempts - 1:
                errors = re.findall(rb'<li>\s*<a href="#[^"]*">([^<]+)</a>', answer.body)
                raise RuntimeError(f"Signing in as {email} failed (HTTP {answer.status}): {errors[:2]}")
            time.sleep(2)
        check = self.get("/cookies/")
        if check.status != 200:
            raise RuntimeError(f"Signed in as {email}, but the floor page answers HTTP {check.status}")


@dataclass
class Page:
    """A page to time: who asks for it, the path, and the issue's target as a multiple of the floor."""

    key: str
    label: str
    session: str
    path: str
    target: float | None = 2.0
    times: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    size: int = 0


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000 if times else float("nan")


def interleaved(
    sessions: dict[str, Session],
    pages: list[Page],
    *,
    rounds: int,
    floor_path: str = "/cookies/",
    budget_seconds: float = 60.0,
    min_samples: int = 5,
):
    """Time every page ``rounds`` times, each round asking for the floor (a signed-in static page) for
    every session before the pages, so a slow spell on a shared machine hits floor and page alike.
    A page that has used ``budget_seconds`` stops after ``min_samples`` (a 15 s page would otherwise
    hold the run for many minutes).

    Returns the floor's times per session."""
    floors: dict[str, list[float]] = {name: [] for name in sessions}
    for page in pages:  # warm up: first requests fill caches and connections
        sessions[page.session].get(page.path)
    for _ in range(rounds):
        for name, session in sessions.items():
            floors[name].append(session.get(floor_path).seconds)
        for page in pages:
            if len(page.times) >= min_samples and sum(page.times) > budget_seconds:
                continue
            response = sessions[page.session].get(page.path)
            page.times.append(response.seconds)
            page.statuses.add(response.status)
            page.size = len(response.body)
    return floors


def throughput(make_request: Callable[[int], bool], *, clients: int, seconds: float) -> tuple[float, int]:
    """Requests per second with ``clients`` threads each calling ``make_request(n)`` for ``seconds``.

    ``make_request`` returns whether the request succeeded; returns (successful per second, failures)."""
    done = [0] * clients
    failed = [0] * clients
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))
    lock = threading.Lock()

    def client(index: int):
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter)
            try:
                ok = make_request(n)
            except (OSError, http.client.HTTPException):
                ok = False
            if ok:
                done[index] += 1
            else:
                failed[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + seconds)
    elapsed = time.perf_counter() - started
    return sum(done) / elapsed, sum(failed)


def streamed_download(session: Session, path: str, *, timeout: float) -> dict:
    """Download a (streamed) file, counting its lines: HTTP status, rows, seconds, and whether it
    ended cleanly (a worker killed mid-stream shows as a short read)."""
    connection = http.client.HTTPConnection(session.host, session.port, timeout=timeout)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items())}
    started = time.perf_counter()
    lines, complete, status = 0, False, 0
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        status = response.status
        while True:
            chunk = response.read(65536)
            if not chunk:
                break
            lines += chunk.count(b"\n")
            if time.perf_counter() - started > timeout:
                break
        complete = response.isclosed() and (response.length in (None, 0))
    except (OSError, http.client.HTTPException):
        complete = False
    finally:
        connection.close()
    return {"status": status, "rows": max(0, lines - 1), "seconds": time.perf_counter() - started, "complete": complete}
