"""Many people assigning certificates at the same moment, through HTTP, on whichever database the
suite runs on (SQLite as `make run` configures it, or PostgreSQL): no server errors, no overdraw."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client
from django.urls import reverse

from sms.certificates.models import Allocation, Certificate
from sms.certificates.tests.factories import draft, give_allocation

PARALLEL = 24
GRANTED = 5


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def assign_over_http(base_url: str, session: str, uuid, barrier: threading.Barrier) -> int:
    """Open the certificate's page (for its CSRF token), wait for every other user, then assign."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"sessionid={session}")]
    page = opener.open(f"{base_url}{reverse('certificates:detail', args=[uuid])}", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf_cookie = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    request = urllib.request.Request(
        f"{base_url}{reverse('certificates:assign', args=[uuid])}",
        data=f"csrfmiddlewaretoken={token}".encode(),
        headers={"Cookie": f"sessionid={session}; csrftoken={csrf_cookie}", "Referer": base_url + "/"},
        method="POST",
    )
    barrier.wait(timeout=60)
    no_redirects = urllib.request.build_opener(NoRedirect)
    try:
        return no_redirects.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_parallel_assignments_over_http_never_fail_or_overdraw(live_server, sponsor, level_1):
    give_allocation(sponsor, number=GRANTED)
    drafts = [draft(sponsor, level_1, family_name=f"Parallel{n}") for n in range(PARALLEL)]
    session = session_for(level_1)
    barrier = threading.Barrier(PARALLEL)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = list(
            pool.map(lambda d: assign_over_http(live_server.url, session, d.uuid, barrier), drafts)
        )

    assert statuses == [302] * PARALLEL  # each user is sent back to the certificate with a message
    allocation = Allocation.objects.get(sponsor=sponsor)
    assert (allocation.granted, allocation.used) == (GRANTED, GRANTED)
    assert Certificate.objects.filter(sponsor=sponsor, status="assigned").count() == GRANTED
