"""Import pages name only guidance the service has: every template, schema or guidance they mention
is a link, and every link on them opens."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.certificates.services import bulk

IMPORT_PAGES = ["certificates:import", "reporting:import_facts"]
GUIDANCE_WORDS = ("template", "schema", "guidance")


class MainContent(HTMLParser):
    """The links in <main> (href and text) and the text outside them."""

    def __init__(self):
        super().__init__()
        self.in_main = self.in_link = False
        self.links: list[list[str]] = []
        self.loose_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        elif tag == "a" and self.in_main:
            self.in_link = True
            self.links.append([dict(attrs).get("href", ""), ""])

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        elif tag == "a":
            self.in_link = False

    def handle_data(self, data):
        if self.in_link:
            self.links[-1][1] += data
        elif self.in_main:
            self.loose_text.append(data)


@pytest.mark.parametrize("page_name", IMPORT_PAGES)
def test_every_guidance_named_on_an_import_page_is_a_link_that_opens(client, level_1, page_name):
    sign_in(client, level_1)
    response = client.get(reverse(page_name))
    assert response.status_code == 200
    main = MainContent()
    main.feed(response.content.decode())
    loose = " ".join(main.loose_text).lower()
    linked = " ".join(text for _, text in main.links).lower()
    for word in GUIDANCE_WORDS:
        if word in loose:
            assert word in linked, f"{page_name} names a {word} but has no link to it"
    assert main.links
    for href, text in main.links:
        if not href.startswith("/"):
            continue
        opened = client.get(href)
        assert opened.status_code == 200, f"{page_name}: {text.strip()!r} ({href}) answers {opened.status_code}"


def test_the_cas_schema_named_on_the_upload_page_is_the_one_files_are_checked_against(client, level_1):
    sign_in(client, level_1)
    content = client.get(reverse("certificates:import")).content.decode()
    link = re.search(r'href="([^"]+)"[^>]*>CAS batch schema', content)
    assert link
    schema = client.get(link.group(1))
    assert b"".join(schema) == bulk.CAS_SCHEMA_PATH.read_bytes()
