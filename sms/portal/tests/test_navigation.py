"""Only the current section is highlighted in the navigation."""

import pytest
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from tests.factories import make_staff_user


@pytest.fixture
def administrator(db):
    return make_staff_user(role=User.StaffRole.ADMINISTRATOR, email="admin@ho.example")


def active(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [item["label"] for item in response.context["navigation"] if item["active"]]


@pytest.mark.parametrize("person", ["level_1", "administrator"])
def test_each_section_highlights_itself_alone(client, person, request):
    user = request.getfixturevalue(person)
    sign_in(client, user)
    items = client.get(reverse("accounts:account")).context["navigation"]
    for item in items:
        assert active(client, item["url"]) == [item["label"]]


def test_a_page_inside_a_section_highlights_only_that_section(client, level_1):
    sign_in(client, level_1)
    assert active(client, reverse("licensing:access_register")) == ["Users"]
    assert active(client, reverse("certificates:create")) == ["Certificates"]
