"""Fixtures shared by every test: sponsors and users made through the real services."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from sms.accounts.models import User  # noqa: E402
from sms.certificates.models import Occupation, SalaryThreshold  # noqa: E402
from sms.certificates.reference_data import load_certificate_reference_data  # noqa: E402
from sms.core.models import FeeRate  # noqa: E402
from sms.core.reference_data import load_licence_fees  # noqa: E402
from sms.licensing.models import Route  # noqa: E402
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user  # noqa: E402


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Every database test starts with the reference data migrations load (fees), as production has.

    Tests on a transactional database (live server, threads) end with a flush that empties every
    table, so later tests would otherwise find none. Loading is idempotent and, in ordinary tests,
    rolled back with the test's transaction.
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    if not Occupation.objects.exists():
        load_licence_fees(FeeRate)
        load_certificate_reference_data(Occupation, SalaryThreshold, FeeRate, set(Route.values))


@pytest.fixture
def sponsor(db):
    return SponsorFactory(name="Acme Care Ltd")


@pytest.fixture
def other_sponsor(db):
    return SponsorFactory(name="Borealis Foods Ltd")


@pytest.fixture
def level_1(sponsor):
    return make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="l1@acme.example")


@pytest.fixture
def level_2(sponsor):
    return make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="l2@acme.example")


@pytest.fixture
def other_level_1(other_sponsor):
    return make_sponsor_user(sponsor=other_sponsor, level=User.Level.LEVEL_1, email="l1@borealis.example")


@pytest.fixture
def caseworker(db):
    return make_staff_user(role=User.StaffRole.CASEWORKER, email="caseworker@ho.example")


@pytest.fixture
def helpdesk(db):
    return make_staff_user(role=User.StaffRole.HELPDESK, email="helpdesk@ho.example")


@pytest.fixture
def compliance_officer(db):
    return make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="compliance@ho.example")
