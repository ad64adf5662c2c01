"""Page titles name the thing the page shows: every page about one object has that object's
reference or name in its <title>, so two drafts (or two workers) never share a title."""

import re
from html import unescape

import pytest
from django.urls import reverse

from sms.accounts.policy import HOME_OFFICE_ACTIONS, Action
from sms.accounts.tests.helpers import sign_in
from sms.certificates.tests.factories import draft
from tests.routes import all_routes
from tests.worlds import ARGUMENTS, build_world

# Pages about a role, not an object: the title names the role (one holder per sponsor).
ABOUT_A_ROLE = {"licensing:replace_key_person"}


def title_of(response) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)).strip()


def identities(world) -> set[str]:
    """The references and names that identify the world's objects."""
    names = {
        world["certificate"].reference,
        world["certificate"].worker_name,
        world["draft"].worker_name,
        world["person"].full_name,
        world["sponsor"].name,
        world["application"].reference,
        world["request"].reference,
        world["allocation_request"].reference,
        world["defined_request"].reference,
        world["level_2"].full_name,
        world["site"].address,
        world["message"].subject,
        world["notice"].subject,
        world["plan"].reference,
        world["representation"].reference,
        f"{world['audit_pack'].period_start:%-d %B %Y} to {world['audit_pack'].period_end:%-d %B %Y}",
        world["api_token"].name,
        world["certificate_import"].file_name,
        world["webhook_endpoint"].description,
        *(person.full_name for person in world["people"].values()),
    }
    return {name for name in names if name}


def test_two_draft_certificates_have_different_titles(client, sponsor, level_1):
    first = draft(sponsor, level_1, family_name="Doe", given_names="Jane")
    second = draft(sponsor, level_1, family_name="Roe", given_names="Richard")
    sign_in(client, level_1)
    titles = [title_of(client.get(reverse("certificates:detail", args=[c.uuid]))) for c in (first, second)]
    assert titles[0] != titles[1]
    assert titles[0].startswith("Check your answers: draft certificate for Jane Doe")


@pytest.mark.parametrize("audience", ["sponsor", "home_office"])
def test_every_page_about_one_object_names_it_in_its_title(client, sponsor, level_1, level_2, audience):
    world = build_world(sponsor, level_1, level_2)
    sign_in(client, level_1 if audience == "sponsor" else world["people"]["administrator"])
    known = identities(world)
    generic = []
    for route in all_routes():
        if not route.takes_arguments or "get" not in route.methods or route.action == Action.PUBLIC:
            continue
        if (route.action in HOME_OFFICE_ACTIONS) != (audience == "home_office") or route.name not in ARGUMENTS:
            continue
        if route.name in ABOUT_A_ROLE:
            continue
        response = client.get(reverse(route.name, kwargs=ARGUMENTS[route.name](world)))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        title = title_of(response)
        if not any(name in title for name in known):
            generic.append(f"{route.name}: {title}")
    assert not generic, "\n".join(generic)
