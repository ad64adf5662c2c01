"""Key personnel and organisation details: one AO and one KC always; changes recorded as reportable."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.licensing.models import KeyPerson, KeyPersonRole, ReportableChange
from sms.licensing.services import personnel as services
from tests.factories import suitable_person

AO, KC = KeyPersonRole.AUTHORISING_OFFICER, KeyPersonRole.KEY_CONTACT


def current(sponsor, role):
    return KeyPerson.objects.get(sponsor=sponsor, role=role, end_date__isnull=True)


def test_replacing_the_key_contact_ends_the_old_one_and_records_a_reportable_change(sponsor, level_1):
    old = current(sponsor, KC)
    today = timezone.localdate()
    services.key_person_appoint(
        sponsor=sponsor, role=KC, person=suitable_person(given="Nadia", email="nadia@acme.example"), actor=level_1
    )
    old.refresh_from_db()
    assert old.end_date == today
    assert current(sponsor, KC).given_name == "Nadia"
    assert KeyPerson.objects.filter(sponsor=sponsor, role=KC, end_date__isnull=True).count() == 1
    change = ReportableChange.objects.get(sponsor=sponsor)
    assert (change.event, change.effective_date) == (ReportableChange.Event.KEY_PERSONNEL_CHANGE, today)
    assert change.recorded_by == level_1
    assert AuditEvent.objects.filter(verb=Verb.KEY_PERSON_APPOINTED, actor=level_1).exists()


def test_a_change_can_be_dated_in_the_past_but_not_the_future(sponsor, level_1):
    earlier = timezone.localdate()
    person = suitable_person(given="Nadia", email="nadia@acme.example")
    with pytest.raises(DomainError, match="today or in the past"):
        services.key_person_appoint(
            sponsor=sponsor, role=AO, person=person, actor=level_1, effective_date=earlier + timedelta(days=1)
        )
    with pytest.raises(DomainError, match="on or after"):
        services.key_person_appoint(
            sponsor=sponsor, role=AO, person=person, actor=level_1, effective_date=earlier - timedelta(days=1)
        )


def test_key_personnel_must_declare_suitability(sponsor, level_1):
    unsuitable = suitable_person(given="Sam", email="sam@acme.example").__class__(
        given_name="Sam", family_name="Smith", email="sam@acme.example", declared_uk_based=True
    )
    with pytest.raises(DomainError, match="every suitability declaration"):
        services.key_person_appoint(sponsor=sponsor, role=KC, person=unsuitable, actor=level_1)
    assert current(sponsor, KC).given_name == "Ken"


def test_a_representative_may_be_key_contact_but_never_authorising_officer(sponsor, level_1):
    lawyer = services.PersonDetails(
        given_name="Lara",
        family_name="Law",
        email="lara@lawfirm.example",
        is_representative=True,
        declared_uk_based=True,
        declared_no_unspent_convictions=True,
        declared_not_bankrupt=True,
    )
    services.key_person_appoint(sponsor=sponsor, role=KC, person=lawyer, actor=level_1)
    with pytest.raises(DomainError, match="representative cannot be the Authorising Officer"):
        services.key_person_appoint(sponsor=sponsor, role=AO, person=lawyer, actor=level_1)


def test_the_database_refuses_two_current_people_in_one_role(sponsor):
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyPerson.objects.create(
            sponsor=sponsor, role=AO, given_name="X", family_name="Y", email="x@y.example", start_date=date(2026, 1, 1)
        )


def test_a_failed_appointment_changes_nothing(sponsor, level_1, monkeypatch):
    old = current(sponsor, KC)

    def fail(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", fail)
    with pytest.raises(RuntimeError):
        services.key_person_appoint(
            sponsor=sponsor, role=KC, person=suitable_person(given="N", email="n@a.example"), actor=level_1
        )
    old.refresh_from_db()
    assert old.end_date is None
    assert not ReportableChange.objects.exists()


def test_organisation_changes_are_recorded_per_item_with_their_effective_date(sponsor, level_1):
    day = timezone.localdate() - timedelta(days=3)
    changes = services.organisation_details_change(
        sponsor=sponsor,
        actor=level_1,
        name="Acme Care Group Ltd",
        registered_address=sponsor.registered_address,
        trading_address="5 New Road\nYork",
        effective_date=day,
    )
    assert sorted(change.event for change in changes) == [
        ReportableChange.Event.ADDRESS_CHANGE,
        ReportableChange.Event.NAME_CHANGE,
    ]
    assert {change.effective_date for change in changes} == {day}
    sponsor.refresh_from_db()
    assert sponsor.name == "Acme Care Group Ltd"


def test_an_unchanged_organisation_form_is_refused(sponsor, level_1):
    with pytest.raises(DomainError, match="not changed"):
        services.organisation_details_change(
            sponsor=sponsor,
            actor=level_1,
            name=sponsor.name,
            registered_address=sponsor.registered_address,
            trading_address=sponsor.trading_address,
            effective_date=timezone.localdate(),
        )


def test_work_sites_opening_and_closing_are_reportable(sponsor, level_1):
    opened, closed = sponsor.licence.start_date + timedelta(days=10), sponsor.licence.start_date + timedelta(days=100)
    site = services.work_site_add(sponsor=sponsor, address="Ward 4, St Mary's", opened_on=opened, actor=level_1)
    services.work_site_close(site=site, closed_on=closed, actor=level_1)
    events = list(ReportableChange.objects.filter(sponsor=sponsor).values_list("event", "effective_date"))
    assert sorted(events) == [
        (ReportableChange.Event.ADDRESS_CHANGE, opened),
        (ReportableChange.Event.ADDRESS_CHANGE, closed),
    ]
    with pytest.raises(DomainError, match="already closed"):
        services.work_site_close(site=site, closed_on=closed + timedelta(days=1), actor=level_1)


def test_a_work_site_the_licence_was_granted_with_is_recorded_but_not_reported(sponsor, level_1):
    started = sponsor.licence.start_date
    services.work_site_add(sponsor=sponsor, address="Head office", opened_on=started, actor=level_1, reportable=False)
    services.work_site_add(sponsor=sponsor, address="Ward 5", opened_on=started + timedelta(days=1), actor=level_1)
    assert sponsor.work_sites.count() == 2
    changes = ReportableChange.objects.filter(sponsor=sponsor, event=ReportableChange.Event.ADDRESS_CHANGE)
    assert list(changes.values_list("details__work_site", flat=True)) == ["Ward 5"]
