"""Fixtures shared by every test: sponsors and users made through the real services.

Reference data (fees, occupations, thresholds) is loaded by post_migrate receivers, after the test
database is migrated and again after every flush of a transactional test.
"""

import os

import pytest
from django.core.cache import cache

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.servers.basehttp import WSGIServer  # noqa: E402

from sms.accounts.models import User  # noqa: E402
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user  # noqa: E402

# The live server behind the browser and parallel-request tests listens with the standard library's
# backlog of 5 connections; a burst of simultaneous requests on a busy machine can then be reset
# before the application sees it. Production servers (gunicorn: 2048) queue them; so does this one.
WSGIServer.request_queue_size = 128


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no rate-limit counts: the local-memory cache lives as long as the process."""
    cache.clear()


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
