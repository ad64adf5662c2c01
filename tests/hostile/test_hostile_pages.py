"""Hostile input never causes a server error: every form on every page a signed-in person can reach
is posted with each value of the corpus (``tests/hostile/inputs.py``) in each of its fields in turn,
and every list page is read with each value in each of its query parameters. A refused form writes
nothing. Each request runs in a transaction that is rolled back, so the world stays the same.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sms.accounts.policy import HOME_OFFICE_ACTIONS, Action
from sms.licensing.views.apply import STEPS
from tests.hostile.inputs import BY_KIND, QUERY_VALUES
from tests.routes import all_routes
from tests.worlds import ARGUMENTS, build_world

NOT_PAGES = {"portal:healthz"}
# Forms that end the session or are file imports (their own tests feed them hostile files).
SKIPPED_ACTIONS = ("sign-out", "/import/")
# Writes a refused form may make: the session itself.
BOOKKEEPING_TABLES = ("django_session",)
# Pages where a refusal is itself recorded: a wrong security code or password is counted (throttling)
# and audited.
COUNTED_FAILURES = ("/sign-in/", "/account/")
PLAUSIBLE = {"text": "Plain words", "email": "someone.new@example.com", "number": "1", "date": "2/3/2026",
             "choice": "on"}  # fmt: skip
DATE_HINT = re.compile(r'id="id_(\w+)_hint"[^>]*>\s*For example, \d{1,2}/\d{1,2}/\d{4}')


class Forms(HTMLParser):
    """Each form on a page: its method, action and fields (name, kind, the value a person would send)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                            "fields": {}, "defaults": {}}  # fmt: skip
            self.forms.append(self.current)
            return
        if self.current is None or not attrs.get("name"):
            return
        name, fields, defaults = attrs["name"], self.current["fields"], self.current["defaults"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("radio", "checkbox"):
                fields.setdefault(name, "choice")
                if "checked" in attrs or name not in defaults:
                    defaults[name] = attrs.get("value", "on")
                return
            if kind == "hidden":
                defaults[name] = attrs.get("value", "")
                return
            numeric = kind == "number" or attrs.get("inputmode") in ("decimal", "numeric")
            fields[name] = "number" if numeric else "email" if kind == "email" else "text"
            defaults[name] = attrs.get("value", "")
        elif tag == "textarea":
            fields[name] = "text"
            defaults[name] = ""
        elif tag == "select":
            fields[name] = "choice"
            self.select = name
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if "selected" in attrs or (value and not self.current["defaults"].get(self.select)):
                self.current["defaults"][self.select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def page_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    dates = set(DATE_HINT.findall(html))
    for form in parser.forms:
        for name in form["fields"]:
            if name in dates:
                form["fields"][name] = "date"
            # Empty fields get a plausible value, so one hostile field at a time reaches the service.
            if not form["defaults"].get(name):
                form["defaults"][name] = PLAUSIBLE[form["fields"][name]]
    return parser.forms


def query_parameters(html: str, url: str) -> set[str]:
    """The query parameters a list page reads: its search form's fields, and those of its own links
    (filters, pages)."""
    names = set()
    for form in page_forms(html):
        if form["method"] == "get" and (form["action"].split("?")[0] or url) == url:
            names.update(form["fields"])
    for query in re.findall(r'href="(?:' + re.escape(url) + r')?\?([^"#]+)"', html):
        names.update(pair.split("=")[0] for pair in query.replace("&amp;", "&").split("&"))
    return names


def pages(audience: str, world: dict):
    for route in all_routes():
        if route.name in NOT_PAGES or "get" not in route.methods or route.action == Action.PUBLIC:
            continue
        kind = "home_office" if route.action in HOME_OFFICE_ACTIONS else "sponsor"
        if kind == audience:
            yield reverse(route.name, kwargs=ARGUMENTS[route.name](world) if route.takes_arguments else None)


class _Undo(Exception):
    pass


def undone(method, *args):
    """Make a request inside a transaction that is rolled back; return the response and its writes."""
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            response = method(*args)
            raise _Undo
    except _Undo:
        pass
    return response, net_writes([query["sql"] for query in queries.captured_queries])


def net_writes(statements: list[str]) -> list[str]:
    """The writes that stay: those inside a savepoint rolled back (a refused service call) do not."""
    levels: list[list[str]] = [[]]
    for sql in statements:
        words = sql.lstrip().upper()
        if words.startswith("SAVEPOINT"):
            levels.append([])
        elif words.startswith("RELEASE SAVEPOINT") and len(levels) > 1:
            top = levels.pop()
            levels[-1].extend(top)
        elif words.startswith("ROLLBACK TO SAVEPOINT") and len(levels) > 1:
            levels[-1] = []
        elif words.startswith(("INSERT", "UPDATE", "DELETE")) and not any(t in sql for t in BOOKKEEPING_TABLES):
            levels[-1].append(sql)
    return [sql for level in levels for sql in level]


def sweep(client, urls) -> tuple[list[str], int, int]:
    """Post the corpus into every field of every form on these pages, and read each page with it in
    each query parameter. Returns the failures, and how many posts and reads were made."""
    failures, posted, queried = [], 0, 0
    seen, exercised = set(), set()
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in page_forms(response.content.decode()):
            action = (form["action"].split("#")[0] or url).split("?")[0]
            # One form on several pages (a create and an edit page) is sent the corpus once.
            key = (form["method"], tuple(sorted(form["fields"])))
            if key in seen or any(skip in action for skip in SKIPPED_ACTIONS) or not form["fields"]:
                continue
            seen.add(key)
            for name, kind in form["fields"].items():
                # A field already sent the whole corpus on another form (the defined CoS form repeats
                # the certificate's) is sent a sample.
                values = BY_KIND[kind][:2] if (name, kind) in exercised else BY_KIND[kind]
                exercised.add((name, kind))
                for value in values:
                    data = {**form["defaults"], name: value}
                    where = f"{form['method'].upper()} {action} {name}={value[:20]!r}"
                    if form["method"] == "post":
                        answer, writes = undone(client.post, action, data)
                        posted += 1
                        refused = answer.status_code == 400 or (
                            answer.status_code == 200 and b"govuk-error-summary" in answer.content
                        )
                        if refused and writes and not action.startswith(COUNTED_FAILURES):
                            failures.append(f"{where} refused but wrote {writes[:2]}")
                    else:
                        answer, _ = undone(client.get, action, data)
                        queried += 1
                    if answer.status_code >= 500:
                        failures.append(f"{where}: {answer.status_code}")
        for parameter in query_parameters(response.content.decode(), url):
            for value in QUERY_VALUES:
                answer, _ = undone(client.get, url, {parameter: value})
                queried += 1
                if answer.status_code >= 500:
                    failures.append(f"GET {url}?{parameter}={value[:20]!r}: {answer.status_code}")
    return failures, posted, queried


@pytest.mark.parametrize("audience", ["sponsor", "home_office"])
def test_hostile_input_in_every_form_and_query_parameter_never_causes_a_server_error(
    client, sponsor, level_1, level_2, audience
):
    world = build_world(sponsor, level_1, level_2)
    client.raise_request_exception = False
    client.force_login(level_1 if audience == "sponsor" else world["people"]["administrator"])
    failures, posted, queried = sweep(client, pages(audience, world))
    assert posted > 40, posted
    assert queried > 40, queried
    assert failures == [], "\n".join(failures)


def test_hostile_input_on_the_public_pages_never_causes_a_server_error(client, db):
    """Signed out: sign-in, password reset, the register of sponsors, and every step of applying
    for a licence (with an application started, as a visitor would)."""
    client.raise_request_exception = False
    client.post(reverse("licensing:apply_start"))
    public = [
        reverse(route.name)
        for route in all_routes()
        if route.action == Action.PUBLIC and not route.takes_arguments and "get" in route.methods
        and route.name not in NOT_PAGES
    ]  # fmt: skip
    steps = [reverse("licensing:apply_step", args=[step.slug]) for step in STEPS]
    failures, posted, queried = sweep(client, [*public, *steps])
    assert posted > 40, posted
    assert failures == [], "\n".join(failures)
