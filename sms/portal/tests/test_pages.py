"""The layout: navigation differs by audience; errors use GOV.UK pages."""

from django.urls import reverse

from sms.accounts.tests.helpers import sign_in


def navigation(client):
    items = client.get(reverse("accounts:account")).context["navigation"]
    return [(item["label"], item["url"]) for item in items]


def test_sponsor_users_get_sponsor_navigation(client, level_1):
    sign_in(client, level_1)
    assert navigation(client) == [
        ("Home", reverse("portal:sponsor_home")),
        ("Licence", reverse("portal:licence_summary")),
        ("Certificates", reverse("certificates:list")),
        ("Workers", reverse("reporting:register")),
        ("Obligations", reverse("reporting:obligations")),
        ("Users", reverse("licensing:access_register")),
        ("Messages", reverse("messageboard:board")),
        ("Audit trail", reverse("audit:trail")),
        ("Notifications", reverse("alerts:notifications")),
        ("Your account", reverse("accounts:account")),
    ]


def test_home_office_staff_get_home_office_navigation(client, caseworker, helpdesk):
    sign_in(client, caseworker)
    assert navigation(client) == [
        ("Home", reverse("portal:home_office_home")),
        ("Casework", reverse("casework:workspace")),
        ("Applications", reverse("licensing:ho_applications")),
        ("Requests", reverse("licensing:ho_requests")),
        ("Sponsors", reverse("licensing:ho_sponsors")),
        ("Certificate requests", reverse("certificates:ho_queues")),
        ("Reports received", reverse("reporting:ho_reports")),
        ("Message board", reverse("messageboard:ho_messages")),
        ("Audit trail", reverse("audit:home_office_trail")),
        ("Visits", reverse("visits:list")),
        ("Your account", reverse("accounts:account")),
    ]
    client.post(reverse("accounts:sign_out"))
    sign_in(client, helpdesk)
    assert ("Find a user", reverse("accounts:locked_accounts")) in navigation(client)


def test_layout_has_skip_link_service_name_phase_banner_and_footer(client, level_1):
    sign_in(client, level_1)
    page = client.get(reverse("portal:sponsor_home")).content.decode()
    assert 'class="govuk-skip-link"' in page
    assert "Sponsor Management System" in page
    assert "govuk-phase-banner" in page
    assert 'class="govuk-footer"' in page


def test_a_sponsor_user_refused_by_the_policy_gets_a_403_page(client, level_1):
    sign_in(client, level_1)
    response = client.get(reverse("portal:home_office_home"))
    assert response.status_code == 403
    assert "You do not have permission to do this" in response.content.decode()


def test_unknown_pages_get_a_404_page(client, level_1):
    sign_in(client, level_1)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_home_office_home_page_leads_to_the_casework_workspace(client, caseworker):
    """The workspace holds every queue; the home page points there first, with how much waits."""
    sign_in(client, caseworker)
    page = client.get(reverse("portal:home_office_home")).content.decode()
    assert f'href="{reverse("casework:workspace")}">Casework</a>' in page
    assert "0 cases waiting." in page
