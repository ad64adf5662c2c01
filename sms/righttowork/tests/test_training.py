"""Training records of key personnel and users (seed 002): Level 1 users record and correct them for
their sponsor's people, see what is overdue or due soon; nobody else's records or people."""

from datetime import date

import pytest
from django.http import Http404
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.righttowork.models import TrainingRecord
from sms.righttowork.services import default_next_due, training_record_add, training_record_update


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    return date(2026, 11, 23)


def test_next_due_defaults_to_a_year_later():
    assert default_next_due(date(2026, 3, 4)) == date(2027, 3, 4)
    assert default_next_due(date(2028, 2, 29)) == date(2029, 2, 28)


def test_an_l1_records_training_for_a_user_and_a_key_person_and_sees_what_is_due(client, sponsor, level_1, today):
    sign_in(client, level_1)
    assert reverse("righttowork:training") in client.get(reverse("licensing:access_register")).content.decode()
    url = reverse("righttowork:training_add")
    choices = dict(client.get(url).context["form"].fields["trainee"].choices)
    key_person = sponsor.key_personnel.get(role="authorising_officer", end_date__isnull=True)
    assert f"user:{level_1.pk}" in choices
    assert f"key:{key_person.pk}" in choices
    refused = client.post(url, {"trainee": "", "course": "", "taken_on": "31/02/2026"}).content.decode()
    for message in ("Select who took the training", "Enter the name of the course", "Date taken must be a real date"):
        assert message in refused
    response = client.post(
        url, {"trainee": f"key:{key_person.pk}", "course": "Sponsor duties for Authorising Officers",
              "taken_on": "10/11/2025"},
    )  # fmt: skip
    assert response.status_code == 302
    client.post(url, {"trainee": f"user:{level_1.pk}", "course": "Assigning certificates", "taken_on": "01/11/2026",
                      "next_due": "10/12/2026"})  # fmt: skip
    page = client.get(reverse("righttowork:training")).content.decode()
    overdue = TrainingRecord.objects.get(key_person=key_person)
    assert overdue.next_due == date(2026, 11, 10)
    assert "Overdue" in page
    assert "Due soon" in page
    assert page.index("Sponsor duties for Authorising Officers") < page.index("Assigning certificates")
    assert AuditEvent.objects.filter(verb=Verb.TRAINING_RECORDED).count() == 2


def test_correcting_a_record_is_audited_before_and_after(client, sponsor, level_1, today):
    record = training_record_add(
        sponsor=sponsor, actor=level_1, user=level_1, course="SMS basics", taken_on=date(2026, 1, 5)
    )
    sign_in(client, level_1)
    url = reverse("righttowork:training_edit", args=[record.uuid])
    assert client.get(url).context["form"].initial["course"] == "SMS basics"
    bad = client.post(url, {"course": "SMS basics", "taken_on": "05/01/2026", "next_due": "01/01/2026"})
    assert "must be after the date it was taken" in bad.content.decode()
    client.post(url, {"course": "SMS basics", "taken_on": "05/01/2026", "next_due": "05/07/2026"})
    record.refresh_from_db()
    assert record.next_due == date(2026, 7, 5)
    event = AuditEvent.objects.get(verb=Verb.TRAINING_UPDATED)
    assert event.payload["next_due"] == {"from": "2027-01-05", "to": "2026-07-05"}


def test_only_the_sponsors_own_people_can_be_trainees(sponsor, level_1, other_level_1, today):
    with pytest.raises(DomainError, match="Select who took the training"):
        training_record_add(sponsor=sponsor, actor=level_1, user=other_level_1, course="X", taken_on=today)
    with pytest.raises(DomainError, match="today or in the past"):
        training_record_add(sponsor=sponsor, actor=level_1, user=level_1, course="X", taken_on=date(2026, 12, 1))
    assert not TrainingRecord.objects.exists()


def test_another_sponsors_record_is_not_found_and_level_2_users_may_not_manage_training(
    client, sponsor, level_1, level_2, other_level_1, today
):
    record = training_record_add(sponsor=sponsor, actor=level_1, user=level_2, course="Reporting", taken_on=today)
    sign_in(client, other_level_1)
    assert client.get(reverse("righttowork:training_edit", args=[record.uuid])).status_code == 404
    assert "Reporting" not in client.get(reverse("righttowork:training")).content.decode()
    with pytest.raises(Http404):
        training_record_update(record=record, actor=other_level_1, course="Y", taken_on=today, next_due=None)
    client.logout()
    sign_in(client, level_2)
    assert client.get(reverse("righttowork:training")).status_code == 403
