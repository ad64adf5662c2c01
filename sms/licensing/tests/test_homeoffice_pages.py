"""Home Office pages: request queue and decisions, sponsors, suspension, revocation, ratings."""

import re
from html import unescape

import pytest
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.licensing.models import Licence, Route, SponsorRequest
from sms.licensing.services import requests as request_services


@pytest.fixture
def variation(level_1):
    return request_services.variation_request_submit(
        sponsor=level_1.sponsor,
        actor=level_1,
        kind=SponsorRequest.Kind.ADD_ROUTE,
        route=Route.SCALE_UP,
        details="Growth",
    )


def test_caseworker_grants_a_variation_from_the_queue(client, caseworker, variation, level_1):
    sign_in(client, caseworker)
    assert variation.reference in client.get(reverse("licensing:ho_requests")).content.decode()
    assert "Growth" in client.get(reverse("licensing:ho_request", args=[variation.reference])).content.decode()
    client.post(reverse("licensing:ho_request_grant", args=[variation.reference]), {"reason": ""})
    variation.refresh_from_db()
    assert variation.status == SponsorRequest.Status.GRANTED
    assert level_1.sponsor.licence.routes.filter(route=Route.SCALE_UP).exists()


def test_the_sponsor_sees_the_outcome_and_reasons(client, caseworker, variation, level_1):
    sign_in(client, caseworker)
    client.post(reverse("licensing:ho_request_refuse", args=[variation.reference]), {"reason": "Not a scale-up"})
    client.post(reverse("accounts:sign_out"))
    sign_in(client, level_1)
    page = client.get(reverse("licensing:request_detail", args=[variation.reference])).content.decode()
    assert "Refused" in page
    assert "Not a scale-up" in page


def test_a_decided_request_cannot_be_decided_again_through_the_page(client, caseworker, variation):
    sign_in(client, caseworker)
    client.post(reverse("licensing:ho_request_refuse", args=[variation.reference]), {"reason": "No"})
    content = client.post(reverse("licensing:ho_request_grant", args=[variation.reference]), {}).content.decode()
    assert "cannot become granted" in content


def test_compliance_officer_suspends_reinstates_and_revokes(client, compliance_officer, level_1):
    sponsor = level_1.sponsor
    sign_in(client, compliance_officer)
    assert sponsor.name in client.get(reverse("licensing:ho_sponsors"), {"q": "acme"}).content.decode()
    assert "Enter the reasons" in client.post(reverse("licensing:ho_suspend", args=[sponsor.uuid]), {}).content.decode()
    client.post(reverse("licensing:ho_suspend", args=[sponsor.uuid]), {"reason": "Investigation"})
    assert Licence.objects.get(sponsor=sponsor).status == Licence.Status.SUSPENDED
    client.post(reverse("licensing:ho_reinstate", args=[sponsor.uuid]), {"reason": "Cleared"})
    assert Licence.objects.get(sponsor=sponsor).status == Licence.Status.ACTIVE
    client.post(reverse("licensing:ho_revoke", args=[sponsor.uuid]), {"reason": "Serious breaches"})
    assert Licence.objects.get(sponsor=sponsor).status == Licence.Status.REVOKED
    content = client.post(reverse("licensing:ho_suspend", args=[sponsor.uuid]), {"reason": "x"}).content.decode()
    assert "cannot become suspended" in content


def test_caseworkers_cannot_enforce_and_compliance_officers_cannot_decide(
    client, caseworker, compliance_officer, variation, level_1
):
    sign_in(client, caseworker)
    assert client.get(reverse("licensing:ho_revoke", args=[level_1.sponsor.uuid])).status_code == 403
    client.post(reverse("accounts:sign_out"))
    sign_in(client, compliance_officer)
    assert client.get(reverse("licensing:ho_request_grant", args=[variation.reference])).status_code == 403


def test_unknown_references_are_not_found(client, caseworker, db):
    sign_in(client, caseworker)
    assert client.get(reverse("licensing:ho_request", args=["RNOSUCH000"])).status_code == 404
    assert client.get(reverse("licensing:ho_application", args=["ANOSUCH000"])).status_code == 404


def test_home_office_home_shows_queue_sizes(client, caseworker, variation):
    sign_in(client, caseworker)
    assert (
        "1 renewals, changes and Level 1 requests waiting"
        in client.get(reverse("portal:home_office_home")).content.decode()
    )


def test_a_search_with_an_ampersand_and_a_space_survives_to_page_2(client, compliance_officer):
    from sms.licensing.views.homeoffice import PAGE_SIZE
    from tests.factories import SponsorFactory

    for number in range(PAGE_SIZE + 1):
        SponsorFactory(name=f"Smith & Jones {number:02d}")
    SponsorFactory(name="Smith Jones Unrelated")
    sign_in(client, compliance_officer)
    first = client.get(reverse("licensing:ho_sponsors"), {"q": "Smith & Jones"}).content.decode()
    assert f"{PAGE_SIZE + 1} sponsors match" in first
    next_link = re.search(r'href="(\?q=Smith\+%26\+Jones&amp;older=\d+)" rel="next"', first)
    assert next_link, "a Next link keeping the search"
    second = client.get(reverse("licensing:ho_sponsors") + unescape(next_link[1])).content.decode()
    assert "Smith &amp; Jones 25" in second
    assert "Smith &amp; Jones 24" not in second
    assert "Unrelated" not in second
    previous_link = re.search(r'href="(\?q=Smith\+%26\+Jones&amp;newer=\d+)" rel="prev"', second)
    back = client.get(reverse("licensing:ho_sponsors") + unescape(previous_link[1])).content.decode()
    assert "Smith &amp; Jones 00" in back
    assert "Smith &amp; Jones 24" in back
    assert "Jones 25" not in back
    assert 'rel="prev"' not in back


def test_the_sponsor_list_pages_by_name_without_counting_every_sponsor(client, compliance_officer):
    """Issue 14: the unfiltered list seeks to its page from the name next to it (no COUNT, no OFFSET)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sms.licensing.views.homeoffice import PAGE_SIZE
    from tests.factories import SponsorFactory

    for number in range(PAGE_SIZE * 2 + 3):
        SponsorFactory(name=f"Zeta Care {number:03d}")
    sign_in(client, compliance_officer)
    seen, url, pages = [], reverse("licensing:ho_sponsors"), 0
    while url and pages < 10:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "sponsor" in q["sql"]]
        seen += re.findall(r"Zeta Care (\d{3})", page)
        found = re.search(r'href="(\?older=\d+)" rel="next"', page)
        url = reverse("licensing:ho_sponsors") + unescape(found[1]) if found else None
        pages += 1
    assert seen == [f"{n:03d}" for n in range(PAGE_SIZE * 2 + 3)]
    assert "All sponsors, by name" in page


def test_the_sponsor_page_leads_to_the_staff_view_with_every_tab(client, caseworker, sponsor):
    """From the Sponsors list a caseworker reaches the whole staff view, not only enforcement."""
    sign_in(client, caseworker)
    page = client.get(reverse("licensing:ho_sponsor", args=[sponsor.uuid])).content.decode()
    assert f'href="{reverse("casework:sponsor", args=[sponsor.uuid])}">Everything about {sponsor.name}</a>' in page
