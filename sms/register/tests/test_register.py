"""The public register: GOV.UK layout, who is listed, search and filters, and the whole country's size."""

import csv
import io
import time
from datetime import date

import pytest
from django.urls import reverse

from sms.accounts.models import Sponsor
from sms.licensing.models import Licence, LicenceRoute, Rating, Route
from sms.licensing.services.licence import licence_route_add, licence_suspend
from sms.register.selectors import type_and_rating
from tests.factories import SponsorFactory

pytestmark = pytest.mark.django_db


def download(client, **params) -> list[list[str]]:
    response = client.get(reverse("register:csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_type_and_rating_in_the_words_of_the_gov_uk_register():
    assert type_and_rating(Route.SKILLED_WORKER, Rating.A) == "Worker (A rating)"
    assert type_and_rating(Route.SEASONAL_WORKER, Rating.A) == "Temporary Worker (A rating)"
    assert type_and_rating(Route.SCALE_UP, Rating.B) == "Temporary Worker (B rating)"
    assert type_and_rating(Route.STUDENT, Rating.A) == "Student (A rating)"
    assert type_and_rating(Route.GBM_UK_EXPANSION, Rating.PROVISIONAL) == "Temporary Worker (Provisional)"


def test_the_csv_has_one_row_per_sponsor_and_route_without_sign_in(client):
    sponsor = SponsorFactory(name="Acme Care Ltd", registered_address="1 High Street\nLeeds\nLS1 1AA")
    Sponsor.objects.filter(pk=sponsor.pk).update(county="West Yorkshire")
    licence_route_add(licence=sponsor.licence, route=Route.SEASONAL_WORKER, actor=None)
    rows = download(client)
    assert rows == [
        ["Organisation Name", "Town/City", "County", "Type & Rating", "Route"],
        ["Acme Care Ltd", "Leeds", "West Yorkshire", "Temporary Worker (A rating)", "Seasonal Worker"],
        ["Acme Care Ltd", "Leeds", "West Yorkshire", "Worker (A rating)", "Skilled Worker"],
    ]


def test_suspended_licences_are_listed_and_ended_or_pending_ones_are_not(client):
    SponsorFactory(name="Active Ltd")
    suspended = SponsorFactory(name="Suspended Ltd")
    licence_suspend(licence=suspended.licence, actor=None, reason="Visit findings")
    revoked = SponsorFactory(name="Revoked Ltd")
    Licence.objects.filter(pk=revoked.licence.pk).update(status=Licence.Status.REVOKED)
    names = {row[0] for row in download(client)[1:]}
    assert names == {"Active Ltd", "Suspended Ltd"}


def test_a_formula_in_a_name_is_neutralised(client):
    SponsorFactory(name="=HYPERLINK(1)")
    assert download(client)[1][0] == "'=HYPERLINK(1)"


def test_the_page_searches_and_filters_without_sign_in(client):
    SponsorFactory(name="Harbour Care Ltd")
    other = SponsorFactory(name="Borealis Foods Ltd")
    LicenceRoute.objects.filter(licence=other.licence).update(rating=Rating.B)
    page = client.get(reverse("register:register"), {"search": "harbour"}).content.decode()
    assert "Harbour Care Ltd" in page
    assert "Borealis Foods Ltd" not in page
    page = client.get(reverse("register:register"), {"rating": "b"}).content.decode()
    assert "Borealis Foods Ltd" in page
    assert "Harbour Care Ltd" not in page
    assert "Worker (B rating)" in page
    rows = download(client, route="skilled_worker", rating="b")
    assert [row[0] for row in rows[1:]] == ["Borealis Foods Ltd"]


def country(size: int, start: int = 0) -> None:
    """``size`` licensed sponsors holding one route each, made in bulk."""
    sponsors = Sponsor.objects.bulk_create(
        Sponsor(name=f"Sponsor {n:06d} Ltd", town="Leeds", county="West Yorkshire") for n in range(start, start + size)
    )
    licences = Licence.objects.bulk_create(
        Licence(sponsor=sponsor, number=f"SPN{start + n:07d}", status="active", start_date=date(2026, 1, 5))
        for n, sponsor in enumerate(sponsors)
    )
    LicenceRoute.objects.bulk_create(
        LicenceRoute(licence=licence, route=Route.SKILLED_WORKER, granted_on=date(2026, 1, 5)) for licence in licences
    )


def test_the_csv_takes_the_same_number_of_queries_whatever_its_size(client, django_assert_num_queries):
    country(10)
    with django_assert_num_queries(1):
        small = download(client)
    country(3000, start=10)
    with django_assert_num_queries(1):
        large = download(client)
    assert len(small) == 11
    assert len(large) == 3011


def test_the_page_takes_the_same_number_of_queries_whatever_the_size(client, django_assert_max_num_queries):
    country(500)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("register:register"), {"page": 3})
    assert "Page 3 of 10" in response.content.decode()


def test_ten_thousand_rows_stream_in_well_under_a_few_seconds(client):
    """A generous bound, to catch a per-row query or a quadratic step (the whole country is ~140,000 rows)."""
    country(10_000)
    started = time.perf_counter()
    rows = download(client)
    elapsed = time.perf_counter() - started
    assert len(rows) == 10_001
    assert elapsed < 3, f"10,000 rows took {elapsed:.2f}s"
