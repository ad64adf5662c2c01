"""Every error summary link moves focus to its field: for each form with radios, checkboxes or date
inputs on every page, submitted empty, each link's fragment is the id of an element on the page
(the first radio or checkbox, the day input of a date)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sms.accounts.policy import HOME_OFFICE_ACTIONS, Action
from sms.accounts.tests.helpers import sign_in
from tests.routes import all_routes
from tests.worlds import ARGUMENTS, build_world

NOT_PAGES = {"portal:healthz"}


class FormTags(HTMLParser):
    """Every <form> tag's action."""

    def __init__(self):
        super().__init__()
        self.actions: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.actions.append(dict(attrs).get("action"))


class Forms(HTMLParser):
    """The POST forms on a page, with whether they hold radios, checkboxes or a date input."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "choices": False}
            self.forms.append(self.current)
        elif self.current is not None:
            if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
                self.current["choices"] = True
            if "govuk-date-input" in (attrs.get("class") or "").split():
                self.current["choices"] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def summary_fragments(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return re.findall(r'href="#([^"]*)"', summary.group(0)) if summary else []


def element_ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def pages(audience, world):
    for route in all_routes():
        if route.name in NOT_PAGES or "get" not in route.methods or route.action == Action.PUBLIC:
            continue
        kind = "home_office" if route.action in HOME_OFFICE_ACTIONS else "sponsor"
        if kind != audience:
            continue
        yield reverse(route.name, kwargs=ARGUMENTS[route.name](world) if route.takes_arguments else None)


@pytest.mark.parametrize("audience", ["sponsor", "home_office"])
def test_every_error_summary_link_on_forms_with_choices_reaches_an_element(client, sponsor, level_1, level_2, audience):
    world = build_world(sponsor, level_1, level_2)
    sign_in(client, level_1 if audience == "sponsor" else world["people"]["administrator"])
    checked, broken = [], []
    for url in pages(audience, world):
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"].split("#")[0] or response.request["PATH_INFO"]
            if not form["choices"] or "sign-out" in action:
                continue
            answered = client.post(action, {})
            if answered.status_code != 200:
                continue
            html = answered.content.decode()
            fragments = summary_fragments(html)
            if not fragments:
                continue
            checked.append(action)
            ids = element_ids(html)
            broken.extend(f"{action}#{fragment}" for fragment in fragments if fragment not in ids)
    assert checked, "no form with choices was submitted"
    assert broken == []
    if audience == "sponsor":
        assert reverse("reporting:record_fact", kwargs=ARGUMENTS["reporting:record_fact"](world)) in checked


@pytest.mark.parametrize("audience", ["sponsor", "home_office"])
def test_every_form_names_its_address_without_a_fragment(client, sponsor, level_1, level_2, audience):
    """A form without an action posts to the page's address with its fragment (#main-content after
    the skip link), and the browser then scrolls there instead of focusing the error summary."""
    world = build_world(sponsor, level_1, level_2)
    sign_in(client, level_1 if audience == "sponsor" else world["people"]["administrator"])
    missing = []
    for url in pages(audience, world):
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        tags = FormTags()
        tags.feed(response.content.decode())
        missing.extend(f"{url}: {action!r}" for action in tags.actions if not action or "#" in action)
    assert missing == []
