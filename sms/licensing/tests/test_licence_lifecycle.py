"""The licence lifecycle: every allowed move, every refused source status, atomicity, audit rows."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError, IllegalTransition
from sms.licensing.models import Licence, LicenceRoute, Rating, Route
from sms.licensing.services import licence as services
from tests.factories import SponsorFactory, make_staff_user

Status = Licence.Status


def set_status(licence: Licence, status: str) -> Licence:
    """Put a licence in a status directly, to test moves out of it."""
    Licence.objects.filter(pk=licence.pk).update(status=status)
    licence.refresh_from_db()
    return licence


def test_issue_numbers_the_licence_rates_routes_and_sets_ten_years(db, caseworker):
    sponsor = SponsorFactory(licence=[Route.SKILLED_WORKER, Route.GBM_UK_EXPANSION])
    licence = sponsor.licence
    assert licence.status == Status.ACTIVE
    assert licence.number.startswith("SPN")
    assert len(licence.number) == 11
    assert licence.expiry_date == licence.start_date.replace(year=licence.start_date.year + 10) - timedelta(days=1)
    ratings = dict(licence.routes.values_list("route", "rating"))
    assert ratings == {Route.SKILLED_WORKER: Rating.A, Route.GBM_UK_EXPANSION: Rating.PROVISIONAL}
    assert AuditEvent.objects.filter(verb=Verb.LICENCE_ISSUED, sponsor=sponsor).exists()


CHANGES = {
    "suspend": (services.licence_suspend, Status.SUSPENDED, Verb.LICENCE_SUSPENDED, {Status.ACTIVE}),
    "reinstate": (services.licence_reinstate, Status.ACTIVE, Verb.LICENCE_REINSTATED, {Status.SUSPENDED}),
    "revoke": (services.licence_revoke, Status.REVOKED, Verb.LICENCE_REVOKED, {Status.ACTIVE, Status.SUSPENDED}),
    "surrender": (
        services.licence_surrender,
        Status.SURRENDERED,
        Verb.LICENCE_SURRENDERED,
        {Status.ACTIVE, Status.SUSPENDED},
    ),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("source", Status.values)
def test_each_change_is_allowed_only_from_the_statuses_in_the_table(db, change, source):
    service, target, verb, allowed_sources = CHANGES[change]
    # An administrator both enforces (suspend, reinstate, revoke) and decides cases (a surrender).
    administrator = make_staff_user(role=User.StaffRole.ADMINISTRATOR, email="admin@ho.example")
    licence = set_status(SponsorFactory().licence, source)
    if source in allowed_sources:
        service(licence=licence, actor=administrator, reason="Compliance findings")
        licence.refresh_from_db()
        assert licence.status == target
        event = AuditEvent.objects.get(verb=verb, sponsor=licence.sponsor)
        assert event.payload == {"from": source, "to": target, "reason": "Compliance findings"}
    else:
        with pytest.raises(IllegalTransition):
            service(licence=licence, actor=administrator, reason="Compliance findings")
        licence.refresh_from_db()
        assert licence.status == source
        assert not AuditEvent.objects.filter(verb=verb).exists()


def test_ended_licences_can_never_change_status_again():
    assert all(Licence.TRANSITIONS[status] == set() for status in Licence.ENDED)


@pytest.mark.parametrize("service", [services.licence_suspend, services.licence_revoke])
def test_suspension_and_revocation_need_reasons(db, compliance_officer, service):
    licence = SponsorFactory().licence
    with pytest.raises(DomainError, match="Enter the reasons"):
        service(licence=licence, actor=compliance_officer, reason="  ")


def test_expiry_sweep_expires_due_licences_once(db):
    due = SponsorFactory().licence
    suspended_due = set_status(SponsorFactory().licence, Status.SUSPENDED)
    current = SponsorFactory().licence
    Licence.objects.filter(pk__in=[due.pk, suspended_due.pk]).update(expiry_date=date(2026, 1, 31))
    assert services.licences_expire(today=date(2026, 2, 1)) == 2
    assert services.licences_expire(today=date(2026, 2, 1)) == 0
    statuses = dict(Licence.objects.values_list("pk", "status"))
    assert statuses == {due.pk: Status.EXPIRED, suspended_due.pk: Status.EXPIRED, current.pk: Status.ACTIVE}
    assert AuditEvent.objects.filter(verb=Verb.LICENCE_EXPIRED).count() == 2


def test_expiry_on_the_expiry_date_itself_waits_a_day(db):
    licence = SponsorFactory().licence
    Licence.objects.filter(pk=licence.pk).update(expiry_date=date(2026, 1, 31))
    assert services.licences_expire(today=date(2026, 1, 31)) == 0


def test_renewal_window_is_three_months_before_expiry(db, settings):
    licence = SponsorFactory().licence
    Licence.objects.filter(pk=licence.pk).update(expiry_date=date(2027, 6, 30))
    licence.refresh_from_db()
    assert services.renewal_window_opens(licence) == date(2027, 3, 30)
    assert not services.renewal_allowed(licence, date(2027, 3, 29))
    assert services.renewal_allowed(licence, date(2027, 3, 30))
    assert services.renewal_allowed(licence, date(2027, 6, 30))
    settings.LICENCE_RENEWAL_WINDOW_MONTHS = 6
    assert services.renewal_allowed(licence, date(2027, 1, 1))


def test_renew_extends_from_the_current_expiry(db, caseworker):
    licence = SponsorFactory().licence
    Licence.objects.filter(pk=licence.pk).update(expiry_date=date(2027, 6, 30))
    licence.refresh_from_db()
    services.licence_renew(licence=licence, actor=caseworker)
    licence.refresh_from_db()
    assert licence.expiry_date == date(2037, 6, 30)


def test_routes_can_be_added_removed_and_rated_but_never_the_last_removed(db, caseworker, compliance_officer):
    licence = SponsorFactory().licence
    services.licence_route_add(licence=licence, route=Route.SCALE_UP, actor=caseworker)
    with pytest.raises(DomainError, match="already holds"):
        services.licence_route_add(licence=licence, route=Route.SCALE_UP, actor=caseworker)
    held = licence.routes.get(route=Route.SCALE_UP)
    services.licence_route_rate(licence_route=held, rating=Rating.B, actor=compliance_officer, reason="Audit findings")
    held.refresh_from_db()
    assert held.rating == Rating.B
    services.licence_route_remove(licence=licence, route=Route.SCALE_UP, actor=caseworker)
    with pytest.raises(DomainError, match="at least one route"):
        services.licence_route_remove(licence=licence, route=Route.SKILLED_WORKER, actor=caseworker)
    assert list(
        LicenceRoute.objects.filter(licence=licence, removed_on__isnull=True).values_list("route", flat=True)
    ) == [Route.SKILLED_WORKER]
    verbs = set(AuditEvent.objects.filter(sponsor=licence.sponsor).values_list("verb", flat=True))
    assert {Verb.ROUTE_ADDED, Verb.ROUTE_RATED, Verb.ROUTE_REMOVED} <= verbs


@pytest.mark.parametrize("status", sorted(Licence.ENDED))
def test_users_of_an_ended_licence_cannot_sign_in_and_are_told_why(client, level_1, caseworker, status):
    licence = set_status(level_1.sponsor.licence, status)
    Licence.objects.filter(pk=licence.pk).update(status_changed_on=date(2026, 3, 3))
    response = sign_in(client, level_1)
    assert response.status_code == 200
    content = response.content.decode()
    assert f"sponsor licence was {status} on 3 March 2026" in content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(verb=Verb.SIGN_IN_REFUSED, actor=level_1).exists()


def test_a_signed_in_user_is_signed_out_when_the_licence_is_revoked(client, level_1, compliance_officer):
    sign_in(client, level_1)
    assert client.get(reverse("portal:sponsor_home")).status_code == 200
    services.licence_revoke(licence=level_1.sponsor.licence, actor=compliance_officer, reason="Serious breaches")
    response = client.get(reverse("portal:sponsor_home"), follow=True)
    assert response.request["PATH_INFO"] == reverse("accounts:sign_in")
    assert "sponsor licence was revoked" in response.content.decode()


def test_suspended_sponsors_users_can_still_sign_in(client, level_1, compliance_officer):
    services.licence_suspend(licence=level_1.sponsor.licence, actor=compliance_officer, reason="Investigation")
    assert sign_in(client, level_1).status_code == 302


def test_home_office_staff_are_unaffected_by_licences(client, caseworker):
    assert sign_in(client, caseworker).status_code == 302


def test_a_suspended_sponsor_has_20_working_days_to_respond(db, compliance_officer):
    licence = SponsorFactory().licence
    suspended = services.licence_suspend(
        licence=licence, actor=compliance_officer, reason="Audit", on=date(2026, 12, 14)
    )
    # 20 working days after Monday 14 December 2026, skipping Christmas, Boxing Day (observed) and New Year.
    assert suspended.suspension_response_due == date(2027, 1, 14)
